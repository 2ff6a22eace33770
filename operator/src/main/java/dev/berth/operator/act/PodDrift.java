package dev.berth.operator.act;

import dev.berth.operator.act.desired.DesiredPods;
import dev.berth.operator.act.desired.Names;
import dev.berth.operator.act.desired.RecordedResources;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.observe.KubeView;
import dev.berth.operator.observe.NodeLabels;
import dev.berth.operator.plan.CordonMoves;
import dev.berth.operator.plan.PlacementDrift;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ResourceRequirements;
import io.kubernetes.client.openapi.models.V1Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;

/**
 * Which Kafka pods no longer run the spec: an edit of the image, the resources or the Kafka
 * configuration reaches a pod only when it is recreated. Broker pods are restarted one at a time,
 * leader-aware, by the restart step ({@code RestartStep}); controller pods one at a time while the
 * quorum keeps its majority, by {@code ControllerRollStep}. A broker or controller pod annotated
 * {@value Names#ANN_RESTART} (any value) is out of date too: that is how a person asks for a safe
 * restart of one node. So is a pod on a cordoned node, unless its storage is local
 * ({@link CordonMoves}), and a broker pod on a node the extender would refuse it now, with network
 * storage ({@link PlacementDrift}): it is moved off the node.
 *
 * <p><b>Rule</b>, per pod that exists and is not being deleted: the image and the resources it was
 * created for ({@link Names#ANN_IMAGE}, {@link Names#ANN_RESOURCES}: exactly, a resource taken out of the
 * spec differs too) are compared with what {@link DesiredPods} would build now; a pod without those records
 * (from an older berth) by its container (the requests and limits the spec sets, {@link #covers}). Its
 * {@link Names#ANN_CONFIG_HASH}
 * (the hash of its role's rendered configuration when it was created) with the current one. A pod
 * without that annotation (created by an older berth) is not judged on configuration.
 *
 * <p><b>Example.</b> {@code spec.image} goes from {@code apache/kafka:4.4.0} to {@code 4.4.1}: every
 * pod reads {@code demo-broker-0: image apache/kafka:4.4.0, spec apache/kafka:4.4.1}; a pod
 * recreated afterwards runs 4.4.1 and drops out of the list.
 */
public final class PodDrift {
    /** What a pod whose only difference is {@code spec.config} (or berth's rendering of it) reads. */
    public static final String CONFIGURATION = "configuration";

    private PodDrift() {}

    /** One line per pod that differs from the spec, by pod name; empty when all match. */
    public static List<String> of(KafkaCluster c, KubeView view) {
        List<String> out = new ArrayList<>();
        brokers(c, view).forEach((id, why) -> out.add(Names.brokerPod(c.name(), id) + ": " + why));
        controllers(c, view).forEach((id, why) -> out.add(Names.controllerPod(c.name(), id - Names.CONTROLLER_ID_BASE)
                + ": " + why));
        return out;
    }

    /**
     * Controller node id to what differs from the spec, for the controller pods the spec still wants
     * that need a restart ({@code ControllerRollStep} rolls them, the quorum leader last).
     */
    public static java.util.SortedMap<Integer, String> controllers(KafkaCluster c, KubeView view) {
        java.util.SortedMap<Integer, String> out = new java.util.TreeMap<>();
        Map<Integer, CordonMoves.Finding> cordoned = cordonedControllers(c, view);
        for (Map.Entry<Integer, V1Pod> e : view.podsByNodeId(Names.ROLE_CONTROLLER).entrySet()) {
            int ordinal = e.getKey() - Names.CONTROLLER_ID_BASE;
            if (ordinal >= 0 && ordinal < c.getSpec().controllers().replicas()) {
                String why = diff(e.getValue(), DesiredPods.controller(c, ordinal, null));
                if (!KubeView.isTerminating(e.getValue()) && KubeView.annotation(e.getValue(), Names.ANN_RESTART) != null) {
                    why = (why == null ? "" : why + "; ") + "restart requested (" + Names.ANN_RESTART + ")";
                }
                CordonMoves.Finding f = cordoned.get(e.getKey());
                if (f != null && f.verdict() == CordonMoves.Verdict.MOVE) {
                    why = (why == null ? "" : why + "; ") + f.describe();
                }
                if (why != null) {
                    out.put(e.getKey(), why);
                }
            }
        }
        return out;
    }

