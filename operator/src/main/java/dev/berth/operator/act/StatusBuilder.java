package dev.berth.operator.act;

import dev.berth.operator.act.desired.Names;
import dev.berth.operator.api.BrokerStatus;
import dev.berth.operator.api.Condition;
import dev.berth.operator.api.ConditionType;
import dev.berth.operator.api.Conditions;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.api.KafkaClusterStatus;
import dev.berth.operator.api.KafkaClusterStatus.Phase;
import dev.berth.operator.api.NodeStatus;
import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.api.SpecValidator.Problem;
import dev.berth.operator.model.BrokerFacts;
import dev.berth.operator.model.BrokerState;
import dev.berth.operator.model.DiskSpace;
import dev.berth.operator.model.QuorumState;
import dev.berth.operator.observe.KafkaView;
import dev.berth.operator.observe.KubeView;
import dev.berth.operator.plan.CordonMoves;
import dev.berth.operator.plan.PlacementDrift;
import dev.berth.operator.plan.PodAction;
import dev.berth.operator.plan.QuorumSafety;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Computes the whole status of a KafkaCluster from what this reconcile saw and did. Pure: the same
 * inputs give the same status, and an unchanged cluster gives an unchanged status (so nothing is written).
 *
 * <p>Conditions:
 * <ul>
 *   <li>{@code SpecValid}: False with the first problem's reason and every message, else True {@code SpecAccepted};
 *   <li>{@code Degraded}: True {@code KafkaUnreachable} with the Admin error, Unknown {@code KafkaNotObservedYet}
 *       before the first observation, else False {@code KafkaReachable}; a {@code Degraded} among the extra
 *       conditions (a step that failed, {@code StepFailed}; a refused write, {@code ApplyFailed}) stands in for it, so that the type is computed once
 *       and its {@code lastTransitionTime} moves only when its status does;
 *   <li>{@code Reconciling}: True while pods are created ({@code CreatingPods}), healed ({@code RecreatingPods}),
 *       not ready ({@code WaitingForPods}) or an operation runs ({@code <Type>InProgress}), else False {@code Idle};
 *   <li>{@code Ready}: True {@code AllBrokersReady} when every pod is ready and Kafka reports every desired
 *       broker, else False with the first blocking reason.
 * </ul>
 * Rows keep each broker's rack: the pod's {@code berth.dev/rack}, else the previous row's, else Kafka's.
 */
public final class StatusBuilder {
    private StatusBuilder() {}

    /** Everything one reconcile contributes to status. */
    public record Inputs(
            KafkaCluster cluster,
            KubeView kube,
            KafkaView kafka,
            SortedSet<Integer> desiredBrokers,
            Set<Integer> leavingBrokers,
            List<Problem> problems,
            List<PodAction> actions,
            OperationStatus operation,
            List<Condition> extraConditions,
            OperationStatus suspended) {

        /** Inputs of a pass with no operation suspended. */
        public Inputs(KafkaCluster cluster, KubeView kube, KafkaView kafka, SortedSet<Integer> desiredBrokers,
                Set<Integer> leavingBrokers, List<Problem> problems, List<PodAction> actions, OperationStatus operation,
                List<Condition> extraConditions) {
            this(cluster, kube, kafka, desiredBrokers, leavingBrokers, problems, actions, operation, extraConditions, null);
        }
    }

