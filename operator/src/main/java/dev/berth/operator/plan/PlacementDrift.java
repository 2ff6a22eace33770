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
 *   <li>only network storage: a broker on local storage has its data on the node, and moving it means
 *       copying all its replicas again, a person's call (the same as for a cordoned node);
 *   <li>only the rules a move cures and a running broker must act on: {@link Reason#RACK_MISMATCH} (the
 *       broker's rack, {@code berth.dev/rack}, differs from its node's rack label) and
 *       {@link Reason#SAME_CLUSTER_BROKER} (another broker of its cluster on its node; all but the
 *       lowest id there drift, so one move ends it). Not {@link Reason#NO_RACK_LABEL}: a label that is
 *       gone says nothing of where the node is, and a labeller's hiccup must not restart brokers. Not
 *       the disk rules, which judge room for a broker that is not there yet;
 *   <li>a node whose labels are not known (not read yet, or not readable) is not judged.
 * </ul>
 *
 * <p><b>Algorithm:</b> for each broker bound to a known node, {@link HardRules#check} with its pinned
 * rack and no local disk request, against the node's rack and the other brokers of its cluster bound
 * there; a {@code RACK_MISMATCH}, or a {@code SAME_CLUSTER_BROKER} with a lower id on the node, is a
 * finding.
 *
 * <p><b>Example:</b> brokers {0: n0 rack a, 1: n1 rack b, 2: n1 rack c}, node racks {n0: a, n1: c}:
 * broker 1 is on n1 of rack c, not its rack b (a rack mismatch is checked before the shared node);
 * broker 2 is on n1 with broker 1, a finding too until 1 has moved off (the restart step asks again
 * before each broker, so 2 then stays where it is). Broker 0 is fine.
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

    /** One broker on a node the extender would refuse it now. */
    public record Finding(int broker, String node, Reason reason, String nodeRack, String brokerRack, Integer sharedWith) {
        /** A short text for conditions, Events and the restart's reason. */
        public String describe() {
            return reason == Reason.RACK_MISMATCH
                    ? "on node " + node + " of rack " + nodeRack + ", not its rack " + brokerRack + " (placement drift: "
                            + reason.text() + ")"
                    : "on node " + node + " with broker " + sharedWith + " of its cluster (placement drift: "
                            + reason.text() + ")";
        }
    }

    /**
     * @param namespace the cluster's namespace
     * @param cluster the cluster's name ({@code berth.dev/cluster})
     * @param brokers broker id to its pod
     * @param nodeRacks node name to its rack label's value ({@code ""} when it has none); a node not in
     *     the map is not known
     * @return the drifted brokers, by id
     */
    public static SortedMap<Integer, Finding> judge(String namespace, String cluster, Map<Integer, Placed> brokers,
            Map<String, String> nodeRacks) {
        SortedMap<Integer, Finding> out = new TreeMap<>();
        SortedMap<Integer, Placed> byId = new TreeMap<>(brokers);
        byId.forEach((id, p) -> {
            String rack = p.node() == null ? null : nodeRacks.get(p.node());
            if (rack == null) {
                return;
            }
            List<PlacedBroker> others = new ArrayList<>();
            Integer lowest = null; // the first other broker on the node: ids come in order
            for (Map.Entry<Integer, Placed> e : byId.entrySet()) {
                if (e.getKey() != id.intValue() && p.node().equals(e.getValue().node())) {
                    others.add(new PlacedBroker(namespace + "/" + e.getValue().pod(), cluster, e.getKey(), 0, 0, 0, false));
                    lowest = lowest == null ? e.getKey() : lowest;
                }
            }
            BrokerPod pod = new BrokerPod(namespace, p.pod(), null, cluster, id, p.rack(), null, null);
            Reason r = HardRules.check(pod, new NodeFacts(p.node(), rack, null, others));
            if (r == Reason.RACK_MISMATCH || r == Reason.SAME_CLUSTER_BROKER && lowest < id) {
                out.put(id, new Finding(id, p.node(), r, rack, p.rack(), r == Reason.SAME_CLUSTER_BROKER ? lowest : null));
            }
        });
        return Collections.unmodifiableSortedMap(out);
    }
}
