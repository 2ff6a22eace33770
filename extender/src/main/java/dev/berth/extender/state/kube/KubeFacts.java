package dev.berth.extender.state.kube;

import dev.berth.extender.placement.Keys;
import dev.berth.extender.placement.NodeFacts;
import dev.berth.extender.placement.PlacedBroker;
import dev.berth.extender.protocol.Quantities;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns Node and Pod objects into the facts placement reads (DESIGN.md, "The contract between
 * operator and extender"), with the same meaning as {@link dev.berth.extender.protocol.Facts} gives
 * them for the wire and the cluster file, plus the reason whenever a value is unreadable, so the
 * informer can log it. Quantities go through client-java ({@link Quantities}). An unreadable
 * {@code berth.dev/disk-capacity} gives {@link NodeFacts#INVALID_CAPACITY} (the node then fails the
 * disk rule with a reason); an unreadable pod value counts as 0 (it only steers scores). Either way
 * one bad annotation affects only its own object.
 */
public final class KubeFacts {
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
        String raw = get(meta.getAnnotations(), Keys.DISK_CAPACITY);
        if (raw == null) {
            return new NodeBase(meta.getName(), rack, null, List.of());
        }
        try {
            return new NodeBase(meta.getName(), rack, Quantities.bytes(raw), List.of());
        } catch (IllegalArgumentException e) {
            return new NodeBase(meta.getName(), rack, NodeFacts.INVALID_CAPACITY,
                    List.of(Keys.DISK_CAPACITY + ": " + e.getMessage()));
        }
    }

    public static String podKey(V1Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    public static PodPlacement pod(V1Pod pod) {
        V1ObjectMeta meta = pod.getMetadata();
        Map<String, String> labels = meta.getLabels();
        Map<String, String> annotations = meta.getAnnotations();
        List<String> problems = new ArrayList<>(0);
        long storage = value(Keys.LOCAL_STORAGE, annotations, problems);
        long leaders = value(Keys.LEADERS, annotations, problems);
        long bytesIn = value(Keys.LEADER_BYTES_IN, annotations, problems);
        Integer brokerId = null;
        String rawId = get(labels, Keys.BROKER_ID);
        if (rawId != null) {
            try {
                brokerId = Integer.valueOf(rawId.trim());
            } catch (NumberFormatException e) {
                problems.add(Keys.BROKER_ID + ": not an integer: \"" + rawId + "\"");
            }
        }
        String key = podKey(pod);
        PlacedBroker broker = new PlacedBroker(key, Keys.brokerCluster(labels), brokerId, storage, leaders, bytesIn, false);
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
        String raw = get(annotations, key);
        if (raw == null) {
            return 0;
        }
        try {
            return Quantities.bytes(raw);
        } catch (Quantities.TooLarge e) { // too large is not nothing (Quantities#placedAmount)
            problems.add(key + ": " + e.getMessage());
            return Long.MAX_VALUE;
        } catch (IllegalArgumentException e) {
            problems.add(key + ": " + e.getMessage());
            return 0;
        }
    }

    private static String get(Map<String, String> map, String key) {
        return map == null ? null : map.get(key);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