    public static KafkaClusterStatus build(Inputs in, Clock clock) {
        KafkaCluster c = in.cluster();
        KafkaClusterStatus prev = c.getStatus();
        Map<Integer, BrokerFacts> facts = in.kafka().observation() == null ? Map.of()
                : BrokerFacts.compute(in.kafka().observation()).stream()
                        .collect(Collectors.toMap(BrokerFacts::brokerId, Function.identity()));
        Map<Integer, String> kafkaRacks = new TreeMap<>();
        Map<Integer, DiskSpace> disks = in.kafka().observation() == null ? Map.of()
                : in.kafka().observation().snapshot().disks();
        if (in.kafka().observation() != null) {
            for (BrokerState b : in.kafka().observation().snapshot().brokers()) {
                if (b.rack() != null) {
                    kafkaRacks.put(b.id(), b.rack());
                }
            }
        }
        Set<Integer> creating = in.actions().stream().filter(a -> a.role().equals(Names.ROLE_BROKER))
                .map(PodAction::index).collect(Collectors.toSet());
        Map<Integer, V1Pod> brokerPods = in.kube().podsByNodeId(Names.ROLE_BROKER);
        Map<Integer, String> prevRacks = new TreeMap<>();
        prev.brokers().forEach(b -> prevRacks.put(b.id(), b.rack()));
        // a first observation's rates are all 0 (no earlier size): the rows keep what they said
        boolean ratesKnown = in.kafka().observation() == null || in.kafka().observation().ratesKnown();
        Map<Integer, Long> prevBytesIn = new TreeMap<>();
        prev.brokers().forEach(b -> prevBytesIn.put(b.id(), b.bytesInPerSec()));
        SortedSet<Integer> rowIds = new TreeSet<>(in.desiredBrokers());
        brokerPods.keySet().stream().filter(id -> !in.leavingBrokers().contains(id)).forEach(rowIds::add);
        List<BrokerStatus> brokers = new ArrayList<>();
        int readyBrokers = 0;
        for (int id : rowIds) {
            V1Pod pod = brokerPods.get(id);
            BrokerFacts f = facts.getOrDefault(id, new BrokerFacts(id, 0, 0, 0, 0));
            String rack = firstNonNull(pod == null ? null : KubeView.annotation(pod, Names.ANN_RACK), prevRacks.get(id),
                    kafkaRacks.get(id));
            // only desired brokers count: a ready pod of another id must not stand in for a desired one
            if (pod != null && KubeView.isReady(pod) && !KubeView.isTerminating(pod) && in.desiredBrokers().contains(id)) {
                readyBrokers++;
            }
            DiskSpace disk = disks.get(id);
            long bytesIn = ratesKnown || !prevBytesIn.containsKey(id) ? f.leaderBytesIn() : prevBytesIn.get(id);
            brokers.add(new BrokerStatus(id, Names.brokerPod(c.name(), id), node(pod), rack,
                    phase(pod, creating.contains(id)), f.leaders(), f.replicas(), f.bytes(), bytesIn,
                    disk == null ? null : disk.usableBytes(), disk == null ? null : disk.totalBytes()));
        }

        int controllerCount = c.getSpec().controllers().replicas();
        QuorumState quorum = in.kafka().observation() == null ? QuorumState.UNKNOWN : in.kafka().observation().quorum();
        Map<Integer, V1Pod> controllerPods = in.kube().podsByNodeId(Names.ROLE_CONTROLLER);
        Map<Integer, String> prevControllerRacks = new TreeMap<>();
        prev.controllers().forEach(n -> prevControllerRacks.put(n.id(), n.rack()));
        Set<Integer> creatingControllers = in.actions().stream().filter(a -> a.role().equals(Names.ROLE_CONTROLLER))
                .map(a -> Names.controllerId(a.index())).collect(Collectors.toSet());
        List<NodeStatus> controllers = new ArrayList<>();
        int readyControllers = 0;
        for (int i = 0; i < controllerCount; i++) {
            int id = Names.controllerId(i);
            V1Pod pod = controllerPods.get(id);
            if (pod != null && KubeView.isReady(pod) && !KubeView.isTerminating(pod)) {
                readyControllers++;
            }
            controllers.add(new NodeStatus(id, Names.controllerPod(c.name(), i), node(pod),
                    firstNonNull(pod == null ? null : KubeView.annotation(pod, Names.ANN_RACK), prevControllerRacks.get(id)),
                    phase(pod, creatingControllers.contains(id)), QuorumSafety.role(quorum, id)));
        }

        boolean podsReady = readyBrokers == in.desiredBrokers().size() && readyControllers == controllerCount;
        Set<Integer> registered = in.kafka().observation() == null ? Set.of()
                : in.kafka().observation().snapshot().brokers().stream().map(BrokerState::id).collect(Collectors.toSet());
        boolean allRegistered = in.kafka().reachable() && registered.containsAll(in.desiredBrokers());

        List<Condition> fresh = new ArrayList<>();
        Phase phase;
        if (!in.problems().isEmpty()) {
            Problem first = in.problems().get(0);
            String msg = problems(in.problems());
            fresh.add(Condition.of(ConditionType.SpecValid, false, first.reason().name(), msg));
            fresh.add(Condition.of(ConditionType.Ready, false, "SpecInvalid", "The spec cannot be applied: " + msg));
            fresh.add(Condition.of(ConditionType.Reconciling, false, "SpecInvalid",
                    "Nothing is changed until the spec is fixed."));
            phase = Phase.Invalid;
        } else {
            fresh.add(Condition.of(ConditionType.SpecValid, true, "SpecAccepted", "The spec is valid."));
            fresh.add(reconciling(in, podsReady));
            fresh.add(outOfDate(PodDrift.of(c, in.kube()), in.operation()));
            fresh.add(onCordonedNodes(c, in.kube(), in.operation()));
            fresh.add(placementDrift(c, in.kube(), in.operation()));
            // A cluster that ran is not Creating again: a broker restarted or created for a scale-up leaves it
            // Running (Ready=False names the pods), and it stays Degraded through a broker that crash-loops,
            // ready one pass and unregistered the next
            boolean ranBefore = Phase.Running.name().equals(prev.phase()) || Phase.Degraded.name().equals(prev.phase());
            if (!podsReady) {
                fresh.add(Condition.of(ConditionType.Ready, false, "PodsNotReady", (readyBrokers) + " of "
                        + in.desiredBrokers().size() + " brokers and " + readyControllers + " of " + controllerCount
                        + " controllers are ready."));
                phase = !ranBefore ? Phase.Creating : Phase.Degraded.name().equals(prev.phase()) ? Phase.Degraded
                        : Phase.Running;
            } else if (!in.kafka().reachable()) {
                fresh.add(Condition.of(ConditionType.Ready, false, "KafkaUnreachable",
                        "Every pod is ready but Kafka does not answer."));
                phase = Phase.Degraded;
            } else if (!allRegistered) {
                SortedSet<Integer> missing = new TreeSet<>(in.desiredBrokers());
                missing.removeAll(registered);
                // A cluster that ran before and now misses a broker whose pod is ready has lost it
                // (stopped, crash-looping, fenced): Degraded. Before it first ran, brokers register late.
                fresh.add(Condition.of(ConditionType.Ready, false, "BrokersNotRegistered",
                        "Kafka does not list brokers " + missing + (ranBefore ? "." : " yet.")));
                phase = ranBefore ? Phase.Degraded : Phase.Creating;
            } else {
                fresh.add(Condition.of(ConditionType.Ready, true, "AllBrokersReady", "All " + in.desiredBrokers().size()
                        + " brokers and " + controllerCount + " controllers are ready and registered."));
                phase = Phase.Running;
            }
        }
        boolean stepSaysDegraded = in.extraConditions().stream()
                .anyMatch(x -> ConditionType.Degraded.name().equals(x.type()));
        if (!stepSaysDegraded) {
            fresh.add(degraded(in.kafka()));
        }
        fresh.addAll(in.extraConditions());
        List<Condition> conditions = Conditions.merge(prev.conditions(), fresh, c.generation(), clock);
        return new KafkaClusterStatus(c.generation(), phase.name(),
                readyBrokers + "/" + c.getSpec().brokers().replicas(), conditions, brokers, controllers, in.operation(),
                in.suspended());
    }

