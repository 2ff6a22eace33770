package dev.berth.operator.plan;

import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.PartitionState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Leadership off a broker before it restarts, and the orders that bring it back afterwards.
 *
 * <p><b>Goal.</b> Clients should not notice a restart: every partition the broker leads gets another
 * in-sync leader before its pod is deleted, and the broker takes its preferred leaderships back once
 * it has caught up. <b>Constraints:</b> Kafka elects only the first in-sync replica of the list
 * (preferred election), so leadership is moved by reordering the replicas (a reassignment to the same
 * brokers: no data moves) and electing. While the broker is away, its partitions must not name it
 * first, or Kafka's own leader balancing would hand leadership back to it as soon as it returns,
 * before it has caught up everywhere.
 *
 * <p><b>Algorithm.</b> {@link #away}: for every partition the broker leads or lists first, and that
 * has another in-sync replica: that replica (the first one in list order) first, the others in
 * their order, the broker last. A partition whose list already is that order is not returned; if the
 * broker still leads it, {@link #stillLeads} names it, for a preferred election. A partition with no
 * other in-sync replica cannot move and is left (the safety rule decides whether the restart waits).
 * The way back is {@link BatchOrigins#reorders} of the orders recorded before.
 *
 * <p><b>Example</b>, broker 0: orders-0 [0,1,2], ISR [0,2], leader 0 → [2,1,0]; orders-1 [1,0,2],
 * leader 1 → untouched; orders-2 [1,0,2], ISR [0,2], leader 0 (1 lags) → [2,1,0]; orders-3 [0,1],
 * ISR [0] → untouched (nobody else can lead).
 */
public final class LeadershipShift {
    private LeadershipShift() {}

    /** Partition name to the replica order that takes leadership off {@code broker}. */
    public static Map<String, List<Integer>> away(ClusterSnapshot s, int broker) {
        Map<String, List<Integer>> out = new TreeMap<>();
        for (PartitionState p : s.partitions()) {
            if (p.replicas().isEmpty() || (p.leader() != broker && p.replicas().get(0) != broker)) {
                continue;
            }
            Integer heir = heir(p, broker);
            if (heir == null) {
                continue;
            }
            List<Integer> order = new ArrayList<>();
            order.add(heir);
            for (int r : p.replicas()) {
                if (r != heir && r != broker) {
                    order.add(r);
                }
            }
            order.add(broker);
            if (!order.equals(p.replicas())) {
                out.put(p.name(), List.copyOf(order));
            }
        }
        return out;
    }

    /** Partitions {@code broker} leads although another replica in sync could lead them. */
    public static Set<String> stillLeads(ClusterSnapshot s, int broker) {
        Set<String> out = new TreeSet<>();
        for (PartitionState p : s.partitions()) {
            if (p.leader() == broker && heir(p, broker) != null) {
                out.add(p.name());
            }
        }
        return out;
    }

    /** Partitions {@code broker} replicates but is not in the ISR of: it has not caught up yet. */
    public static Set<String> lagging(ClusterSnapshot s, int broker) {
        Set<String> out = new TreeSet<>();
        for (PartitionState p : s.partitions()) {
            if (p.replicas().contains(broker) && !p.isr().contains(broker)) {
                out.add(p.name());
            }
        }
        return out;
    }

    /** The first replica in list order, other than {@code broker}, that is in sync; null if none. */
    private static Integer heir(PartitionState p, int broker) {
        for (int r : p.replicas()) {
            if (r != broker && p.isr().contains(r)) {
                return r;
            }
        }
        return null;
    }
}
