package dev.berth.operator.reconcile;

import dev.berth.operator.act.PodDrift;
import dev.berth.operator.act.desired.Names;
import dev.berth.operator.api.BrokerStatus;
import dev.berth.operator.api.ConditionType;
import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.observe.KubeView;
import dev.berth.operator.plan.CordonMoves;
import io.kubernetes.client.openapi.models.V1Pod;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Which broker a rolling restart takes next, and whether one may start at all: the queue of
 * {@link RestartStep}, apart from its per-broker state machine.
 *
 * <p><b>Rules.</b> A roll starts when some desired broker pods run an older spec ({@link PodDrift})
 * that they cannot take at run time ({@link LiveConfig}), every desired broker has a pod, and the
 * spec asks for no brokers to be added or removed ({@link #scaleWanted}: the scale steps go first,
 * and wait for any operation in flight). It lists
 * those brokers, lowest id first; each turn takes the first one not done that still needs it (a broker
 * whose pod is not Ready before the others: {@link #next}), and
 * records the UID of the pod it found, so that a pod replaced by other hands during the turn (a
 * delete whose record was lost) is told from a spec edit undone. A broker on local storage whose
 * node is cordoned ({@link #heldByNode}) cannot restart until the uncordon, so the others go first;
 * the roll waits for it only once nothing else is left.
 *
 * <p><b>Example:</b> image edited on brokers 0..2, all pods exist: the operation lists [0,1,2],
 * turn 0 with pod 0's UID. After broker 0, the edit is undone on nothing, so turn 1; if meanwhile
 * {@code brokers.remove: [2]}, the roll makes way instead and starts again after the scale-down,
 * listing [2] no more.
 */
final class RestartQueue {
    private RestartQueue() {}

    /**
     * The spec asks for brokers to be added or removed: a desired broker without a pod that was never placed
     * (no status row with a rack or a node; one that was is being healed: the apply stage recreates its pod, and
     * a restart pausing "for a scale" then gave back leadership for nothing), more desired
     * brokers than {@code brokers.replicas} (it was lowered; desired ids never drop a broker that
     * exists), or a broker in {@code brokers.remove} that still has a pod or a status row and that no
     * scale-down (in flight or suspended) is removing yet. A scale-down the step refused
     * ({@link #removalRefused}) is not wanted, whether it was asked by name or by a lower count. Example:
     * brokers 0..2 with pods, replicas 3, remove [2]: desired is [0,1,3], broker 3 has no pod yet (and
     * pod 2 exists): yes.
     */
    static boolean scaleWanted(StepContext ctx) {
        Map<Integer, V1Pod> pods = ctx.kube().podsByNodeId(Names.ROLE_BROKER);
        Set<Integer> rows = new HashSet<>();
        ctx.cluster().getStatus().brokers().stream().map(BrokerStatus::id).forEach(rows::add);
        Set<Integer> known = new HashSet<>(pods.keySet());
        known.addAll(rows);
        known.removeAll(scalingDown(ctx)); // named, and already being removed: that scale is under way
        Set<Integer> named = new TreeSet<>(ctx.cluster().getSpec().brokers().remove());
        named.retainAll(known);
        if (ctx.desiredBrokers().size() != ctx.cluster().getSpec().brokers().replicas()) {
            // replicas lowered: the brokers that would leave are among the desired ones and the named ones
            Set<Integer> leaving = new TreeSet<>(ctx.desiredBrokers());
            leaving.addAll(named);
            return !removalRefused(ctx, leaving);
        }
        Set<Integer> placed = new HashSet<>(); // every desired broker has a row, placed or not
        ctx.cluster().getStatus().brokers().stream().filter(BrokerStatus::wasPlaced).map(BrokerStatus::id).forEach(placed::add);
        for (int id : ctx.desiredBrokers()) {
            if (!pods.containsKey(id) && !placed.contains(id)) {
                return true;
            }
        }
        // a refused removal of running brokers brings nothing: holding restarts and cordon moves for it held them for good
        return !named.isEmpty() && !removalRefused(ctx, named);
    }

    /**
     * The scale-down step refused {@code brokers.remove} on the last pass ({@code ScaleDownBlocked=True} with a
     * refusal's reason, not {@code WaitingForNewBrokers}, and no scale-down in flight or suspended), and Kafka
     * runs every broker still {@code named} there. Until the spec or the cluster changes, no scale comes:
     * restarts, cordon moves and leader rebalancing go on, and a running named broker holds none of them back;
     * once the refusal clears, the scale-down starts after the operation then in flight. A named broker that
     * is down is another matter: every restart would wait on the partitions it left at min.insync.replicas,
     * while the scale-down step, waiting for that restart, could no longer see its refusal clear; so then the
     * scale still goes first, as before. Example: remove [3] refused for NoLeader; broker 3 runs: an image edit
     * rolls; broker 3 is down: the roll waits until the scale-down can start.
     */
    static boolean removalRefused(StepContext ctx, Set<Integer> named) {
        if (ctx.operation() != null && OperationStatus.SCALE_DOWN.equals(ctx.operation().type())
                || ctx.suspended() != null && OperationStatus.SCALE_DOWN.equals(ctx.suspended().type())) {
            return false;
        }
        if (ctx.kafka() == null || ctx.kafka().observation() == null) {
            return false;
        }
        Set<Integer> running = ctx.kafka().observation().snapshot().brokers().stream()
                .map(dev.berth.operator.model.BrokerState::id).collect(Collectors.toSet());
        if (!running.containsAll(named)) {
            return false;
        }
        return ctx.cluster().getStatus().conditions().stream().anyMatch(c -> c.isTrue()
                && ConditionType.ScaleDownBlocked.name().equals(c.type()) && !WAITING_FOR_NEW_BROKERS.equals(c.reason()));
    }

    /** The reason of a replacement's wait for its new broker ({@code ScaleDownStep}): a wait, not a refusal. */
    static final String WAITING_FOR_NEW_BROKERS = "WaitingForNewBrokers";

    /** The brokers a scale-down in flight or suspended ({@link MakeWay}) removes. */
    private static Set<Integer> scalingDown(StepContext ctx) {
        Set<Integer> out = new HashSet<>();
        if (ctx.operation() != null) {
            out.addAll(ctx.operation().leavingBrokers());
        }
        if (ctx.suspended() != null) {
            out.addAll(ctx.suspended().leavingBrokers());
        }
        return out;
    }

    /**
     * The operation to start, or null. Readiness is not asked for: a pod that crash-loops on a bad
     * spec must be restartable once the spec is fixed, and a broker that is down shows in the ISRs,
     * where the safety rule sees it and says why the restart waits.
     */
    static OperationStatus start(StepContext ctx, SortedMap<Integer, String> needed) {
        if (scaleWanted(ctx)) {
            return null; // the scale steps first; starting now would only make way for them again
        }
        SortedMap<Integer, String> drift = new TreeMap<>(MakeWay.restartable(ctx, needed,
                PodDrift.cordoned(ctx.cluster(), ctx.kube())));
        drift.keySet().retainAll(ctx.desiredBrokers());
        if (drift.isEmpty()) {
            return null;
        }
        Map<Integer, V1Pod> pods = ctx.kube().podsByNodeId(Names.ROLE_BROKER);
        for (int id : ctx.desiredBrokers()) {
            V1Pod pod = pods.get(id);
            if (pod == null || KubeView.isTerminating(pod)) {
                return null;
            }
        }
        List<Integer> brokers = List.copyOf(drift.keySet());
        String why = drift.entrySet().stream().limit(3).map(e -> e.getKey() + ": " + e.getValue())
                .collect(Collectors.joining("; "));
        OperationStatus op = new OperationStatus(RestartStep.TYPE, RestartStep.MOVING, brokers, null, null, null, null,
                Reshuffle.now(ctx), null, Map.of());
        return turn(ctx, op, next(ctx, op, Set.of(), drift), Set.of(), "Restarting brokers " + brokers
                + " one at a time, leader-aware (" + why + (drift.size() > 3 ? "; ..." : "") + ").");
    }

    /**
     * Brokers whose pods need a restart, with why: those that run an older spec ({@link PodDrift}),
     * but for those that take it at run time ({@link LiveConfig}); a configuration edit names the keys
     * that need the restart, e.g. "configuration (log.retention.hours: read at start only)".
     */
    static SortedMap<Integer, String> needed(StepContext ctx, LiveConfig.Outcome live) {
        SortedMap<Integer, String> drift = PodDrift.brokers(ctx.cluster(), ctx.kube());
        drift.keySet().removeAll(live.held());
        live.keys().forEach((id, keys) -> drift.computeIfPresent(id, (k, why) ->
                why.replace(PodDrift.CONFIGURATION, PodDrift.CONFIGURATION + " (" + keys + ")")));
        return drift;
    }

    /**
     * The next broker of the operation that still needs its restart and is still desired: one whose pod
     * is there but not Ready first, then any other that {@link #heldByNode} does not hold, then a held
     * one; null when none is left. A broker already down costs nothing more to restart, and only its
     * restart can bring it back when its pod crash-loops on the old spec, while every other broker's
     * restart waits for it to be back in the ISRs ({@link RestartGate}: one broker down at a time). So
     * lowest id first would wait behind it for good. Example: brokers 0..2, broker 2 crash-looping (out
     * of memory), memory raised in the spec: the roll lists [0, 1, 2] and takes 2 first.
     */
    static Integer next(StepContext ctx, OperationStatus op, Set<Integer> done, SortedMap<Integer, String> drift) {
        Set<Integer> held = heldByNode(ctx);
        Map<Integer, V1Pod> pods = ctx.kube().podsByNodeId(Names.ROLE_BROKER);
        Integer up = null;
        Integer stays = null;
        for (int id : op.brokers()) {
            if (done.contains(id) || !drift.containsKey(id) || !ctx.desiredBrokers().contains(id)) {
                continue;
            }
            V1Pod pod = pods.get(id);
            if (held.contains(id)) {
                stays = stays == null ? id : stays;
            } else if (pod != null && !KubeView.isTerminating(pod) && !KubeView.isReady(pod)) {
                return id;
            } else {
                up = up == null ? id : up;
            }
        }
        return up != null ? up : stays;
    }

    /**
     * The first pod that must move off a cordoned node, as "broker 1 is on cordoned node n1", or null:
     * a drain waits for it (the disruption budgets hold its eviction), so a long data move makes way.
     * Controllers count too; pods that stay (local storage) do not, nor brokers the spec no longer wants
     * (no restart moves them: the scale-down removes them).
     */
    static String cordonMoveWanted(StepContext ctx) {
        for (CordonMoves.Finding f : PodDrift.cordoned(ctx.cluster(), ctx.kube()).values()) {
            if (f.verdict() == CordonMoves.Verdict.MOVE && ctx.desiredBrokers().contains(f.broker())) {
                return "broker " + f.broker() + " is " + f.describe();
            }
        }
        for (CordonMoves.Finding f : PodDrift.cordonedControllers(ctx.cluster(), ctx.kube()).values()) {
            if (f.verdict() == CordonMoves.Verdict.MOVE) {
                return "controller " + f.broker() + " is " + f.describe();
            }
        }
        return null;
    }

    /**
     * Brokers that stay on a cordoned node (local storage, or no other node of their rack): a new pod of
     * theirs could start only there, so their restarts wait for the uncordon (condition
     * {@code RestartBlocked=NodeCordoned}).
     */
    static Set<Integer> heldByNode(StepContext ctx) {
        Set<Integer> out = new TreeSet<>();
        PodDrift.cordoned(ctx.cluster(), ctx.kube()).forEach((id, f) -> {
            if (f.stays()) {
                out.add(id);
            }
        });
        return out;
    }

    /** {@code op} at the start of broker {@code b}'s turn: its pod's UID recorded, the brokers done kept. */
    static OperationStatus turn(StepContext ctx, OperationStatus op, int b, Set<Integer> done, String message) {
        Map<String, String> details = new TreeMap<>();
        details.put(RestartStep.CURRENT, Integer.toString(b));
        details.put(RestartStep.DONE, done.stream().map(String::valueOf).collect(Collectors.joining(",")));
        V1Pod pod = ctx.kube().podsByNodeId(Names.ROLE_BROKER).get(b);
        if (pod != null && pod.getMetadata().getUid() != null) {
            details.put(RestartStep.TURN_POD, pod.getMetadata().getUid());
        }
        return new OperationStatus(op.type(), RestartStep.MOVING, op.brokers(), null, null, null, null, op.startedAt(),
                message, details);
    }

    /** Broker ids in a comma-separated detail; empty or hand-edited entries are ignored. */
    static Set<Integer> ids(String text) {
        Set<Integer> out = new TreeSet<>();
        if (text != null) {
            for (String id : text.split(",")) {
                try {
                    out.add(Integer.parseInt(id.trim()));
                } catch (NumberFormatException e) {
                    // empty or hand-edited: that entry is ignored
                }
            }
        }
        return out;
    }
}