    /** Broker id to what differs from the spec (or the restart request), for broker pods that need a restart. */
    public static java.util.SortedMap<Integer, String> brokers(KafkaCluster c, KubeView view) {
        java.util.SortedMap<Integer, String> out = new java.util.TreeMap<>();
        Map<Integer, CordonMoves.Finding> cordoned = cordoned(c, view);
        Map<Integer, PlacementDrift.Finding> drifted = drifted(c, view);
        for (Map.Entry<Integer, V1Pod> e : view.podsByNodeId(Names.ROLE_BROKER).entrySet()) {
            String why = diff(e.getValue(), DesiredPods.broker(c, e.getKey(), null));
            if (!KubeView.isTerminating(e.getValue()) && KubeView.annotation(e.getValue(), Names.ANN_RESTART) != null) {
                why = (why == null ? "" : why + "; ") + "restart requested (" + Names.ANN_RESTART + ")";
            }
            CordonMoves.Finding f = cordoned.get(e.getKey());
            PlacementDrift.Finding d = drifted.get(e.getKey());
            if (f != null && f.verdict() == CordonMoves.Verdict.MOVE) {
                why = (why == null ? "" : why + "; ") + f.describe();
            } else if (d != null && d.verdict() == PlacementDrift.Verdict.MOVE) {
                why = (why == null ? "" : why + "; ") + d.describe();
            }
            if (why != null) {
                out.put(e.getKey(), why);
            }
        }
        return out;
    }

    /**
     * {@code view} with what placement drift judges by, read through {@code nodes} (cached there): the
     * racks of the nodes its broker pods are bound to and, only when a broker drifted, the schedulable
     * nodes of the drifted brokers' racks (where they could go); not with local storage, whose brokers
     * are never moved for drift, only said to have drifted. The node an unbound broker pod avoids is
     * read too, so that a move off a drifted node can give it back once it fits again ({@link #fitsAgain}).
     */
    public static KubeView withNodePlaces(KafkaCluster c, KubeView view, NodeLabels nodes) {
        Set<String> bound = new TreeSet<>();
        view.podsByNodeId(Names.ROLE_BROKER).values().forEach(p -> {
            if (KubeView.nodeName(p) != null) {
                bound.add(KubeView.nodeName(p));
            } else if (KubeView.annotation(p, Names.ANN_AVOID_NODE) != null) {
                bound.add(KubeView.annotation(p, Names.ANN_AVOID_NODE));
            }
        });
        String rackLabel = c.getSpec().placement().rackLabel();
        KubeView racked = view.withNodeRacks(nodes.racks(bound, rackLabel));
        if (c.getSpec().brokers().storage().isLocal()) {
            return racked; // its drifted brokers stay: no rack needs listing
        }
        Set<String> racks = new TreeSet<>();
        drifted(c, racked).values().forEach(f -> {
            if (f.brokerRack() != null) {
                racks.add(f.brokerRack());
            }
        });
        // and those of brokers on cordoned nodes: each moves only when another node of its rack takes it
        Map<Integer, V1Pod> pods = racked.podsByNodeId(Names.ROLE_BROKER);
        cordoned(c, racked).keySet().forEach(id -> {
            String rack = pods.get(id) == null ? null : KubeView.annotation(pods.get(id), Names.ANN_RACK);
            if (rack != null && !rack.isEmpty()) {
                racks.add(rack);
            }
        });
        return racks.isEmpty() ? racked : racked.withRackNodes(nodes.schedulable(rackLabel, racks));
    }

    /**
     * Whether broker {@code id}'s pod (pinned to its rack) would be placed on {@code node} now by the
     * extender's rules ({@link PlacementDrift#fits}); false while the node's rack is not read.
     */
    public static boolean fitsAgain(KafkaCluster c, KubeView view, int id, String node) {
        V1Pod pod = view.podsByNodeId(Names.ROLE_BROKER).get(id);
        if (view.nodeRacks() == null || pod == null) {
            return false;
        }
        return PlacementDrift.fits(c.namespace(), c.name(), placed(view), view.nodeRacks(), id,
                KubeView.annotation(pod, Names.ANN_RACK), node);
    }

