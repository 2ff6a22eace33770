package dev.berth.operator.plan;

import dev.berth.operator.model.BrokerState;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.PartitionState;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Moves in flight that cannot end: a partition being moved has a replica to keep or to add on a broker that is down.
 *
 * <p><b>Goal:</b> a drain that waits on a broker that died says so, naming the broker, instead of draining for
 * ever with {@code ScaleDownBlocked=False}. <b>Constraint:</b> Kafka ends a reassignment once every replica of
 * its target is in the ISR; a replica on a broker that is down never joins it, so the move waits until that
 * broker is back. A replica on a leaving broker is one being removed (or, down, one Kafka drops at the end):
 * it does not hold the move. {@link Leaderless} covers the partitions that have no leader at all.
 *
 * <p><b>Rule:</b> among the partitions Kafka is moving, those with a replica on a broker that is neither live
 * (listed by describeCluster) nor leaving.
 *
 * <p><b>Example:</b> brokers 0, 2 live, 1 down, 2 leaving; {@code t-0} is moving from [2, 0] to [0, 1], so
 * describeTopics lists replicas [0, 1, 2]: broker 1 holds the move, which gives {@link RefusalReason#MOVE_TARGET_DOWN}
 * "partition t-0 (replicas [0, 1, 2]) is being moved with a replica on brokers [1], which are down".
 */
public final class DownReplicas {
    private DownReplicas() {}

    /**
     * The problem of the moves in flight, or null when none waits on a down broker.
     *
     * @param moving names ({@code topic-partition}) of the partitions Kafka is moving
     */
    public static Problem problem(ClusterSnapshot s, Set<String> moving, Set<Integer> leaving) {
        Set<Integer> live = s.brokers().stream().map(BrokerState::id).collect(Collectors.toSet());
        Set<Integer> down = new TreeSet<>();
        List<PartitionState> stuck = s.partitions().stream().filter(p -> moving.contains(p.name())
                && p.replicas().stream().anyMatch(r -> !live.contains(r) && !leaving.contains(r))).toList();
        if (stuck.isEmpty()) {
            return null;
        }
        StringBuilder m = new StringBuilder(stuck.size() == 1 ? "partition " : "partitions ");
        for (int i = 0; i < stuck.size(); i++) {
            PartitionState p = stuck.get(i);
            p.replicas().stream().filter(r -> !live.contains(r) && !leaving.contains(r)).forEach(down::add);
            if (i < Leaderless.SHOWN) {
                m.append(i == 0 ? "" : ", ").append(p.name()).append(" (replicas ").append(p.replicas()).append(')');
            }
        }
        if (stuck.size() > Leaderless.SHOWN) {
            m.append(" and ").append(stuck.size() - Leaderless.SHOWN).append(" more");
        }
        m.append(stuck.size() == 1 ? " is" : " are").append(" being moved with a replica on brokers ").append(down)
                .append(", which ").append(down.size() == 1 ? "is" : "are").append(" down");
        return new Problem(RefusalReason.MOVE_TARGET_DOWN, m.toString());
    }
}
