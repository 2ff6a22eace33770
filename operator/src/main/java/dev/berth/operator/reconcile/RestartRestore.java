package dev.berth.operator.reconcile;

import static dev.berth.operator.reconcile.RestartStep.AVOID_NODE;
import static dev.berth.operator.reconcile.RestartStep.DONE;
import static dev.berth.operator.reconcile.RestartStep.FOR_SCALE;
import static dev.berth.operator.reconcile.RestartStep.FOR_SPEC;
import static dev.berth.operator.reconcile.RestartStep.MOVED_OFF;
import static dev.berth.operator.reconcile.RestartStep.RESTORE_PASS;
import static dev.berth.operator.reconcile.RestartStep.RESTORE_PASSES;
import static dev.berth.operator.reconcile.RestartStep.RESTORING;
import static dev.berth.operator.reconcile.RestartStep.SKIPPED;
import static dev.berth.operator.reconcile.RestartStep.SOON;
import static dev.berth.operator.reconcile.RestartStep.notBlocked;
import static dev.berth.operator.reconcile.RestartStep.progress;

import dev.berth.operator.act.Leadership;
import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.PartitionState;
import dev.berth.operator.plan.BatchOrigins;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;

/**
 * Steps 6 and 7 of a leader-aware restart ({@link RestartStep}): once broker b is back in sync, or
 * its turn ends without a restart (the edit undone, or the operation making way for a scale), the
 * replica orders recorded before leadership moved ({@code batchReplicasBefore}) are asked for again
 * and the preferred leaders elected; then the turn passes to the next broker, or the operation ends.
 *
 * <p><b>Goal:</b> leave leadership where it was before the roll, so the restart does not skew load.
 * <b>Constraints:</b> Kafka may refuse a reorder or an election (a replica not yet in sync): each is
 * tried again on the next pass, at most {@value RestartStep#RESTORE_PASSES} passes in all, after
 * which Kafka's own leader balancing does the rest; a partition whose preferred replica is out of the
 * ISR is not elected (it would fail).
 *
 * <p><b>Algorithm:</b> (1) reorders = recorded orders that differ from today's, asked for while any is
 * left; (2) elections for the recorded partitions, and those b is preferred for, whose preferred
 * replica is in the ISR but does not lead; (3) an Event says what happened ({@code BrokerRestarted},
 * {@code RestartPaused} or {@code RestartDone}), then {@link RestartQueue#turn} or the end.
 *
 * <p><b>Example:</b> orders-0 recorded as [0,1,2], now [1,2,0] with leader 1: pass 1 asks for
 * [0,1,2]; pass 2 elects 0, which is in the ISR; pass 3 finds nothing left and turns to broker 1.
 */
final class RestartRestore {
    private RestartRestore() {}

    /** Step 6, then 7: the recorded orders and preferred leaders back; then the next broker, or the end. */
    static StepResult restore(StepContext ctx, OperationStatus op, ClusterSnapshot s, int b,
            SortedMap<Integer, String> needed) throws Exception {
        Map<String, List<Integer>> recorded = BatchOrigins.decode(op.details().get(MoveCancel.ORIGINS));
        String skipped = op.details().getOrDefault(SKIPPED, "");
        StepResult pass = givingBack(ctx, op, s, b, recorded, skipped);
        if (pass != null) {
            return pass;
        }
        Set<Integer> done = new TreeSet<>(RestartQueue.ids(op.details().get(DONE)));
        if (skipped.equals(FOR_SPEC)) {
            ctx.event("Normal", RestartStep.Event.BROKER_RESTARTED.reason, "Broker " + b + " not restarted: it no"
                    + " longer needs it (an edit undone, a request taken back, its node uncordoned); "
                    + recorded.size() + " partitions' leadership given back.");
        } else if (!skipped.equals(FOR_SCALE)) {
            String moved = op.details().get(AVOID_NODE) == null ? null
                    : op.details().getOrDefault(MOVED_OFF, "the cordoned node " + op.details().get(AVOID_NODE));
            ctx.event("Normal", RestartStep.Event.BROKER_RESTARTED.reason, "Broker " + b + (moved == null ? ""
                    : " moved off " + moved + " and") + " restarted with the current spec; " + recorded.size()
                    + " partitions' leadership moved off it and back.");
            done.add(b);
        }
        return nextTurn(ctx, op, b, done, skipped, needed);
    }