    /**
     * Brokers on a node the extender's placement engine would refuse them now ({@link PlacementDrift}),
     * by id; none while the nodes' racks are not read. With local storage each stays
     * ({@link PlacementDrift.Verdict#STAY_LOCAL_STORAGE}).
     */
    public static SortedMap<Integer, PlacementDrift.Finding> drifted(KafkaCluster c, KubeView view) {
        if (view.nodeRacks() == null) {
            return java.util.Collections.emptySortedMap();
        }
        return PlacementDrift.judge(c.namespace(), c.name(), placed(view), view.nodeRacks(), view.rackNodes(),
                c.getSpec().brokers().storage().isLocal());
    }

    /** The broker pods not being deleted, with their nodes and pinned racks. */
    private static Map<Integer, PlacementDrift.Placed> placed(KubeView view) {
        Map<Integer, PlacementDrift.Placed> placed = new java.util.TreeMap<>();
        view.podsByNodeId(Names.ROLE_BROKER).forEach((id, pod) -> {
            if (!KubeView.isTerminating(pod)) {
                placed.put(id, new PlacementDrift.Placed(pod.getMetadata().getName(), KubeView.nodeName(pod),
                        KubeView.annotation(pod, Names.ANN_RACK)));
            }
        });
        return placed;
    }

    /**
     * The node broker {@code id} must move off, and why, as the restart step words it: a cordoned node
     * first, then placement drift; {@code null} when it may come back where it is.
     */
    public static MoveOff moveOff(KafkaCluster c, KubeView view, int id) {
        CordonMoves.Finding cordon = cordoned(c, view).get(id);
        if (cordon != null && cordon.verdict() == CordonMoves.Verdict.MOVE) {
            return new MoveOff(cordon.node(), "the cordoned node " + cordon.node(), true);
        }
        PlacementDrift.Finding drift = drifted(c, view).get(id);
        return drift == null || drift.verdict() != PlacementDrift.Verdict.MOVE ? null
                : new MoveOff(drift.node(), "node " + drift.node() + " (placement drift)", false);
    }

    /** A node to move off: its name, how messages name it ("the cordoned node n1"), and whether it is cordoned. */
    public record MoveOff(String node, String named, boolean cordon) {}

    /**
     * Brokers whose pods are bound to a cordoned node, by id ({@link CordonMoves}); none when the
     * operator cannot watch nodes. With local storage, a pod not bound yet (recreated after an
     * eviction) is judged by where its volume is: its PVC's {@value Names#ANN_SELECTED_NODE}.
     */
    public static Map<Integer, CordonMoves.Finding> cordoned(KafkaCluster c, KubeView view) {
        if (view.cordonedNodes() == null || view.cordonedNodes().isEmpty()) {
            return Map.of();
        }
        boolean local = c.getSpec().brokers().storage().isLocal();
        Map<Integer, String> nodes = new java.util.TreeMap<>();
        Map<Integer, String> racks = new java.util.TreeMap<>();
        view.podsByNodeId(Names.ROLE_BROKER).forEach((id, pod) -> {
            if (!KubeView.isTerminating(pod)) {
                String node = KubeView.nodeName(pod);
                if (node == null && local) {
                    var pvc = view.pvcs().get(Names.pvc(pod.getMetadata().getName()));
                    node = pvc == null || pvc.getMetadata().getAnnotations() == null ? null
                            : pvc.getMetadata().getAnnotations().get(Names.ANN_SELECTED_NODE);
                }
                nodes.put(id, node);
                // its rack is judged only where its node's label agrees: a node without the label (or not read)
                // says nothing of which nodes are in the broker's rack, and the broker moves as before
                String rack = KubeView.annotation(pod, Names.ANN_RACK);
                if (rack != null && !rack.isEmpty() && node != null && view.nodeRacks() != null
                        && rack.equals(view.nodeRacks().get(node))) { // (an unbound pod has no node to ask: a TreeMap refuses null)
                    racks.put(id, rack);
                }
            }
        });
        return CordonMoves.judge(nodes, view.cordonedNodes(), local, racks, view.rackNodes());
    }