    /** How many of a spec's problems a condition's message quotes. */
    static final int SHOWN_PROBLEMS = 5;

    /**
     * The first {@value #SHOWN_PROBLEMS} problems' messages, then how many more: one problem per topic
     * (replicas lowered under thousands of topics' RF) made a status of megabytes, which the API server
     * refuses (etcd's limit is 1.5 MiB), so the invalid spec was never reported.
     */
    static String problems(List<Problem> all) {
        String shown = all.stream().limit(SHOWN_PROBLEMS).map(Problem::message).collect(Collectors.joining("; "));
        return all.size() <= SHOWN_PROBLEMS ? shown : shown + "; and " + (all.size() - SHOWN_PROBLEMS) + " more problems";
    }

    private static Condition outOfDate(List<String> drift, OperationStatus op) {
        if (drift.isEmpty()) {
            return Condition.of(ConditionType.PodsOutOfDate, false, "UpToDate", "Every pod runs the current spec.");
        }
        String shown = String.join(", ", drift.subList(0, Math.min(5, drift.size())))
                + (drift.size() > 5 ? " and " + (drift.size() - 5) + " more" : "");
        return Condition.of(ConditionType.PodsOutOfDate, true, "RestartNeeded", drift.size() + " pod(s) need a"
                + " restart: " + shown + ". Brokers are restarted one at a time, leader-aware (operation Restart);"
                + " controllers before them, one at a time while the quorum keeps a majority (operation ControllerRestart)."
                + behind(op));
    }

