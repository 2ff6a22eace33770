package dev.berth.operator.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * Evens replica counts with empty (0-byte) replicas, after {@link FillPhase} has evened the bytes.
 *
 * <p><b>Goal</b>: goal 2 of the planner (even replica counts) where goal 1 leaves nothing to do.
 * {@link FillPhase} moves replicas only while a receiver lacks bytes, so on topics that hold no data
 * yet (a cluster just created, or one whose producers have not started) a new broker got nothing,
 * and every partition created before it kept all its replicas on the old brokers. Moving an empty
 * replica costs no data and changes no byte balance, so it cannot undo goal 1.
 *
 * <p><b>Constraints</b>: only empty replicas move; only onto the receivers, only from the donors;
 * by whole replicas (a receiver at least one replica below its share of the count, a donor at least
 * one above), so nothing moves back and forth; the rack rule and RF through
 * {@link WorkingModel#canMove}. Follower replicas go first: a moved leader replica would change a
 * preferred leader, which {@link LeaderPhase} decides afterwards among the changed partitions.
 *
 * <p><b>Algorithm</b> (greedy): list the empty partitions by index. Repeat: take the receiver
 * furthest below its count share; from the donor furthest above its own, take the first empty
 * partition in which the donor holds a follower replica that may move to the receiver (else one in
 * which it holds the leader replica) and move it; if that donor has none for this receiver, try the
 * next donor; a receiver that nobody can serve is done. O(moves x donors x empty partitions) at
 * worst; one pass over the partitions when none is empty.
 *
 * <p><b>Worked example</b>: brokers 0, 1, 2 (no racks) hold 12 empty partitions of RF 3, 12
 * replicas each; broker 3 is new. Count share 36 / 4 = 9: broker 3 takes followers from 0, 1, 2
 * in turn (always the donor furthest above 9) until each has 9; no byte moves.
 */
final class CountPhase {
    private final WorkingModel m;

    CountPhase(WorkingModel m) {
        this.m = m;
    }

    /** Moves empty replicas from {@code mayDonate} brokers onto {@code receivers}; returns how many. */
    int run(int[] receivers, boolean[] mayDonate, MoveReason why) {
        List<Integer> empty = new ArrayList<>();
        for (int p = 0; p < m.partitionCount(); p++) {
            if (m.size[p] == 0) {
                empty.add(p);
            }
        }
        if (empty.isEmpty() || receivers.length == 0) {
            return 0;
        }
        double[] share = m.fairShare(m.countsAsLongs());
        boolean[] done = new boolean[receivers.length];
        int moves = 0;
        while (true) {
            int i = -1;
            for (int k = 0; k < receivers.length; k++) {
                int r = receivers[k];
                if (!done[k] && share[r] - m.count[r] >= 1
                        && (i < 0 || share[r] - m.count[r] > share[receivers[i]] - m.count[receivers[i]])) {
                    i = k;
                }
            }
            if (i < 0) {
                return moves;
            }
            int r = receivers[i];
            long pick = pick(r, empty, share, mayDonate);
            if (pick < 0) {
                done[i] = true;
                continue;
            }
            m.move((int) (pick >>> 32), (int) pick, r, why);
            moves++;
        }
    }

    /** (partition &lt;&lt; 32 | donor) of the empty replica to move onto {@code r}, or -1. */
    private long pick(int r, List<Integer> empty, double[] share, boolean[] mayDonate) {
        boolean[] tried = new boolean[m.brokers()];
        while (true) {
            int donor = -1;
            for (int b = 0; b < m.brokers(); b++) {
                if (!tried[b] && mayDonate[b] && m.active[b] && m.count[b] - share[b] >= 1
                        && (donor < 0 || m.count[b] - share[b] > m.count[donor] - share[donor])) {
                    donor = b;
                }
            }
            if (donor < 0) {
                return -1;
            }
            tried[donor] = true;
            for (int leaderReplica = 0; leaderReplica < 2; leaderReplica++) {
                for (int p : empty) {
                    int[] replicas = m.replicas[p];
                    boolean here = leaderReplica == 1 ? replicas[0] == donor
                            : replicas[0] != donor && WorkingModel.contains(replicas, donor);
                    if (here && m.canMove(p, donor, r)) {
                        return ((long) p << 32) | donor;
                    }
                }
            }
        }
    }
}
