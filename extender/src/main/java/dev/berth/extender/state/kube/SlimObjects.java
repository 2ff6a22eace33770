package dev.berth.extender.state.kube;

import dev.berth.extender.placement.Keys;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * What the informers keep of each Node and Pod: only what {@link KubeFacts} reads.
 *
 * <p><b>Goal.</b> A client-java informer keeps every object it has listed or watched in its cache,
 * as decoded, for as long as the object exists. Most of a Node is what berth never reads:
 * {@code managedFields}, the images the kubelet has pulled, conditions, addresses, {@code nodeInfo},
 * capacity. Applied to every listed item ({@link SlimListerWatcher}) and, as the informers'
 * transform ({@link io.kubernetes.client.informer.SharedInformer#setTransform}), to every watched
 * object, this class makes the extender keep a few hundred bytes per object instead. With 5,000
 * nodes and 1,000 broker pods, client-java's stock informers hold 58 to 72 MB; berth's whole
 * Kubernetes state, slim caches, index and table, holds 12 MB ({@code extender/bench.sh heap}).
 *
 * <p><b>Constraints.</b>
 * <ul>
 *   <li>{@link KubeFacts} must read exactly the same facts from the slim object as from the full one,
 *       problems included ({@code SlimObjectsTest} checks it on full objects as the API server sends
 *       them). When KubeFacts starts reading another field, add it here, or the informer will not
 *       see it.</li>
 *   <li>The informer still keys, updates and deletes objects by namespace and name, so those stay,
 *       with the uid and resourceVersion.</li>
 *   <li>Anything that is not a Node or a Pod (a deletion whose final state is unknown) passes
 *       unchanged.</li>
 * </ul>
 *
 * <p><b>Algorithm.</b> A new object with the metadata above, the labels and annotations of the keys
 * KubeFacts reads (nothing else, so that a node's 30 labels do not stay), and for pods
 * {@code spec.nodeName} and {@code status.phase}.
 *
 * <p><b>Example.</b> A Node with 20 labels, 12 images and {@code managedFields} (about 4 KB of JSON)
 * becomes {@code {name: node-7, uid, resourceVersion, labels: {topology.kubernetes.io/zone: rack-a},
 * annotations: {berth.dev/disk-capacity: 2Ti}}}.
 */
final class SlimObjects {
    /** Pod labels KubeFacts reads. */
    static final List<String> POD_LABELS = List.of(Keys.CLUSTER, Keys.BROKER_ID, Keys.ROLE);
    /** Pod annotations KubeFacts reads. */
    static final List<String> POD_ANNOTATIONS = List.of(Keys.LOCAL_STORAGE, Keys.LEADERS, Keys.LEADER_BYTES_IN);
    /** Node annotations KubeFacts reads (the rack label is the one configured). */
    static final List<String> NODE_ANNOTATIONS = List.of(Keys.DISK_CAPACITY);

    private SlimObjects() {}

    /**
     * Slim Nodes (keeping {@code rackLabel}) and Pods, anything else as is: for the lists
     * ({@link SlimListerWatcher}) and as the informers' transform, for watch events.
     */
    static UnaryOperator<KubernetesObject> slimmer(String rackLabel) {
        List<String> nodeLabels = List.of(rackLabel);
        return obj -> {
            if (obj instanceof V1Node node) {
                return node(node, nodeLabels);
            }
            if (obj instanceof V1Pod pod) {
                return pod(pod);
            }
            return obj;
        };
    }

    static V1Node node(V1Node full, List<String> labels) {
        return new V1Node().metadata(meta(full, labels, NODE_ANNOTATIONS));
    }

    static V1Pod pod(V1Pod full) {
        V1Pod slim = new V1Pod().metadata(meta(full, POD_LABELS, POD_ANNOTATIONS));
        if (full.getSpec() != null && full.getSpec().getNodeName() != null) {
            slim.spec(new V1PodSpec().nodeName(full.getSpec().getNodeName()));
        }
        if (full.getStatus() != null && full.getStatus().getPhase() != null) {
            slim.status(new V1PodStatus().phase(full.getStatus().getPhase()));
        }
        return slim;
    }

    private static V1ObjectMeta meta(KubernetesObject full, List<String> labels, List<String> annotations) {
        V1ObjectMeta m = full.getMetadata();
        if (m == null) {
            return null;
        }
        return new V1ObjectMeta()
                .name(m.getName())
                .namespace(m.getNamespace())
                .uid(m.getUid())
                .resourceVersion(m.getResourceVersion())
                .labels(only(m.getLabels(), labels))
                .annotations(only(m.getAnnotations(), annotations));
    }

    /** The entries of {@code map} under {@code keys}; null when there are none, as an absent map reads. */
    private static Map<String, String> only(Map<String, String> map, List<String> keys) {
        if (map == null) {
            return null;
        }
        Map<String, String> kept = null;
        for (String k : keys) {
            String v = map.get(k);
            if (v != null) {
                if (kept == null) {
                    kept = new HashMap<>(4);
                }
                kept.put(k, v);
            }
        }
        return kept;
    }
}
