package dev.berth.extender.placement;

/**
 * The pod being placed, reduced to the facts the placement rules read (see DESIGN.md, "The
 * contract between operator and extender").
 *
 * @param namespace pod namespace
 * @param name pod name
 * @param uid pod UID (the precondition of the Binding)
 * @param cluster value of label {@code berth.dev/cluster}; {@code null} means "not a broker": every
 *     node passes with score 0
 * @param brokerId value of label {@code berth.dev/broker-id}, or {@code null}
 * @param pinnedRack annotation {@code berth.dev/rack}, or {@code null} when the broker has no rack yet
 * @param avoidNode annotation {@code berth.dev/avoid-node}, or {@code null}
 * @param localStorageBytes annotation {@code berth.dev/local-storage} in bytes, or {@code null} for
 *     network storage (the disk rule does not apply)
 */
public record BrokerPod(
        String namespace,
        String name,
        String uid,
        String cluster,
        Integer brokerId,
        String pinnedRack,
        String avoidNode,
        Long localStorageBytes) {

    public boolean isBroker() {
        return cluster != null && !cluster.isEmpty();
    }

    public String key() {
        return namespace + "/" + name;
    }

    /** {@code namespace/cluster}, or null for a pod without a cluster: what identifies its KafkaCluster. */
    public String clusterKey() {
        return cluster == null ? null : namespace + "/" + cluster;
    }
}
