package dev.berth.operator.act;

import dev.berth.operator.act.desired.DesiredConfigMap;
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
import io.kubernetes.client.openapi.models.V1Service;
import java.util.List;
import java.util.Objects;

/**
 * Makes the owned objects exist: each is built by its pure {@code desired…} builder and created when
 * absent. The ConfigMap's data is replaced when the spec changed it (a running Kafka reads it at its
 * next start; restarting is the day-2 configuration step's job). Nothing is ever deleted or resized here.
 */
public final class OwnedObjects {
    private final KubeWriter kube;

    public OwnedObjects(KubeWriter kube) {
        this.kube = kube;
    }

    /** Services and the ConfigMap. */
    public void ensureShared(KafkaCluster c, KubeView view) throws ApiException {
        for (V1Service svc : List.of(DesiredServices.headless(c), DesiredServices.bootstrap(c))) {
            if (!view.services().containsKey(svc.getMetadata().getName())) {
                kube.create(svc);
            }
        }
        V1ConfigMap desired = DesiredConfigMap.build(c);
        V1ConfigMap existing = view.configMaps().get(desired.getMetadata().getName());
        if (existing == null) {
            kube.create(desired);
        } else if (!Objects.equals(existing.getData(), desired.getData())) {
            kube.replaceData(existing, desired.getData());
        }
    }

    /** Creates each planned pod, after its PVC (a recreated pod finds its existing PVC). */
    public void createPods(KafkaCluster c, KubeView view, List<PodAction> actions) throws ApiException {
        for (PodAction a : actions) {
            boolean broker = a.role().equals(Names.ROLE_BROKER);
            V1PersistentVolumeClaim pvc = broker ? DesiredPvcs.broker(c, a.index()) : DesiredPvcs.controller(c, a.index());
            if (!view.pvcs().containsKey(pvc.getMetadata().getName())) {
                kube.create(pvc);
            }
            OperatorMetrics.PODS_CREATED.labels(a.role(), a.kind().name()).inc();
            kube.create(broker ? DesiredPods.broker(c, a.index(), a.rack()) : DesiredPods.controller(c, a.index(), a.rack()));
            if (a.kind() == PodAction.Kind.Recreate) {
                kube.event(c, "Normal", "PodRecreated", "Recreated " + a.role() + " pod "
                        + (broker ? Names.brokerPod(c.name(), a.index()) : Names.controllerPod(c.name(), a.index()))
                        + " with the same id, PVC" + (a.rack() == null ? "" : " and rack " + a.rack()) + ".");
            }
        }
    }
}
