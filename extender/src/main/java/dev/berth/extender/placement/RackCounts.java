package dev.berth.extender.placement;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Brokers of one cluster per rack, over every node the cache knows (bound and reserved brokers,
 * not counting the pod being placed). Every rack that has at least one node appears, with 0 when
 * it holds no broker of the cluster, so an empty rack is seen as the emptiest.
 */
public final class RackCounts {
    private final Map<String, Integer> perRack;

    private RackCounts(Map<String, Integer> perRack) {
        this.perRack = perRack;
    }

    /** Counts already made: rack → brokers of the cluster (every rack with a node, 0 included). */
    static RackCounts of(Map<String, Integer> perRack) {
        return new RackCounts(perRack);
    }

    public static RackCounts of(BrokerPod pod, Collection<NodeFacts> nodes) {
        Map<String, Integer> perRack = new HashMap<>();
        for (NodeFacts node : nodes) {
            if (node.rack() == null || node.rack().isEmpty()) {
                continue;
            }
            int count = 0;
            java.util.List<PlacedBroker> brokers = node.brokers();
            for (int i = 0, n = brokers.size(); i < n; i++) {
                PlacedBroker b = brokers.get(i);
                if (b.sameCluster(pod) && !HardRules.isSelf(pod, b)) {
                    count++;
                }
            }
            perRack.merge(node.rack(), count, Integer::sum);
        }
        return new RackCounts(perRack);
    }

    /** Brokers of the cluster in {@code rack} (0 for a rack never seen). */
    public int count(String rack) {
        return perRack.getOrDefault(rack, 0);
    }

    /** The smallest count over {@code racks} (the racks on offer; 0 for none). */
    public int minOver(Iterable<String> racks) {
        int m = Integer.MAX_VALUE;
        for (String rack : racks) {
            m = Math.min(m, count(rack));
        }
        return m == Integer.MAX_VALUE ? 0 : m;
    }

    public Map<String, Integer> asMap() {
        return Map.copyOf(perRack);
    }
}
