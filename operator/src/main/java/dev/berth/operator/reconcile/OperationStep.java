package dev.berth.operator.reconcile;

/**
 * The hook for day-2 operations (scale up, scale down, restarts, rebalancing): one planner/act pair per
 * operation, plugged into {@link KafkaClusterReconciler} without changing it.
 *
 * <p>On every reconcile of a valid spec, after owned objects exist and facts are published, the
 * reconciler calls each step in order with a {@link StepContext} that holds the cluster, the Kubernetes
 * view, the latest Kafka observation, the Admin client, and the operation in flight (from status, or
 * as the previous step left it). A step that has nothing to do returns {@link StepResult#NOTHING}.
 * Otherwise it takes the next safe action and returns the operation's new state (written to
 * {@code status.operation}; {@code null} clears it), any blocked-operation conditions, and how soon to
 * come back. A step must be level-based: it recomputes from the observation, never from memory. A step
 * that throws decides nothing on that pass: the status says so ({@link StepFailure}), and the next pass
 * calls it again.
 */
@FunctionalInterface
public interface OperationStep {
    StepResult step(StepContext ctx) throws Exception;

    /**
     * Drops what this step keeps in memory for cluster {@code key} ({@code namespace/name}): the cluster was
     * deleted. A cluster created again under the name starts clean (no cool-down or baseline of the old one).
     */
    default void forget(String key) {}

    /**
     * The gate every Kafka-moving step of operation {@code type} passes first: while another operation is
     * in flight, or suspended while pods move off cordoned nodes ({@link MakeWay#holdsBack}), it does
     * nothing; while Kafka cannot be reached it starts nothing and keeps its own operation as it is, coming
     * back after {@code again}. {@code null} means: go on.
     */
    static StepResult gate(StepContext ctx, String type, java.time.Duration again) {
        dev.berth.operator.api.OperationStatus op = ctx.operation();
        if (op != null && !type.equals(op.type()) || MakeWay.holdsBack(ctx, type)) {
            return StepResult.NOTHING;
        }
        if (!ctx.kafka().reachable() || ctx.admin() == null) {
            return op == null ? StepResult.NOTHING : StepResult.of(op, again);
        }
        return null;
    }
}
