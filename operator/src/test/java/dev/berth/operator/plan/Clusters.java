package dev.berth.operator.plan;

import dev.berth.operator.model.BrokerState;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.PartitionState;
import dev.berth.operator.model.TopicState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/** Named clusters for planner tests and the benchmark. Sizes are in GB-like units. */
public final class Clusters {
    public static final long GB = 1_000_000_000L;
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private Clusters() {}

    /** A broker. */
    public static BrokerState broker(int id, String rack) {
        return new BrokerState(id, rack, "broker-" + id, 9092);
    }

    /** A partition whose preferred leader leads and every replica is in sync. */
    public static PartitionState partition(String topic, int p, long bytes, Integer... replicas) {
        return new PartitionState(topic, p, List.of(replicas), replicas[0], List.of(replicas),
                bytes, 0);
    }

    /** A snapshot; topics are derived from the partitions (RF = replicas, min.insync 2). */
    public static ClusterSnapshot snapshot(List<BrokerState> brokers, List<PartitionState> parts) {
        Map<String, TopicState> topics = new TreeMap<>();
        for (PartitionState p : parts) {
            topics.putIfAbsent(p.topic(), new TopicState(p.topic(), p.replicas().size(),
                    Math.min(2, p.replicas().size())));
        }
        return new ClusterSnapshot(T0, brokers, topics, parts);
    }

    /**
     * Brokers 1..6 in racks a,b,c,a,b,c; topic {@code t}, 12 partitions of RF 3, one replica per
     * rack, sizes 1..12 GB (partition p has p+1 GB); leaders 1..6 twice each. Per broker: 6
     * replicas, 2 leaders, bytes 1: 27, 2: 25, 3: 26, 4: 27, 5: 29, 6: 22 (GB).
     */
    public static ClusterSnapshot threeRacksSixBrokers() {
        List<BrokerState> brokers = new ArrayList<>();
        String[] racks = {"a", "b", "c", "a", "b", "c"};
        for (int i = 1; i <= 6; i++) {
            brokers.add(broker(i, racks[i - 1]));
        }
        int[][] replicas = {
            {1, 2, 3}, {2, 3, 4}, {3, 4, 5}, {4, 5, 6}, {5, 6, 1}, {6, 1, 2},
            {1, 5, 6}, {2, 6, 4}, {3, 1, 5}, {4, 2, 3}, {5, 3, 1}, {6, 4, 2},
        };
        List<PartitionState> parts = new ArrayList<>();
        for (int p = 0; p < replicas.length; p++) {
            parts.add(partition("t", p, (p + 1) * GB,
                    replicas[p][0], replicas[p][1], replicas[p][2]));
        }
        return snapshot(brokers, parts);
    }

    /**
     * Brokers 1,2,3 in racks a,b,c; topic {@code orders} with RF 3 and 3 partitions of 1, 2, 3 GB,
     * leaders 1, 2, 3: the smallest rack-aware cluster, every broker holds everything.
     */
    public static ClusterSnapshot threeBrokersRf3() {
        return snapshot(List.of(broker(1, "a"), broker(2, "b"), broker(3, "c")), List.of(
                partition("orders", 0, GB, 1, 2, 3),
                partition("orders", 1, 2 * GB, 2, 3, 1),
                partition("orders", 2, 3 * GB, 3, 1, 2)));
    }

    /**
     * Brokers 1..4 without racks; topic {@code t}, 4 partitions of RF 2 with sizes 4, 3, 2, 1 GB:
     * 1 = [1,2], 2 = [2,3], 3 = [3,4], 4 = [4,1] by partition 0..3 leaders. Broker bytes
     * 1: 5, 2: 7, 3: 5, 4: 3.
     */
    public static ClusterSnapshot fourBrokersNoRacks() {
        return snapshot(List.of(broker(1, null), broker(2, null), broker(3, null), broker(4, null)),
                List.of(partition("t", 0, 4 * GB, 1, 2),
                        partition("t", 1, 3 * GB, 2, 3),
                        partition("t", 2, 2 * GB, 3, 4),
                        partition("t", 3, GB, 4, 1)));
    }

    /**
     * {@code n} brokers (ids 1..n; rack {@code r<i mod racks>}, or none when racks is 0),
     * {@code partitions} partitions of RF {@code rf} over 10 topics, striped rack-aware like
     * Kafka's own placer: leader i mod n, followers at fixed offsets that keep racks distinct.
     * Sizes are log-normal around 1 GB (seeded), so they are unequal.
     */
    public static ClusterSnapshot synthetic(int n, int racks, int partitions, int rf, long seed) {
        Random random = new Random(seed);
        List<BrokerState> brokers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            brokers.add(broker(i + 1, racks == 0 ? null : "r" + (i % racks)));
        }
        int step = Math.max(1, racks);
        int shifts = Math.max(1, (n - rf) / step + 1);
        List<PartitionState> parts = new ArrayList<>(partitions);
        int perTopic = (partitions + 9) / 10;
        for (int i = 0; i < partitions; i++) {
            int leader = i % n;
            int shift = step * ((i / n) % shifts);
            Integer[] r = new Integer[rf];
            r[0] = leader + 1;
            for (int k = 1; k < rf; k++) {
                r[k] = (leader + k + shift) % n + 1;
            }
            long size = (long) (GB * Math.exp(0.8 * random.nextGaussian()));
            parts.add(partition("topic-" + (i / perTopic), i % perTopic, size, r));
        }
        return snapshot(brokers, parts);
    }
}
