package dev.berth.operator.reconcile;

import dev.berth.operator.api.Condition;
import dev.berth.operator.api.ConditionType;
import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.observe.KafkaObserver;
import dev.berth.operator.plan.BatchOrigins;
import dev.berth.operator.plan.CordonMoves;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A scale's data move (a scale-up's reshuffle, a scale-down's drain) makes way for a move off a
 * cordoned node, and resumes after it.
 *
 * <p><b>Goal:</b> a {@code kubectl drain}, or a node pool upgrade, waits for the leader-aware move of
 * the brokers and controllers on the node (their disruption budget holds the evictions), so it must
 * not wait behind hours of throttled copying; the scale must still end as if nothing happened.
 * <b>Constraints:</b> one operation in flight at a time ({@code status.operation}); no data lost; a
 * restarted operator goes on (the suspended operation lives in {@code status.suspended}).
 *
 * <p><b>Algorithm.</b>
 * <ol>
 *   <li><b>Suspend</b>, in the scale's own passes (a scale-down only while it drains brokers that are
 *       live, {@link #mayWait}: once it removes pods, or while it rebuilds a lost broker's replicas,
 *       it goes on), while {@link #moveWanted}: a pod must move off a cordoned node
 *       ({@link RestartQueue#cordonMoveWanted}) and no other scale is wanted (a restart does not start
 *       then, so the scale would wait for nothing). The moves Kafka runs for it are cancelled
 *       and their partitions put back as they were ({@link MoveCancel}: the old replicas never left);
 *       then its throttles come off, the operation moves from {@code status.operation} to
 *       {@code status.suspended}, its Blocked condition turns True (reason {@value #REASON}) and an
 *       Event {@value #SUSPENDED} says why.
 *   <li>The move itself runs as the operation {@code Restart} (or {@code ControllerRestart}), as for any
 *       cordon, starting in the same pass. No other operation starts while one is suspended
 *       ({@link #holdsBack}), and that restart takes only the pods that must move ({@link #restartable}):
 *       anything else would be one more thing the suspended one waits behind.
 *   <li><b>Resume</b>, at the start of a pass ({@link #resumed}): with no operation in flight and no move
 *       wanted, by the same rule, the suspended operation is in flight again (Event {@value #RESUMED}).
 *       Its step plans afresh from Kafka as it stands, level-based: what moved before stays moved, and
 *       only what the cancel put back is copied again (at most one batch).
 * </ol>
 * A suspended scale-down's brokers stay leaving: the reconciler reads them from {@code status.suspended}
 * too (the healer does not bring them back, the restart does not take them), and a
 * {@code brokers.remove} that names them is a scale under way, not one wanted. Hot-replica moves stop
 * rather than wait ({@link HotReplicaPhase}): their plan came from rates that will be stale after the
 * move.
 *
 * <p><b>Example:</b> a scale-up onto broker 3 has moved 40 % and runs a batch of 2 moves; node n1 of
 * broker 1 is cordoned. Passes 1–3 record the batch's replica lists, cancel the 2 moves and put them
 * back in order; pass 4 sets the scale-up aside (Event "ScaleUp of brokers [3] suspended: broker 1 is
 * on cordoned node n1, …") and the Restart of broker 1 starts. When broker 1 runs on another node and
 * the Restart has ended, the next pass resumes the scale-up, which plans the remaining 60 % afresh.
 */
final class MakeWay {
    /** Event reason when an operation is set aside. */
    static final String SUSPENDED = "OperationSuspended";
    /** Event reason when it is in flight again. */
    static final String RESUMED = "OperationResumed";
    /** Reason of the suspended operation's Blocked condition. */
    static final String REASON = "MakingWayForCordonMove";
    /** Operations that may run while another is suspended: the moves off cordoned nodes. */
    private static final Set<String> MAY_RUN = Set.of(RestartStep.TYPE, ControllerRollStep.TYPE);
    private static final Duration SOON = Duration.ofSeconds(1);

    private MakeWay() {}

    /**
     * Whether a step of operation {@code type} must not start one now: another operation is suspended
     * and waits only for the moves off cordoned nodes.
     */
    static boolean holdsBack(StepContext ctx, String type) {
        return ctx.operation() == null && ctx.suspended() != null && !MAY_RUN.contains(type);
    }

    /**
     * The move to make way for, as "broker 1 is on cordoned node n1", or null: a desired broker or a
     * controller must move off a cordoned node, and the restart that moves it can start (no scale is
     * wanted: {@link RestartQueue#start} waits for the scale steps, which would leave a suspended
     * operation waiting for a move that never comes). Suspend and resume follow this one rule, so an
     * operation never flips between the two.
     */
    static String moveWanted(StepContext ctx) {
        return RestartQueue.scaleWanted(ctx) ? null : RestartQueue.cordonMoveWanted(ctx);
    }

    /**
     * What a restart may take on while an operation is suspended: only the pods that must move off a
     * cordoned node ({@code cordoned}: MOVE findings by node id), the moves it made way for. Other drift
     * (an image edit, a restart annotation) waits until the suspended operation is done, as it would
     * have had no node been cordoned; otherwise a whole roll would run while the data move waits.
     * With nothing suspended, all of {@code needed}. Example: needed {0: image, 1: on cordoned node n1}
     * while a scale-up is suspended gives {1: on cordoned node n1}.
     */
    static SortedMap<Integer, String> restartable(StepContext ctx, SortedMap<Integer, String> needed,
            Map<Integer, CordonMoves.Finding> cordoned) {
        if (ctx.suspended() == null) {
            return needed;
        }
        SortedMap<Integer, String> out = new TreeMap<>(needed);
        out.keySet().removeIf(id -> cordoned.get(id) == null || cordoned.get(id).verdict() != CordonMoves.Verdict.MOVE);
        return out;
    }

    /**
     * Whether the scale {@code op} may be set aside, given the brokers Kafka has live: not a scale-down
     * that drains a broker that is down (lost with its node, say). That drain rebuilds the replicas the
     * lost broker took with it, and the move off the cordoned node would wait for them anyway: the
     * restart's safety rule refuses to stop a broker while a partition is short of replicas. Example:
     * a drain of [3] with brokers 0..3 live may wait; with 3 gone it goes on.
     */
    static boolean mayWait(OperationStatus op, Set<Integer> live) {
        return op.leavingBrokers().stream().allMatch(live::contains);
    }

    /** The pass's context with the suspended operation in flight again, when nothing holds it any more. */
    static StepContext resumed(StepContext ctx) {
        OperationStatus parked = ctx.suspended();
        if (parked == null || ctx.operation() != null || moveWanted(ctx) != null) {
            return ctx;
        }
        String why = RestartQueue.cordonMoveWanted(ctx) == null
                ? "no broker or controller must move off a cordoned node any more"
                : "a scale is wanted, which goes before a restart";
        ctx.event("Normal", RESUMED, parked.type() + " of brokers " + parked.brokers() + " resumed: " + why + ".");
        return ctx.withOperation(parked).withSuspended(null);
    }

    /**
     * One pass of setting {@code op} aside because {@code why} ("broker 1 is on cordoned node n1"):
     * its running moves are cancelled and put back first (several passes), then it is suspended.
     *
     * @param phase the phase the operation is in while its moves are called off
     * @param blocked its Blocked condition type, which says what it waits for
     */
    static StepResult suspend(StepContext ctx, OperationStatus op, String phase, ConditionType blocked, String why)
            throws Exception {
        // only its own batch (recorded when submitted): with none recorded, another tool's reassignment is left alone
        boolean recorded = !BatchOrigins.decode(op.details().get(MoveCancel.ORIGINS)).isEmpty();
        MoveCancel.Step undo = MoveCancel.step(ctx.admin(), (tp, r) -> recorded, op.details(), ctx.clock().instant());
        if (!undo.over()) {
            String doing = "Making way (" + why + "): " + undo.doing("moves");
            return StepResult.of(Reshuffle.withDetails(Reshuffle.phase(op, phase, doing), undo.details()), SOON);
        }
        Reshuffle.clearThrottlesIfIdle(ctx.admin(), new KafkaObserver(ctx.admin(), ctx.clock()).snapshot());
        String of = op.type() + " of brokers " + op.brokers();
        OperationStatus parked = Reshuffle.narrowed(op, phase, op.brokers(), "Suspended: " + why
                + "; it resumes once no pod must move off a cordoned node.", undo.details());
        ctx.event("Normal", SUSPENDED, of + " suspended: " + why + ", and a node drain waits for its leader-aware"
                + " move. The moves Kafka was running are cancelled and put back; what moved before stays moved."
                + " It resumes once no broker or controller must move off a cordoned node.");
        Condition waits = Condition.of(blocked, true, REASON, "The " + of + " is suspended: " + why
                + "; that move runs first (one operation at a time), and it resumes after.");
        return new StepResult(true, null, List.of(waits), SOON, parked);
    }
}
