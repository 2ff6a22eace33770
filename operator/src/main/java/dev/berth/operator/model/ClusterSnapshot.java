package dev.berth.operator.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An immutable picture of a live Kafka cluster, as read by the observe layer through the Admin API.
 * It is the single input of every planner, and the JSON document of {@code berth-operator.jar
 * snapshot} / {@code plan --snapshot} (Gson serialises these records field by field).
 *
 * @param takenAt when the snapshot was read
 * @param brokers registered brokers, sorted by id
 * @param topics per-topic facts (replication factor, min.insync.replicas), by topic name
 * @param partitions every partition, sorted by topic then partition
 */
public record ClusterSnapshot(
        Instant takenAt,
        List<BrokerState> brokers,
        Map<String, TopicState> topics,
        List<PartitionState> partitions) {

    public ClusterSnapshot {
        brokers = List.copyOf(brokers);
        topics = Map.copyOf(topics);
        partitions = List.copyOf(partitions);
    }
}
