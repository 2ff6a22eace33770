package dev.berth.operator.plan;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Which brokers to move off cordoned nodes: the design's "node cordoned or draining" restart
 * trigger. {@code kubectl cordon} sets a node's {@code spec.unschedulable}, and so do
 * {@code kubectl drain} (before it evicts anything), node upgrades and most node-maintenance tools.
 *
 * <p><b>Goal:</b> a node taken out of service loses its brokers one at a time, each one's leadership
 * handed over first, instead of having them evicted under their producers. <b>Constraints:</b>
 * <ul>
 *   <li>a broker whose data is on the node's local disk ({@code spec.brokers.storage.local}) stays:
 *       its volume is bound to that node, so a new pod would wait there until the node is back,
 *       and moving it elsewhere means an empty volume and copying all its replicas again. That is
 *       a person's decision (say with {@code brokers.remove} and a replacement), not a cordon's;
 *   <li>a broker moves only when another schedulable node of its rack would take it (no broker of its
 *       cluster there): its new pod is pinned to its rack, and with none it would stay Pending, the broker
 *       down for as long as the cordon lasts, where staying costs nothing until a drain evicts it. When the
 *       rack's nodes are not known, it moves, as before;
 *   <li>a pod that is not bound to a node yet, or is being deleted, is not judged.
 * </ul>
 *
 * <p><b>Algorithm:</b> each broker pod's node is looked up in the set of cordoned nodes; on one,
 * the broker is {@link Verdict#STAY_LOCAL_STORAGE} with local storage, {@link Verdict#STAY_NO_OTHER_NODE}
 * when every schedulable node of its rack is its own or holds another broker of the cluster, and
 * {@link Verdict#MOVE} otherwise. The restart step then moves a {@code MOVE} broker like any restart, with its
 * new pod annotated {@code berth.dev/avoid-node} so the extender never places it back there.
 *
 * <p><b>Example:</b> pods {0: n1, 1: n2, 2: (unbound)}, cordoned {n2, n9}: with network storage
 * {1: MOVE off n2}; with local storage {1: STAY_LOCAL_STORAGE on n2}; nothing cordoned: {}. With broker 1
 * in rack b whose schedulable nodes are {n1}, and broker 0 on n1: {1: STAY_NO_OTHER_NODE}.
 */
public final class CordonMoves {
    private CordonMoves() {}

    /** What becomes of a broker on a cordoned node. */
    public enum Verdict {
        /** Moved off the node: a leader-aware restart whose new pod avoids the node. */
        MOVE,
        /** Left where it is: its data is on the node's local disk. */
        STAY_LOCAL_STORAGE,
        /** Left where it is: no other schedulable node of its rack would take it. */
        STAY_NO_OTHER_NODE
    }

    /** One broker found on a cordoned node. */
    public record Finding(int broker, String node, Verdict verdict) {
        /** A short text for conditions and the restart's reason, e.g. "on cordoned node n2". */
        public String describe() {
            return switch (verdict) {
                case MOVE -> "on cordoned node " + node;
                case STAY_LOCAL_STORAGE -> "on cordoned node " + node + ", stays (local storage)";
                case STAY_NO_OTHER_NODE -> "on cordoned node " + node + ", stays (no other schedulable node of its rack)";
            };
        }

        /** Whether the broker stays on its cordoned node, so that a new pod of it could not start elsewhere. */
        public boolean stays() {
            return verdict != Verdict.MOVE;
        }
    }

    /**
     * @param nodes broker id to the node its pod is bound to ({@code null}: not bound, or going away)
     * @param cordoned names of the cordoned nodes
     * @param localStorage whether broker volumes are node-local
     * @return the brokers on cordoned nodes, by id
     */
    public static SortedMap<Integer, Finding> judge(Map<Integer, String> nodes, Set<String> cordoned,
            boolean localStorage) {
        return judge(nodes, cordoned, localStorage, Map.of(), Map.of());
    }

    /**
     * @param racks broker id to the rack it is pinned to; a broker not in the map moves as before
     * @param rackNodes rack to its schedulable nodes; a rack not in the map is not known, and its brokers move
     */
    public static SortedMap<Integer, Finding> judge(Map<Integer, String> nodes, Set<String> cordoned,
            boolean localStorage, Map<Integer, String> racks, Map<String, Set<String>> rackNodes) {
        SortedMap<Integer, Finding> out = new TreeMap<>();
        nodes.forEach((id, node) -> {
            if (node != null && cordoned.contains(node)) {
                Verdict v = localStorage ? Verdict.STAY_LOCAL_STORAGE
                        : roomElsewhere(id, node, nodes, cordoned, racks, rackNodes) ? Verdict.MOVE : Verdict.STAY_NO_OTHER_NODE;
                out.put(id, new Finding(id, node, v));
            }
        });
        return Collections.unmodifiableSortedMap(out);
    }

    /** Whether a schedulable node of broker {@code id}'s rack, not its own, holds no broker of the cluster (true when not known). */
    private static boolean roomElsewhere(int id, String node, Map<Integer, String> nodes, Set<String> cordoned,
            Map<Integer, String> racks, Map<String, Set<String>> rackNodes) {
        String rack = racks.get(id);
        Set<String> candidates = rack == null ? null : rackNodes.get(rack);
        if (candidates == null) {
            return true;
        }
        return candidates.stream().anyMatch(n -> !n.equals(node) && !cordoned.contains(n) && !nodes.containsValue(n));
    }

    /** The findings with one verdict, described and joined by ", " (for messages). */
    public static String describe(Map<Integer, Finding> findings, Verdict verdict) {
        return findings.values().stream().filter(f -> f.verdict() == verdict)
                .map(f -> "broker " + f.broker() + " " + f.describe()).collect(Collectors.joining(", "));
    }
}
