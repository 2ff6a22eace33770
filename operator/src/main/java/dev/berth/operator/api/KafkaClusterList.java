package dev.berth.operator.api;

import io.kubernetes.client.common.KubernetesListObject;
import io.kubernetes.client.openapi.models.V1ListMeta;
import java.util.ArrayList;
import java.util.List;

/** A list of {@link KafkaCluster}, as the API server returns it. */
public final class KafkaClusterList implements KubernetesListObject {
    private String apiVersion = KafkaCluster.API_VERSION;
    private String kind = "KafkaClusterList";
    private V1ListMeta metadata;
    private List<KafkaCluster> items = new ArrayList<>();

    @Override
    public String getApiVersion() {
        return apiVersion;
    }

    @Override
    public String getKind() {
        return kind;
    }

    @Override
    public V1ListMeta getMetadata() {
        return metadata;
    }

    @Override
    public List<KafkaCluster> getItems() {
        return items == null ? List.of() : items;
    }
}
