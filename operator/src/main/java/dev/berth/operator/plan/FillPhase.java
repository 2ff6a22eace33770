package dev.berth.operator.plan;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Evens replica bytes, replica counts and leaders by moving replicas from donors (above their fair
 * share) to receivers (below it), never past the share: the least data that evens the load. The
 * fair share is the mean per broker, or the mean of the broker's rack when rack-awareness pins
 * each rack's total ({@link WorkingModel#fairShare}).
 *
 * <p><b>Goals</b>, in priority order: (1) even replica bytes, (2) even replica counts, (3) even
 * preferred leaders. Goals 2 and 3 only steer which replica is picked among those that serve goal
 * 1, so they cannot undo it. <b>Constraints</b>: rack rule and RF via {@link WorkingModel#canMove};
 * a receiver never goes above the mean bytes and a donor never below it, so no byte moves twice and
 * total movement is at most the receivers' shortfall.
 *
 * <p><b>Algorithm</b> (greedy, O(moves x donors + replicas log replicas)):
 * <ol>
 *   <li>per donor, its leader replicas and its follower replicas, each sorted by size;
 *   <li>take the receiver r with the largest byte shortfall {@code need(r) = share(r) - bytes(r)};
 *   <li>the wanted size is {@code need(r) / (shareCount(r) - count(r))}: the average size that fills
 *       bytes and count together; the wanted kind is a leader replica while r's share of leaders
 *       taken lags its leader shortfall / count shortfall, else a follower;
 *   <li>from the donor with the largest excess (for a leader: the largest leader excess), take the
 *       eligible replica of that kind whose size is closest to the wanted size but at most
 *       {@code min(need(r), excess(donor))}; if none, the next donor, then the other kind;
 *   <li>if nothing fits, one replica under twice the cap (both ends get closer to their share); a
 *       receiver it takes past its share is full;
 *   <li>move it (same position in the replica list: a leader replica makes r preferred leader);
 *       repeat until every receiver is full or nothing fits. An empty (0-byte) replica is eligible
 *       only while it evens replica counts: it never lowers a receiver's need, so it would
 *       otherwise be taken again and again.
 * </ol>
 *
 * <p><b>Worked example</b> ({@code PlanPhasesTest}). Brokers 1,2,3 (no racks) each lead six RF-1
 * partitions of 10, 1, 8, 2, 5 and 4 GB (30 GB); 4 is new. Mean 22.5 GB and 4.5 partitions: need(4) =
 * 22.5 GB, wanted size 22.5 / 4.5 = 5 GB. The 5 GB replicas come first, from 1, 2 and 3 in turn (each
 * donor's excess is 7.5 GB); then need is 7.5 GB and every donor's excess 2.5 GB, so the 2 GB ones
 * follow. 1.5 GB of need is left, and no replica fits under a donor's 0.5 GB excess, nor under twice
 * it: broker 4 ends with 21 GB, 21 GB moved, under the 22.5 GB minimum rather than past any share.
 */
final class FillPhase {
    private final WorkingModel m;

    private double[] shareBytes;
    private double[] shareCount;
    private double meanLeaders;
    private int[] donors;
    /** [donor][0 = followers, 1 = leaders]: partition indexes sorted by size ascending. */
    private int[][][] lists;

    FillPhase(WorkingModel m) {
        this.m = m;
    }

    /**
     * @param receivers broker indexes that may receive
     * @param mayDonate which brokers may give replicas away
     * @return the minimum bytes any plan must move: the receivers' total shortfall to the mean
     */
    long run(int[] receivers, boolean[] mayDonate, MoveReason why) {
        shareBytes = m.fairShare(m.bytes);
        shareCount = m.fairShare(m.countsAsLongs());
        long leaderTotal = 0;
        for (int b = 0; b < m.brokers(); b++) {
            leaderTotal += m.leaders[b];
        }
        meanLeaders = (double) leaderTotal / m.activeCount();

        long minimum = 0;
        double[] need = new double[receivers.length];
        double[] leaderShare = new double[receivers.length];
        int[] taken = new int[receivers.length];
        int[] takenLeaders = new int[receivers.length];
        for (int i = 0; i < receivers.length; i++) {
            int r = receivers[i];
            need[i] = shareBytes[r] - m.bytes[r];
            minimum += (long) Math.max(0, Math.floor(need[i]));
            double countNeed = Math.max(1, shareCount[r] - m.count[r]);
            leaderShare[i] = Math.min(1, Math.max(0, (meanLeaders - m.leaders[r]) / countNeed));
        }
        buildLists(mayDonate);
        boolean[][] exhausted = new boolean[receivers.length][donors.length * 2];
        boolean[] full = new boolean[receivers.length];
        while (true) {
            int i = -1;
            for (int k = 0; k < receivers.length; k++) {
                if (!full[k] && need[k] > 0 && (i < 0 || need[k] > need[i])) {
                    i = k;
                }
            }
            if (i < 0) {
                break;
            }
            int r = receivers[i];
            double countNeed = shareCount[r] - m.count[r];
            double want = countNeed >= 1 ? need[i] / countNeed : need[i];
            boolean leader = m.leaders[r] < meanLeaders
                    && takenLeaders[i] < leaderShare[i] * (taken[i] + 1);
            long pick = find(r, need[i], want, leader, true, exhausted[i]);
            if (pick < 0) {
                pick = find(r, need[i], want, !leader, false, exhausted[i]);
            }
            // Stage 2, only when nothing fits: a bounded overshoot (see overshoot()).
            if (pick < 0) {
                pick = overshoot(r, need[i]);
            }
            if (pick < 0) {
                full[i] = true;
                continue;
            }
            int p = (int) (pick >>> 32);
            int donor = (int) pick;
            if (m.replicas[p][0] == donor) {
                takenLeaders[i]++;
            }
            taken[i]++;
            m.move(p, donor, r, why);
            need[i] -= m.size[p];
        }
        return minimum;
    }

    /**
     * Returns (partition &lt;&lt; 32 | donor broker index), or -1. With {@code leaderGoal} a leader
     * replica is only taken from a donor above the mean leaders; as a fallback (bytes come first)
     * from any donor.
     */
    private long find(int r, double need, double want, boolean leader, boolean leaderGoal,
            boolean[] exhausted) {
        boolean[] tried = new boolean[donors.length];
        while (true) {
            int best = -1;
            for (int d = 0; d < donors.length; d++) {
                int b = donors[d];
                if (tried[d] || exhausted[d * 2 + (leader ? 1 : 0)] || m.bytes[b] <= shareBytes[b]) {
                    continue;
                }
                if (leader && leaderGoal && m.leaders[b] <= meanLeaders) {
                    continue;
                }
                if (best < 0 || better(b, donors[best], leader)) {
                    best = d;
                }
            }
            if (best < 0) {
                return -1;
            }
            tried[best] = true;
            int b = donors[best];
            double cap = Math.min(need, m.bytes[b] - shareBytes[b]);
            int p = closest(lists[best][leader ? 1 : 0], b, r, cap, Math.min(want, cap), leader);
            if (p >= 0) {
                return ((long) p << 32) | b;
            }
            exhausted[best * 2 + (leader ? 1 : 0)] = true;
        }
    }

    /**
     * Nothing fits under the cap: the replica closest to the cap but under twice of it, so the
     * receiver and the donor both end closer to their shares than before. Returns as {@link #find}.
     */
    private long overshoot(int r, double need) {
        long best = -1;
        double bestGap = Double.MAX_VALUE;
        for (int d = 0; d < donors.length; d++) {
            int b = donors[d];
            double cap = Math.min(need, m.bytes[b] - shareBytes[b]);
            if (cap <= 0) {
                continue;
            }
            for (int kind = 0; kind < 2; kind++) {
                int p = closest(lists[d][kind], b, r, Math.nextDown(2 * cap), cap, kind == 1);
                if (p >= 0 && Math.abs(m.size[p] - cap) < bestGap) {
                    bestGap = Math.abs(m.size[p] - cap);
                    best = ((long) p << 32) | b;
                }
            }
        }
        return best;
    }

    private boolean better(int b, int than, boolean leader) {
        if (leader && m.leaders[b] != m.leaders[than]) {
            return m.leaders[b] > m.leaders[than];
        }
        return m.bytes[b] - shareBytes[b] > m.bytes[than] - shareBytes[than];
    }

    /**
     * The eligible entry of a size-sorted list closest to {@code want}, at most {@code cap}.
     * Entries whose replica already left the donor are skipped (lazy deletion).
     */
    private int closest(int[] list, int donor, int r, double cap, double want, boolean leader) {
        int hi = upperBound(list, cap) - 1;
        if (hi < 0) {
            return -1;
        }
        int up = Math.min(upperBound(list, want), hi);
        int down = up - 1;
        while (down >= 0 || up <= hi) {
            boolean takeUp = down < 0 || (up <= hi
                    && m.size[list[up]] - want <= want - m.size[list[down]]);
            int p = takeUp ? list[up++] : list[down--];
            if (stillThere(p, donor, leader) && m.canMove(p, donor, r) && (m.size[p] > 0 || evensCounts(donor, r))) {
                return p;
            }
        }
        return -1;
    }

    /**
     * An empty replica moves no bytes and never lowers the receiver's need, so without this test
     * every eligible one would be taken: it moves only while it evens replica counts (goal 2), the
     * receiver a whole replica below its share and the donor a whole replica above.
     */
    private boolean evensCounts(int donor, int r) {
        return shareCount[r] - m.count[r] >= 1 && m.count[donor] - shareCount[donor] >= 1;
    }

    private boolean stillThere(int p, int donor, boolean leader) {
        int[] r = m.replicas[p];
        return leader ? r[0] == donor : r[0] != donor && WorkingModel.contains(r, donor);
    }

    /** First index whose size is greater than {@code v}. */
    private int upperBound(int[] list, double v) {
        int lo = 0;
        int hi = list.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (m.size[list[mid]] <= v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private void buildLists(boolean[] mayDonate) {
        donors = IntStream.range(0, m.brokers()).filter(b -> mayDonate[b] && m.active[b]).toArray();
        int[] slot = new int[m.brokers()];
        Arrays.fill(slot, -1);
        for (int d = 0; d < donors.length; d++) {
            slot[donors[d]] = d;
        }
        int[][] sizes = new int[donors.length][2];
        for (int p = 0; p < m.partitionCount(); p++) {
            int[] r = m.replicas[p];
            for (int k = 0; k < r.length; k++) {
                if (slot[r[k]] >= 0) {
                    sizes[slot[r[k]]][k == 0 ? 1 : 0]++;
                }
            }
        }
        lists = new int[donors.length][2][];
        int[][] fill = new int[donors.length][2];
        for (int d = 0; d < donors.length; d++) {
            lists[d][0] = new int[sizes[d][0]];
            lists[d][1] = new int[sizes[d][1]];
        }
        for (int p : bySize()) {
            int[] r = m.replicas[p];
            for (int k = 0; k < r.length; k++) {
                int d = slot[r[k]];
                if (d >= 0) {
                    int kind = k == 0 ? 1 : 0;
                    lists[d][kind][fill[d][kind]++] = p;
                }
            }
        }
    }

    /** Partition indexes by size ascending, ties by index; packed into longs when they fit. */
    private int[] bySize() {
        int n = m.partitionCount();
        int bits = 32 - Integer.numberOfLeadingZeros(Math.max(1, n));
        long max = 0;
        for (long s : m.size) {
            max = Math.max(max, s);
        }
        if (max < (1L << (62 - bits))) {
            long[] keys = new long[n];
            for (int p = 0; p < n; p++) {
                keys[p] = (m.size[p] << bits) | p;
            }
            Arrays.sort(keys);
            int[] out = new int[n];
            long mask = (1L << bits) - 1;
            for (int i = 0; i < n; i++) {
                out[i] = (int) (keys[i] & mask);
            }
            return out;
        }
        return IntStream.range(0, n).boxed()
                .sorted(Comparator.<Integer>comparingLong(p -> m.size[p]).thenComparingInt(p -> p))
                .mapToInt(Integer::intValue).toArray();
    }
}
