package dev.berth.operator.reconcile;

import dev.berth.operator.act.PodDrift;
import dev.berth.operator.act.desired.Names;
import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.observe.KubeView;
import dev.berth.operator.plan.CordonMoves;
import dev.berth.operator.plan.LeadershipShift;
import dev.berth.operator.plan.RestartSafety;
import io.kubernetes.client.openapi.models.V1Pod;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;

/**
 * Step 1 of a broker's restart ({@link RestartStep}): whether broker {@code b} may lose its
 * leadership and its pod now. Nothing moves until every check passes, so a wait costs the cluster
 * nothing.
 *
 * <p>The checks, in order, each with the {@code RestartBlocked} reason it gives:
 * <ol>
 *   <li>{@code NodeCordoned}: b's node is cordoned and b stays there (local storage, or no other node of
 *       its rack would take it, {@link CordonMoves}); its new pod could not start anywhere else, so b
 *       would be down until the uncordon;
 *   <li>{@code IsrAtMinInsync} / {@code IsrBelowMinInsync}: stopping b would take a partition below
 *       {@code min.insync.replicas} ({@link RestartSafety});
 *   <li>{@code ReassignmentsRunning}: a reassignment is under way, whose target a reorder would replace;
 *   <li>{@code OtherBrokersBehind}: another wanted broker is missing or out of an ISR, or its pod is
 *       missing, not Ready or being deleted, so two would be down at once. The pods are asked as well as
 *       Kafka because Kafka's view lags: a broker whose pod is evicted or hangs stays in every ISR of the
 *       last observation until its controlled shutdown, or its session timeout, fences it, and for those
 *       seconds the ISRs alone would let b stop beside it.
 * </ol>
 * A broker that is down already ({@link #alreadyDown}: pod not Ready, and in no ISR or not running in
 * Kafka) skips the second and the fourth: its restart takes nothing more down, and only it can bring the
 * broker back. A wait posts the Event {@code RestartWaiting} when it starts or changes reason.
 *
 * <p>Example: brokers 0..2, {@code orders-0} on [0,1,2] with ISR [0,1] and min.insync 2: b=0 waits
 * with {@code IsrAtMinInsync} ("orders-0 (ISR 2, min.insync 2: ISR at min.insync.replicas, broker in
 * it)"), and goes once broker 2 is back in the ISR.
 */
final class RestartGate {
    private RestartGate() {}

