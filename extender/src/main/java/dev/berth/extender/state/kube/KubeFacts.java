package dev.berth.extender.state.kube;

import dev.berth.extender.placement.PlacedBroker;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns Node and Pod objects into the facts placement reads (DESIGN.md, "The contract between
 * operator and extender"). Quantities go through {@link Quantities}; a malformed one is reported in
 * {@code problems} and treated as absent (node: offers no local disk; pod: holds none, no leaders),
 * so one bad annotation affects only its own object.
 */
public final class KubeFacts {
    public static final String CLUSTER_LABEL = "berth.dev/cluster";
    public static final String BROKER_ID_LABEL = "berth.dev/broker-id";
    public static final String RACK_ANNOTATION = "berth.dev/rack";
    public static final String LOCAL_STORAGE_ANNOTATION = "berth.dev/local-storage";
    public static final String LEADERS_ANNOTATION = "berth.dev/leaders";
    public static final String LEADER_BYTES_IN_ANNOTATION = "berth.dev/leader-bytes-in";
    public static final String DISK_CAPACITY_ANNOTATION = "berth.dev/disk-capacity";
    public static final String DEFAULT_RACK_LABEL = "topology.kubernetes.io/zone";

    private KubeFacts() {}

    /** A node's own facts, before brokers are attached. */
    public record NodeBase(String name, String rack, Long diskCapacityBytes, List<String> problems) {}

    /**
     * A broker pod as the index needs it: where it is bound ({@code nodeName}, null when unbound or
     * finished) and what it holds there.
     */
    public record PodPlacement(String podKey, String uid, String nodeName, PlacedBroker broker, List<String> problems) {}

    public static NodeBase node(V1Node node, String rackLabel) {
        V1ObjectMeta meta = node.getMetadata();
        String rack = blankToNull(get(meta.getLabels(), rackLabel));
        List<String> problems = new ArrayList<>(1);
        Quantities.Parsed disk = Quantities.parse(DISK_CAPACITY_ANNOTATION, get(meta.getAnnotations(), DISK_CAPACITY_ANNOTATION));
        if (disk.malformed()) {
            problems.add(disk.problem());
        }
        return new NodeBase(meta.getName(), rack, disk.value(), List.copyOf(problems));
    }

    public static String podKey(V1Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    public static PodPlacement pod(V1Pod pod) {
        V1ObjectMeta meta = pod.getMetadata();
        Map<String, String> labels = meta.getLabels();
        Map<String, String> annotations = meta.getAnnotations();
        List<String> problems = new ArrayList<>(0);
        long storage = value(LOCAL_STORAGE_ANNOTATION, annotations, problems);
        long leaders = value(LEADERS_ANNOTATION, annotations, problems);
        long bytesIn = value(LEADER_BYTES_IN_ANNOTATION, annotations, problems);
        Integer brokerId = null;
        String rawId = get(labels, BROKER_ID_LABEL);
        if (rawId != null) {
            try {
                brokerId = Integer.valueOf(rawId.trim());
            } catch (NumberFormatException e) {
                problems.add(BROKER_ID_LABEL + " is not an integer: \"" + rawId + "\"");
            }
        }
        String key = podKey(pod);
        PlacedBroker broker = new PlacedBroker(key, get(labels, CLUSTER_LABEL), brokerId, storage, leaders, bytesIn, false);
        return new PodPlacement(key, meta.getUid(), boundNode(pod), broker, List.copyOf(problems));
    }

    /**
     * The node a pod occupies: {@code spec.nodeName}, unless the pod has finished (Succeeded or
     * Failed pods hold no disk and no broker slot) or is being deleted with no node.
     */
    static String boundNode(V1Pod pod) {
        String node = pod.getSpec() == null ? null : blankToNull(pod.getSpec().getNodeName());
        if (node == null) {
            return null;
        }
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
            return null;
        }
        return node;
    }

    private static long value(String key, Map<String, String> annotations, List<String> problems) {
        Quantities.Parsed p = Quantities.parse(key, get(annotations, key));
        if (p.malformed()) {
            problems.add(p.problem());
            return 0;
        }
        return p.value() == null ? 0 : p.value();
    }

    private static String get(Map<String, String> map, String key) {
        return map == null ? null : map.get(key);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
