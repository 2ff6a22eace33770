package dev.berth.extender.placement;

/**
 * Soft goal: keep heavy partition leaders apart.
 *
 * <p><b>Goal.</b> A node whose brokers (of any cluster) already lead many partitions, or take much
 * produce traffic, is a worse home for one more broker: leaders do the work, and a node loss
 * would move all that leadership at once.
 *
 * <p><b>Formula.</b> L(n) is the sum, over brokers bound or reserved on node n (not counting the
 * pod itself), of {@code berth.dev/leaders} (or {@code berth.dev/leader-bytes-in} with
 * {@code --score-leaders-by bytes-in}); Lmax is the largest L over the nodes being scored in this
 * request:
 * <pre>leaders = Lmax == 0 ? 10 : floor(10 × (Lmax − L(n)) / Lmax)</pre>
 * The lightest node does not necessarily score 10 (only an empty one does); the heaviest scores 0.
 *
 * <p><b>Example.</b> Loads 0, 300 and 600 leaders score 10, 5 and 0; a node with 100 scores
 * floor(10 × 500 / 600) = 8.
 */
public final class LeadershipScorer {
    private LeadershipScorer() {}

    /** L(n): the load already on the node. */
    public static long load(BrokerPod pod, NodeFacts node, LeaderMetric metric) {
        long sum = 0;
        java.util.List<PlacedBroker> brokers = node.brokers();
        for (int i = 0, n = brokers.size(); i < n; i++) {
            PlacedBroker b = brokers.get(i);
            if (!HardRules.isSelf(pod, b)) {
                sum = NodeTable.plus(sum, Math.max(0, metric.of(b)));
            }
        }
        return sum;
    }

    public static int score(long load, long maxLoad) {
        if (maxLoad <= 0) {
            return 10;
        }
        return (int) fraction10(maxLoad - load, maxLoad);
    }

    /** floor(10 × num / den) for 0 ≤ num ≤ den, den &gt; 0, without overflow. */
    static long fraction10(long num, long den) {
        if (num <= 0) {
            return 0;
        }
        if (num >= den) {
            return 10;
        }
        if (num <= Long.MAX_VALUE / 10) {
            // a 64-bit division costs tens of cycles and this runs twice per scored node: divide in
            // double, then correct the estimate so the result is exactly the integer floor
            long n10 = 10 * num;
            if (den > Long.MAX_VALUE / 11) {
                return n10 / den; // (q + 1) × den below could overflow
            }
            long q = (long) ((double) n10 / den);
            while (q > 0 && q * den > n10) {
                q--;
            }
            while (q < 10 && (q + 1) * den <= n10) {
                q++;
            }
            return q;
        }
        return java.math.BigInteger.valueOf(num).multiply(java.math.BigInteger.TEN)
                .divide(java.math.BigInteger.valueOf(den)).longValue();
    }
}
