package dev.berth.operator.act;

import dev.berth.operator.act.desired.DesiredConfigMap;
import dev.berth.operator.act.desired.DesiredDisruptionBudgets;
import dev.berth.operator.act.desired.DesiredPods;
import dev.berth.operator.act.desired.DesiredPvcs;
import dev.berth.operator.act.desired.DesiredServices;
import dev.berth.operator.act.desired.Names;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.metrics.OperatorMetrics;
import dev.berth.operator.observe.KubeView;
import dev.berth.operator.plan.PodAction;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Makes the owned objects exist: each is built by its pure {@code desired…} builder and created when
 * absent. The ConfigMap's data is replaced when the spec changed it (a running Kafka reads it at its
 * next start; restarting is the day-2 configuration step's job). Nothing is ever deleted or resized here.
 */
public final class OwnedObjects {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OwnedObjects.class);
    private final KubeWriter kube;

    public OwnedObjects(KubeWriter kube) {
        this.kube = kube;
    }

    /**
     * Services, the ConfigMap, and the PodDisruptionBudgets (when the operator can list them: a
     * budget it cannot see is not created on every pass); a budget that differs from the one for the
     * spec and the pods there now ({@link DesiredDisruptionBudgets}) is set again (a person's edit
     * included: berth's moves rely on it; and a local budget's {@code minAvailable} follows the pod count).
     *
     * @return a refused budget create, or {@code null}: not thrown, so that the pass still heals pods
     *     (a budget is protection around the cluster, not part of it), but for the caller to say, and to
     *     hold back the day-2 moves that rely on the budget
     */
    public ApiException ensureShared(KafkaCluster c, KubeView view) throws ApiException {
        ApiException budgetRefused = null;
        for (V1Service svc : List.of(DesiredServices.headless(c), DesiredServices.bootstrap(c))) {
            if (!view.services().containsKey(svc.getMetadata().getName())) {
                kube.create(svc);
            }
        }
        if (view.budgets() != null) {
            for (V1PodDisruptionBudget pdb : DesiredDisruptionBudgets.all(c, view.podsByNodeId(Names.ROLE_BROKER).size(),
                    view.podsByNodeId(Names.ROLE_CONTROLLER).size())) {
                V1PodDisruptionBudget existing = view.budgets().get(pdb.getMetadata().getName());
                if (existing == null) {
                    try {
                        kube.create(pdb);
                    } catch (ApiException e) {
                        if (e.getCode() == 0 || e.getCode() == 409) {
                            throw e; // unreachable, or a conflict: the pass ends (or drops) as for any write
                        }
                        budgetRefused = e;
                    }
                } else if (!DesiredDisruptionBudgets.same(existing, pdb)) {
                    setBack(c, existing, pdb); // a hand edit, a pod count that changed, or an older berth's budget
                }
            }
        }
        V1ConfigMap existing = view.configMaps().get(Names.configMap(c.name()));
        V1ConfigMap desired = DesiredConfigMap.build(c, existing, view.pods().values());
        if (existing == null) {
            kube.create(desired);
        } else if (!Objects.equals(existing.getData(), desired.getData())) {
            kube.replaceData(existing, desired.getData());
        }
        return budgetRefused;
    }

    /**
     * A budget set back to {@code want}'s. A refusal is logged, not thrown: a budget is protection around
     * the cluster, and must not stop the pass that heals it.
     */
    private void setBack(KafkaCluster c, V1PodDisruptionBudget existing, V1PodDisruptionBudget want) {
        try {
            kube.setBudget(existing, want);
        } catch (ApiException e) {
            LOG.warn("{}/{}: budget {} not set back to maxUnavailable {}, minAvailable {}: {} {}", c.namespace(), c.name(),
                    existing.getMetadata().getName(), DesiredDisruptionBudgets.maxUnavailable(want),
                    DesiredDisruptionBudgets.minAvailable(want), e.getCode(), e.getResponseBody());
        }
    }

    /**
     * Creates each planned pod, after its PVC (a recreated pod finds its existing PVC). A pod whose
     * PVC is being deleted is not created yet: it would mount a claim that is about to vanish and
     * stay Pending for good. Kubernetes keeps a PVC that a pod uses until that pod is gone, so
     * deleting a broker's pod and PVC together (the usual way to move a broker off local disk) ends
     * with the old PVC gone; the next reconcile then creates both. A PVC the cache shows is read again
     * from the API first: the pod's delete can wake this pass before the PVC's delete reaches the cache
     * (two watches, no order between them), and a pod created then mounts the vanishing claim. One GET
     * per pod created, which is rare. A pod the API already has (the cache has not delivered our own
     * create of a pass ago) is not created again, and no Event says it was recreated.
     *
     * @return the actions carried out; the others wait for their old PVC to go, or were done already
     */
    public List<PodAction> createPods(KafkaCluster c, KubeView view, List<PodAction> actions) throws ApiException {
        List<PodAction> done = new ArrayList<>();
        for (PodAction a : actions) {
            boolean broker = a.role().equals(Names.ROLE_BROKER);
            V1PersistentVolumeClaim pvc = broker ? DesiredPvcs.broker(c, a.index()) : DesiredPvcs.controller(c, a.index());
            V1PersistentVolumeClaim existing = view.pvcs().get(pvc.getMetadata().getName());
            if (existing != null && existing.getMetadata().getDeletionTimestamp() == null) {
                existing = kube.readPvc(pvc.getMetadata().getNamespace(), pvc.getMetadata().getName());
            }
            if (existing != null && existing.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            if (existing == null && !kube.create(pvc)) {
                continue; // a PVC the view does not show is there: a lagging cache, or another cluster's
            }
            if (!kube.create(broker ? DesiredPods.askingForClaim(DesiredPods.broker(c, a.index(), a.rack(), a.avoidNode()),
                    existing) : DesiredPods.controller(c, a.index(), a.rack()))) {
                continue; // the pod is there: the cache has not seen it yet (our own create, a pass ago)
            }
            done.add(a);
            OperatorMetrics.PODS_CREATED.labels(a.role(), a.kind().name()).inc();
            if (a.kind() == PodAction.Kind.Recreate) {
                String pod = broker ? Names.brokerPod(c.name(), a.index()) : Names.controllerPod(c.name(), a.index());
                try {
                    kube.event(c, "Normal", "PodRecreated", "Recreated " + a.role() + " pod " + pod
                            + " with the same id, PVC" + (a.rack() == null ? "" : " and rack " + a.rack())
                            + (a.avoidNode() == null ? "" : ", away from node " + a.avoidNode() + " (berth.dev/avoid-node)")
                            + ".");
                } catch (ApiException e) {
                    // the pod is created: a refused Event must not fail the pass and skip the pods after it
                    LOG.warn("Event PodRecreated for {} not posted: HTTP {}", pod, e.getCode());
                }
            }
        }
        return List.copyOf(done);
    }

    /**
     * Creates the PVC of a pod that exists without one: a pod whose claim is gone stays Pending, and
     * nothing else would ever create the claim again. The new volume is empty; Kafka fills a
     * broker's from the other replicas. The pod is read again from the API first: when pod and claim
     * are deleted together, the claim goes only once the pod has, and the cache may deliver the claim's
     * delete first. Such a pod is recreated later with its claim, and a Warning that a running pod lost
     * its claim would be false. One GET per claim found missing, which is rare.
     *
     * @param brokers broker ids that have, or are to have, a pod
     * @return the names of the PVCs created
     */
    public List<String> ensurePvcs(KafkaCluster c, KubeView view, java.util.Collection<Integer> brokers)
            throws ApiException {
        record Claimed(V1PersistentVolumeClaim pvc, V1Pod pod) {}
        List<Claimed> wanted = new ArrayList<>();
        Map<Integer, V1Pod> brokerPods = view.podsByNodeId(Names.ROLE_BROKER);
        for (int id : brokers) {
            if (brokerPods.containsKey(id) && !KubeView.isTerminating(brokerPods.get(id))) {
                wanted.add(new Claimed(DesiredPvcs.broker(c, id), brokerPods.get(id)));
            }
        }
        Map<Integer, V1Pod> controllerPods = view.podsByNodeId(Names.ROLE_CONTROLLER);
        for (int i = 0; i < c.getSpec().controllers().replicas(); i++) {
            V1Pod pod = controllerPods.get(Names.controllerId(i));
            if (pod != null && !KubeView.isTerminating(pod)) { // a pod on its way out goes with its PVC
                wanted.add(new Claimed(DesiredPvcs.controller(c, i), pod));
            }
        }
        List<String> created = new ArrayList<>();
        for (Claimed w : wanted) {
            V1PersistentVolumeClaim pvc = w.pvc();
            String name = pvc.getMetadata().getName();
            if (view.pvcs().containsKey(name)) {
                continue;
            }
            V1Pod live = kube.readPod(w.pod().getMetadata().getNamespace(), w.pod().getMetadata().getName());
            if (live == null || KubeView.isTerminating(live)) {
                continue; // going: recreated later, with its claim (createPods)
            }
            if (kube.create(pvc)) { // false: the cache lagged, it exists
                created.add(name);
                try {
                    kube.event(c, "Warning", "PvcRecreated", "PVC " + name + " was gone while its pod existed; created"
                            + " an empty one so that the pod can start (Kafka re-replicates a broker's data).");
                } catch (ApiException e) {
                    // the claim is created: a refused Event must not fail the pass and leave the other claims
                    LOG.warn("Event PvcRecreated for {} not posted: HTTP {}", name, e.getCode());
                }
            }
        }
        return created;
    }
}