    /**
     * What a restart or move waits behind, as a sentence to append: one operation runs at a time, and a
     * scale or a hot-partition rebalance in flight holds them, which at a low throttle can be long (a
     * person whose {@code kubectl drain} waits learns why). Empty when none or a restart is in flight.
     * Example: " It waits for the ScaleUp operation in flight (phase Reassigning): one runs at a time."
     */
    static String behind(OperationStatus op) {
        if (op == null || "Restart".equals(op.type()) || "ControllerRestart".equals(op.type())) {
            return "";
        }
        return " It waits for the " + op.type() + " operation in flight (phase " + op.phase()
                + "): one runs at a time.";
    }

    /** {@code OnCordonedNodes}: which brokers are on cordoned nodes, and what becomes of them. */
    static Condition onCordonedNodes(KafkaCluster c, KubeView view, OperationStatus op) {
        if (view.cordonedNodes() == null) {
            return Condition.unknown(ConditionType.OnCordonedNodes, "NodesNotWatched", "The operator cannot watch"
                    + " nodes (RBAC: nodes list and watch), so brokers are not moved off cordoned nodes.");
        }
        Map<Integer, CordonMoves.Finding> brokers = PodDrift.cordoned(c, view);
        Map<Integer, CordonMoves.Finding> controllers = PodDrift.cordonedControllers(c, view);
        if (brokers.isEmpty() && controllers.isEmpty()) {
            return Condition.of(ConditionType.OnCordonedNodes, false, "NoneCordoned",
                    "No broker or controller runs on a cordoned node.");
        }
        String movingBrokers = CordonMoves.describe(brokers, CordonMoves.Verdict.MOVE);
        String movingControllers = controllers(controllers, CordonMoves.Verdict.MOVE);
        String staying = String.join(", ", java.util.stream.Stream.of(
                CordonMoves.describe(brokers, CordonMoves.Verdict.STAY_LOCAL_STORAGE),
                CordonMoves.describe(brokers, CordonMoves.Verdict.STAY_NO_OTHER_NODE),
                controllers(controllers, CordonMoves.Verdict.STAY_LOCAL_STORAGE)).filter(t -> !t.isEmpty()).toList());
        boolean noRoom = brokers.values().stream().anyMatch(f -> f.verdict() == CordonMoves.Verdict.STAY_NO_OTHER_NODE);
        if (movingBrokers.isEmpty() && movingControllers.isEmpty() && noRoom) {
            return Condition.of(ConditionType.OnCordonedNodes, true, "NoOtherNode", "Brokers stay on cordoned nodes: "
                    + staying + ". A broker moves only to another schedulable node of its rack, and none would take"
                    + " it: moved, it would be down until the uncordon. Uncordon the node, or add one to that rack (a"
                    + " drain evicts the broker all the same, within its disruption budget).");
        }
        if (movingBrokers.isEmpty() && movingControllers.isEmpty()) {
            return Condition.of(ConditionType.OnCordonedNodes, true, "LocalStorageStays", (brokers.isEmpty()
                    ? "Controllers" : controllers.isEmpty() ? "Brokers" : "Brokers and controllers") + " stay on"
                    + " cordoned nodes: " + staying + ". Their data is on those nodes' local disks; an evicted one"
                    + " waits until its node is back. To move a broker for good, replace it (spec.brokers.remove).");
        }
        String quorumAware = "one at a time while the quorum keeps a majority (operation ControllerRestart): ";
        String leaderAware = "one at a time, leader-aware (operation Restart): ";
        String moving = movingControllers.isEmpty() ? "Moving brokers off cordoned nodes, " + leaderAware + movingBrokers
                : movingBrokers.isEmpty() ? "Moving controllers off cordoned nodes, " + quorumAware + movingControllers
                : "Moving controllers, then brokers, off cordoned nodes: controllers " + quorumAware + movingControllers
                        + "; brokers " + leaderAware + movingBrokers;
        return Condition.of(ConditionType.OnCordonedNodes, true, movingBrokers.isEmpty() ? "MovingControllers"
                : "MovingBrokers", moving + (staying.isEmpty() ? "" : (noRoom ? "; staying: " : "; staying (local storage): ")
                        + staying) + "."
                + behind(op));
    }

