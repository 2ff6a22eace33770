package dev.berth.operator.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one broker carries, as the operator publishes it on the broker's pod (the extender scores on
 * {@code leaders} and {@code leaderBytesIn}) and in status.
 *
 * <p>Computation, per broker b:
 * <ul>
 *   <li>{@code leaders} = partitions whose current leader is b;
 *   <li>{@code replicas} = partitions with b in the replica list;
 *   <li>{@code bytes} = describeLogDirs bytes of b, or, when b did not answer, the sum of
 *       {@code sizeBytes} of the partitions it hosts;
 *   <li>{@code leaderBytesIn} = sum of {@code bytesInPerSec} over the partitions b leads, rounded.
 * </ul>
 * Brokers are every registered broker plus every broker named in a replica list, so a dead broker
 * still shows its replicas. Example: partitions p0 [0,1] leader 0 at 100 B/s, p1 [1,2] leader 1 at
 * 30 B/s give broker 0: 1 leader, 1 replica, 100 B/s; broker 1: 1 leader, 2 replicas, 30 B/s;
 * broker 2: 0 leaders, 1 replica, 0 B/s.
 *
 * @param brokerId Kafka node id
 * @param leaders partitions it leads
 * @param replicas replicas it hosts
 * @param bytes bytes on its log dirs
 * @param leaderBytesIn estimated bytes/s into the partitions it leads
 */
public record BrokerFacts(int brokerId, int leaders, int replicas, long bytes, long leaderBytesIn) {

    /** Facts of every broker, sorted by id. */
    public static List<BrokerFacts> compute(KafkaObservation o) {
        ClusterSnapshot s = o.snapshot();
        TreeSet<Integer> ids = new TreeSet<>();
        s.brokers().forEach(b -> ids.add(b.id()));
        s.partitions().forEach(p -> ids.addAll(p.replicas()));
        Map<Integer, int[]> counts = new TreeMap<>();
        Map<Integer, Long> fallbackBytes = new TreeMap<>();
        Map<Integer, Double> leaderIn = new TreeMap<>();
        for (PartitionState p : s.partitions()) {
            if (p.leader() >= 0) {
                counts.computeIfAbsent(p.leader(), k -> new int[2])[0]++;
                leaderIn.merge(p.leader(), p.bytesInPerSec(), Double::sum);
            }
            for (int r : p.replicas()) {
                counts.computeIfAbsent(r, k -> new int[2])[1]++;
                fallbackBytes.merge(r, p.sizeBytes(), Long::sum);
            }
        }
        List<BrokerFacts> out = new ArrayList<>();
        for (int id : ids) {
            int[] c = counts.getOrDefault(id, new int[2]);
            long bytes = o.bytesByBroker().containsKey(id) ? o.bytesByBroker().get(id) : fallbackBytes.getOrDefault(id, 0L);
            out.add(new BrokerFacts(id, c[0], c[1], bytes, Math.round(leaderIn.getOrDefault(id, 0.0))));
        }
        return List.copyOf(out);
    }
}
