package dev.berth.operator.plan;

import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.DiskSpace;
import dev.berth.operator.model.PartitionState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Hot partitions, second stage: moves the hot broker's replica of a partition it leads to a broker that
 * holds none, which becomes its leader. Data moves (throttled by the executor), so it runs only where
 * the first stage ({@link HotLeaders}) leaves a broker hot.
 *
 * <p><b>Goal.</b> The same as the first stage's: no broker leads much more produce than the mean. A
 * partition whose other replicas sit on brokers as busy as its leader (or that has no other replica)
 * cannot be cooled by leadership; moving its leader's replica to a cool broker can.
 * <b>Constraints</b>, hard: the replica count stays; the destination is registered and holds no replica
 * of the partition; rack-awareness is kept ({@link WorkingModel#canMove}: while there are at least RF
 * racks no two replicas share one, with fewer no rack gets more replicas than it had); only a partition
 * whose every replica is in sync moves (its data is then safe on the others while one is copied); a
 * partition the first stage reordered does not move again; at most {@code maxMoves} partitions per plan;
 * a destination takes no more bytes than its disk's room with the reserve kept free ({@link DiskRoom#room},
 * counting this plan's earlier moves; a broker whose disk is not known is trusted). Soft: among equally
 * good destinations the one with the fewest replica bytes wins, a tie on that goes to the smaller
 * partition (fewer bytes to copy), and then to the one with less produce (fewer clients see it move).
 *
 * <p><b>Algorithm.</b> Start from the loads the first stage leaves ({@link HotLeaders.Plan#after}),
 * and only if some broker is still hot there. While the hottest broker h is above
 * mean × (1 + tolerance ÷ 2) and moves are left: among the partitions h leads with a rate above 0, and
 * every broker d that may take h's replica, take the move with the lowest
 * max(load(h) − rate, load(d) + rate), provided it is below load(h). Its new replica list is d first,
 * then the other replicas in their order. When h has no such move, stop (a partition hotter than the
 * share it would leave cannot be split; it needs more partitions, which is the topic owner's call). If
 * h would have one with disk room ignored, the plan names it ({@link Plan#roomBlocked}): the reserve,
 * not the partitions, is then what keeps h hot, and the Warning says so.
 *
 * <p><b>Example</b>, tolerance 25%: brokers 0,1,2 in racks a,b,c; topic clicks has RF 1 and its three
 * partitions on broker 0 at 2 MB/s each. Loads 6, 0, 0; mean 2; stop at 2.25. The first stage can do
 * nothing (no other replica). h = 0: clicks-0 to 1 gives max(4, 2) = 4 (clicks-0 to 2 as well, and 1
 * has no more bytes than 2: the lower id of the two, listed first); loads 4, 2, 0. h = 0: clicks-1 to 2
 * gives max(2, 2) = 2: loads 2, 2, 2. Two moves, [0] → [1] and [0] → [2]; nobody is hot.
 */
public final class HotReplicas {
    /**
     * The most partitions one plan moves: each copies its whole log, throttled, so a wrong estimate (a
     * burst of produce) costs a bounded amount of copying, and the next plan, after the cool-down, sees
     * the result before it moves more.
     */
    public static final int MAX_MOVES = 10;

    private HotReplicas() {}

    /**
     * A plan.
     *
     * @param moves replica moves in the order they were chosen (reason {@link MoveReason#HOT_REPLICA})
     * @param after leader bytes-in per registered broker once both stages are done
     * @param stuck the hottest broker if it is still hot after both stages, else {@code null}
     * @param roomBlocked the move this stage would have made next had its destination's disk the room,
     *     when it stopped for want of room only and a broker is still hot; else {@code null}
     */
    public record Plan(List<Move> moves, Map<Integer, Double> after, HotLeaders.Stuck stuck, Move roomBlocked) {
        public Plan {
            moves = List.copyOf(moves);
            after = java.util.Collections.unmodifiableMap(new TreeMap<>(after));
        }

        /** A plan that did not stop for disk room. */
        public Plan(List<Move> moves, Map<Integer, Double> after, HotLeaders.Stuck stuck) {
            this(moves, after, stuck, null);
        }

        /** Bytes the moves copy (one log each). */
        public long bytesMoved() {
            return moves.stream().mapToLong(Move::bytesMoved).sum();
        }
    }

    /**
     * @param first the first stage's plan on {@code s}; its moves are applied to the loads and leaders
     *     before this stage plans, and its partitions do not move again
     * @param policy the same policy the first stage used; {@code maxMoves} here bounds this stage alone.
     *     A partition with a replica on a broker that is not registered is no candidate, and its bytes do
     *     not count for any destination.
     * @param minFreeDiskPercent the share of each destination's disk that must stay free
     */
    public static Plan plan(ClusterSnapshot s, HotLeaders.Plan first, HotLeaders.Policy policy,
            int minFreeDiskPercent) {
        Map<Integer, Double> load = new TreeMap<>(first.after());
        Map<String, Integer> leader = new HashMap<>();
        Set<String> moved = new HashSet<>();
        for (Move m : first.moves()) {
            moved.add(m.name());
            leader.put(m.name(), m.newReplicas().get(0));
        }
        List<Move> moves = new ArrayList<>();
        if (first.stuck() == null) {
            return new Plan(moves, load, null);
        }
        Set<Integer> registered = new HashSet<>();
        s.brokers().forEach(b -> registered.add(b.id()));
        // the model holds every partition it can (their bytes count for the destinations); only some may move
        List<PartitionState> known = new ArrayList<>();
        s.partitions().stream().filter(p -> registered.containsAll(p.replicas())).forEach(known::add);
        boolean[] movable = new boolean[known.size()];
        for (int q = 0; q < known.size(); q++) {
            PartitionState p = known.get(q);
            movable[q] = !moved.contains(p.name()) && p.bytesInPerSec() > 0 && !p.replicas().isEmpty()
                    && new HashSet<>(p.isr()).containsAll(p.replicas());
        }
        WorkingModel model = new WorkingModel(new ClusterSnapshot(s.takenAt(), s.brokers(), s.topics(), known),
                List.of(), Set.of());
        long[] room = new long[model.brokers()];
        for (int b = 0; b < room.length; b++) {
            DiskSpace disk = s.disks().get(model.brokerId[b]);
            room[b] = disk == null ? Long.MAX_VALUE : DiskRoom.room(disk, minFreeDiskPercent);
        }
        double stop = first.mean() * (1 + policy.tolerance() / 2);
        Move roomBlocked = null;
        while (moves.size() < policy.maxMoves()) {
            int h = HotLeaders.hottest(load);
            double hot = load.get(h);
            if (hot <= stop) {
                break;
            }
            Best best = best(model, movable, leader, load, h, room);
            if (best == null) {
                long[] unlimited = new long[room.length];
                java.util.Arrays.fill(unlimited, Long.MAX_VALUE);
                Best blocked = best(model, movable, leader, load, h, unlimited);
                roomBlocked = blocked == null ? null : move(model, blocked, h);
                break;
            }
            PartitionState p = model.partitions.get(best.partition);
            moves.add(move(model, best, h));
            model.move(best.partition, model.index(h), model.index(best.to), MoveReason.HOT_REPLICA);
            room[model.index(best.to)] -= p.sizeBytes();
            leader.put(p.name(), best.to);
            load.put(h, hot - p.bytesInPerSec());
            load.merge(best.to, p.bytesInPerSec(), Double::sum);
        }
        HotLeaders.Stuck stuck = HotLeaders.anyHot(load, first.mean(), policy) ? HotLeaders.stuck(s, leader, load) : null;
        return new Plan(moves, load, stuck, stuck == null ? null : roomBlocked);
    }

    /** h's replica of the best move's partition to its destination, which leads it. */
    private static Move move(WorkingModel model, Best best, int h) {
        PartitionState p = model.partitions.get(best.partition);
        List<Integer> order = new ArrayList<>();
        order.add(best.to);
        p.replicas().stream().filter(r -> r != h).forEach(order::add);
        return new Move(p.topic(), p.partition(), p.replicas(), order, MoveReason.HOT_REPLICA, p.sizeBytes());
    }

    private record Best(int partition, int to) {}

    /** The best move of a replica off {@code h}, or null when none lowers its load. */
    private static Best best(WorkingModel model, boolean[] movable, Map<String, Integer> leader,
            Map<Integer, Double> load, int h, long[] room) {
        double hot = load.get(h);
        Best best = null;
        double bestMax = hot;
        long bestBytes = Long.MAX_VALUE;
        long bestSize = Long.MAX_VALUE;
        double bestRate = Double.MAX_VALUE;
        int from = model.index(h);
        for (int q = 0; q < model.partitionCount(); q++) {
            PartitionState p = model.partitions.get(q);
            if (!movable[q] || leader.getOrDefault(p.name(), p.leader()) != h || model.changed(q)) {
                continue;
            }
            for (int to = 0; to < model.brokers(); to++) {
                int id = model.brokerId[to];
                if (!load.containsKey(id) || !model.canMove(q, from, to) || p.sizeBytes() > room[to]) {
                    continue;
                }
                double max = Math.max(hot - p.bytesInPerSec(), load.get(id) + p.bytesInPerSec());
                long bytes = model.bytes[to];
                boolean better = max < bestMax || max == bestMax && best != null && (bytes < bestBytes
                        || bytes == bestBytes && (p.sizeBytes() < bestSize
                        || p.sizeBytes() == bestSize && p.bytesInPerSec() < bestRate));
                if (better) {
                    best = new Best(q, id);
                    bestMax = max;
                    bestBytes = bytes;
                    bestSize = p.sizeBytes();
                    bestRate = p.bytesInPerSec();
                }
            }
        }
        return best;
    }
}
