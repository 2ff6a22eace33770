package dev.berth.operator.reconcile;

import dev.berth.operator.api.Condition;
import dev.berth.operator.api.ConditionType;
import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.model.KafkaObservation;
import dev.berth.operator.plan.BatchOrigins;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An operation in flight that no step advances: its KafkaCluster was deleted ({@link #deleted}), or its
 * spec turned invalid ({@link #paused}). Both take what the last observation shows, best effort: the
 * Kafka side is cleaned up so that nothing is left throttled or half-moved for good.
 */
final class StoppedOperations {
    private static final Logger LOG = LoggerFactory.getLogger(StoppedOperations.class);

    private StoppedOperations() {}

    /**
     * A KafkaCluster deleted while its operation {@code op} ran: nothing will reconcile it again, so its
     * running moves are cancelled (Kafka puts each partition back on its replicas from before, all in
     * sync) and its throttles cleared, best effort, from what the last pass saw. Before, a drain's 20 KB/s
     * throttles stayed on every broker for good (an orphaning delete, or a cluster deleted and created
     * again; found by a probe). With the usual cascading delete the brokers go away anyway.
     */
    static void deleted(String key, OperationStatus op, Admin admin, KafkaObservation known) {
        if (op == null || admin == null || known == null) {
            return;
        }
        try {
            Set<String> ours = BatchOrigins.decode(op.details().get(MoveCancel.ORIGINS)).keySet();
            // hot replica moves record every planned partition: only a move toward the planned list is theirs
            var targets = BatchOrigins.decode(op.details().get(HotReplicaPhase.TARGETS));
            List<TopicPartition> running = new ArrayList<>();
            ReassignmentExecutorAccess.running(admin).forEach((tp, r) -> {
                String name = MoveCancel.name(tp);
                if (ours.contains(name) && (targets.isEmpty() || HotReplicaPhase.ours(targets, name, r))) {
                    running.add(tp);
                }
            });
            int cancelled = running.isEmpty() ? 0 : MoveCancel.cancel(admin, running).size();
            Reshuffle.clearThrottlesIfIdle(admin, known.snapshot());
            LOG.info("{} deleted during its {} of brokers {}: {} running moves cancelled, throttles cleared once idle",
                    key, op.type(), op.brokers(), cancelled);
        } catch (Exception e) {
            LOG.warn("{} deleted during its {}: its moves and throttles were not cleaned up: {}", key, op.type(), e.toString());
        }
    }

    /**
     * An invalid spec stops every step, and with them the operation {@code op} in flight: say so in its
     * Blocked condition (it resumes when the spec is fixed), and take its throttles off once nothing moves.
     */
    static List<Condition> paused(String key, OperationStatus op, Admin admin, KafkaObservation known) {
        if (op == null) {
            return List.of();
        }
        if (admin != null && known != null) {
            try {
                Reshuffle.clearThrottlesIfIdle(admin, known.snapshot());
            } catch (RuntimeException e) {
                LOG.warn("reconcile {}: throttles of the paused {} not cleared yet: {}", key, op.type(), e.toString());
            }
        }
        if (HotPartitionStep.TYPE.equals(op.type())) {
            // no Blocked condition of its own (SpecValid says what to fix); in phase MovingReplicas its
            // throttles come off above once Kafka's running moves end, and it goes on when the spec is fixed
            return List.of();
        }
        ConditionType blocked = OperationStatus.SCALE_UP.equals(op.type()) ? ConditionType.ScaleUpBlocked
                : RestartStep.TYPE.equals(op.type()) || ControllerRollStep.TYPE.equals(op.type())
                ? ConditionType.RestartBlocked : ConditionType.ScaleDownBlocked;
        String of = ControllerRollStep.TYPE.equals(op.type()) ? "controllers "
                + op.details().getOrDefault(ControllerRollStep.CONTROLLERS, "") : "brokers " + op.brokers();
        return List.of(Condition.of(blocked, true, "SpecInvalid", "The " + op.type() + " of " + of
                + " is paused while the spec is invalid (see SpecValid); it resumes once the spec is fixed."
                + " Its throttles are off while nothing moves."));
    }
}
