package dev.berth.operator.act;

import dev.berth.operator.model.BrokerState;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.PartitionState;
import dev.berth.operator.plan.ThrottlePlan;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ElectionNotNeededException;

/** Finishing touches of a reassignment: preferred elections and clearing every throttle. */
public final class Leadership {
    private Leadership() {}

    /**
     * Partitions whose leader is not the first replica although that replica is in sync: a
     * preferred election would move leadership where the plan put it.
     */
    public static Set<TopicPartition> notPreferred(ClusterSnapshot s) {
        Set<TopicPartition> out = new HashSet<>();
        for (PartitionState p : s.partitions()) {
            if (!p.replicas().isEmpty() && p.leader() != p.replicas().get(0)
                    && p.isr().contains(p.replicas().get(0))) {
                out.add(new TopicPartition(p.topic(), p.partition()));
            }
        }
        return out;
    }

    /** Preferred election for these partitions; "not needed" answers are fine. Returns failures. */
    public static int electPreferred(Admin admin, Set<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return 0;
        }
        Map<TopicPartition, java.util.Optional<Throwable>> result = ReassignmentExecutor.get(
                admin.electLeaders(ElectionType.PREFERRED, partitions).partitions(), "electLeaders");
        return (int) result.values().stream()
                .filter(f -> f.isPresent() && !(f.get() instanceof ElectionNotNeededException))
                .count();
    }

    /** Removes throttles from every broker and topic of the snapshot (after a plan completed). */
    public static void clearAllThrottles(Admin admin, ClusterSnapshot s) {
        Set<Integer> brokers = new TreeSet<>();
        s.brokers().stream().map(BrokerState::id).forEach(brokers::add);
        Map<String, String> topics = new TreeMap<>();
        s.topics().keySet().stream().filter(t -> !ThrottlePlan.internal(t))
                .forEach(t -> topics.put(t, ""));
        new Throttles(admin).clearThrottles(new ThrottlePlan(brokers, topics, Map.of()),
                List.copyOf(topics.keySet()));
    }
}
