package dev.berth.extender.placement;

import java.util.List;

/**
 * The hard placement rules (the {@code filter} verb) for one broker pod on one node.
 *
 * <p><b>Goals.</b> A broker lands only where it keeps the cluster rack-aware, never shares a node
 * with another broker of its cluster (one node loss = at most one broker lost), and has the local
 * disk it asked for.
 *
 * <p><b>Constraints, checked in this order</b> (permanent facts first, so a node that fails
 * several rules is reported under the one preemption could never fix):
 * <ol>
 *   <li>{@code berth.dev/avoid-node} names this node: {@link Reason#AVOID_NODE};
 *   <li>the node has no rack label: {@link Reason#NO_RACK_LABEL} (a broker there would have no
 *       {@code broker.rack});
 *   <li>the broker's rack is pinned ({@code berth.dev/rack}) and differs: {@link Reason#RACK_MISMATCH};
 *   <li>the broker asks for local disk ({@code berth.dev/local-storage} = R bytes) and the node
 *       has no {@code berth.dev/disk-capacity}: {@link Reason#NO_LOCAL_DISK}; one that is not a
 *       quantity: {@link Reason#BAD_DISK_CAPACITY}; capacity C &lt; R:
 *       {@link Reason#DISK_TOO_SMALL};
 *   <li>another broker of the same cluster is bound or reserved on the node:
 *       {@link Reason#SAME_CLUSTER_BROKER};
 *   <li>C − U &lt; R where U is the local disk held by the other brokers on the node (bound or
 *       reserved, of every cluster): {@link Reason#DISK_FULL}.
 * </ol>
 * The pod's own entry on a node (a retried filter after its bind was reserved) never counts
 * against it. Pods without {@code berth.dev/cluster} pass every node. One more rule, rack skew
 * ({@link RackSkewRule}), looks at all the nodes of a request at once, so the engine applies it
 * after these.
 *
 * <p><b>Example.</b> Broker {@code kafka-a/2} pinned to rack {@code r1}, asking R = 100Gi. Node
 * {@code n1} in {@code r1}, C = 500Gi, holding a broker of cluster {@code kafka-b} with 450Gi:
 * C − U = 50Gi &lt; 100Gi, so {@code DISK_FULL}. Node {@code n2} in {@code r2}: {@code RACK_MISMATCH}.
 * Node {@code n3} in {@code r1}, C = 1Ti, empty: passes.
 */
public final class HardRules {
    private HardRules() {}

    /** The first rule the node breaks, or {@code null} when the pod may go there. */
    public static Reason check(BrokerPod pod, NodeFacts node) {
        if (!pod.isBroker()) {
            return null;
        }
        boolean sameCluster = false;
        long used = 0;
        List<PlacedBroker> brokers = node.brokers();
        for (int i = 0, n = brokers.size(); i < n; i++) {
            PlacedBroker other = brokers.get(i);
            if (isSelf(pod, other)) {
                continue;
            }
            sameCluster |= other.sameCluster(pod);
            used = NodeTable.plus(used, other.localStorageBytes());
        }
        long capacity = node.diskCapacityBytes() == null ? NodeTable.NO_CAPACITY : node.diskCapacityBytes();
        return check(pod, node.name().equals(pod.avoidNode()), node.rack(), capacity, sameCluster, used);
    }

    /**
     * The rules on plain values, in the order above: every caller (a {@link NodeFacts} record, a
     * {@link NodeTable} row) goes through here.
     *
     * @param avoided the node is the pod's {@code berth.dev/avoid-node}
     * @param rack the node's rack, {@code null} or empty when it has no rack label
     * @param capacity the node's disk capacity, {@link NodeTable#NO_CAPACITY} or
     *     {@link NodeFacts#INVALID_CAPACITY}
     * @param sameCluster another broker of the pod's cluster is bound or reserved on the node
     * @param usedByOthers local disk held on the node by brokers other than the pod
     */
    static Reason check(BrokerPod pod, boolean avoided, String rack, long capacity, boolean sameCluster, long usedByOthers) {
        if (!pod.isBroker()) {
            return null;
        }
        if (avoided) {
            return Reason.AVOID_NODE;
        }
        if (rack == null || rack.isEmpty()) {
            return Reason.NO_RACK_LABEL;
        }
        if (pod.pinnedRack() != null && !pod.pinnedRack().isEmpty() && !pod.pinnedRack().equals(rack)) {
            return Reason.RACK_MISMATCH;
        }
        Long request = pod.localStorageBytes();
        if (request != null) {
            if (capacity == NodeTable.NO_CAPACITY) {
                return Reason.NO_LOCAL_DISK;
            }
            if (capacity < 0) {
                return Reason.BAD_DISK_CAPACITY;
            }
            if (capacity < request) {
                return Reason.DISK_TOO_SMALL;
            }
        }
        if (sameCluster) {
            return Reason.SAME_CLUSTER_BROKER;
        }
        if (request != null && capacity - usedByOthers < request) {
            return Reason.DISK_FULL;
        }
        return null;
    }

    /** Local disk held on the node by brokers other than {@code pod}. */
    public static long usedBytes(BrokerPod pod, NodeFacts node) {
        long used = 0;
        List<PlacedBroker> brokers = node.brokers();
        for (int i = 0, n = brokers.size(); i < n; i++) {
            PlacedBroker other = brokers.get(i);
            if (!isSelf(pod, other)) {
                used = NodeTable.plus(used, other.localStorageBytes());
            }
        }
        return used;
    }

    /**
     * True when {@code other} is the pod being placed ({@code podKey} equals
     * {@code namespace/name}), compared in place: this runs for every broker of every candidate
     * node, and building {@link BrokerPod#key()} each time was measurable garbage.
     */
    static boolean isSelf(BrokerPod pod, PlacedBroker other) {
        String key = other.podKey();
        String ns = pod.namespace() == null ? "null" : pod.namespace();
        String name = pod.name() == null ? "null" : pod.name();
        int n = ns.length();
        return key.length() == n + 1 + name.length() && key.startsWith(ns) && key.charAt(n) == '/'
                && key.startsWith(name, n + 1);
    }
}
