package dev.berth.operator.api;

import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.openapi.models.V1ObjectMeta;

/**
 * The {@code KafkaCluster} custom resource ({@code berth.dev/v1alpha1}), as client-java's JSON reads
 * and writes it. The schema with every field's description lives in {@code deploy/crd/kafkacluster.yaml}.
 */
public final class KafkaCluster implements KubernetesObject {
    public static final String GROUP = "berth.dev";
    public static final String VERSION = "v1alpha1";
    public static final String API_VERSION = GROUP + "/" + VERSION;
    public static final String KIND = "KafkaCluster";
    public static final String PLURAL = "kafkaclusters";

    private String apiVersion = API_VERSION;
    private String kind = KIND;
    private V1ObjectMeta metadata;
    private KafkaClusterSpec spec;
    private KafkaClusterStatus status;

    public KafkaCluster() {}

    public KafkaCluster(V1ObjectMeta metadata, KafkaClusterSpec spec) {
        this.metadata = metadata;
        this.spec = spec;
    }

    @Override
    public String getApiVersion() {
        return apiVersion;
    }

    @Override
    public String getKind() {
        return kind;
    }

    @Override
    public V1ObjectMeta getMetadata() {
        return metadata;
    }

    public void setMetadata(V1ObjectMeta metadata) {
        this.metadata = metadata;
    }

    /** The spec with every default applied; never {@code null}. */
    public KafkaClusterSpec getSpec() {
        return spec == null ? KafkaClusterSpec.defaults() : spec;
    }

    public void setSpec(KafkaClusterSpec spec) {
        this.spec = spec;
    }

    /** The status, or an empty one before the operator first wrote it; never {@code null}. */
    public KafkaClusterStatus getStatus() {
        return status == null ? KafkaClusterStatus.empty() : status;
    }

    public void setStatus(KafkaClusterStatus status) {
        this.status = status;
    }

    public String name() {
        return metadata.getName();
    }

    public String namespace() {
        return metadata.getNamespace();
    }

    public long generation() {
        return metadata.getGeneration() == null ? 0 : metadata.getGeneration();
    }
}
