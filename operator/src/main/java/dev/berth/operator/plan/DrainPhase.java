package dev.berth.operator.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.IntPredicate;

/**
 * Moves replicas off brokers: every replica of a removed broker (scale-down), or one replica of
 * each partition that breaks rack-awareness (repair).
 *
 * <p><b>Constraint</b>: each target passes {@link WorkingModel#canMove} (active, not already a
 * replica, rack rule). <b>Goal</b>: even bytes, then counts. <b>Algorithm</b>: largest replica
 * first (LPT scheduling: the big logs are placed while every broker still has room), each to the
 * allowed broker with the fewest bytes, ties by fewest replicas, then by the injected Random. The
 * replacement takes the leaving replica's position, so a leaving preferred leader is replaced by
 * its successor as preferred leader ({@link LeaderPhase} may then pick a better one).
 *
 * <p><b>Example.</b> Remove broker 4 (rack a) holding t-0 (9 GB, replicas [4,2,3]) and t-1
 * (1 GB, [2,4,3]); brokers 1 (a, 5 GB) and 5 (a, 3 GB) remain in rack a. t-0 goes first to 5
 * (3 GB, the lightest), giving [5,2,3]; then t-1 goes to 1 (5 GB &lt; 12 GB): [2,1,3].
 */
final class DrainPhase {
    private final WorkingModel m;
    private final Random random;

    DrainPhase(WorkingModel m, Random random) {
        this.m = m;
        this.random = random;
    }

    /** Move every replica held by an inactive broker. Returns bytes moved. */
    long drainRemoved() {
        List<int[]> work = new ArrayList<>();
        for (int p = 0; p < m.partitionCount(); p++) {
            for (int b : m.replicas[p]) {
                if (!m.active[b]) {
                    work.add(new int[] {p, b});
                }
            }
        }
        work.sort(Comparator.<int[]>comparingLong(w -> -m.size[w[0]]).thenComparingInt(w -> w[0]));
        List<Problem> problems = new ArrayList<>();
        long moved = 0;
        for (int[] w : work) {
            int to = lightest(w[0], w[1], b -> true);
            if (to < 0) {
                problems.add(noTarget(w[0], w[1]));
                continue;
            }
            m.move(w[0], w[1], to, MoveReason.DRAIN);
            moved += m.size[w[0]];
        }
        if (!problems.isEmpty()) {
            throw new PlanRefusedException(problems.size() > 5 ? problems.subList(0, 5) : problems);
        }
        return moved;
    }

    /**
     * For each rack-aware partition with two replicas in one rack, move the later one to an
     * allowed broker in a free rack. Partitions that cannot be repaired are left as they are.
     * Returns bytes moved.
     */
    long repairRacks(IntPredicate allowedTarget) {
        long moved = 0;
        for (int p = 0; p < m.partitionCount(); p++) {
            if (!m.rackAware(p)) {
                continue;
            }
            int[] r = m.replicas[p];
            for (int k = r.length - 1; k > 0; k--) {
                int from = r[k];
                if (m.inRack(p, m.rack[from], from) == 0) {
                    continue;
                }
                int to = lightest(p, from, allowedTarget);
                if (to >= 0) {
                    m.move(p, from, to, MoveReason.RACK_REPAIR);
                    moved += m.size[p];
                }
            }
        }
        return moved;
    }

    private int lightest(int p, int from, IntPredicate allowed) {
        List<Integer> best = new ArrayList<>();
        for (int b = 0; b < m.brokers(); b++) {
            if (!allowed.test(b) || !m.canMove(p, from, b)) {
                continue;
            }
            if (best.isEmpty()) {
                best.add(b);
                continue;
            }
            int c = best.get(0);
            int cmp = m.bytes[b] != m.bytes[c] ? Long.compare(m.bytes[b], m.bytes[c])
                    : Integer.compare(m.count[b], m.count[c]);
            if (cmp < 0) {
                best.clear();
                best.add(b);
            } else if (cmp == 0) {
                best.add(b);
            }
        }
        if (best.isEmpty()) {
            return -1;
        }
        return best.size() == 1 ? best.get(0) : best.get(random.nextInt(best.size()));
    }

    private Problem noTarget(int p, int from) {
        int outside = 0;
        for (int b = 0; b < m.brokers(); b++) {
            if (m.active[b] && !WorkingModel.contains(m.replicas[p], b)) {
                outside++;
            }
        }
        List<String> racks = new ArrayList<>();
        for (int x : m.replicas[p]) {
            if (x != from) {
                racks.add(String.valueOf(m.rackName[x]));
            }
        }
        return new Problem(RefusalReason.NO_ELIGIBLE_TARGET, "partition "
                + m.partitions.get(p).name() + " cannot leave broker " + m.brokerId[from] + ": "
                + outside + " remaining brokers outside its replica set, none in a rack other than "
                + racks);
    }
}
