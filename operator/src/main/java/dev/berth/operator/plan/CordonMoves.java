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
 *   <li>a pod that is not bound to a node yet, or is being deleted, is not judged.
 * </ul>
 *
 * <p><b>Algorithm:</b> each broker pod's node is looked up in the set of cordoned nodes; on one,
 * the broker is {@link Verdict#MOVE} with network storage and {@link Verdict#STAY_LOCAL_STORAGE}
 * with local storage. The restart step then moves a {@code MOVE} broker like any restart, with its
 * new pod annotated {@code berth.dev/avoid-node} so the extender never places it back there.
 *
 * <p><b>Example:</b> pods {0: n1, 1: n2, 2: (unbound)}, cordoned {n2, n9}: with network storage
 * {1: MOVE off n2}; with local storage {1: STAY_LOCAL_STORAGE on n2}; nothing cordoned: {}.
 */
public final class CordonMoves {
    private CordonMoves() {}

    /** What becomes of a broker on a cordoned node. */
    public enum Verdict {
        /** Moved off the node: a leader-aware restart whose new pod avoids the node. */
        MOVE,
        /** Left where it is: its data is on the node's local disk. */
        STAY_LOCAL_STORAGE
    }

    /** One broker found on a cordoned node. */
    public record Finding(int broker, String node, Verdict verdict) {
        /** A short text for conditions and the restart's reason, e.g. "on cordoned node n2". */
        public String describe() {
            return verdict == Verdict.MOVE ? "on cordoned node " + node
                    : "on cordoned node " + node + ", stays (local storage)";
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
        SortedMap<Integer, Finding> out = new TreeMap<>();
        nodes.forEach((id, node) -> {
            if (node != null && cordoned.contains(node)) {
                out.put(id, new Finding(id, node, localStorage ? Verdict.STAY_LOCAL_STORAGE : Verdict.MOVE));
            }
        });
        return Collections.unmodifiableSortedMap(out);
    }

    /** The findings with one verdict, described and joined by ", " (for messages). */
    public static String describe(Map<Integer, Finding> findings, Verdict verdict) {
        return findings.values().stream().filter(f -> f.verdict() == verdict)
                .map(f -> "broker " + f.broker() + " " + f.describe()).collect(Collectors.joining(", "));
    }
}