    /**
     * One pass of giving leadership back: the recorded orders Kafka does not have yet, else the
     * elections still missing; null once neither is left or {@value RestartStep#RESTORE_PASSES}
     * passes were spent.
     */
    private static StepResult givingBack(StepContext ctx, OperationStatus op, ClusterSnapshot s, int b,
            Map<String, List<Integer>> recorded, String skipped) throws Exception {
        int passes = Reshuffle.intDetail(op.details(), RESTORE_PASS, 0);
        if (passes >= RESTORE_PASSES) {
            return null;
        }
        Map<String, List<Integer>> reorders = BatchOrigins.reorders(recorded, RestartStep.replicas(s));
        Set<String> toElect = reorders.isEmpty() ? toElect(s, b, recorded) : Set.of();
        if (reorders.isEmpty() && toElect.isEmpty()) {
            return null;
        }
        if (!reorders.isEmpty()) {
            MoveCancel.reorder(ctx.admin(), reorders); // one Kafka refuses is tried again on the next pass
        } else {
            Leadership.electPreferred(ctx.admin(), RestartStep.partitions(toElect));
        }
        String restoring = (skipped.equals(FOR_SCALE) ? "Pausing before broker " + b + " for a scale operation"
                : skipped.equals(FOR_SPEC) ? "Broker " + b + " no longer needs its restart"
                : "Broker " + b + " is back in sync") + "; giving its leaderships back" + progress(op) + ".";
        return StepResult.of(RestartStep.with(op, RESTORING, restoring,
                Map.of(RESTORE_PASS, Integer.toString(passes + 1))), SOON, notBlocked());
    }

    /** Recorded partitions, and those b is preferred for, whose preferred replica is in sync but does not lead. */
    static Set<String> toElect(ClusterSnapshot s, int b, Map<String, List<Integer>> recorded) {
        Set<String> out = new TreeSet<>();
        for (PartitionState p : s.partitions()) {
            if (p.replicas().isEmpty()) {
                continue;
            }
            int preferred = p.replicas().get(0);
            if ((recorded.containsKey(p.name()) || preferred == b) && p.leader() != preferred
                    && p.isr().contains(preferred)) {
                out.add(p.name());
            }
        }
        return out;
    }

    /** Step 7: the next broker's turn; or a pause for a scale; or the end of the operation. */
    private static StepResult nextTurn(StepContext ctx, OperationStatus op, int b, Set<Integer> done, String skipped,
            SortedMap<Integer, String> needed) {
        Integer next = skipped.equals(FOR_SCALE) ? Integer.valueOf(b) : RestartQueue.next(ctx, op, done, needed);
        if (skipped.equals(FOR_SCALE) || next != null && RestartQueue.scaleWanted(ctx)) {
            ctx.event("Normal", RestartStep.Event.RESTART_PAUSED.reason, "Restart paused before broker " + next
                    + " (restarted so far: " + done + "): the spec adds or removes brokers, which goes first; the"
                    + " restarts resume afterwards.");
            return new StepResult(true, null, List.of(notBlocked()), SOON);
        }
        if (next == null) {
            ctx.event("Normal", RestartStep.Event.RESTART_DONE.reason, done.isEmpty() ? "No broker needed its restart"
                    + " any more; none was restarted." : "Restarted brokers " + done + ", one at a time.");
            return new StepResult(true, null, List.of(notBlocked()), SOON);
        }
        return StepResult.of(RestartQueue.turn(ctx, op, next, done, "Restarting broker " + next + "."),
                Duration.ofMillis(200), notBlocked());
    }
}
