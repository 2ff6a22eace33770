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
 * @param disks each broker's disk, by broker id; a broker that did not report it (down, silent, or a
 *     Kafka before 3.3) is absent, and the rules that read it ({@code DiskRoom}) then trust its room
 */
public record ClusterSnapshot(
        Instant takenAt,
        List<BrokerState> brokers,
        Map<String, TopicState> topics,
        List<PartitionState> partitions,
        Map<Integer, DiskSpace> disks) {

    public ClusterSnapshot {
        brokers = List.copyOf(brokers);
        topics = Map.copyOf(topics);
        partitions = List.copyOf(partitions);
        disks = disks == null ? Map.of() : Map.copyOf(disks); // null: a snapshot file written before disks
    }

    /** A snapshot without disk figures (planners' tests; every broker's room is then trusted). */
    public ClusterSnapshot(Instant takenAt, List<BrokerState> brokers, Map<String, TopicState> topics,
            List<PartitionState> partitions) {
        this(takenAt, brokers, topics, partitions, Map.of());
    }

    /** {@link #withBrokers(java.util.Set, Map)} with no rack known for them. */
    public ClusterSnapshot withBrokers(java.util.Set<Integer> ids) {
        return withBrokers(ids, Map.of());
    }

    /**
     * This snapshot plus brokers {@code ids} that it does not list (down: Kafka fenced them), each in its
     * rack from {@code racks} (Kafka still has a fenced broker's registration) or, unknown, a rack of its
     * own: a scale-down may still drain them, since Kafka reassigns away from a broker that is down; they
     * only give replicas away. The rack matters: in a cluster of one zone, a down broker put in a rack of its
     * own made its drain look like it broke rack-awareness, refused for a rule that does not apply.
     * Example: brokers [0, 1, 2] with {@code ids} {2, 3} gives [0, 1, 2, 3].
     */
    public ClusterSnapshot withBrokers(java.util.Set<Integer> ids, Map<Integer, String> racks) {
        java.util.Set<Integer> known = new java.util.TreeSet<>();
        brokers.forEach(b -> known.add(b.id()));
        List<BrokerState> all = new java.util.ArrayList<>(brokers);
        for (int id : ids) {
            if (!known.contains(id)) {
                all.add(new BrokerState(id, racks.get(id), null, 0));
            }
        }
        if (all.size() == brokers.size()) {
            return this;
        }
        all.sort(java.util.Comparator.comparingInt(BrokerState::id));
        return new ClusterSnapshot(takenAt, all, topics, partitions, disks);
    }
}
