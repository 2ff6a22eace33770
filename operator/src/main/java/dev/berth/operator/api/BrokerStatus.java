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
 */
public record BrokerStatus(
        int id, String pod, String node, String rack, String phase, int leaders, int replicas, long bytes,
        long bytesInPerSec) {}
