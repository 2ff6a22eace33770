package dev.berth.operator.plan;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The replica lists a batch of reassignments started from, so that a cancelled move can be put back
 * exactly, order included.
 *
 * <p>Goal: a call-off leaves every partition as it was before the move. Kafka's cancel (an empty
 * reassignment) drops the replicas being added but keeps the order of the target, with the replicas
 * being removed at the end: [3,1,2] moving to [1,2,0] comes back as [1,2,3]. The first replica is
 * the preferred leader, so broker 3 would lose that partition's leadership for good (Kafka's own
 * leader rebalancing goes back to the preferred replica, now 1).
 *
 * <p>Constraints: kept in {@code status.operation.details} (a string map), at most one batch (10
 * partitions by default): a new batch starts only once the last one is over. Topic names hold
 * [a-zA-Z0-9._-], never ':', ';' or ','.
 *
 * <p>Algorithm: {@link #encode} writes {@code topic-p:b1,b2,b3} entries joined by ';'. After a cancel,
 * {@link #reorders} gives, for every recorded partition whose replicas now are the same brokers in
 * another order, the recorded order to ask for (a reorder only: no data moves, Kafka applies it at
 * once). A partition that holds other brokers (a move finished before the cancel) is left alone.
 *
 * <p>Example: recorded {orders-0: [3,1,2], orders-4: [2,3,1]}, now {orders-0: [1,2,3], orders-4:
 * [2,0,1]} gives {orders-0: [3,1,2]}: orders-4's move to broker 0 finished, it stays.
 */
public final class BatchOrigins {
    private BatchOrigins() {}

    public static String encode(Map<String, List<Integer>> from) {
        StringBuilder out = new StringBuilder();
        new TreeMap<>(from).forEach((partition, replicas) -> {
            if (out.length() > 0) {
                out.append(';');
            }
            out.append(partition).append(':');
            for (int i = 0; i < replicas.size(); i++) {
                out.append(i == 0 ? "" : ",").append(replicas.get(i));
            }
        });
        return out.toString();
    }

    /** The map {@link #encode} wrote; an empty or null text gives an empty map, a malformed entry is skipped. */
    public static Map<String, List<Integer>> decode(String text) {
        Map<String, List<Integer>> out = new TreeMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String entry : text.split(";")) {
            int colon = entry.lastIndexOf(':');
            int dash = colon <= 0 ? -1 : entry.lastIndexOf('-', colon);
            if (dash <= 0 || !entry.substring(dash + 1, colon).matches("\\d{1,9}")) {
                continue; // not topic-partition: a hand-edited status
            }
            try {
                List<Integer> replicas = new ArrayList<>();
                for (String id : entry.substring(colon + 1).split(",")) {
                    replicas.add(Integer.parseInt(id.trim()));
                }
                out.put(entry.substring(0, colon), List.copyOf(replicas));
            } catch (NumberFormatException e) {
                // a hand-edited status: that partition is not restored, nothing else is lost
            }
        }
        return out;
    }

    /** Recorded partitions whose replicas are now the same brokers in another order, to their recorded order. */
    public static Map<String, List<Integer>> reorders(Map<String, List<Integer>> recorded,
            Map<String, List<Integer>> now) {
        Map<String, List<Integer>> out = new TreeMap<>();
        recorded.forEach((partition, before) -> {
            List<Integer> current = now.get(partition);
            if (current != null && !current.equals(before) && current.size() == before.size()
                    && new HashSet<>(current).equals(new HashSet<>(before))) {
                out.put(partition, before);
            }
        });
        return out;
    }

    /**
     * Recorded partitions that now show more replicas than before their move, with no move running:
     * the broker that answered describeTopics has not yet applied the end of the move (its metadata
     * lags the controller by a moment), and still lists the old and the new replicas. A plan made
     * from that would move a replica that is gone, or find no broker to take a leaving broker's
     * replica (all look taken): wait for it instead. Berth's moves never change a partition's
     * replica count, so a longer list after the batch is always this lag, or someone else's change.
     * Example: recorded [3,1,2], now [1,2,0,3] gives that partition; now [1,2,0] gives none.
     */
    public static java.util.Set<String> behind(Map<String, List<Integer>> recorded, Map<String, List<Integer>> now) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        recorded.forEach((partition, before) -> {
            List<Integer> current = now.get(partition);
            if (current != null && current.size() > before.size()) {
                out.add(partition);
            }
        });
        return out;
    }
}
