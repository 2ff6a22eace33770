package dev.berth.operator.reconcile;

import dev.berth.operator.act.desired.Names;
import dev.berth.operator.api.Condition;
import dev.berth.operator.api.ConditionType;
import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.api.RebalanceSpec;
import dev.berth.operator.model.BrokerState;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.PartitionState;
import dev.berth.operator.observe.KafkaObserver;
import dev.berth.operator.observe.KubeView;
import dev.berth.operator.plan.DownReplicas;
import dev.berth.operator.plan.PlanIntent;
import dev.berth.operator.plan.PlanRefusedException;
import dev.berth.operator.plan.Problem;
import dev.berth.operator.plan.ReassignmentPlanner;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Scale-up with data reshuffle, as a state machine whose state is {@code status.operation}.
 *
 * <ol>
 *   <li><b>Start</b> (no operation in flight, {@code rebalance.onScale: Rebalance}): every desired
 *       broker's pod is ready and Kafka lists it, some desired brokers hold no replica while
 *       others do. Those empty brokers become the operation's {@code brokers} (phase
 *       {@code Reassigning}), kept until the end even once they hold data.
 *   <li><b>Reassigning</b>: each reconcile runs one {@link Reshuffle} pass for
 *       {@code AddBrokers(brokers)}: replicas move only onto them, rack-aware, the least bytes that
 *       even the load. {@code Reconciling} stays True (reason {@code ScaleUpInProgress}) with
 *       bytes moved / total in the message and in status.
 *   <li><b>Done</b> when what is left is at most a tenth of an average broker's bytes: preferred elections, throttles
 *       cleared, operation cleared.
 *   <li><b>Abandoned</b> when the spec no longer wants one of its brokers (named in
 *       {@code brokers.remove}, or {@code brokers.replicas} lowered below the brokers that exist:
 *       then the newest receivers, {@link #surplus}): the moves onto it are cancelled and their
 *       partitions put back as they were ({@link MoveCancel}; {@code ScaleUpAbandoned} Event).
 *       If other new brokers remain, the operation goes on for them, planning the dropped ones as
 *       down brokers (details {@code droppedBrokers}); otherwise it ends. Then the scale-down takes
 *       over, and chooses which to remove (the fewest bytes: a receiver that got little). Before, a
 *       lowered {@code brokers.replicas} let the scale-up run to its end, and the scale-down then moved
 *       the same bytes back off.
 *   <li><b>Suspended</b> while a broker or controller must move off a cordoned node ({@link MakeWay}):
 *       its running moves are cancelled and put back, the move off the node runs, then it resumes.
 * </ol>
 */
public final class ScaleUpStep implements OperationStep {
    static final String PHASE = "Reassigning";
    /** Details key: new brokers this scale-up dropped (comma-separated ids), planned as down ones. */
    static final String DROPPED = "droppedBrokers";
    private static final Duration AGAIN = Duration.ofSeconds(2);

    @Override
    public StepResult step(StepContext ctx) throws Exception {
        StepResult gated = OperationStep.gate(ctx, OperationStatus.SCALE_UP, AGAIN);
        if (gated != null) {
            return gated;
        }
        OperationStatus op = ctx.operation();
        if (op != null) {
            Set<Integer> dropped = new TreeSet<>(op.brokers());
            dropped.removeAll(ctx.desiredBrokers());
            if (!dropped.isEmpty()) {
                return abandon(ctx, op, dropped, "spec.brokers.remove names them");
            }
            int replicas = ctx.cluster().getSpec().brokers().replicas();
            Set<Integer> stillThere = new TreeSet<>(dropped(op));
            stillThere.retainAll(ctx.desiredBrokers());
            Set<Integer> surplus = surplus(op.brokers(), stillThere, ctx.desiredBrokers().size() - replicas);
            if (!surplus.isEmpty()) {
                return abandon(ctx, op, surplus, "spec.brokers.replicas went down to " + replicas);
            }
            String cordon = MakeWay.moveWanted(ctx);
            if (cordon != null) {
                return MakeWay.suspend(ctx, op, PHASE, ConditionType.ScaleUpBlocked, cordon);
            }
        }
        if (op == null) {
            op = start(ctx);
            if (op == null) {
                return StepResult.NOTHING;
            }
            ctx.event("Normal", ScaleEvent.SCALE_UP_STARTED.reason(), op.message());
            // A start is a decision, which a status write refused after this pass does not keep
            // (StatusWrites#keepOperation): a batch submitted with it would be in Kafka with no record,
            // its throttles never cleared and the rest of the spread never planned (the next pass finds
            // the new brokers no longer empty). So the pass that starts records the operation only.
            return StepResult.of(op, Duration.ofMillis(200), notBlocked());
        }
        List<BrokerState> receivers = receivers(op.brokers(), ctx.kafka().observation().snapshot(),
                ctx.kube().podsByNodeId(Names.ROLE_BROKER));
        Reshuffle.Pass pass;
        try {
            pass = Reshuffle.pass(ctx.admin(), ctx.clock(), ctx.cluster(),
                    new PlanIntent.AddBrokers(receivers), Reshuffle.BALANCED_SHARE, dropped(op),
                    Reshuffle.lastBatch(op, ctx.clock().instant()));
        } catch (PlanRefusedException e) {
            PausedMoves.warnPaused(ctx, ConditionType.ScaleUpBlocked, ScaleDownStep.camel(e.reason().name()),
                    "Scale-up onto brokers " + op.brokers() + " paused: " + e.getMessage() + ". To fix: "
                            + e.reason().remedy() + ".");
            return new StepResult(true, Reshuffle.phase(op, PHASE, "Paused: " + e.getMessage() + "."),
                    List.of(Condition.of(ConditionType.ScaleUpBlocked, true,
                            ScaleDownStep.camel(e.reason().name()), e.getMessage() + ". To fix: "
                            + e.reason().remedy() + ".")),
                    Duration.ofSeconds(10));
        }
        if (pass.settling()) {
            return StepResult.of(Reshuffle.settling(op, ctx.clock().instant()), Duration.ofSeconds(1), notBlocked());
        }
        if (pass.done()) {
            OperationStatus last = Reshuffle.progress(op, PHASE, pass.plan(), null);
            ctx.event("Normal", ScaleEvent.SCALE_UP_BALANCED.reason(),
                    "Brokers " + op.brokers() + " hold their share; " + last.bytesMoved() + " bytes moved.");
            return new StepResult(true, null, List.of(notBlocked()), Duration.ofSeconds(1));
        }
        if (pass.waiting()) {
            OperationStatus next = Reshuffle.inFlight(op, pass.running(), Reshuffle.sizes(ctx.kafka().observation()));
            // a move with a replica on a broker that went down cannot end until it is back: say so
            Problem down = DownReplicas.problem(ctx.kafka().observation().snapshot(), pass.running().keySet(), Set.of());
            return StepResult.of(next == op ? op : Reshuffle.phase(next, PHASE, moving(next)), AGAIN, down == null
                    ? notBlocked() : waitsForDown(ctx, op, down));
        }
        OperationStatus next = Reshuffle.submitted(op, PHASE, pass, null);
        String refused = PausedMoves.refusedMoves(pass.progress());
        if (refused != null) {
            return PausedMoves.pausedByRefusal(ctx, next, PHASE, ConditionType.ScaleUpBlocked,
                    "Scale-up onto brokers " + op.brokers(), refused);
        }
        return new StepResult(true, Reshuffle.phase(next, PHASE, moving(next)), List.of(notBlocked()),
                AGAIN);
    }

    /** {@code ScaleUpBlocked=True} for moves that wait on a down broker, with a Warning once per pause. */
    private static Condition waitsForDown(StepContext ctx, OperationStatus op, Problem down) {
        String why = down.message() + ". To fix: " + down.reason().remedy() + ".";
        PausedMoves.warnPaused(ctx, ConditionType.ScaleUpBlocked, ScaleDownStep.camel(down.reason().name()),
                "Scale-up onto brokers " + op.brokers() + " cannot finish: " + why);
        return Condition.of(ConditionType.ScaleUpBlocked, true, ScaleDownStep.camel(down.reason().name()),
                "Scale-up cannot finish: " + why);
    }

    /**
     * The spec no longer wants brokers {@code dropped} of the scale-up (a new broker lost with its
     * node and named in brokers.remove). Moves onto them may never end
     * (a lost broker never catches up), and the scale-down that removes them waits for this
     * operation: so cancel the reassignments that add them (Kafka puts those partitions back on their
     * old replicas). Then, if other new brokers remain, go on for them with the dropped ones planned
     * as down brokers; else clear the throttles and end the operation. Replicas that already reached
     * the dropped brokers are the scale-down's to drain.
     */
    private static StepResult abandon(StepContext ctx, OperationStatus op, Set<Integer> dropped, String why)
            throws Exception {
        MoveCancel.Step undo = MoveCancel.step(ctx.admin(),
                (tp, r) -> r.addingReplicas().stream().anyMatch(dropped::contains),
                op.details(), ctx.clock().instant());
        if (!undo.over()) {
            String doing = undo.doing("moves onto brokers " + dropped + " (the spec no longer wants them)");
            return StepResult.of(Reshuffle.withDetails(Reshuffle.phase(op, PHASE, doing), undo.details()), Duration.ofSeconds(1));
        }
        List<Integer> rest = op.brokers().stream().filter(b -> !dropped.contains(b)).toList();
        if (!rest.isEmpty()) {
            // the other new brokers still get their share; the dropped ones are planned as down
            // brokers (they may give replicas away, never receive), and the scale-down drains the rest
            Set<Integer> gone = new TreeSet<>(dropped(op));
            gone.addAll(dropped);
            Map<String, String> details = new java.util.TreeMap<>(undo.details());
            details.put(DROPPED, gone.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(",")));
            OperationStatus narrowed = Reshuffle.narrowed(op, PHASE, rest, "Spreading data onto brokers " + rest
                    + "; moves onto " + dropped + " were cancelled.", details);
            ctx.event("Normal", ScaleEvent.SCALE_UP_ABANDONED.reason(), "Moves onto brokers "
                    + dropped + " cancelled: " + why + ". The scale-up goes on onto brokers " + rest + ".");
            return new StepResult(true, narrowed, List.of(notBlocked()), Duration.ofSeconds(1));
        }
        Reshuffle.clearThrottlesIfIdle(ctx.admin(), ctx.kafka().observation().snapshot());
        ctx.event("Normal", ScaleEvent.SCALE_UP_ABANDONED.reason(), "Scale-up onto brokers "
                + op.brokers() + " ended: " + why + "; moves onto brokers " + dropped + " were cancelled and put back,"
                + " and the scale-down removes what the spec no longer wants.");
        return new StepResult(true, null, List.of(notBlocked()), Duration.ofSeconds(1));
    }

    /**
     * The receivers a lowered {@code brokers.replicas} leaves without a place: {@code excess} brokers
     * more exist than the spec asks for (desired ids never drop a broker that exists), so the newest
     * receivers, highest ids first, stop receiving; the scale-down that follows removes them while
     * they hold little. Receivers dropped before still exist and are counted first: the excess is
     * taken from all receivers, and only those still receiving are returned. Example: receivers
     * [3,4], 6 brokers for replicas 5 gives [4]; for 3, [3,4]; then receivers [3] with [4] dropped,
     * still 6 brokers for 5, gives [] (broker 4 covers the excess; before, 3 was dropped as well).
     */
    static Set<Integer> surplus(List<Integer> receivers, Set<Integer> droppedBefore, int excess) {
        Set<Integer> all = new TreeSet<>(receivers);
        all.addAll(droppedBefore);
        List<Integer> newestFirst = all.stream().sorted(java.util.Comparator.reverseOrder()).toList();
        Set<Integer> out = new TreeSet<>();
        for (int i = 0; i < Math.min(excess, newestFirst.size()); i++) {
            if (receivers.contains(newestFirst.get(i))) {
                out.add(newestFirst.get(i));
            }
        }
        return out;
    }

    private static Set<Integer> dropped(OperationStatus op) {
        String ids = op.details().get(DROPPED);
        Set<Integer> out = new TreeSet<>();
        if (ids != null && !ids.isBlank()) {
            for (String id : ids.split(",")) {
                try {
                    out.add(Integer.parseInt(id.trim()));
                } catch (NumberFormatException e) {
                    // a hand-edited status: that entry is ignored, the operation goes on
                }
            }
        }
        return out;
    }

    private static String moving(OperationStatus op) {
        return "Moving replicas onto brokers " + op.brokers() + ": " + op.bytesMoved() + " of " + op.bytesTotal()
                + " bytes, " + (op.partitionsTotal() - op.partitionsDone()) + " partitions left.";
    }

    private static Condition notBlocked() {
        return Condition.of(ConditionType.ScaleUpBlocked, false, "NotBlocked",
                "No scale-up is paused.");
    }

    /**
     * Whether the first pass would find nothing worth moving onto {@code empty} (the planner cannot
     * place anything there, or only a sliver of the bytes): starting would end at once, leave the
     * brokers empty, and start again on the next reconcile, with two Events each time. A plan the
     * planner refuses is started, so that ScaleUpBlocked says why.
     */
    private static boolean wouldBeDoneAtOnce(ClusterSnapshot s, Set<Integer> empty) {
        List<BrokerState> receivers = s.brokers().stream().filter(b -> empty.contains(b.id())).toList();
        try {
            return Reshuffle.settled(new ReassignmentPlanner(new Random(Reshuffle.SEED))
                    .plan(s, new PlanIntent.AddBrokers(receivers)), s, Reshuffle.BALANCED_SHARE);
        } catch (PlanRefusedException e) {
            return false;
        }
    }

    /**
     * The new brokers as the planner gets them, each with its rack: Kafka's, or, for a broker Kafka does not
     * list now (fenced while its pod restarts between two batches), the {@code berth.dev/rack} its pod
     * carries, which is where Kafka's comes from ({@code BROKER_RACK}). Planned without one, it was a rack
     * of its own, and a batch could put a second replica of a partition in its real rack.
     */
    static List<BrokerState> receivers(List<Integer> ids, ClusterSnapshot known, Map<Integer, V1Pod> pods) {
        Map<Integer, String> racks = new java.util.HashMap<>();
        known.brokers().forEach(b -> racks.put(b.id(), b.rack())); // a null rack too: Kafka's word
        List<BrokerState> out = new java.util.ArrayList<>();
        for (int id : ids) {
            V1Pod pod = pods.get(id);
            String rack = racks.containsKey(id) ? racks.get(id)
                    : pod == null ? null : KubeView.annotation(pod, Names.ANN_RACK);
            out.add(new BrokerState(id, rack, null, 0));
        }
        return out;
    }

    /** Desired brokers that hold no replica, while others do (none when no broker holds any). */
    private static TreeSet<Integer> empty(ClusterSnapshot s, Set<Integer> desired) {
        Set<Integer> holding = new HashSet<>();
        for (PartitionState p : s.partitions()) {
            holding.addAll(p.replicas());
        }
        TreeSet<Integer> empty = new TreeSet<>(desired);
        empty.removeAll(holding);
        return holding.isEmpty() ? new TreeSet<>() : empty;
    }

    /** The operation to start, or null when there is nothing to spread. */
    private static OperationStatus start(StepContext ctx) {
        if (ctx.cluster().getSpec().rebalance().onScale() != RebalanceSpec.OnScale.Rebalance) {
            return null;
        }
        ClusterSnapshot s = ctx.kafka().observation().snapshot();
        Set<Integer> registered = new HashSet<>();
        s.brokers().forEach(b -> registered.add(b.id()));
        if (!registered.containsAll(ctx.desiredBrokers())) {
            return null;
        }
        if (ctx.desiredBrokers().size() > ctx.cluster().getSpec().brokers().replicas()) {
            return null; // more brokers than the spec wants: the scale-down comes first, not data onto them
        }
        Map<Integer, V1Pod> pods = ctx.kube().podsByNodeId(Names.ROLE_BROKER);
        for (int id : ctx.desiredBrokers()) {
            V1Pod pod = pods.get(id);
            if (pod == null || !KubeView.isReady(pod) || KubeView.isTerminating(pod)) {
                return null;
            }
        }
        if (empty(s, ctx.desiredBrokers()).isEmpty()) {
            return null;
        }
        // The periodic observation can predate the moves of a scale-up that just ended (empty
        // partitions move at once), which then looked like empty brokers again and started a second
        // one: decide from a fresh read, taken only when the observation suggests starting.
        ClusterSnapshot fresh = new KafkaObserver(ctx.admin(), ctx.clock()).snapshot();
        TreeSet<Integer> empty = empty(fresh, ctx.desiredBrokers());
        if (empty.isEmpty() || wouldBeDoneAtOnce(fresh, empty)) {
            return null;
        }
        return new OperationStatus(OperationStatus.SCALE_UP, PHASE, List.copyOf(empty), 0L, null,
                0, null, Reshuffle.now(ctx), "Spreading data onto new brokers " + empty + ".",
                Map.of());
    }
}
