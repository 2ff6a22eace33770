package dev.berth.operator.act.desired;

import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.api.StorageSpec;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaimSpec;
import io.kubernetes.client.openapi.models.V1VolumeResourceRequirements;
import java.util.List;
import java.util.Map;

/**
 * Builds the PVC {@code data-<pod>} of one broker or controller: ReadWriteOnce, the spec's size and
 * storage class, the same labels as its pod. A pod that is recreated finds its PVC, and with it its data.
 */
public final class DesiredPvcs {
    private DesiredPvcs() {}

    public static V1PersistentVolumeClaim broker(KafkaCluster c, int id) {
        return build(c, Names.brokerPod(c.name(), id), Names.ROLE_BROKER, id, c.getSpec().brokers().storage());
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
