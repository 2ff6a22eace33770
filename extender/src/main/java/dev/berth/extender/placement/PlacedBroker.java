package dev.berth.extender.placement;

/**
 * A broker pod that already occupies a node: bound (seen by the informer) or reserved (an in-flight
 * bind recorded in the reservation ledger and not yet visible in the informer).
 *
 * @param podKey {@code namespace/name}
 * @param cluster its {@code berth.dev/cluster} label
 * @param brokerId its {@code berth.dev/broker-id} label, or {@code null}
 * @param localStorageBytes node-local disk it holds ({@code berth.dev/local-storage}), 0 for network
 *     storage
 * @param leaders {@code berth.dev/leaders}, 0 when absent
 * @param leaderBytesIn {@code berth.dev/leader-bytes-in} (bytes/s), 0 when absent
 * @param reserved true when this entry comes from the reservation ledger
 */
public record PlacedBroker(
        String podKey,
        String cluster,
        Integer brokerId,
        long localStorageBytes,
        long leaders,
        long leaderBytesIn,
        boolean reserved) {

    /**
     * Whether this broker belongs to {@code pod}'s KafkaCluster: the same {@code berth.dev/cluster} value in
     * the same namespace. A KafkaCluster is namespaced: two named {@code demo} in two namespaces are two
     * clusters, and sharing a node, or counting each other's racks, is no rule of theirs.
     */
    public boolean sameCluster(BrokerPod pod) {
        String ns = pod.namespace();
        return pod.cluster() != null && pod.cluster().equals(cluster) && ns != null && podKey.length() > ns.length()
                && podKey.charAt(ns.length()) == '/' && podKey.startsWith(ns);
    }

    /** {@code namespace/cluster}: what identifies its KafkaCluster ({@link BrokerPod#clusterKey}). */
    public String clusterKey() {
        int slash = podKey.indexOf('/');
        return (slash < 0 ? "" : podKey.substring(0, slash)) + "/" + cluster;
    }
}
