package dev.berth.operator.plan;

import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.PartitionState;
import java.util.List;
import java.util.Set;

/**
 * Partitions a drain cannot move: they have no leader, and a replica on a leaving broker.
 *
 * <p><b>Goal:</b> a scale-down that cannot finish says so, with what to do, instead of draining for ever
 * with {@code ScaleDownBlocked=False}. <b>Constraint:</b> Kafka copies a new replica from the partition's
 * leader; a partition without one (every in-sync copy on brokers that are down) keeps its reassignment
 * running until a broker holding such a copy comes back. A broker that leaves gets no pod, so it does not
 * come back by itself. <b>Rule:</b> leader -1 and a replica on a leaving broker.
 *
 * <p><b>Example:</b> broker 2 lost with its node and named in {@code spec.brokers.remove}; topic {@code solo}
 * of RF 1 on it: {@code solo-0} (ISR [2], no leader) gives {@link RefusalReason#NO_LEADER} "partition solo-0
 * (replicas [2]) has no leader, so no replica of it can be copied off brokers [2]".
 */
public final class Leaderless {
    private Leaderless() {}

    /** How many partitions a problem names before "and N more". */
    static final int SHOWN = 5;

    /** The problem of {@code leaving}'s drain, or null when every partition with a replica on them has a leader. */
    public static Problem problem(ClusterSnapshot s, Set<Integer> leaving) {
        List<PartitionState> stuck = s.partitions().stream().filter(p -> p.leader() < 0
                && p.replicas().stream().anyMatch(leaving::contains)).toList();
        if (stuck.isEmpty()) {
            return null;
        }
        StringBuilder m = new StringBuilder(stuck.size() == 1 ? "partition " : "partitions ");
        for (int i = 0; i < Math.min(SHOWN, stuck.size()); i++) {
            PartitionState p = stuck.get(i);
            m.append(i == 0 ? "" : ", ").append(p.name()).append(" (replicas ").append(p.replicas()).append(')');
        }
        if (stuck.size() > SHOWN) {
            m.append(" and ").append(stuck.size() - SHOWN).append(" more");
        }
        m.append(stuck.size() == 1 ? " has" : " have").append(" no leader, so no replica of ")
                .append(stuck.size() == 1 ? "it" : "them").append(" can be copied off brokers ").append(leaving);
        return new Problem(RefusalReason.NO_LEADER, m.toString());
    }
}
