package dev.berth.operator.reconcile;

import dev.berth.operator.act.ExecutionPolicy;
import dev.berth.operator.act.Leadership;
import dev.berth.operator.act.ReassignmentExecutor;
import dev.berth.operator.act.ReassignmentProgress;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.observe.KafkaObserver;
import dev.berth.operator.plan.PlanIntent;
import dev.berth.operator.plan.ReassignmentPlan;
import dev.berth.operator.plan.ReassignmentPlanner;
import dev.berth.operator.model.BrokerState;
import dev.berth.operator.plan.PlanRefusedException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;

/**
 * One level-based pass of a data move shared by scale-up and scale-down. No plan is kept in
 * memory or in status: every pass re-reads Kafka and re-plans, so an operator restarted at any
 * point continues from what Kafka shows.
 *
 * <ol>
 *   <li>a reassignment is running in Kafka: wait (Kafka finishes it on its own);
 *   <li>otherwise read a fresh snapshot and plan the intent on it (seed 1: the same plan the
 *       {@code plan} CLI shows);
 *   <li>an empty plan (or, for a scale-up, one that moves under 2 % of all bytes: producers keep
 *       growing partitions, so "perfectly even" is never reached) means done: preferred elections,
 *       throttles cleared;
 *   <li>else submit the next steps through {@link ReassignmentExecutor#advance}.
 * </ol>
 */
final class Reshuffle {
    /** Scale-up is balanced when what is left to move is below this share of all bytes. */
    static final double BALANCED_SHARE = 0.02;
    static final long SEED = 1;

    record Pass(boolean done, boolean waiting, ReassignmentPlan plan, ReassignmentProgress progress) {}

    private Reshuffle() {}

    /**
     * @param offline brokers to plan with although describeCluster does not list them (a leaving
     *     broker that crashed still has replicas to move away; Kafka can reassign away from it)
     * @throws PlanRefusedException when a hard goal forbids the plan; nothing was submitted
     */
    static Pass pass(Admin admin, Clock clock, KafkaCluster cluster, PlanIntent intent,
            double doneBelowShare, Set<Integer> offline) {
        Map<?, ?> running = ReassignmentExecutorAccess.running(admin);
        if (!running.isEmpty()) {
            return new Pass(false, true, null, null);
        }
        ClusterSnapshot s = withBrokers(new KafkaObserver(admin, clock).snapshot(), offline);
        ReassignmentPlan plan = new ReassignmentPlanner(new Random(SEED)).plan(s, intent);
        long total = s.partitions().stream()
                .mapToLong(p -> p.sizeBytes() * p.replicas().size()).sum();
        boolean small = plan.stats().bytesMoved() <= doneBelowShare * total;
        if (plan.isEmpty() || small) {
            Leadership.electPreferred(admin, Leadership.notPreferred(s));
            Leadership.clearAllThrottles(admin, s);
            return new Pass(true, false, plan, null);
        }
        ExecutionPolicy policy = new ExecutionPolicy(
                Math.max(0, cluster.getSpec().rebalance().throttleBytesPerSec()),
                ExecutionPolicy.DEFAULT.maxPartitionsInFlight());
        ReassignmentProgress progress = new ReassignmentExecutor(admin, policy).advance(plan.moves());
        return new Pass(false, false, plan, progress);
    }

    /** The snapshot plus brokers it does not list (without rack: they only give replicas away). */
    static ClusterSnapshot withBrokers(ClusterSnapshot s, Set<Integer> ids) {
        Set<Integer> known = new TreeSet<>();
        s.brokers().forEach(b -> known.add(b.id()));
        List<BrokerState> brokers = new ArrayList<>(s.brokers());
        for (int id : ids) {
            if (!known.contains(id)) {
                brokers.add(new BrokerState(id, null, null, 0));
            }
        }
        if (brokers.size() == s.brokers().size()) {
            return s;
        }
        brokers.sort(Comparator.comparingInt(BrokerState::id));
        return new ClusterSnapshot(s.takenAt(), brokers, s.topics(), s.partitions());
    }

    /** The operation with progress from this pass: totals only grow, moved = total - left. */
    static OperationStatus progress(OperationStatus op, String phase, ReassignmentPlan plan,
            String message) {
        long left = plan == null ? 0 : plan.stats().bytesMoved();
        int partsLeft = plan == null ? 0 : plan.moves().size();
        long moved = op.bytesMoved() == null ? 0 : op.bytesMoved();
        long total = Math.max(op.bytesTotal() == null ? 0 : op.bytesTotal(), moved + left);
        int partsDone = op.partitionsDone() == null ? 0 : op.partitionsDone();
        int partsTotal = Math.max(op.partitionsTotal() == null ? 0 : op.partitionsTotal(),
                partsDone + partsLeft);
        return new OperationStatus(op.type(), phase, op.brokers(), Math.max(moved, total - left),
                total, Math.max(partsDone, partsTotal - partsLeft), partsTotal, op.startedAt(),
                message, op.details());
    }

    static String now(StepContext ctx) {
        return dev.berth.operator.api.Conditions.rfc3339(ctx.clock().instant());
    }

    static OperationStatus phase(OperationStatus op, String phase, String message) {
        return new OperationStatus(op.type(), phase, op.brokers(), op.bytesMoved(), op.bytesTotal(),
                op.partitionsDone(), op.partitionsTotal(), op.startedAt(), message, op.details());
    }
}
