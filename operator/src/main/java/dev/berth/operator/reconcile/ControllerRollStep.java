package dev.berth.operator.reconcile;

import dev.berth.operator.act.PodDrift;
import dev.berth.operator.act.desired.Names;
import dev.berth.operator.api.Condition;
import dev.berth.operator.api.ConditionType;
import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.metrics.OperatorMetrics;
import dev.berth.operator.model.QuorumState;
import dev.berth.operator.observe.KubeView;
import dev.berth.operator.observe.QuorumReader;
import dev.berth.operator.plan.QuorumSafety;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Rolls the controller pods that no longer run the spec ({@link PodDrift#controllers}: an image,
 * resources or configuration edit, or a {@code berth.dev/restart} annotation), one at a time, while
 * the metadata quorum keeps a majority. A state machine whose state is {@code status.operation}
 * (type {@value #TYPE}); it runs before the brokers' roll, which waits for it (one operation at a
 * time).
 *
 * <p><b>Goal:</b> a new image or configuration reaches the controllers without metadata ever
 * stopping: partition leaders keep failing over, brokers stay unfenced. <b>Constraints:</b> one
 * controller at a time; it starts only when no other operation is in flight and every controller
 * pod is Ready, but for those that need the restart themselves (they go first); every decision from
 * a fresh {@code describeMetadataQuorum} (the leader's view).
 *
 * <p><b>Per controller c</b>, followers first and the quorum leader last ({@link QuorumSafety#order}):
 * <ol>
 *   <li>{@code WaitingSafe} while {@link QuorumSafety} forbids stopping c (a voter behind, no
 *       leader), or another controller's pod is missing, not Ready or being deleted
 *       ({@link #othersDown}: {@code OtherControllersDown}): condition {@code RestartBlocked} and an
 *       Event {@code RestartWaiting} say which;
 *   <li>delete c's pod (UID precondition), phase {@code Restarting}; the reconciler recreates it from
 *       the current spec, with the same id and PVC. The cluster's only controller cannot be
 *       protected: it goes with a Warning {@code RestartUnprotected};
 *   <li>{@code Restarting} until the new pod is Ready and c is caught up with the quorum again
 *       ({@code RestartBlocked=ControllerNotBack} after {@link #NOT_BACK_AFTER}). A new pod that is
 *       not Ready and no longer runs the spec (a bad image, fixed since) is replaced at once: c is
 *       down either way, and without that the roll would wait for good on a pod that cannot start;
 *   <li>then the next one that still needs it; after the last, the operation ends
 *       ({@code ControllerRestartDone}).
 * </ol>
 *
 * <p><b>Example:</b> {@code spec.image} edited, controllers 1000..1002, 1001 leads the quorum: the
 * operation lists 1000,1002,1001. 1000's pod goes once 1001 and 1002 are caught up; when 1000 is
 * back and caught up, 1002 goes; then 1001, and the quorum elects a new leader once.
 */
public final class ControllerRollStep implements OperationStep {
    public static final String TYPE = "ControllerRestart";
    static final String WAITING_SAFE = RestartStep.WAITING_SAFE;
    static final String RESTARTING = RestartStep.RESTARTING;
    /** Details: the controllers to roll when the operation started, in order. */
    static final String CONTROLLERS = "controllers";
    /** Details: the controller whose turn it is. */
    static final String CURRENT = "currentController";
    /** Details: controllers restarted so far (comma-separated). */
    static final String DONE = "restartedControllers";
    /** Details: the UID of the pod this step deleted, and when (the same keys as a broker restart's). */
    static final String DELETED_POD = RestartStep.DELETED_POD;
    static final String DELETED_AT = RestartStep.DELETED_AT;
    /** Details: the reason of the wait under way, so that its Event is posted once per wait. */
    static final String WAITING_FOR = RestartStep.WAITING_FOR;
    /**
     * How long a controller may take to come back before {@code RestartBlocked} says so: a
     * controller replays its metadata log on start, seconds for most clusters; five minutes is
     * well past that, and still before a person would wonder.
     */
    static final Duration NOT_BACK_AFTER = Duration.ofMinutes(5);
    static final Duration AGAIN = Duration.ofSeconds(2);
    private static final Duration SOON = Duration.ofSeconds(1);

    /** Event reasons of a controller roll. */
    enum Event {
        CONTROLLER_RESTART_STARTED("ControllerRestartStarted"),
        /** When a controller's restart starts waiting, or waits for something else. */
        RESTART_WAITING("RestartWaiting"),
        /** The only controller goes: metadata stops until it is back. */
        RESTART_UNPROTECTED("RestartUnprotected"),
        CONTROLLER_RESTARTED("ControllerRestarted"),
        CONTROLLER_RESTART_DONE("ControllerRestartDone");

        final String reason;

        Event(String reason) {
            this.reason = reason;
        }
    }

    private final Duration lag;
    /** Per cluster, the read of the quorum the next decision compares with. */
    private final QuorumBaseline baseline = new QuorumBaseline();

    public ControllerRollStep() {
        this(QuorumSafety.DEFAULT_LAG);
    }

    /** @param lag how far behind the leader a voter may be and still count ({@link QuorumSafety}) */
    ControllerRollStep(Duration lag) {
        this.lag = lag;
    }

    @Override
    public StepResult step(StepContext ctx) throws Exception {
        StepResult gated = OperationStep.gate(ctx, TYPE, AGAIN);
        if (gated != null) {
            return gated;
        }
        SortedMap<Integer, String> needed = PodDrift.controllers(ctx.cluster(), ctx.kube());
        OperationStatus op = ctx.operation();
        if (op == null) {
            return start(ctx, MakeWay.restartable(ctx, needed, PodDrift.cordonedControllers(ctx.cluster(), ctx.kube())));
        }
        QuorumState q = QuorumReader.read(ctx.admin());
        QuorumState before = baseline.before(key(ctx), ctx.clock().instant(), q);
        int c = Reshuffle.intDetail(op.details(), CURRENT, -1);
        StepResult r;
        if (before == null) {
            // the first read of this turn, or one too soon after the last: nothing to compare yet
            r = StepResult.of(op, SOON);
        } else if (RESTARTING.equals(op.phase())) {
            r = awaitReturn(ctx, op, before, q, c, needed);
        } else {
            r = stopWhenSafe(ctx, op, before, q, c, needed);
        }
        if (r.operation() == null) {
            baseline.forget(key(ctx));
        }
        return r;
    }

    private static String key(StepContext ctx) {
        return ctx.cluster().namespace() + "/" + ctx.cluster().name();
    }

    @Override
    public void forget(String key) {
        baseline.forget(key);
    }

    /**
     * A roll's first pass only records the operation: a start is never kept over a refused status write.
     * It starts once every controller has a pod that is not being deleted, and every pod that is not
     * Ready needs the restart itself: a controller that crash-loops on the old spec gets the fix only
     * from the roll, so it goes first ({@link #order}).
     */
    private static StepResult start(StepContext ctx, SortedMap<Integer, String> needed) throws Exception {
        Map<Integer, V1Pod> pods = ctx.kube().podsByNodeId(Names.ROLE_CONTROLLER);
        int replicas = ctx.cluster().getSpec().controllers().replicas();
        List<Integer> notReady = othersDown(pods, replicas, -1); // -1: none left out
        boolean present = pods.size() >= replicas && pods.values().stream().noneMatch(KubeView::isTerminating);
        if (needed.isEmpty() || !present || !needed.keySet().containsAll(notReady)) {
            return StepResult.NOTHING;
        }
        List<Integer> order = order(needed.keySet(), notReady, QuorumReader.read(ctx.admin()).leaderId());
        String message = "Restarting controllers " + order + " one at a time, "
                + (notReady.isEmpty() ? "" : "those down first (" + notReady + "), ") + "the quorum leader last.";
        OperationStatus op = new OperationStatus(TYPE, WAITING_SAFE, List.of(), null, null, null, null,
                Reshuffle.now(ctx), message, Map.of(CONTROLLERS, join(order), CURRENT, Integer.toString(order.get(0))));
        ctx.event("Normal", Event.CONTROLLER_RESTART_STARTED.reason, message + " Why: " + needed.entrySet().stream()
                .map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining("; ")) + ".");
        return StepResult.of(op, Duration.ofMillis(200), notBlocked());
    }

    /** Steps 1 and 2: wait until the quorum can lose c, then delete its pod. */
    private StepResult stopWhenSafe(StepContext ctx, OperationStatus op, QuorumState before, QuorumState q, int c,
            SortedMap<Integer, String> needed) throws Exception {
        V1Pod pod = ctx.kube().podsByNodeId(Names.ROLE_CONTROLLER).get(c);
        if (pod == null || !needed.containsKey(c)) {
            // the edit was undone, or c's pod went by other hands (it comes back with the spec, and the
            // next controller waits until c is in sync again, by the rule): nothing left to do for c
            return next(ctx, op, q, needed, ids(op.details().get(DONE)));
        }
        QuorumSafety.Verdict verdict = QuorumSafety.check(before, q, c, lag);
        if (!verdict.mayStop()) {
            String why = verdict.reason() == QuorumSafety.Reason.NO_LEADER
                    ? "Controller " + c + " waits: the metadata quorum has no leader."
                    : "Controller " + c + " waits: without it, too few voters are caught up with the quorum leader "
                    + q.leaderId() + " (behind: " + verdict.behind() + ").";
            return blocked(ctx, op, verdict.reason().word(), why,
                    " It goes once a majority of the other controllers is caught up.");
        }
        List<Integer> down = othersDown(ctx.kube().podsByNodeId(Names.ROLE_CONTROLLER),
                ctx.cluster().getSpec().controllers().replicas(), c);
        if (!down.isEmpty()) {
            return blocked(ctx, op, "OtherControllersDown", "Controller " + c + " waits: the pods of controllers " + down
                    + " are missing, not Ready or being deleted.", " It goes once they are back.");
        }
        if (verdict.reason() == QuorumSafety.Reason.SINGLE_VOTER) {
            ctx.event("Warning", Event.RESTART_UNPROTECTED.reason, "Controller " + c + " is the cluster's only"
                    + " controller: while it restarts, metadata stops (no leader elections, topic changes or broker"
                    + " registrations). Run 3 controllers to roll them without that.");
        }
        if (ctx.writer().deletePod(pod)) {
            OperatorMetrics.CONTROLLER_RESTARTS.inc();
        }
        return StepResult.of(with(op, RESTARTING, "Controller " + c + "'s pod was deleted; it comes back with the"
                + " current spec" + progress(op) + ".", Map.of(DELETED_POD, pod.getMetadata().getUid(),
                DELETED_AT, Reshuffle.now(ctx))), SOON, notBlocked());
    }

    /**
     * The roll's order: controllers whose pod is not Ready first (already down, restarting them costs the
     * quorum nothing more), then the others followers first and the quorum leader last
     * ({@link QuorumSafety#order}). Example: 1000..1002 to roll, 1002 not Ready, 1000 leads: [1002, 1001, 1000].
     */
    static List<Integer> order(java.util.Collection<Integer> needed, List<Integer> notReady, int leaderId) {
        List<Integer> out = new java.util.ArrayList<>(new TreeSet<>(notReady));
        out.retainAll(needed);
        for (int id : QuorumSafety.order(needed, leaderId)) {
            if (!out.contains(id)) {
                out.add(id);
            }
        }
        return out;
    }

    /**
     * The controllers other than {@code c} (of the {@code replicas} the spec has) whose pod is missing, being
     * deleted or not Ready. The quorum's own view lags a voter that is going: after SIGTERM (an eviction, a
     * drain) its raft client fetches until the process ends, and a crash between two reads still shows it
     * caught up. So, as for brokers ({@link RestartGate#podDown}), one controller down at a time is checked
     * against the pods as well. Example: 1000..1002, 1001's pod evicted and terminating, 1002 asked for: 1002
     * waits with {@code [1001]}.
     */
    static List<Integer> othersDown(Map<Integer, V1Pod> pods, int replicas, int c) {
        List<Integer> out = new java.util.ArrayList<>();
        for (int i = 0; i < replicas; i++) {
            int id = Names.controllerId(i);
            if (id != c && RestartGate.podDown(pods.get(id))) {
                out.add(id);
            }
        }
        return out;
    }

    /** Step 3: the new pod Ready, c caught up with the quorum; then the next one. */
    private StepResult awaitReturn(StepContext ctx, OperationStatus op, QuorumState before, QuorumState q, int c,
            SortedMap<Integer, String> needed) throws Exception {
        V1Pod pod = ctx.kube().podsByNodeId(Names.ROLE_CONTROLLER).get(c);
        boolean podBack = pod != null && !KubeView.isTerminating(pod) && KubeView.isReady(pod)
                && !pod.getMetadata().getUid().equals(op.details().get(DELETED_POD));
        boolean caughtUp = QuorumSafety.inSync(before, q, c, lag);
        if (pod != null && !podBack && !KubeView.isTerminating(pod) && needed.containsKey(c)
                && !pod.getMetadata().getUid().equals(op.details().get(DELETED_POD))) {
            // its new pod does not get Ready and no longer runs the spec (a bad image, fixed since): c is
            // down either way, so its pod is replaced with the current spec rather than waited for
            ctx.writer().deletePod(pod);
            return StepResult.of(with(op, RESTARTING, "Controller " + c + "'s new pod was not Ready and no longer"
                    + " runs the spec (" + needed.get(c) + "); replaced with the current one" + progress(op) + ".",
                    Map.of(DELETED_POD, pod.getMetadata().getUid(), DELETED_AT, Reshuffle.now(ctx))), SOON,
                    notBlocked());
        }
        if (!podBack || !caughtUp) {
            String why = "Controller " + c + " is not back yet: " + (!podBack ? "its new pod is not Ready"
                    : "it is not caught up with the quorum leader " + q.leaderId()) + progress(op) + ".";
            if (late(op.details().get(DELETED_AT), ctx.clock().instant())) {
                return blocked(ctx, op, "ControllerNotBack", why, " See its pod's events and log.");
            }
            return StepResult.of(with(op, RESTARTING, why, Map.of()), SOON, notBlocked());
        }
        Set<Integer> done = new TreeSet<>(ids(op.details().get(DONE)));
        done.add(c);
        ctx.event("Normal", Event.CONTROLLER_RESTARTED.reason, "Controller " + c + " restarted with the current spec"
                + " and caught up with the quorum" + progress(op) + ".");
        return next(ctx, op, q, needed, done);
    }

    /** Whether {@code deletedAt} is more than {@link #NOT_BACK_AFTER} ago; a missing or hand-edited value is not. */
    static boolean late(String deletedAt, Instant now) {
        try {
            return deletedAt != null && Instant.parse(deletedAt).plus(NOT_BACK_AFTER).isBefore(now);
        } catch (java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    /** Step 4: the next controller that still needs its restart, followers before the leader; or the end. */
    private static StepResult next(StepContext ctx, OperationStatus op, QuorumState q, SortedMap<Integer, String> needed,
            Set<Integer> done) {
        Set<Integer> left = new TreeSet<>(needed.keySet());
        left.removeAll(done);
        if (left.isEmpty()) {
            ctx.event("Normal", Event.CONTROLLER_RESTART_DONE.reason, done.isEmpty()
                    ? "No controller needed its restart any more; none was restarted."
                    : "Restarted controllers " + done + ", one at a time; the quorum kept its majority.");
            return new StepResult(true, null, List.of(notBlocked()), SOON);
        }
        int next = QuorumSafety.order(left, q.leaderId()).get(0);
        Map<String, String> details = new TreeMap<>(op.details());
        details.remove(DELETED_POD);
        details.remove(DELETED_AT);
        details.remove(WAITING_FOR);
        details.put(CURRENT, Integer.toString(next));
        details.put(DONE, join(done));
        OperationStatus turn = new OperationStatus(op.type(), WAITING_SAFE, op.brokers(), null, null, null, null,
                op.startedAt(), null, details);
        return StepResult.of(with(turn, WAITING_SAFE, "Restarting controller " + next + progress(turn) + ".", Map.of()),
                Duration.ofMillis(200), notBlocked());
    }

    private static StepResult blocked(StepContext ctx, OperationStatus op, String reason, String why, String until) {
        String phase = RESTARTING.equals(op.phase()) ? RESTARTING : WAITING_SAFE;
        if (!phase.equals(op.phase()) || !reason.equals(op.details().get(WAITING_FOR))) {
            ctx.event("Warning", Event.RESTART_WAITING.reason, why);
        }
        return StepResult.of(with(op, phase, why, Map.of(WAITING_FOR, reason)), AGAIN,
                Condition.of(ConditionType.RestartBlocked, true, reason, why + until));
    }

    private static OperationStatus with(OperationStatus op, String phase, String message, Map<String, String> set) {
        Map<String, String> details = new TreeMap<>(op.details());
        details.remove(WAITING_FOR);
        details.putAll(set);
        return new OperationStatus(op.type(), phase, op.brokers(), null, null, null, null, op.startedAt(), message,
                details);
    }

    private static String progress(OperationStatus op) {
        int done = ids(op.details().get(DONE)).size();
        int all = Math.max(done + 1, ids(op.details().get(CONTROLLERS)).size());
        return " (controller " + (done + 1) + " of " + all + ")";
    }

    private static Set<Integer> ids(String csv) {
        return RestartQueue.ids(csv);
    }

    private static String join(java.util.Collection<Integer> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    private static Condition notBlocked() {
        return RestartStep.notBlocked();
    }
}
