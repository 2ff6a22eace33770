package dev.berth.operator.model;

import java.util.List;

/**
 * One partition as Kafka reports it.
 *
 * @param topic topic name
 * @param partition partition number
 * @param replicas the replica list in preference order (the first is the preferred leader)
 * @param leader current leader id, or -1 when there is none
 * @param isr in-sync replicas
 * @param sizeBytes log size in bytes (the largest over its replicas, from describeLogDirs)
 * @param bytesInPerSec estimated bytes/s produced into it, 0 when unknown
 */
public record PartitionState(
        String topic,
        int partition,
        List<Integer> replicas,
        int leader,
        List<Integer> isr,
        long sizeBytes,
        double bytesInPerSec) {

    public PartitionState {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
    }

    public String name() {
        return topic + "-" + partition;
    }
}
