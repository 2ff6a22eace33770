package dev.berth.operator.reconcile;

import dev.berth.operator.act.PodDrift;
import dev.berth.operator.act.desired.Names;
import dev.berth.operator.api.Condition;
import dev.berth.operator.api.ConditionType;
import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.model.BrokerState;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.observe.KubeView;
import dev.berth.operator.plan.CordonMoves;
import dev.berth.operator.plan.LeadershipShift;
import io.kubernetes.client.openapi.models.V1Pod;
import java.util.Map;
import java.util.Set;

/**
 * Step 5 of a leader-aware restart ({@link RestartStep}): waiting for the broker to come back after
 * its pod was deleted. It is back when its new pod is ready, Kafka lists it, and it is in the ISR of
 * every partition it holds. Meanwhile the operation stays {@code Restarting}; after
 * {@link RestartStep#NOT_BACK_AFTER} {@code RestartBlocked=BrokerNotBack} and one Warning say so. A
 * broker moved off a cordoned node whose new pod no node takes is let back onto that node once it
 * is uncordoned. A new pod that is not ready and no longer runs the spec (a bad image or resources,
 * fixed since) is replaced at once: the broker is down either way, and the roll would otherwise wait
 * for good on a pod that cannot start. A local-storage broker whose volume's node is cordoned waits for it, and
 * {@code RestartBlocked=NodeCordoned} says so at once.
 *
 * <p><b>Example:</b> pod 1 deleted at 10:00; at 10:00:05 its new pod is ready but 3 partitions still
 * catch up: "Broker 1 is back; 3 partitions still catching up (broker 1 of 3)."; at 10:00:09 all in
 * sync: back, and leadership is restored.
 */
final class RestartReturn {
    private RestartReturn() {}

    /** Null once b is back: its new pod is ready, Kafka lists it, and it is in every ISR it belongs to. */
    static StepResult waiting(StepContext ctx, OperationStatus op, ClusterSnapshot s, int b, V1Pod pod)
            throws Exception {
        String deleted = op.details().getOrDefault(RestartStep.DELETED_POD, "");
        if (pod == null || KubeView.isTerminating(pod) || deleted.equals(pod.getMetadata().getUid())) {
            return notBack(ctx, op, b, "Waiting for broker " + b + "'s new pod" + RestartStep.progress(op) + ".");
        }
        if (!KubeView.isReady(pod)) {
            CordonMoves.Finding cordon = PodDrift.cordoned(ctx.cluster(), ctx.kube()).get(b);
            if (cordon != null && cordon.verdict() == CordonMoves.Verdict.STAY_LOCAL_STORAGE
                    && KubeView.nodeName(pod) == null) {
                // evicted, or gone by other hands, while its volume's node is cordoned (found by a probe);
                // a pod already bound there only starts, a cordon stops no pod
                String why = "Waiting for broker " + b + "'s new pod " + pod.getMetadata().getName() + ": its data is"
                        + " on the local disk of " + cordon.node() + ", which is cordoned" + RestartStep.progress(op)
                        + ".";
                return RestartStep.blocked(ctx, op, RestartStep.RESTARTING, "NodeCordoned", "Warning", why,
                        " It comes back once " + cordon.node() + " is uncordoned; every other operation waits meanwhile.");
            }
            String drift = PodDrift.brokers(ctx.cluster(), ctx.kube()).get(b);
            if (drift != null) {
                // its new pod does not get ready and no longer runs the spec (a bad image or resources,
                // fixed since): b is down either way, so the pod is replaced rather than waited for
                ctx.writer().deletePod(pod);
                return StepResult.of(RestartStep.with(op, RestartStep.RESTARTING, "Broker " + b + "'s new pod was not"
                        + " ready and no longer runs the spec (" + drift + "); replaced with the current one"
                        + RestartStep.progress(op) + ".", Map.of(RestartStep.DELETED_POD, pod.getMetadata().getUid(),
                        RestartStep.DELETED_AT, Reshuffle.now(ctx))), RestartStep.AGAIN, RestartStep.notBlocked());
            }
            releaseAvoided(ctx, op, b, pod);
            return notBack(ctx, op, b, "Waiting for broker " + b + "'s new pod " + pod.getMetadata().getName()
                    + " to be ready" + RestartStep.progress(op) + ".");
        }
        boolean listed = s.brokers().stream().map(BrokerState::id).anyMatch(id -> id == b);
        Set<String> lagging = LeadershipShift.lagging(s, b);
        if (!listed || !lagging.isEmpty()) {
            return notBack(ctx, op, b, (listed ? "Broker " + b + " is back; " + lagging.size() + " partitions still"
                    + " catching up" : "Broker " + b + "'s new pod is ready; Kafka does not list the broker yet")
                    + RestartStep.progress(op) + ".");
        }
        return null;
    }

    /**
     * A broker moved off a node, whose new pod no node took yet, while that node is fit again: the
     * avoidance is dropped, so the pod may go back there rather than wait for good. For a cordon, fit
     * means uncordoned (the maintenance was short, or the rack has no other node). For drift, it means
     * the extender's rules take the broker there again ({@link PodDrift#fitsAgain}: relabelled back, its
     * other broker gone), as when kube-scheduler refused the node the drift check had counted on. Not
     * "not cordoned" for drift: a drifted node never is, so the avoidance went at once and the pod
     * landed back there, round and round (found by {@code PlacementDriftMoveTest}).
     */
    private static void releaseAvoided(StepContext ctx, OperationStatus op, int b, V1Pod pod) throws Exception {
        String avoided = KubeView.annotation(pod, Names.ANN_AVOID_NODE);
        if (avoided == null || KubeView.nodeName(pod) != null) {
            return;
        }
        Set<String> cordoned = ctx.kube().cordonedNodes();
        boolean fit = "drift".equals(op.details().get(RestartStep.MOVED_FOR))
                ? PodDrift.fitsAgain(ctx.cluster(), ctx.kube(), b, avoided)
                : cordoned != null && !cordoned.contains(avoided);
        if (fit) {
            ctx.writer().annotate(pod, java.util.Collections.singletonMap(Names.ANN_AVOID_NODE, null));
        }
    }

    /**
     * Still waiting for b: after {@link RestartStep#NOT_BACK_AFTER} since its pod was deleted (a new
     * image that does not start, a node that does not come), {@code RestartBlocked} says so and one
     * Warning is posted; everything else waits for this operation, so a person should look.
     */
    private static StepResult notBack(StepContext ctx, OperationStatus op, int b, String waiting) {
        String at = op.details().get(RestartStep.DELETED_AT);
        boolean late = false;
        try {
            late = at != null
                    && java.time.Instant.parse(at).plus(RestartStep.NOT_BACK_AFTER).isBefore(ctx.clock().instant());
        } catch (java.time.format.DateTimeParseException e) {
            // a hand-edited status: no alarm, the wait goes on
        }
        if (!late) {
            return StepResult.of(RestartStep.with(op, RestartStep.RESTARTING, waiting, Map.of()), RestartStep.AGAIN,
                    RestartStep.notBlocked());
        }
        String why = waiting + " Its pod was deleted at " + at + "; the roll, and every other operation, waits for it.";
        if (!"true".equals(op.details().get(RestartStep.WARNED))) {
            ctx.event("Warning", RestartStep.Event.RESTART_WAITING.reason, why);
        }
        return StepResult.of(RestartStep.with(op, RestartStep.RESTARTING, waiting, Map.of(RestartStep.WARNED, "true")),
                RestartStep.AGAIN, Condition.of(ConditionType.RestartBlocked, true, "BrokerNotBack", why));
    }
}
