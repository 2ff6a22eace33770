package dev.berth.operator.plan;

import java.util.function.IntPredicate;

/**
 * Evens preferred leaders by reordering replica lists: no data moves.
 *
 * <p><b>Goal</b>: every broker leads between floor(mean) and ceil(mean) partitions.
 * <b>Constraints</b>: only partitions the caller allows are touched (all of them for a rebalance;
 * for scale-up only the partitions already moving, and only towards new brokers; for scale-down
 * only partitions whose preferred leader is leaving), so leaders stay where they are unless they
 * must move. Replica sets never change, so no earlier goal (racks, bytes, counts) is undone.
 * <b>Algorithm</b>: up to four passes over the partitions; a partition's preferred leader a hands
 * over to the allowed replica c with the fewest leaderships when a leads more than ceil(mean) or c
 * fewer than floor(mean), and c + 1 &lt; a (every swap strictly lowers the sum of squares, so it
 * terminates).
 *
 * <p><b>Example.</b> Brokers 1,2,3,4 lead 3,3,2,0 (mean 2). t-5 = [1,4,2] is allowed: 4 leads 0 &lt;
 * floor(2), 0 + 1 &lt; 3, so t-5 becomes [4,1,2] and the counts 2,3,2,1.
 */
final class LeaderPhase {
    private static final int PASSES = 4;
    private final WorkingModel m;

    LeaderPhase(WorkingModel m) {
        this.m = m;
    }

    /** Returns the number of partitions whose preferred leader changed in this phase. */
    int run(IntPredicate partitionAllowed, IntPredicate mayGain) {
        long total = 0;
        for (int b = 0; b < m.brokers(); b++) {
            total += m.active[b] ? m.leaders[b] : 0;
        }
        double mean = (double) total / Math.max(1, m.activeCount());
        int floor = (int) Math.floor(mean);
        int ceil = (int) Math.ceil(mean);
        int swaps = 0;
        for (int pass = 0; pass < PASSES; pass++) {
            int before = swaps;
            for (int p = 0; p < m.partitionCount(); p++) {
                int[] r = m.replicas[p];
                if (r.length < 2 || !partitionAllowed.test(p)) {
                    continue;
                }
                int a = r[0];
                int best = -1;
                for (int k = 1; k < r.length; k++) {
                    int c = r[k];
                    if (m.active[c] && mayGain.test(c)
                            && (best < 0 || m.leaders[c] < m.leaders[r[best]])) {
                        best = k;
                    }
                }
                if (best < 0) {
                    continue;
                }
                int c = r[best];
                boolean needed = m.leaders[a] > ceil || m.leaders[c] < floor || !m.active[a];
                if (needed && m.leaders[c] + 1 < m.leaders[a]) {
                    m.promote(p, best, MoveReason.LEADER_BALANCE);
                    swaps++;
                }
            }
            if (swaps == before) {
                break;
            }
        }
        return swaps;
    }
}
