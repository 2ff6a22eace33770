package dev.berth.extender.placement;

/**
 * Hard rule: a broker without a rack yet goes only to a rack that keeps its cluster evenly spread.
 *
 * <p><b>Goal.</b> Kafka's rack-aware replica placement can only put a partition's replicas in
 * different racks if the brokers are spread over them, and a rack loss costs as few brokers as the
 * spread allows. The first placement decides this for good: the bind pins the broker to the rack
 * ({@code berth.dev/rack}). As a soft score alone, rack balance could lose to the others: with the
 * default weights 3/2/1 one broker of difference is worth 5 × 3 = 15 rack points, and an empty node
 * in the fuller rack can win back 10 × 2 leadership and 10 × 1 disk points, or more from
 * kube-scheduler's own scoring plugins. So it is also a filter, as a Kubernetes
 * {@code topologySpreadConstraint} with {@code whenUnsatisfiable: DoNotSchedule} is.
 *
 * <p><b>Constraints.</b>
 * <ul>
 *   <li>Only unpinned brokers: a pinned one has its rack, and {@link Reason#RACK_MISMATCH} already
 *       keeps it there.
 *   <li>The rule never refuses every node: its minimum is taken over the racks of the nodes that
 *       pass every other rule (the racks the broker can actually go to), so a rack whose nodes are
 *       full, cordoned, out of disk or already host a broker of the cluster does not hold the
 *       broker back, and the nodes of the emptiest rack on offer always pass.
 *   <li>{@code maxSkew} is as in a topology spread constraint: after the placement no rack on offer
 *       may hold more than {@code maxSkew} brokers above the emptiest. 0 turns the rule off (the
 *       rack score alone steers).
 *   <li>The reason is permanent ({@code FailedAndUnresolvableNodes}): evicting pods from the node
 *       would not take a broker out of its rack, so preemption must not try.
 * </ul>
 *
 * <p><b>Algorithm.</b> With c(r) the brokers of the cluster in rack r (bound or reserved, as in
 * {@link RackBalanceScorer}) and m the smallest c over the racks of the nodes that pass every
 * other rule, a passing node in rack r is refused ({@link Reason#RACK_SKEW}) when
 * <pre>c(r) + 1 − m &gt; maxSkew</pre>
 * that is, for the default maxSkew 1, when its rack holds more brokers than the emptiest rack on
 * offer.
 *
 * <p><b>Example.</b> Cluster {@code orders} has racks a:2, b:1, c:1; the broker is unpinned. Nodes
 * a-9 (empty, idle), b-3 (busy) and c-1 (already hosts a broker of {@code orders}) are on offer.
 * c-1 fails {@link Reason#SAME_CLUSTER_BROKER}, so the racks on offer are a and b and m = 1.
 * a-9: 2 + 1 − 1 = 2 &gt; 1, refused however idle it is; b-3 passes. With maxSkew 2, a-9 passes
 * too and the scores decide.
 */
public final class RackSkewRule {
    /** The default maxSkew: brokers go to the emptiest racks on offer, as a spread constraint with maxSkew 1 would. */
    public static final int DEFAULT_MAX_SKEW = 1;

    private RackSkewRule() {}

    /**
     * Refuses, in {@code verdicts}, the passing entries whose rack holds too many brokers.
     *
     * @param verdicts one per node, {@code null} where the node passes the other rules; changed in place
     * @param counts c(r) of each node's rack, read only where the verdict is {@code null}
     * @param maxSkew as in the class comment; 0 or less changes nothing
     * @return how many nodes the rule refused
     */
    static int apply(Reason[] verdicts, int[] counts, int maxSkew) {
        if (maxSkew <= 0) {
            return 0;
        }
        int min = Integer.MAX_VALUE;
        for (int i = 0; i < verdicts.length; i++) {
            if (verdicts[i] == null) {
                min = Math.min(min, counts[i]);
            }
        }
        int refused = 0;
        for (int i = 0; i < verdicts.length; i++) {
            if (verdicts[i] == null && (long) counts[i] + 1 - min > maxSkew) {
                verdicts[i] = Reason.RACK_SKEW;
                refused++;
            }
        }
        return refused;
    }

    /** True when the rule can refuse anything for {@code pod}: a broker without a pinned rack, maxSkew on. */
    static boolean appliesTo(BrokerPod pod, int maxSkew) {
        return maxSkew > 0 && pod.isBroker() && (pod.pinnedRack() == null || pod.pinnedRack().isEmpty());
    }
}
