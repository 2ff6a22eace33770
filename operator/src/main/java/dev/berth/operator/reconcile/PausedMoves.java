package dev.berth.operator.reconcile;

import dev.berth.operator.act.ReassignmentExecutor;
import dev.berth.operator.act.ReassignmentProgress;
import dev.berth.operator.api.ConditionType;
import dev.berth.operator.api.OperationStatus;

/**
 * A data move that cannot go on for now, said once where a person looks: Kafka refusing every move a pass
 * submits ({@link #refusedMoves}, {@link #pausedByRefusal}), or a plan refused or stuck ({@link #warnPaused}).
 * Used by the scale steps and the hot-replica phase, beside {@link Reshuffle}'s passes.
 */
final class PausedMoves {
    private PausedMoves() {}

    /** Condition reason when Kafka refused every move a pass submitted and none runs. */
    static final String MOVES_REFUSED = "MovesRefused";
    /** How {@link #refusedMoves} begins. */
    static final String REFUSED = "Kafka refuses the data moves (";

    /**
     * What Kafka said when it refused every move this pass submitted and none runs, or null (some run:
     * those refused are asked again next pass with the rest). Nothing moves then, and each pass would
     * only ask again in silence: the operator's principal lacks Alter on the cluster, say. Example:
     * "Kafka refuses the data moves (4 partitions): orders-0: reassign ClusterAuthorizationException; ...".
     * A plan that meets a list still lagging ("planned 2 replicas, Kafka lists 3") is no refusal, nor is a
     * submission that timed out: Kafka may yet carry it out (the next pass reads what runs), and a hot phase
     * stopped on it left a move it did not track, with its throttles cleared.
     */
    static String refusedMoves(ReassignmentProgress p) {
        if (p == null || p.inFlight() > 0) {
            return null;
        }
        java.util.List<String> refused = p.errors().stream()
                .filter(e -> e.contains(": reassign ") && !e.endsWith(ReassignmentExecutor.TIMED_OUT)).toList();
        if (refused.isEmpty()) {
            return null;
        }
        return REFUSED + refused.size() + " partitions): "
                + String.join("; ", refused.subList(0, Math.min(3, refused.size()))) + (refused.size() > 3 ? "; ..." : "");
    }

    /**
     * The step's result when {@link #refusedMoves} says Kafka refused them all: the operation goes on in
     * {@code phase} (asked again every 10 s), condition {@code type} {@value #MOVES_REFUSED} and one
     * Warning say why, and the throttles come off while nothing runs (the next pass that moves sets them).
     * {@code what} names the operation: "Scale-up onto brokers [3]".
     */
    static StepResult pausedByRefusal(StepContext ctx, OperationStatus next, String phase, ConditionType type, String what,
            String refused) {
        String why = refused + ". They are asked again every pass; look at the operator's Kafka permissions (Alter on"
                + " the cluster) and the brokers' logs.";
        warnPaused(ctx, type, MOVES_REFUSED, what + " paused: " + why);
        // nothing moves: the throttles set for the refused batch would slow any follower catching up meanwhile
        Reshuffle.clearThrottlesIfIdle(ctx.admin(), ctx.kafka().observation().snapshot());
        return new StepResult(true, Reshuffle.phase(next, phase, "Paused: " + refused + "."),
                java.util.List.of(dev.berth.operator.api.Condition.of(type, true, MOVES_REFUSED, why)),
                java.time.Duration.ofSeconds(10));
    }

    /**
     * Posts {@link ScaleEvent#DATA_MOVE_PAUSED} unless condition {@code type} already says this pause's
     * {@code reason}: once per pause, for {@code kubectl describe}, not once per retry.
     */
    static void warnPaused(StepContext ctx, ConditionType type, String reason, String message) {
        boolean known = ctx.cluster().getStatus().conditions().stream().anyMatch(c -> c.isTrue()
                && c.type().equals(type.name()) && c.reason().equals(reason));
        if (!known) {
            ctx.event("Warning", ScaleEvent.DATA_MOVE_PAUSED.reason(), message);
        }
    }
}