    /**
     * Controllers whose pods are bound to a cordoned node, by node id. Only those on network storage
     * move ({@link CordonMoves.Verdict#MOVE}): a recreated pod is not scheduled onto a cordoned node,
     * so it lands elsewhere with its volume. A controller on local storage stays with its data.
     */
    public static Map<Integer, CordonMoves.Finding> cordonedControllers(KafkaCluster c, KubeView view) {
        if (view.cordonedNodes() == null || view.cordonedNodes().isEmpty()) {
            return Map.of();
        }
        Map<Integer, String> nodes = new java.util.TreeMap<>();
        view.podsByNodeId(Names.ROLE_CONTROLLER).forEach((id, pod) -> {
            if (!KubeView.isTerminating(pod)) {
                nodes.put(id, KubeView.nodeName(pod));
            }
        });
        return CordonMoves.judge(nodes, view.cordonedNodes(), c.getSpec().controllers().storage().isLocal());
    }

    /**
     * True when the pod has every request and limit the spec sets, at the same amount. What the spec
     * leaves out is not compared: an apiserver writes {@code resources: {}} where berth sent none,
     * copies limits into missing requests, and a LimitRange adds defaults.
     */
    static boolean covers(V1ResourceRequirements now, V1ResourceRequirements want) {
        if (want == null) {
            return true;
        }
        return same(now == null ? null : now.getRequests(), want.getRequests())
                && same(now == null ? null : now.getLimits(), want.getLimits());
    }

    private static boolean same(Map<String, Quantity> now, Map<String, Quantity> want) {
        if (want == null) {
            return true;
        }
        for (Map.Entry<String, Quantity> e : want.entrySet()) {
            Quantity q = now == null ? null : now.get(e.getKey());
            if (q == null || q.getNumber().compareTo(e.getValue().getNumber()) != 0) {
                return false;
            }
        }
        return true;
    }

    /** What differs, joined by "; ", or null when the pod runs the spec (or is going away). */
    /**
     * What of {@code pod}'s own spec (image, resources, configuration) differs from what the spec wants for
     * it, or {@code null}: {@link #brokers} and {@link #controllers} without restart requests and moves.
     */
    public static String specChange(KafkaCluster c, String role, int nodeId, V1Pod pod) {
        V1Pod desired = Names.ROLE_CONTROLLER.equals(role)
                ? DesiredPods.controller(c, nodeId - Names.CONTROLLER_ID_BASE, null)
                : DesiredPods.broker(c, nodeId, null);
        return diff(pod, desired);
    }

    private static String diff(V1Pod pod, V1Pod desired) {
        if (KubeView.isTerminating(pod) || pod.getSpec() == null || pod.getSpec().getContainers().isEmpty()) {
            return null;
        }
        V1Container now = pod.getSpec().getContainers().get(0);
        V1Container want = desired.getSpec().getContainers().get(0);
        List<String> diffs = new ArrayList<>();
        // the image the pod was created for: a webhook may have pinned the container's to a digest
        String ran = KubeView.annotation(pod, Names.ANN_IMAGE);
        String image = ran != null ? ran : now.getImage();
        if (!Objects.equals(image, want.getImage())) {
            diffs.add("image " + image + ", spec " + want.getImage());
        }
        // the resources the pod was created for, when it says: admission may have rewritten the container's
        Boolean asRecorded = RecordedResources.same(KubeView.annotation(pod, Names.ANN_RESOURCES),
                KubeView.annotation(desired, Names.ANN_RESOURCES));
        if (asRecorded != null ? !asRecorded : !covers(now.getResources(), want.getResources())) {
            diffs.add("resources");
        }
        String hash = KubeView.annotation(pod, Names.ANN_CONFIG_HASH);
        if (hash != null && !hash.equals(KubeView.annotation(desired, Names.ANN_CONFIG_HASH))) {
            diffs.add(CONFIGURATION);
        }
        return diffs.isEmpty() ? null : String.join("; ", diffs);
    }
}
