package dev.berth.extender.placement;

/**
 * Soft goal: spread a cluster's brokers evenly over racks.
 *
 * <p><b>Goal.</b> A broker without a rack yet goes to the rack that holds the fewest brokers of
 * its cluster, so replicas can be spread rack-aware and a rack loss costs as few brokers as
 * possible. A pinned broker ({@code berth.dev/rack} set) can only go to its own rack, so all its
 * candidates score the same.
 *
 * <p><b>Formula.</b> With c(r) the brokers of the cluster in rack r (bound or reserved, every node
 * the cache knows) and m the smallest c over the racks of the nodes being scored that pass the hard
 * rules (the racks the broker can go to):
 * <pre>rack = clamp(10 − 5 × (c(node's rack) − m), 0, 10)</pre>
 * and {@code rack = 10} for a pinned broker. The emptiest rack on offer scores 10, one broker more 5,
 * two or more 0. A rack no passing node is in does not set m: a zone of GPU nodes without
 * {@code berth.dev/disk-capacity}, or of full nodes, would keep m at 0, and once every usable rack
 * held two brokers they would all score 0 and the spread would stop. (A rack below m is clamped to 10.)
 *
 * <p>With {@link RackSkewRule} at its default maxSkew 1, every node that passes is in a rack at m and scores
 * 10: the rule has already made the choice this score would make, and made it binding. The score steers
 * when the rule is loosened (maxSkew 2 or more) or off (0).
 *
 * <p><b>Example.</b> Cluster {@code kafka} has racks a:2, b:1, c:1 brokers; m = 1. A node in rack a
 * scores 10 − 5 × 1 = 5; nodes in racks b and c score 10. With a:3, b:2 and an empty rack d whose only
 * node has no disk for the broker, m = 2 (not 0): a scores 5 and b 10.
 */
public final class RackBalanceScorer {
    private RackBalanceScorer() {}

    /** {@code min}: m, the smallest count over the racks on offer ({@link RackCounts#minOver}). */
    public static int score(BrokerPod pod, NodeFacts node, RackCounts counts, int min) {
        boolean pinned = pod.pinnedRack() != null && !pod.pinnedRack().isEmpty();
        return pinned ? 10 : score(false, counts.count(node.rack()), min);
    }

    /** The formula on plain values: c(node's rack) is {@code count}, m is {@code min}. */
    static int score(boolean pinned, int count, int min) {
        if (pinned) {
            return 10;
        }
        return Math.max(0, Math.min(10, 10 - 5 * (count - min)));
    }
}
