package dev.berth.operator.plan;

import dev.berth.operator.model.BrokerState;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.PartitionState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Hot partitions, first stage: evens the produce load that brokers take as leaders by handing
 * leadership to another replica of the same partition. No data moves.
 *
 * <p><b>Goal.</b> A producer writes to a partition's leader, so a broker that leads the busiest
 * partitions takes their whole bytes-in (and serves every follower's fetch of them) while its peers
 * idle. The goal is that no broker leads much more bytes-in than the mean of the registered brokers.
 * <b>Constraints:</b> the new leader is an in-sync replica on a registered broker; a partition's
 * replica set never changes, only its order (the new leader first, the others in their order), so
 * racks, bytes and replica counts stay as they are; each partition moves at most once a plan, and a
 * plan moves at most {@link Policy#maxMoves} partitions (each move costs its clients a metadata
 * refresh). Rates are estimates from log growth, so small differences are left alone.
 *
 * <p><b>Algorithm.</b> load(b) = the sum of {@code bytesInPerSec} over the partitions b leads now;
 * mean = the sum over all registered brokers ÷ their number. Nothing is planned unless some broker is
 * hot: load(b) &gt; mean × (1 + tolerance) and load(b) − mean ≥ {@code minBytesInPerSec}. Then,
 * greedily, while the hottest broker h (the lowest id on a tie) is above mean × (1 + tolerance ÷ 2)
 * (half, so that the next reading's noise does not start another plan at once): among the partitions
 * h leads with a rate above 0 that have not moved yet, and their in-sync replicas r, take the move
 * that gives the lowest max(load(h) − rate, load(r) + rate), provided it is below load(h) (the first
 * partition in snapshot order, then the first replica in list order, on a tie). When h has no such
 * move, the plan stops: a partition hotter than the share it would leave cannot be split by
 * leadership, which is the second stage's work (moving replicas). A broker still hot after the plan is
 * reported in {@link Plan#stuck}, with the hottest partition it leads.
 *
 * <p><b>Example</b>, tolerance 25%: brokers 0,1,2; broker 0 leads hot-0 [0,1,2] at 6 MB/s, hot-1
 * [0,2,1] and hot-2 [0,1,2] at 3 MB/s each. Loads 12, 0, 0; mean 4; 12 &gt; 5: hot. Stop at 4.5.
 * h = 0: hot-0 to 1 gives max(6, 6) = 6, the lowest: [1,0,2]; loads 6, 6, 0. h = 0 again (tie, lowest
 * id): hot-1 to 2 gives max(3, 3) = 3: [2,0,1]; loads 3, 6, 3. h = 1 leads only hot-0, which moved:
 * stop. Two moves; the hottest broker went from 12 to 6 MB/s. Broker 1 is still hot (6 &gt; 5), and hot-0
 * alone carries its 6 MB/s: {@link Plan#stuck} names both.
 */
public final class HotLeaders {
    /**
     * The most partitions the operator's plan moves: a wrong estimate (a burst of produce) churns a
     * bounded number of leaders, and 50 moves even dozens of hot brokers.
     */
    public static final int MAX_MOVES = 50;

    private HotLeaders() {}

    /**
     * When and how much to move.
     *
     * @param tolerance how far above the mean a broker's leader bytes-in may be before it is hot, as a
     *     fraction (0.25 = 25%)
     * @param minBytesInPerSec how far above the mean, in bytes/s, a hot broker must be as well: below it
     *     the difference is noise or too small to matter
     * @param maxMoves the most partitions one plan moves
     */
    public record Policy(double tolerance, double minBytesInPerSec, int maxMoves) {}

    /**
     * A plan.
     *
     * @param moves reorders, in the order they were chosen (reason {@link MoveReason#HOT_LEADER})
     * @param before leader bytes-in per registered broker now
     * @param after the same once the moves are done
     * @param mean the mean of {@code before}
     * @param stuck the hottest broker if it is still hot once the moves are done, else {@code null}
     */
    public record Plan(List<Move> moves, Map<Integer, Double> before, Map<Integer, Double> after, double mean,
            Stuck stuck) {
        public Plan {
            moves = List.copyOf(moves);
            before = java.util.Collections.unmodifiableMap(new TreeMap<>(before));
            after = java.util.Collections.unmodifiableMap(new TreeMap<>(after));
        }

        /** The broker with the most leader bytes-in before the plan (the lowest id on a tie), or -1. */
        public int hottest() {
            return HotLeaders.hottest(before);
        }
    }

    /**
     * A broker leadership moves cannot cool: it stays hot after the plan.
     *
     * @param broker its id
     * @param bytesInPerSec its leader bytes-in after the plan
     * @param partition the partition with the most bytes-in it still leads (null if none has any)
     * @param partitionBytesInPerSec that partition's bytes-in
     */
    public record Stuck(int broker, double bytesInPerSec, String partition, double partitionBytesInPerSec) {}

    public static Plan plan(ClusterSnapshot s, Policy policy) {
        Map<Integer, Double> load = new TreeMap<>();
        for (BrokerState b : s.brokers()) {
            load.put(b.id(), 0.0);
        }
        for (PartitionState p : s.partitions()) {
            if (load.containsKey(p.leader()) && p.bytesInPerSec() > 0) {
                load.merge(p.leader(), p.bytesInPerSec(), Double::sum);
            }
        }
        Map<Integer, Double> before = new TreeMap<>(load);
        double mean = load.values().stream().mapToDouble(Double::doubleValue).sum() / Math.max(1, load.size());
        List<Move> moves = new ArrayList<>();
        if (!anyHot(load, mean, policy)) {
            return new Plan(moves, before, load, mean, null);
        }
        double stop = mean * (1 + policy.tolerance() / 2);
        Set<String> moved = new HashSet<>();
        while (moves.size() < policy.maxMoves()) {
            int h = hottest(load);
            double hot = load.get(h);
            if (hot <= stop) {
                break;
            }
            PartitionState bestP = null;
            int bestR = -1;
            double bestMax = hot;
            for (PartitionState p : s.partitions()) {
                if (p.leader() != h || p.bytesInPerSec() <= 0 || moved.contains(p.name())) {
                    continue;
                }
                for (int r : p.replicas()) {
                    if (r == h || !p.isr().contains(r) || !load.containsKey(r)) {
                        continue;
                    }
                    double max = Math.max(hot - p.bytesInPerSec(), load.get(r) + p.bytesInPerSec());
                    if (max < bestMax) {
                        bestMax = max;
                        bestP = p;
                        bestR = r;
                    }
                }
            }
            if (bestP == null) {
                break;
            }
            List<Integer> order = new ArrayList<>();
            order.add(bestR);
            for (int r : bestP.replicas()) {
                if (r != bestR) {
                    order.add(r);
                }
            }
            moves.add(new Move(bestP.topic(), bestP.partition(), bestP.replicas(), order, MoveReason.HOT_LEADER,
                    bestP.sizeBytes()));
            moved.add(bestP.name());
            load.put(h, hot - bestP.bytesInPerSec());
            load.merge(bestR, bestP.bytesInPerSec(), Double::sum);
        }
        Map<String, Integer> newLeader = new java.util.HashMap<>();
        moves.forEach(m -> newLeader.put(m.name(), m.newReplicas().get(0)));
        return new Plan(moves, before, load, mean, anyHot(load, mean, policy) ? stuck(s, newLeader, load) : null);
    }

    /**
     * The hottest broker by {@code load}, with the busiest partition it leads once the partitions in
     * {@code newLeader} are led by the broker given there (the others by their leader now).
     */
    static Stuck stuck(ClusterSnapshot s, Map<String, Integer> newLeader, Map<Integer, Double> load) {
        int h = hottest(load);
        PartitionState top = null;
        for (PartitionState p : s.partitions()) {
            if (newLeader.getOrDefault(p.name(), p.leader()) == h && p.bytesInPerSec() > 0
                    && (top == null || p.bytesInPerSec() > top.bytesInPerSec())) {
                top = p;
            }
        }
        return new Stuck(h, load.get(h), top == null ? null : top.name(), top == null ? 0 : top.bytesInPerSec());
    }

    /** Whether some broker's load is above mean × (1 + tolerance) and at least the minimum above the mean. */
    static boolean anyHot(Map<Integer, Double> load, double mean, Policy policy) {
        for (double l : load.values()) {
            if (l > mean * (1 + policy.tolerance()) && l - mean >= policy.minBytesInPerSec()) {
                return true;
            }
        }
        return false;
    }

    static int hottest(Map<Integer, Double> load) {
        int h = -1;
        double max = -1;
        for (Map.Entry<Integer, Double> e : load.entrySet()) {
            if (e.getValue() > max) {
                max = e.getValue();
                h = e.getKey();
            }
        }
        return h;
    }

    /** Bytes/s for people: "950 B/s", "12.5 KiB/s", "3.0 MiB/s". */
    public static String rate(double bytesPerSec) {
        if (bytesPerSec < 1024) {
            return Math.round(bytesPerSec) + " B/s";
        }
        if (bytesPerSec < 1024 * 1024) {
            return String.format(java.util.Locale.ROOT, "%.1f KiB/s", bytesPerSec / 1024);
        }
        return String.format(java.util.Locale.ROOT, "%.1f MiB/s", bytesPerSec / (1024 * 1024));
    }
}