    /** {@code PlacementDrift}: the brokers on nodes the extender would refuse them now, and what becomes of them. */
    static Condition placementDrift(KafkaCluster c, KubeView view, OperationStatus op) {
        if (view.nodeRacks() == null) {
            return Condition.unknown(ConditionType.PlacementDrift, "NodesNotRead",
                    "The broker nodes' labels are not read.");
        }
        Map<Integer, PlacementDrift.Finding> found = PodDrift.drifted(c, view);
        if (found.isEmpty()) {
            return Condition.of(ConditionType.PlacementDrift, false, "NoneDrifted", "Every broker runs on a node"
                    + " whose rack and brokers the extender would accept now.");
        }
        String listed = found.values().stream().map(f -> "broker " + f.broker() + " " + f.describe())
                .collect(Collectors.joining(", "));
        if (c.getSpec().brokers().storage().isLocal()) {
            return Condition.of(ConditionType.PlacementDrift, true, "LocalStorageStays", "Brokers run on nodes the"
                    + " extender would refuse them now: " + listed + ". Their data is on those nodes' local disks, so"
                    + " they are not moved: relabel the node back, or replace the broker (spec.brokers.remove) to"
                    + " move it for good.");
        }
        if (found.values().stream().allMatch(f -> f.verdict() == PlacementDrift.Verdict.MOVE)) {
            return Condition.of(ConditionType.PlacementDrift, true, "MovingBrokers", "Moving brokers off nodes the"
                    + " extender would refuse them now, one at a time, leader-aware (operation Restart): " + listed + "."
                    + behind(op));
        }
        return Condition.of(ConditionType.PlacementDrift, true, "NoOtherNode", "Brokers run on nodes the extender"
                + " would refuse them now: " + listed + ". One that no other node takes stays, since moving it would"
                + " leave it down: relabel its node back, or add or uncordon a node of its rack, and it moves then.");
    }

    /** "controller 1000 on cordoned node n2, ..." for the findings of {@code verdict}. */
    private static String controllers(Map<Integer, CordonMoves.Finding> found, CordonMoves.Verdict verdict) {
        return found.values().stream().filter(f -> f.verdict() == verdict)
                .map(f -> "controller " + f.broker() + " " + f.describe()).collect(Collectors.joining(", "));
    }

    private static Condition reconciling(Inputs in, boolean podsReady) {
        long recreated = in.actions().stream().filter(a -> a.kind() == PodAction.Kind.Recreate).count();
        if (recreated > 0) {
            return Condition.of(ConditionType.Reconciling, true, "RecreatingPods", "Recreated " + describe(in.actions()
                    .stream().filter(a -> a.kind() == PodAction.Kind.Recreate).toList()) + " with the same id, PVC and rack.");
        }
        if (!in.actions().isEmpty()) {
            return Condition.of(ConditionType.Reconciling, true, "CreatingPods", "Created " + describe(in.actions()) + ".");
        }
        if (in.operation() != null && in.operation().type() != null) {
            return Condition.of(ConditionType.Reconciling, true, in.operation().type() + "InProgress",
                    in.operation().message() == null ? in.operation().type() + " is " + in.operation().phase()
                            : in.operation().message());
        }
        if (in.suspended() != null && in.suspended().type() != null) {
            // set aside for a move off a cordoned node that has not started: not idle, and the message says why
            return Condition.of(ConditionType.Reconciling, true, in.suspended().type() + "Suspended",
                    in.suspended().message() == null ? in.suspended().type() + " is suspended" : in.suspended().message());
        }
        if (!podsReady) {
            return Condition.of(ConditionType.Reconciling, true, "WaitingForPods", "Waiting for pods to become ready.");
        }
        return Condition.of(ConditionType.Reconciling, false, "Idle", "Nothing to do.");
    }

    private static Condition degraded(KafkaView k) {
        if (k.unreachable() != null) {
            return Condition.of(ConditionType.Degraded, true, "KafkaUnreachable",
                    "Kafka Admin calls fail: " + k.unreachable());
        }
        if (k.observation() == null) {
            return Condition.unknown(ConditionType.Degraded, "KafkaNotObservedYet", "Kafka has not been observed yet.");
        }
        return Condition.of(ConditionType.Degraded, false, "KafkaReachable", "Kafka answers Admin calls.");
    }

    static String describe(Collection<PodAction> actions) {
        return actions.stream().map(a -> a.role() + " " + (a.role().equals(Names.ROLE_BROKER) ? a.index()
                : Names.controllerId(a.index())) + (a.rack() == null ? "" : " (rack " + a.rack() + ")"))
                .collect(Collectors.joining(", "));
    }

    private static String node(V1Pod pod) {
        return pod == null ? null : KubeView.nodeName(pod);
    }

    private static String phase(V1Pod pod, boolean creating) {
        if (pod == null) {
            return creating ? "Creating" : "Missing";
        }
        if (KubeView.isTerminating(pod)) {
            return "Terminating";
        }
        return pod.getStatus() == null || pod.getStatus().getPhase() == null ? "Pending" : pod.getStatus().getPhase();
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
