package dev.berth.operator.plan;

import dev.berth.extender.placement.BrokerPod;
import dev.berth.extender.placement.HardRules;
import dev.berth.extender.placement.NodeFacts;
import dev.berth.extender.placement.PlacedBroker;
import dev.berth.extender.placement.Reason;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Which running brokers sit on a node that the extender's placement engine would refuse them now: the
 * design's "placement drift" restart trigger. The judge is the extender's own filter
 * ({@link HardRules#check}), so the operator and the scheduler never disagree on what a good node is.
 *
 * <p><b>Goal:</b> what placement promised stays true after the cluster changes under it. A node
 * relabelled into another rack leaves its broker's {@code broker.rack} naming a rack the broker is not
 * in, so Kafka's rack-aware replicas may share a zone; two brokers of one cluster on one node (placed
 * while the extender was bypassed, say) are lost together with it. Such a broker is moved like one on a
 * cordoned node: leadership off, pod deleted with {@code berth.dev/avoid-node}, back elsewhere.
 *
 * <p><b>Constraints:</b>
 * <ul>
 *   <li>only network storage moves: a broker on local storage has its data on the node, and moving it
 *       means copying all its replicas again, a person's call (the same as for a cordoned node). Its
 *       drift is found and said all the same ({@link Verdict#STAY_LOCAL_STORAGE});
 *   <li>only the rules a move cures and a running broker must act on: {@link Reason#RACK_MISMATCH} (the
 *       broker's rack, {@code berth.dev/rack}, differs from its node's rack label) and
 *       {@link Reason#SAME_CLUSTER_BROKER} (another broker of its cluster on its node; all but the
 *       lowest id there drift, so one move ends it). Not {@link Reason#NO_RACK_LABEL}: a label that is
 *       gone says nothing of where the node is, and a labeller's hiccup must not restart brokers. Not
 *       the disk rules, which judge room for a broker that is not there yet;
 *   <li>a node whose labels are not known (not read yet, or not readable) is not judged;
 *   <li>a drifted broker is moved only when another schedulable node of its rack would take it (the
 *       same {@link HardRules#check}, with its node as {@code avoid-node}): a broker whose new pod no
 *       node takes is down until a person acts, which is worse than a rack label that lies. Such a
 *       broker stays ({@link Verdict#STAY_NO_OTHER_NODE}), and is moved once a node turns up. A broker
 *       with no pinned rack is moved without that check: it may go to any rack, and the operator does
 *       not list every node. What kube-scheduler itself judges (CPU, memory, taints) is not foreseen.
 * </ul>
 *
 * <p><b>Algorithm:</b> for each broker bound to a known node, {@link HardRules#check} with its pinned
 * rack and no local disk request, against the node's rack and the other brokers of its cluster bound
 * there; a {@code RACK_MISMATCH}, or a {@code SAME_CLUSTER_BROKER} with a lower id on the node, is a
 * finding. It moves when some node of {@code rackNodes} for its rack, other than its own, passes the
 * same check with the brokers bound there; else it stays.
 *
 * <p><b>Example:</b> brokers {0: n0 rack a, 1: n1 rack b, 2: n1 rack c}, node racks {n0: a, n1: c},
 * schedulable nodes {b: [n1, s1], c: [n1]}: broker 1 is on n1 of rack c, not its rack b (a rack
 * mismatch is checked before the shared node), and moves, since s1 of rack b is free; broker 2 is on
 * n1 with broker 1, a finding too until 1 has moved off (the restart step asks again before each
 * broker, so 2 then stays where it is), but it could not move anyway: rack c has no other node, so it
 * stays. Broker 0 is fine.
 */
public final class PlacementDrift {
    private PlacementDrift() {}

    /**
     * One running broker pod.
     *
     * @param pod its name
     * @param node the node it is bound to, or {@code null} when not bound (not judged)
     * @param rack its {@code berth.dev/rack}, or {@code null} when not pinned
     */
    public record Placed(String pod, String node, String rack) {}

    /** What becomes of a drifted broker. */
    public enum Verdict {
        /** Moved off its node: a leader-aware restart whose new pod avoids the node. */
        MOVE,
        /** Left where it is: no other schedulable node of its rack would take it. */
        STAY_NO_OTHER_NODE,
        /** Left where it is: its data is on the node's local disk; replacing the broker moves it. */
        STAY_LOCAL_STORAGE
    }

    /** One broker on a node the extender would refuse it now. */
    public record Finding(int broker, String node, Reason reason, String nodeRack, String brokerRack, Integer sharedWith,
            Verdict verdict) {
        /** A short text for conditions, Events and the restart's reason. */
        public String describe() {
            return (reason == Reason.RACK_MISMATCH
                    ? "on node " + node + " of rack " + nodeRack + ", not its rack " + brokerRack + " (placement drift: "
                            + reason.text() + ")"
                    : "on node " + node + " with broker " + sharedWith + " of its cluster (placement drift: "
                            + reason.text() + ")")
                    + switch (verdict) {
                        case MOVE -> "";
                        case STAY_NO_OTHER_NODE -> "; stays: no other schedulable node of rack " + brokerRack
                                + " would take it";
                        case STAY_LOCAL_STORAGE -> "; stays: its data is on the node's local disk";
                    };
        }
    }

    /**
     * @param namespace the cluster's namespace
     * @param cluster the cluster's name ({@code berth.dev/cluster})
     * @param brokers broker id to its pod
     * @param nodeRacks node name to its rack label's value ({@code ""} when it has none); a node not in
     *     the map is not known
     * @param rackNodes rack to the schedulable nodes labelled with it; a rack not in the map has none known
     * @param localStorage the brokers keep their data on their nodes' local disks: none moves
     * @return the drifted brokers, by id
     */
    public static SortedMap<Integer, Finding> judge(String namespace, String cluster, Map<Integer, Placed> brokers,
            Map<String, String> nodeRacks, Map<String, Set<String>> rackNodes, boolean localStorage) {
        SortedMap<Integer, Finding> out = new TreeMap<>();
        SortedMap<Integer, Placed> byId = new TreeMap<>(brokers);
        byId.forEach((id, p) -> {
            String rack = p.node() == null ? null : nodeRacks.get(p.node());
            if (rack == null) {
                return;
            }
            List<PlacedBroker> others = othersOn(namespace, cluster, byId, p.node(), id);
            BrokerPod pod = new BrokerPod(namespace, p.pod(), null, cluster, id, p.rack(), null, null);
            Reason r = HardRules.check(pod, new NodeFacts(p.node(), rack, null, others));
            Integer lowest = others.isEmpty() ? null : others.get(0).brokerId(); // ids come in order
            if (r == Reason.RACK_MISMATCH || r == Reason.SAME_CLUSTER_BROKER && lowest < id) {
                BrokerPod leaving = new BrokerPod(namespace, p.pod(), null, cluster, id, p.rack(), p.node(), null);
                boolean movable = !localStorage && (p.rack() == null || rackNodes.getOrDefault(p.rack(), Set.of())
                        .stream().anyMatch(n -> HardRules.check(leaving,
                                new NodeFacts(n, p.rack(), null, othersOn(namespace, cluster, byId, n, id))) == null));
                out.put(id, new Finding(id, p.node(), r, rack, p.rack(), r == Reason.SAME_CLUSTER_BROKER ? lowest : null,
                        localStorage ? Verdict.STAY_LOCAL_STORAGE : movable ? Verdict.MOVE : Verdict.STAY_NO_OTHER_NODE));
            }
        });
        return Collections.unmodifiableSortedMap(out);
    }

    /**
     * Whether broker {@code id}, pinned to {@code rack}, would be placed on {@code node} now by the same
     * rules: a node it was moved off for drift that fits again (relabelled back, its other broker gone)
     * may take it back. False for a node whose rack is not known.
     */
    public static boolean fits(String namespace, String cluster, Map<Integer, Placed> brokers,
            Map<String, String> nodeRacks, int id, String rack, String node) {
        String nodeRack = nodeRacks.get(node);
        if (nodeRack == null) {
            return false;
        }
        BrokerPod pod = new BrokerPod(namespace, "broker-" + id, null, cluster, id, rack, null, null);
        return HardRules.check(pod, new NodeFacts(node, nodeRack, null,
                othersOn(namespace, cluster, new TreeMap<>(brokers), node, id))) == null;
    }

    /** The brokers other than {@code id} bound to {@code node}, lowest id first. */
    private static List<PlacedBroker> othersOn(String namespace, String cluster, SortedMap<Integer, Placed> byId,
            String node, int id) {
        List<PlacedBroker> out = new ArrayList<>();
        byId.forEach((other, p) -> {
            if (other != id && node.equals(p.node())) {
                out.add(new PlacedBroker(namespace + "/" + p.pod(), cluster, other, 0, 0, 0, false));
            }
        });
        return out;
    }
}
