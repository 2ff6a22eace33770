package dev.berth.operator.act.desired;

import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.api.StorageSpec;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaimSpec;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1VolumeResourceRequirements;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the PVC {@code data-<pod>} of one broker or controller: ReadWriteOnce, the spec's size and
 * storage class, the same labels as its pod. A pod that is recreated finds its PVC, and with it its data.
 * A broker's claim also records whether the spec made it a local or a network volume
 * ({@link Names#ANN_VOLUME_KIND}); {@link #brokerVolumeKinds} reads the kinds back.
 */
public final class DesiredPvcs {
    private DesiredPvcs() {}

    public static V1PersistentVolumeClaim broker(KafkaCluster c, int id) {
        StorageSpec s = c.getSpec().brokers().storage();
        V1PersistentVolumeClaim pvc = build(c, Names.brokerPod(c.name(), id), Names.ROLE_BROKER, id, s);
        pvc.getMetadata().putAnnotationsItem(Names.ANN_VOLUME_KIND, s.isLocal() ? Names.VOLUME_LOCAL : Names.VOLUME_NETWORK);
        return pvc;
    }

    /**
     * The kind of every broker claim, by claim name: {@code data-demo-broker-0 -> network}. It is the
     * claim's record, or for a claim from a berth that did not record it, what its broker pod was
     * created as ({@link Names#ANN_LOCAL_STORAGE} or not): a flip of the spec never restarts pods, so
     * the pod still says what its volume was made for. A claim with neither is left out. Claims being
     * deleted count: a person's {@code kubectl delete pvc} leaves them Terminating while their broker
     * still runs on them.
     *
     * @param pods the cluster's pods by name
     */
    public static Map<String, String> brokerVolumeKinds(Collection<V1PersistentVolumeClaim> pvcs, Map<String, V1Pod> pods) {
        Map<String, String> out = new TreeMap<>();
        for (V1PersistentVolumeClaim pvc : pvcs) {
            var meta = pvc.getMetadata();
            if (meta == null || meta.getLabels() == null || !Names.ROLE_BROKER.equals(meta.getLabels().get(Names.LABEL_ROLE))) {
                continue;
            }
            String kind = meta.getAnnotations() == null ? null : meta.getAnnotations().get(Names.ANN_VOLUME_KIND);
            V1Pod pod = meta.getName() == null ? null : pods.get(meta.getName().substring(Names.pvc("").length()));
            if (kind == null && pod != null && pod.getMetadata() != null) {
                Map<String, String> ann = pod.getMetadata().getAnnotations();
                kind = ann != null && ann.containsKey(Names.ANN_LOCAL_STORAGE) ? Names.VOLUME_LOCAL : Names.VOLUME_NETWORK;
            }
            if (kind != null) {
                out.put(meta.getName(), kind);
            }
        }
        return out;
    }

    public static V1PersistentVolumeClaim controller(KafkaCluster c, int ordinal) {
        return build(c, Names.controllerPod(c.name(), ordinal), Names.ROLE_CONTROLLER, Names.controllerId(ordinal),
                c.getSpec().controllers().storage());
    }

    private static V1PersistentVolumeClaim build(KafkaCluster c, String pod, String role, int nodeId, StorageSpec s) {
        return new V1PersistentVolumeClaim()
                .apiVersion("v1")
                .kind("PersistentVolumeClaim")
                .metadata(Owned.meta(c, Names.pvc(pod), Owned.nodeLabels(c, role, nodeId)))
                .spec(new V1PersistentVolumeClaimSpec()
                        .accessModes(List.of("ReadWriteOnce"))
                        .storageClassName(s.storageClassName())
                        .resources(new V1VolumeResourceRequirements()
                                .requests(Map.of("storage", Quantity.fromString(s.size())))));
    }
}
