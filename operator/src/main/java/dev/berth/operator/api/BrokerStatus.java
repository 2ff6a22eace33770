package dev.berth.operator.api;

/**
 * One broker's row in status: where it runs and what Kafka says it carries.
 *
 * @param id Kafka node id
 * @param pod pod name
 * @param node the Kubernetes node it is bound to, or {@code null} while pending
 * @param rack its rack; remembered here so that a recreated pod keeps it
 * @param phase pod phase ({@code Pending}, {@code Running}...), or {@code Missing} when the pod is gone
 * @param leaders partitions it leads
 * @param replicas partition replicas it hosts
 * @param bytes bytes on its log dirs (describeLogDirs)
 * @param bytesInPerSec estimated bytes/s produced into the partitions it leads
 * @param diskUsableBytes what it may still write on its log dirs' disk, or {@code null} when Kafka did not
 *     say (the broker is down, or older than 3.3)
 * @param diskTotalBytes the size of that disk, or {@code null} likewise
 */
public record BrokerStatus(
        int id, String pod, String node, String rack, String phase, int leaders, int replicas, long bytes,
        long bytesInPerSec, Long diskUsableBytes, Long diskTotalBytes) {

    /**
     * The broker had a pod placed once: its row has a rack or a node. Every desired broker has a row, one
     * waiting its turn to be created too ({@link dev.berth.operator.plan.PlacementQueue}); losing the pod of a
     * placed broker is healing, not a scale.
     */
    public boolean wasPlaced() {
        return rack != null || node != null;
    }

    /** A row without disk figures. */
    public BrokerStatus(int id, String pod, String node, String rack, String phase, int leaders, int replicas,
            long bytes, long bytesInPerSec) {
        this(id, pod, node, rack, phase, leaders, replicas, bytes, bytesInPerSec, null, null);
    }
}
