package dev.berth.operator.reconcile;

import dev.berth.operator.act.Leadership;
import dev.berth.operator.act.PodDrift;
import dev.berth.operator.act.desired.Names;
import dev.berth.operator.api.Condition;
import dev.berth.operator.api.ConditionType;
import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.observe.KafkaObserver;
import dev.berth.operator.observe.KubeView;
import dev.berth.operator.plan.BatchOrigins;
import dev.berth.operator.plan.CordonMoves;
import dev.berth.operator.plan.LeadershipShift;
import dev.berth.operator.plan.RestartSafety;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * Leader-aware rolling restart of the broker pods that no longer run the spec ({@link PodDrift}: an
 * image, resources or Kafka configuration edit, a {@code berth.dev/restart} annotation, a cordoned
 * node or placement drift, which the broker is moved off: {@link PodDrift#moveOff}), one broker at a
 * time, as a state machine whose state is {@code status.operation} (type
 * {@value #TYPE}). Each pass first applies what Kafka can take at run time ({@link LiveConfig}): a
 * broker whose only edit is such {@code spec.config} keys is not restarted at all.
 *
 * <p><b>Goal:</b> roll a spec edit out without a client noticing: no partition drops below
 * {@code min.insync.replicas}, and no leader is stopped under a producer. <b>Constraints:</b> one
 * broker at a time; only when every desired broker runs and no other operation is in flight; every
 * decision from a fresh read of Kafka (the periodic observation can predate the last step).
 *
 * <p><b>Per broker b</b> (the design's seven steps):
 * <ol>
 *   <li>{@code MovingLeadership}, and {@code WaitingSafe} while {@link RestartGate} finds b may not
 *       stop yet ({@link RestartSafety}'s min.insync rule, a reassignment running, another broker
 *       behind, b's local volume on a cordoned node; condition {@code RestartBlocked} and an Event
 *       {@code RestartWaiting} say which): first record the replica order of every partition b leads or is preferred for
 *       (details {@code batchReplicasBefore}, written before anything changes in Kafka); then reorder
 *       them ({@link LeadershipShift#away}, no data moves) and run preferred elections;
 *   <li>once b leads nothing another in-sync replica could lead, and it is still safe: delete its
 *       pod (UID precondition), phase {@code Restarting}; the reconciler recreates it from the
 *       current spec, with the same id, PVC and rack, and with {@code berth.dev/avoid-node} when b
 *       is moved off a cordoned or drifted node (details {@value #AVOID_NODE}, {@value #MOVED_OFF});
 *   <li>{@code Restarting} until the new pod is ready, Kafka lists b, and b is back in the ISR of
 *       every partition it holds ({@code RestartBlocked=BrokerNotBack} after {@link #NOT_BACK_AFTER});
 *       a pod replaced by other hands during b's turn counts as b's restart;
 *   <li>{@code RestoringLeadership}: the recorded orders back, preferred elections (at most
 *       {@value #RESTORE_PASSES} passes of elections; Kafka's own leader balancing does the rest);
 *   <li>then the next broker of {@code brokers} that still needs it; after the last, the operation
 *       ends ({@code RestartDone}).
 * </ol>
 *
 * <p>A broker whose local volume is on a cordoned node cannot restart until the uncordon, so its
 * turn, before any of its leadership moved, passes to a broker that can ({@code othersFirst}); it
 * comes back once none is left ({@link RestartQueue#next}).
 *
 * <p>A roll's first pass only records the operation: a pass that both starts and acts would lose
 * what it did to a refused status write (a start is never kept over one).
 *
 * <p>It makes way (leadership given back, operation ended, Event {@code RestartPaused}) before b's
 * pod goes when the spec adds or removes brokers, or no longer wants b: the scale steps wait for the
 * operation in flight. {@link RestartQueue} decides when a roll starts and which broker is next.
 *
 * <p><b>Example:</b> {@code spec.image} edited on brokers 0..2: the operation lists [0,1,2]. Broker
 * 0 leads orders-0 [0,1,2]: the order [1,2,0] is recorded, asked for and elected, so 1 leads; pod 0
 * is deleted and recreated; once 0 is in every ISR again, orders-0 goes back to [0,1,2] and 0 leads
 * it; then broker 1, then 2.
 */
public final class RestartStep implements OperationStep {
    public static final String TYPE = "Restart";
    /** Edits Kafka takes at run time, applied before (and instead of) restarts; it remembers per cluster. */
    private final LiveConfig liveConfig = new LiveConfig();

    @Override
    public void forget(String key) {
        liveConfig.forget(key);
    }
    static final String MOVING = "MovingLeadership";
    static final String WAITING_SAFE = "WaitingSafe";
    static final String RESTARTING = "Restarting";
    static final String RESTORING = "RestoringLeadership";
    /** Details: the broker being restarted now. */
    static final String CURRENT = "currentBroker";
    /** Details: brokers restarted so far by this operation (comma-separated). */
    static final String DONE = "restartedBrokers";
    /** Details: the UID of the broker's pod when its turn began ({@link RestartQueue#turn}). */
    static final String TURN_POD = "turnPodUid";
    /** Details: when this step deleted the pod (RFC 3339), for {@link #NOT_BACK_AFTER}. */
    static final String DELETED_AT = "deletedAt";
    /** How long a restarted broker may take to come back before {@code RestartBlocked} says so. */
    static final Duration NOT_BACK_AFTER = Duration.ofMinutes(5);
    /** Details: the UID of the pod this step deleted. */
    static final String DELETED_POD = "deletedPodUid";
    /** Details: the node the current broker's pod was moved off; its new pod avoids it (berth.dev/avoid-node). */
    static final String AVOID_NODE = "avoidNode";
    /** Details: how messages name that node ("the cordoned node n1"), and why it is avoided ({@code cordon}, {@code drift}). */
    static final String MOVED_OFF = "movedOff";
    static final String MOVED_FOR = "movedFor";
    /** Details: set when the current broker no longer needed its restart (the spec edit was undone). */
    static final String SKIPPED = "skipped";
    /** {@link #SKIPPED} values: the broker no longer needs its restart, or the operation makes way for a scale. */
    static final String FOR_SPEC = "spec";
    static final String FOR_SCALE = "scale";
    /**
     * Details: the {@code RestartBlocked} reason of the wait under way, so that its Event is posted
     * once when the wait starts or changes kind, not on every pass. {@link #with} drops it when a
     * pass does not wait.
     */
    static final String WAITING_FOR = "waitingFor";
    /** Details: the Warning that the broker is not back was posted. */
    static final String WARNED = "notBackWarned";
    /** Details: passes spent electing preferred leaders back. */
    static final String RESTORE_PASS = "restorePasses";
    static final int RESTORE_PASSES = 5;
    static final Duration AGAIN = Duration.ofSeconds(2);
    static final Duration SOON = Duration.ofSeconds(1);

    /** Event reasons of a rolling restart. */
    enum Event {
        /** Broker pods run an older spec (or ask for a restart): rolling them one at a time. */
        RESTART_STARTED("RestartStarted"),
        /**
         * When a broker's restart starts waiting, or waits for something else: a Warning when a person
         * may have to act (partitions at min.insync, a cordoned node, a broker not back), Normal for
         * reassignments that end by themselves.
         */
        RESTART_WAITING("RestartWaiting"),
        /**
         * A Warning as a broker's pod is deleted, naming its partitions whose replication factor is at
         * most min.insync.replicas: they refuse acks=all writes (or, with one replica, all traffic)
         * until it is back.
         */
        RESTART_UNPROTECTED("RestartUnprotected"),
        /** One broker is back, in every ISR, with its preferred leaderships. */
        BROKER_RESTARTED("BrokerRestarted"),
        /**
         * The spec adds or removes brokers: the restart gave back what leadership it had moved and ended
         * before its next broker, since the scale steps wait for it; it starts again afterwards.
         */
        RESTART_PAUSED("RestartPaused"),
        /** Every broker of the operation was restarted (or no longer needed it). */
        RESTART_DONE("RestartDone");

        final String reason;

        Event(String reason) {
            this.reason = reason;
        }
    }

    /** The broker a restart is moving off a cordoned node, with that node; empty otherwise. */
    static Map<Integer, String> avoiding(OperationStatus op) {
        if (op == null || !TYPE.equals(op.type()) || op.details().get(AVOID_NODE) == null) {
            return Map.of();
        }
        int b = Reshuffle.intDetail(op.details(), CURRENT, -1);
        return b < 0 ? Map.of() : Map.of(b, op.details().get(AVOID_NODE));
    }

    @Override
    public StepResult step(StepContext ctx) throws Exception {
        StepResult gated = OperationStep.gate(ctx, TYPE, AGAIN);
        if (gated != null) {
            return gated;
        }
        LiveConfig.Outcome live = liveConfig.settleOrRoll(ctx);
        SortedMap<Integer, String> needed = RestartQueue.needed(ctx, live);
        OperationStatus op = ctx.operation();
        if (op == null) {
            op = RestartQueue.start(ctx, needed);
            if (op == null) {
                return live.result(ctx.cluster(), SOON, AGAIN, notBlocked());
            }
            ctx.event("Normal", Event.RESTART_STARTED.reason, op.message());
            // written before any pod goes: a start is never kept over a refused status write
            return StepResult.of(op, Duration.ofMillis(200), notBlocked());
        }
        int b = Reshuffle.intDetail(op.details(), CURRENT, op.brokers().isEmpty() ? -1 : op.brokers().get(0));
        ClusterSnapshot s = new KafkaObserver(ctx.admin(), ctx.clock()).snapshot();
        V1Pod pod = ctx.kube().podsByNodeId(Names.ROLE_BROKER).get(b);
        if (!ctx.desiredBrokers().contains(b) && !FOR_SCALE.equals(op.details().get(SKIPPED))) {
            // the spec removes it (or a hand-edited status names no broker): no pod comes back to wait
            // for, and the scale-down that removes it waits for this operation: make way
            return RestartRestore.restore(ctx, with(op, RESTORING, "Broker " + b + " is no longer wanted by the spec.",
                    Map.of(SKIPPED, FOR_SCALE)), s, b, needed);
        }
        if (RESTARTING.equals(op.phase())) {
            return awaitReturn(ctx, op, s, b, pod, needed);
        }
        if (RESTORING.equals(op.phase())) {
            return RestartRestore.restore(ctx, op, s, b, needed);
        }
        return leadershipOff(ctx, op, s, b, pod, needed);
    }

    /** Steps 1 to 4: wait until safe ({@link RestartGate}), leadership away, wait until b leads nothing, delete the pod. */
    private static StepResult leadershipOff(StepContext ctx, OperationStatus op, ClusterSnapshot s, int b, V1Pod pod,
            SortedMap<Integer, String> needed) throws Exception {
        String turnPod = op.details().get(TURN_POD);
        if (pod != null && turnPod != null && !turnPod.equals(pod.getMetadata().getUid())) {
            // its pod was replaced since the turn began (a delete of ours whose record was lost, or
            // someone else's): the broker restarted, so wait for it as after our own delete
            return awaitReturn(ctx, with(op, RESTARTING, "Broker " + b + "'s pod was replaced.",
                    Map.of(DELETED_POD, turnPod, DELETED_AT, Reshuffle.now(ctx))), s, b, pod, needed);
        }
        if (pod == null || KubeView.isTerminating(pod)) {
            // gone by other hands (deleted, or lost with its node): what is left is to wait for its return
            return StepResult.of(with(op, RESTARTING, "Broker " + b + "'s pod went away on its own; waiting for"
                    + " the new one.", Map.of(DELETED_POD, pod == null ? "" : pod.getMetadata().getUid(),
                    DELETED_AT, Reshuffle.now(ctx))), SOON, notBlocked());
        }
        if (RestartQueue.scaleWanted(ctx)) {
            // brokers to add or remove (say a lost one named in brokers.remove, which is also what keeps
            // this restart waiting): the scale steps wait for this operation, so it makes way for them
            return RestartRestore.restore(ctx, with(op, RESTORING, "Pausing before broker " + b + " for a scale operation.",
                    Map.of(SKIPPED, FOR_SCALE)), s, b, needed);
        }
        if (!needed.containsKey(b)) {
            // the edit was undone (or the annotation taken off, or its node uncordoned), or b takes it at
            // run time, before the pod went: give back what leadership already moved, go on with the next
            return RestartRestore.restore(ctx, with(op, RESTORING, "Broker " + b + " no longer needs its restart; not restarted.",
                    Map.of(SKIPPED, FOR_SPEC)), s, b, needed);
        }
        StepResult first = othersFirst(ctx, op, b, needed);
        if (first != null) {
            return first;
        }
        StepResult waiting = RestartGate.waiting(ctx, op, s, b);
        if (waiting != null) {
            return waiting;
        }
        Map<String, List<Integer>> recorded = BatchOrigins.decode(op.details().get(MoveCancel.ORIGINS));
        Map<String, List<Integer>> away = LeadershipShift.away(s, b);
        if (!away.isEmpty()) {
            Map<String, List<Integer>> now = replicas(s);
            Map<String, List<Integer>> more = new TreeMap<>(recorded);
            away.keySet().forEach(p -> more.putIfAbsent(p, now.get(p)));
            String moving = "Moving leadership off broker " + b + " (" + away.size() + " partitions) before its restart"
                    + progress(op) + ".";
            if (!more.equals(recorded)) {
                // write-ahead: the orders to come back to are in status before Kafka changes anything
                return StepResult.of(with(op, MOVING, moving, Map.of(MoveCancel.ORIGINS, BatchOrigins.encode(more))),
                        Duration.ofMillis(200), notBlocked());
            }
            MoveCancel.reorder(ctx.admin(), away);
            Leadership.electPreferred(ctx.admin(), partitions(away.keySet()));
            return StepResult.of(with(op, MOVING, moving, Map.of()), SOON, notBlocked());
        }
        Set<String> leads = LeadershipShift.stillLeads(s, b);
        if (!leads.isEmpty()) {
            Leadership.electPreferred(ctx.admin(), partitions(leads));
            return StepResult.of(with(op, MOVING, "Waiting for broker " + b + " to hand over " + leads.size()
                    + " leaderships before its restart" + progress(op) + ".", Map.of()), SOON, notBlocked());
        }
        RestartGate.warnExposed(ctx, s, b);
        PodDrift.MoveOff off = PodDrift.moveOff(ctx.cluster(), ctx.kube(), b);
        if (ctx.writer().deletePod(pod)) {
            dev.berth.operator.metrics.OperatorMetrics.BROKER_RESTARTS.inc();
        }
        Map<String, String> deleted = new TreeMap<>(Map.of(DELETED_POD, pod.getMetadata().getUid(),
                DELETED_AT, Reshuffle.now(ctx)));
        if (off != null) {
            deleted.put(AVOID_NODE, off.node());
            deleted.put(MOVED_OFF, off.named());
            deleted.put(MOVED_FOR, off.cordon() ? "cordon" : "drift");
        }
        return StepResult.of(with(op, RESTARTING, "Broker " + b + " leads nothing; its pod was deleted and comes back"
                + (off != null ? " away from " + off.named() : "") + " with the current spec"
                + progress(op) + ".", deleted), SOON, notBlocked());
    }

    /**
     * b's new pod could start only on its cordoned node ({@link RestartQueue#heldByNode}), and no
     * leadership has moved for it yet: the turn goes to a broker that can restart now, and b's comes
     * back once none is left. Null when b keeps its turn.
     */
    private static StepResult othersFirst(StepContext ctx, OperationStatus op, int b, SortedMap<Integer, String> needed) {
        Set<Integer> held = RestartQueue.heldByNode(ctx);
        if (!held.contains(b) || !BatchOrigins.decode(op.details().get(MoveCancel.ORIGINS)).isEmpty()) {
            return null;
        }
        Set<Integer> done = RestartQueue.ids(op.details().get(DONE));
        Integer other = RestartQueue.next(ctx, op, done, needed);
        if (other == null || held.contains(other)) {
            return null;
        }
        CordonMoves.Finding cordon = PodDrift.cordoned(ctx.cluster(), ctx.kube()).get(b);
        String why = "Broker " + b + " waits for its cordoned node " + cordon.node()
                + (cordon.verdict() == CordonMoves.Verdict.STAY_LOCAL_STORAGE ? " (its data is on local disk there)"
                        : " (no other node of its rack would take it)") + "; broker " + other + " goes first.";
        ctx.event("Normal", Event.RESTART_WAITING.reason, why);
        return StepResult.of(RestartQueue.turn(ctx, op, other, done, why), SOON, notBlocked());
    }

    /** Step 5 ({@link RestartReturn}), then step 6 once b is back ({@link RestartRestore}). */
    private static StepResult awaitReturn(StepContext ctx, OperationStatus op, ClusterSnapshot s, int b, V1Pod pod,
            SortedMap<Integer, String> needed) throws Exception {
        StepResult waiting = RestartReturn.waiting(ctx, op, s, b, pod);
        return waiting != null ? waiting : RestartRestore.restore(ctx, op, s, b, needed);
    }

    static OperationStatus with(OperationStatus op, String phase, String message, Map<String, String> set) {
        Map<String, String> details = new TreeMap<>(op.details());
        details.remove(WAITING_FOR);
        details.putAll(set);
        return new OperationStatus(op.type(), phase, op.brokers(), op.bytesMoved(), op.bytesTotal(),
                op.partitionsDone(), op.partitionsTotal(), op.startedAt(), message, details);
    }

    /**
     * A pass that waits: {@code RestartBlocked=True reason} with {@code why} and {@code until}, and a
     * {@code RestartWaiting} Event of {@code type} when the wait starts or its reason changes.
     */
    static StepResult blocked(StepContext ctx, OperationStatus op, String phase, String reason, String type,
            String why, String until) {
        if (!phase.equals(op.phase()) || !reason.equals(op.details().get(WAITING_FOR))) {
            ctx.event(type, Event.RESTART_WAITING.reason, why);
        }
        return StepResult.of(with(op, phase, why, Map.of(WAITING_FOR, reason)), AGAIN,
                Condition.of(ConditionType.RestartBlocked, true, reason, why + until));
    }

    static String progress(OperationStatus op) {
        int done = RestartQueue.ids(op.details().get(DONE)).size();
        return " (broker " + (done + 1) + " of " + op.brokers().size() + ")";
    }

    static Map<String, List<Integer>> replicas(ClusterSnapshot s) {
        Map<String, List<Integer>> out = new TreeMap<>();
        s.partitions().forEach(p -> out.put(p.name(), p.replicas()));
        return out;
    }

    static Set<TopicPartition> partitions(Set<String> names) {
        Set<TopicPartition> out = new HashSet<>();
        names.forEach(n -> out.add(MoveCancel.partition(n)));
        return out;
    }

    static Condition notBlocked() {
        return Condition.of(ConditionType.RestartBlocked, false, "NotBlocked", "No restart is waiting.");
    }
}
