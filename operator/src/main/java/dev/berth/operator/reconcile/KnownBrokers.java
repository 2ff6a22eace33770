package dev.berth.operator.reconcile;

import dev.berth.operator.act.desired.Names;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.observe.KubeView;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The broker ids that exist, so that {@link dev.berth.operator.plan.BrokerIds#desired} keeps them.
 *
 * <p>Goals: a broker that still has data is never forgotten. Its id is its Kafka identity, and its
 * volume may hold the only copy of a partition.
 *
 * <p>Constraints: a status row is dropped for a broker on its way out, and a pod can vanish (a lost node's
 * pod collected, a failed pod deleted). Neither may take the id with it while its volume is there. A claim
 * being deleted does not count: a removal that deletes it ends only once it is gone, and a person who deletes a
 * claim under a running broker leaves the pod, which counts.
 *
 * <p>Algorithm: the ids of the status rows, of the pods not being deleted, and of the broker claims not being
 * deleted (their {@code berth.dev/broker-id} label).
 *
 * <p>Example: broker 2 named in {@code brokers.remove} has lost its node; its pod was collected and its row
 * dropped, and its claim {@code data-demo-broker-2} is there. Rows {0,1,3}, pods {0,1,3}: known {0,1,2,3}. When
 * the name is taken out of the list again, broker 2 is desired and its pod is created on its volume. Before, it
 * was {0,1,3}: the pod was never created again, and a later scale-up handed id 2 to a new broker on the old data.
 */
final class KnownBrokers {
    private KnownBrokers() {}

    static Set<Integer> of(KafkaCluster c, KubeView view) {
        Set<Integer> ids = new TreeSet<>();
        c.getStatus().brokers().forEach(b -> ids.add(b.id()));
        view.podsByNodeId(Names.ROLE_BROKER).forEach((id, pod) -> {
            if (!KubeView.isTerminating(pod)) {
                ids.add(id);
            }
        });
        for (V1PersistentVolumeClaim pvc : view.pvcs().values()) {
            Integer id = brokerId(pvc);
            if (id != null && pvc.getMetadata().getDeletionTimestamp() == null) {
                ids.add(id);
            }
        }
        return ids;
    }

    /** The broker id a claim's labels name, or null for a controller's claim or a label that is no id. */
    private static Integer brokerId(V1PersistentVolumeClaim pvc) {
        Map<String, String> labels = pvc.getMetadata() == null ? null : pvc.getMetadata().getLabels();
        if (labels == null || !Names.ROLE_BROKER.equals(labels.get(Names.LABEL_ROLE))) {
            return null;
        }
        try {
            int id = Integer.parseInt(labels.get(Names.LABEL_BROKER_ID));
            return id >= 0 && id <= Names.MAX_BROKER_ID ? id : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
