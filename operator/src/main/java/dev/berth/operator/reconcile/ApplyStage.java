package dev.berth.operator.reconcile;

import dev.berth.operator.act.FactsPublisher;
import dev.berth.operator.act.FailedPods;
import dev.berth.operator.act.KubeWriter;
import dev.berth.operator.act.OwnedObjects;
import dev.berth.operator.act.StuckPods;
import dev.berth.operator.act.desired.Names;
import dev.berth.operator.api.BrokerStatus;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.api.NodeStatus;
import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.model.KafkaObservation;
import dev.berth.operator.observe.KubeView;
import dev.berth.operator.plan.PodAction;
import dev.berth.operator.plan.PlacementQueue;
import dev.berth.operator.plan.PodPlanner;
import io.kubernetes.client.openapi.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The apply stage of a pass, before the day-2 steps: plan which pods to create or recreate, delete the pods
 * the kubelet gave up on ({@link FailedPods}) and those that cannot start but for a spec change they have
 * not got ({@link StuckPods}), then make the owned objects exist (Services, budgets,
 * ConfigMap, pods and their PVCs) and publish the Kafka facts on broker pods. New brokers are created one
 * at a time ({@link PlacementQueue}), so that each is placed knowing where the previous ones went. A write
 * that fails is returned as an {@link ApplyFailure} for the status, not thrown, except a conflict or an
 * interrupt, which drop the pass as before.
 */
final class ApplyStage {
    private static final Logger LOG = LoggerFactory.getLogger(ApplyStage.class);
    private final KubeWriter writer;
    private final OwnedObjects owned;
    private final FactsPublisher publisher;
    private final Clock clock;
    private final Duration placementHold;

    ApplyStage(KubeWriter writer, Clock clock, Duration placementHold) {
        this.writer = writer;
        this.owned = new OwnedObjects(writer);
        this.publisher = new FactsPublisher(writer);
        this.clock = clock;
        this.placementHold = placementHold;
    }

    /**
     * What the stage did: the pods it planned (those waiting their turn in the {@link PlacementQueue}
     * included), those it created, and the write that failed (or {@code null}). After a failure,
     * {@code created} lists the pods of a {@link OwnedObjects#createPods} that finished; a pod created by
     * one that failed part way is seen by the next pass.
     */
    record Applied(List<PodAction> planned, List<PodAction> created, ApplyFailure failed) {}

    Applied apply(KafkaCluster cluster, KubeView kube, SortedSet<Integer> desired, OperationStatus op,
            KafkaObservation observation) throws Exception {
        List<PodAction> planned = planPods(cluster, kube, desired, op);
        List<PodAction> created = List.of();
        String writing = "failed pods (deleting them)";
        try {
            FailedPods.delete(writer, kube);
            writing = "pods that cannot start (deleting them)";
            StuckPods.delete(cluster, writer, kube);
            writing = "the Services, PodDisruptionBudgets or ConfigMap";
            ApiException budgets = owned.ensureShared(cluster, kube);
            writing = "pods";
            created = owned.createPods(cluster, kube, admitted(cluster, kube, planned));
            writing = "PersistentVolumeClaims";
            owned.ensurePvcs(cluster, kube, desired);
            writing = "the Kafka facts on broker pods";
            publisher.publish(kube, observation);
            if (budgets != null) { // pods healed all the same; the day-2 moves that rely on budgets wait
                ApplyFailure failure = ApplyFailure.of("PodDisruptionBudgets", budgets);
                LOG.warn("reconcile {}/{}: {}", cluster.namespace(), cluster.name(), failure.message());
                return new Applied(planned, created, failure);
            }
            return new Applied(planned, created, null);
        } catch (Exception e) {
            if (StepFailure.dropsThePass(e)) {
                throw e;
            }
            ApplyFailure failure = ApplyFailure.of(writing, e);
            if (e instanceof ApiException) {
                LOG.warn("reconcile {}/{}: {}", cluster.namespace(), cluster.name(), failure.message()); // all it says
            } else {
                LOG.warn("reconcile {}/{}: {}", cluster.namespace(), cluster.name(), failure.message(), e); // a bug: where
            }
            return new Applied(planned, created, failure);
        }
    }

    /**
     * The planned pods to create now ({@link PlacementQueue}; all of them with a zero hold). A new broker whose
     * old PVC is still being deleted is left out: {@link OwnedObjects#createPods} would skip it anyway, and as
     * the queue's lowest it would hold every new broker after it for as long as a finalizer keeps that PVC.
     */
    private List<PodAction> admitted(KafkaCluster c, KubeView kube, List<PodAction> planned) {
        if (placementHold.isZero()) {
            return planned;
        }
        Set<Integer> volumeGoing = new TreeSet<>();
        planned.stream().filter(a -> a.role().equals(Names.ROLE_BROKER)
                && pvcGoing(kube, Names.pvc(Names.brokerPod(c.name(), a.index())))).forEach(a -> volumeGoing.add(a.index()));
        return PlacementQueue.admit(planned, beingPlaced(kube), volumeGoing);
    }

    private static boolean pvcGoing(KubeView kube, String name) {
        var pvc = kube.pvcs().get(name);
        return pvc != null && pvc.getMetadata().getDeletionTimestamp() != null;
    }

    /** Broker ids whose pods are being placed ({@link PlacementQueue#beingPlaced}). */
    private Set<Integer> beingPlaced(KubeView view) {
        Instant now = clock.instant();
        Set<Integer> out = new TreeSet<>();
        view.podsByNodeId(Names.ROLE_BROKER).forEach((id, pod) -> {
            OffsetDateTime created = pod.getMetadata().getCreationTimestamp();
            if (PlacementQueue.beingPlaced(KubeView.isTerminating(pod), pod.getSpec() == null ? null : pod.getSpec().getNodeName(),
                    "Unschedulable".equals(StuckPods.stuck(pod)),
                    created == null ? null : created.toInstant(), now, placementHold)) {
                out.add(id);
            }
        });
        return out;
    }

    private static List<PodAction> planPods(KafkaCluster c, KubeView view, SortedSet<Integer> desired,
            OperationStatus op) {
        // a broker never placed (one waiting its turn in the PlacementQueue has a row too) is created, not recreated
        Map<Integer, String> brokerRacks = new HashMap<>();
        c.getStatus().brokers().stream().filter(BrokerStatus::wasPlaced).forEach(b -> brokerRacks.put(b.id(), b.rack()));
        List<PodAction> out = new ArrayList<>(PodPlanner.plan(Names.ROLE_CONTROLLER,
                controllerOrdinals(c), view.podsByNodeId(Names.ROLE_CONTROLLER).keySet().stream()
                        .map(id -> id - Names.CONTROLLER_ID_BASE).collect(Collectors.toSet()),
                controllerRacks(c)));
        out.addAll(PodPlanner.plan(Names.ROLE_BROKER, desired, view.podsByNodeId(Names.ROLE_BROKER).keySet(),
                brokerRacks, RestartStep.avoiding(op)));
        return out;
    }

    private static List<Integer> controllerOrdinals(KafkaCluster c) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < c.getSpec().controllers().replicas(); i++) {
            out.add(i);
        }
        return out;
    }

    private static Map<Integer, String> controllerRacks(KafkaCluster c) {
        Map<Integer, String> out = new HashMap<>();
        for (NodeStatus n : c.getStatus().controllers()) {
            out.put(n.id() - Names.CONTROLLER_ID_BASE, n.rack());
        }
        return out;
    }
}
