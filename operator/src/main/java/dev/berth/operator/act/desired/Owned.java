package dev.berth.operator.act.desired;

import dev.berth.operator.api.KafkaCluster;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1OwnerReference;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Metadata shared by every owned object: namespace, labels and the controller owner reference. */
final class Owned {
    private Owned() {}

    static V1ObjectMeta meta(KafkaCluster c, String name, Map<String, String> labels) {
        return new V1ObjectMeta()
                .name(name)
                .namespace(c.namespace())
                .labels(new TreeMap<>(labels))
                .ownerReferences(List.of(ownerReference(c)));
    }

    static V1OwnerReference ownerReference(KafkaCluster c) {
        return new V1OwnerReference()
                .apiVersion(KafkaCluster.API_VERSION)
                .kind(KafkaCluster.KIND)
                .name(c.name())
                .uid(c.getMetadata().getUid())
                .controller(true)
                .blockOwnerDeletion(true);
    }

    static Map<String, String> clusterLabels(KafkaCluster c) {
        Map<String, String> m = new TreeMap<>();
        m.put(Names.LABEL_CLUSTER, c.name());
        m.put("app.kubernetes.io/name", "kafka");
        m.put("app.kubernetes.io/managed-by", "berth");
        return m;
    }

    static Map<String, String> nodeLabels(KafkaCluster c, String role, int nodeId) {
        Map<String, String> m = clusterLabels(c);
        m.put(Names.LABEL_ROLE, role);
        m.put(Names.LABEL_BROKER_ID, Integer.toString(nodeId));
        return m;
    }
}
