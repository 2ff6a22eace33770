package dev.berth.operator.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Which replication throttles a set of moves needs, the way {@code kafka-reassign-partitions}
 * sets them: the rate on every broker involved, and per topic the replicas that send (leader side:
 * every replica the partition has now) and the replicas that receive (follower side: the added
 * ones). Only replication of the moving partitions is throttled; producers and ISR followers of
 * other partitions are not slowed. Kafka's internal topics ({@code __consumer_offsets},
 * {@code __transaction_state}, {@code __share_group_state}) are small and their configs are Kafka's
 * own: they move unthrottled and their configs are never touched.
 *
 * <p><b>Example.</b> t-0 [1,2] -&gt; [3,2], t-1 [2,3] -&gt; [2,4]: brokers {1,2,3,4};
 * topic t leader replicas {@code 0:1,0:2,1:2,1:3}, follower replicas {@code 0:3,1:4}.
 *
 * @param brokers brokers that get {@code leader/follower.replication.throttled.rate}
 * @param leaderReplicas topic to {@code leader.replication.throttled.replicas} value
 * @param followerReplicas topic to {@code follower.replication.throttled.replicas} value
 */
public record ThrottlePlan(
        Set<Integer> brokers, Map<String, String> leaderReplicas, Map<String, String> followerReplicas) {

    public static ThrottlePlan of(List<Move> moves) {
        Set<Integer> brokers = new TreeSet<>();
        Map<String, List<String>> leader = new TreeMap<>();
        Map<String, List<String>> follower = new TreeMap<>();
        for (Move m : moves) {
            if (m.leaderOnly() || internal(m.topic())) {
                continue;
            }
            brokers.addAll(m.oldReplicas());
            brokers.addAll(m.newReplicas());
            for (int b : m.oldReplicas()) {
                leader.computeIfAbsent(m.topic(), k -> new ArrayList<>()).add(m.partition() + ":" + b);
            }
            for (int b : m.adding()) {
                follower.computeIfAbsent(m.topic(), k -> new ArrayList<>()).add(m.partition() + ":" + b);
            }
        }
        return new ThrottlePlan(brokers, join(leader), join(follower));
    }

    /**
     * Kafka's own internal topics, by name. Not every topic whose name starts with two underscores:
     * Kafka lets users create {@code __audit} or {@code __connect-offsets}, and such a topic can be large,
     * so it moves throttled like any other.
     */
    public static boolean internal(String topic) {
        return INTERNAL.contains(topic);
    }

    private static final Set<String> INTERNAL = Set.of("__consumer_offsets", "__transaction_state", "__share_group_state");

    private static Map<String, String> join(Map<String, List<String>> lists) {
        Map<String, String> out = new TreeMap<>();
        lists.forEach((t, l) -> out.put(t, l.stream().distinct().collect(Collectors.joining(","))));
        return out;
    }

    /** Topics that get a throttled-replicas setting. */
    public Set<String> topics() {
        Set<String> out = new TreeSet<>(leaderReplicas.keySet());
        out.addAll(followerReplicas.keySet());
        return out;
    }

    public boolean isEmpty() {
        return brokers.isEmpty();
    }
}
