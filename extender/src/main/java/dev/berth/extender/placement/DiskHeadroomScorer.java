package dev.berth.extender.placement;

/**
 * Soft goal: leave local disk headroom on the node.
 *
 * <p><b>Goal.</b> Prefer nodes where the broker's local disk request leaves the largest share of
 * the node's capacity free, so brokers can grow and the next broker still fits somewhere.
 *
 * <p><b>Formula.</b> With C the node's {@code berth.dev/disk-capacity}, U the local disk held by
 * the other brokers bound or reserved on it and R the pod's {@code berth.dev/local-storage}:
 * <pre>disk = floor(10 × max(0, C − U − R) / C)</pre>
 * A broker on network storage (no {@code berth.dev/local-storage}) scores 10 everywhere: the node's
 * disk does not concern it.
 *
 * <p><b>Example.</b> C = 1Ti, U = 300Gi, R = 100Gi: free after placing = 624Gi, 10 × 624 / 1024 =
 * 6.09, so 6. C = 500Gi, U = 0, R = 100Gi: 8.
 */
public final class DiskHeadroomScorer {
    private DiskHeadroomScorer() {}

    public static int score(BrokerPod pod, NodeFacts node) {
        Long capacity = node.diskCapacityBytes();
        return score(pod.localStorageBytes(), capacity == null ? NodeTable.NO_CAPACITY : capacity, HardRules.usedBytes(pod, node));
    }

    /**
     * The formula on plain values: {@code request} is R ({@code null} for network storage),
     * {@code capacity} is C ({@link NodeTable#NO_CAPACITY} when absent), {@code usedByOthers} is U.
     */
    static int score(Long request, long capacity, long usedByOthers) {
        if (request == null) {
            return 10;
        }
        if (capacity <= 0) {
            return 0; // absent (NO_CAPACITY is negative), invalid or zero: nothing to keep free
        }
        return (int) LeadershipScorer.fraction10(capacity - usedByOthers - request, capacity);
    }
}
