package dev.berth.extender.protocol;

import dev.berth.extender.placement.BrokerPod;
import dev.berth.extender.placement.Keys;
import dev.berth.extender.placement.NodeFacts;
import dev.berth.extender.placement.PlacedBroker;
import java.util.List;
import java.util.Map;

/**
 * Turns labels and annotations (from the wire, a cluster file or an informer) into the plain
 * values the placement engine reads. This is where quantities are parsed, so {@code placement}
 * never sees client-java.
 */
public final class Facts {
    private Facts() {}

    /** The pod being placed. A broker pod whose contract values are unreadable is a bad request. */
    public static BrokerPod brokerPod(WirePod pod) throws BadRequestException {
        return brokerPod(pod.namespace(), pod.name(), pod.uid(), pod.labels(), pod.annotations());
    }

    public static BrokerPod brokerPod(String namespace, String name, String uid,
            Map<String, String> labels, Map<String, String> annotations) throws BadRequestException {
        String cluster = Keys.brokerCluster(labels);
        if (cluster == null) {
            return new BrokerPod(namespace == null ? "" : namespace, name, uid, null, null, null, null, null);
        }
        Integer brokerId = null;
        String id = labels.get(Keys.BROKER_ID);
        if (id != null && !id.isEmpty()) {
            try {
                brokerId = Integer.valueOf(id);
            } catch (NumberFormatException e) {
                throw new BadRequestException("pod label " + Keys.BROKER_ID + " is not an integer: " + id);
            }
        }
        Long storage = null;
        String request = annotations.get(Keys.LOCAL_STORAGE);
        if (request != null) {
            try {
                storage = Quantities.bytes(request);
            } catch (IllegalArgumentException e) {
                throw new BadRequestException("pod annotation " + Keys.LOCAL_STORAGE + ": " + e.getMessage());
            }
        }
        return new BrokerPod(namespace == null ? "" : namespace, name, uid, cluster, brokerId,
                emptyToNull(annotations.get(Keys.RACK)), emptyToNull(annotations.get(Keys.AVOID_NODE)), storage);
    }

    /** A node as the request describes it, with the brokers the cache holds on it. */
    public static NodeFacts node(WireNode node, String rackLabel, List<PlacedBroker> brokers) {
        return node(node.name(), node.labels(), node.annotations(), rackLabel, brokers);
    }

    public static NodeFacts node(String name, Map<String, String> labels, Map<String, String> annotations,
            String rackLabel, List<PlacedBroker> brokers) {
        return new NodeFacts(name, emptyToNull(labels.get(rackLabel)),
                Quantities.nodeCapacity(annotations.get(Keys.DISK_CAPACITY)), brokers);
    }

    /**
     * A broker pod already bound to (or reserved on) a node; {@code null} when the pod is no broker
     * ({@link Keys#brokerCluster}: no {@code berth.dev/cluster}, or a controller). Unreadable values
     * count as 0: they only steer scores, and one broker's bad annotation must not block everyone's
     * placement. Values too large for a long count as the most ({@link Quantities#placedAmount}).
     */
    public static PlacedBroker placedBroker(String namespace, String name, Map<String, String> labels,
            Map<String, String> annotations, boolean reserved) {
        String cluster = Keys.brokerCluster(labels);
        if (cluster == null) {
            return null;
        }
        Integer brokerId = null;
        try {
            String id = labels.get(Keys.BROKER_ID);
            brokerId = id == null ? null : Integer.valueOf(id);
        } catch (NumberFormatException e) {
            brokerId = null;
        }
        return new PlacedBroker(namespace + "/" + name, cluster, brokerId,
                Quantities.placedAmount(annotations.get(Keys.LOCAL_STORAGE)),
                Quantities.placedAmount(annotations.get(Keys.LEADERS)),
                Quantities.placedAmount(annotations.get(Keys.LEADER_BYTES_IN)), reserved);
    }

    /** The same broker as {@link PlacedBroker}, from the facts of a pod being bound. */
    public static PlacedBroker placedBroker(BrokerPod pod, boolean reserved) {
        return new PlacedBroker(pod.key(), pod.cluster(), pod.brokerId(),
                pod.localStorageBytes() == null ? 0 : pod.localStorageBytes(), 0, 0, reserved);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