    /** The wait for b, or {@code null} when b may stop now. */
    static StepResult waiting(StepContext ctx, OperationStatus op, ClusterSnapshot s, int b) throws Exception {
        CordonMoves.Finding cordon = PodDrift.cordoned(ctx.cluster(), ctx.kube()).get(b);
        if (cordon != null && cordon.stays()) {
            // its volume is bound to a node that takes no new pod, or no other node of its rack would take
            // it: a new pod could not start until the node is back, and the broker would be down all that
            // time (found by a probe)
            String why = "Waiting to restart broker " + b + ": its node " + cordon.node() + " is cordoned, and "
                    + (cordon.verdict() == CordonMoves.Verdict.STAY_LOCAL_STORAGE
                            ? "its data is on that node's local disk, so a new pod could not start there"
                            : "no other schedulable node of its rack would take it, so a new pod could not start")
                    + " until it is back.";
            return RestartStep.blocked(ctx, op, RestartStep.WAITING_SAFE, "NodeCordoned", "Warning", why, " It goes on once " + cordon.node()
                    + " is uncordoned.");
        }
        Map<Integer, V1Pod> pods = ctx.kube().podsByNodeId(Names.ROLE_BROKER);
        boolean down = alreadyDown(s, b, pods.get(b));
        List<RestartSafety.Blocker> blockers = down ? List.of() : RestartSafety.blockers(s, b);
        if (!blockers.isEmpty()) {
            String why = "Waiting to restart broker " + b + ": stopping it now would take partitions below"
                    + " min.insync.replicas: " + RestartSafety.describe(blockers, 5) + ".";
            return RestartStep.blocked(ctx, op, RestartStep.WAITING_SAFE, reason(blockers), "Warning", why,
                    " It goes on by itself once those replicas are back in sync.");
        }
        Set<TopicPartition> running = ReassignmentExecutorAccess.running(ctx.admin()).keySet();
        if (!running.isEmpty()) {
            // a reorder would replace the target of a move under way (someone's, or a lagging end of
            // ours), and a broker stopped mid-move stalls it
            String why = "Waiting to restart broker " + b + ": " + running.size() + " partition reassignments are"
                    + " running (" + running.stream().map(TopicPartition::toString).sorted().limit(3)
                            .collect(Collectors.joining(", ")) + (running.size() > 3 ? ", ..." : "") + ").";
            return RestartStep.blocked(ctx, op, RestartStep.WAITING_SAFE, "ReassignmentsRunning", "Normal", why,
                    " It goes on by itself once they end.");
        }
        Set<Integer> behind = new TreeSet<>();
        Set<Integer> podsDown = new TreeSet<>();
        for (int other : ctx.desiredBrokers()) {
            if (other == b || down) { // b down already: its restart takes no second broker down
                continue;
            }
            if (s.brokers().stream().noneMatch(x -> x.id() == other) || !LeadershipShift.lagging(s, other).isEmpty()) {
                behind.add(other);
            } else if (podDown(pods.get(other))) {
                podsDown.add(other);
            }
        }
        if (!behind.isEmpty() || !podsDown.isEmpty()) {
            // one broker down at a time, checked against Kafka and the pods rather than this operation's
            // record: a broker restarted by an earlier roll whose record was lost, or one lost with its node,
            // counts too (with min.insync.replicas=1 the safety rule alone would let b stop beside it)
            List<String> parts = new java.util.ArrayList<>();
            if (!behind.isEmpty()) {
                parts.add("brokers " + behind + " are not back in every ISR");
            }
            if (!podsDown.isEmpty()) {
                parts.add("the pods of brokers " + podsDown + " are missing, not Ready or being deleted");
            }
            String why = "Waiting to restart broker " + b + ": " + String.join(", and ", parts) + ".";
            return RestartStep.blocked(ctx, op, RestartStep.WAITING_SAFE, "OtherBrokersBehind", "Warning", why, " It goes on by itself once"
                    + " they are; to replace a lost broker, name it in spec.brokers.remove (the restart makes way).");
        }
        return null;
    }

    /**
     * Whether b is down already: its pod is there but not Ready, and Kafka lists b as no running broker, or has
     * it in no ISR of its partitions (a broker that crash-loops may register for a moment). Stopping b then
     * takes nothing from any ISR, and only its restart, on the pod the spec now asks for, can bring it back:
     * two brokers crash-looping on memory set too low each blocked the other's restart (one below
     * min.insync, the other "behind"), and the fix never reached either.
     */
    static boolean alreadyDown(ClusterSnapshot s, int b, V1Pod pod) {
        if (pod == null || KubeView.isTerminating(pod) || KubeView.isReady(pod)) {
            return false;
        }
        if (s.brokers().stream().noneMatch(x -> x.id() == b)) {
            return true;
        }
        return s.partitions().stream().noneMatch(p -> p.isr().contains(b));
    }

    /** A broker pod that is missing, being deleted or not Ready: its broker is down, or about to be. */
    static boolean podDown(V1Pod pod) {
        return pod == null || KubeView.isTerminating(pod) || !KubeView.isReady(pod);
    }

    /**
     * Right before b's pod goes: a Warning naming the partitions the rule cannot protect
     * ({@link RestartSafety#exposed}), said before it happens rather than found by a client.
     */
    static void warnExposed(StepContext ctx, ClusterSnapshot s, int b) {
        List<RestartSafety.Exposed> exposed = RestartSafety.exposed(s, b);
        if (!exposed.isEmpty()) {
            ctx.event("Warning", RestartStep.Event.RESTART_UNPROTECTED.reason, "Restarting broker " + b + " takes "
                    + exposed.size() + " partitions below min.insync.replicas until it is back: "
                    + RestartSafety.describe(exposed, 5) + ". Their replication factor is at most"
                    + " min.insync.replicas, which no restart order protects.");
        }
    }

    /**
     * {@code IsrBelowMinInsync} when any blocker is below min.insync, else {@code IsrAtMinInsync}: the
     * worst of them, not the first, so that the reason (and its Event) does not change with which
     * partition sorts first.
     */
    static String reason(List<RestartSafety.Blocker> blockers) {
        return blockers.stream().anyMatch(x -> x.reason() == RestartSafety.Reason.UNDER_MIN_ISR)
                ? "IsrBelowMinInsync" : "IsrAtMinInsync";
    }
}
