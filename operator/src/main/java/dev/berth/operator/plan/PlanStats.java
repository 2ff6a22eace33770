package dev.berth.operator.plan;

/**
 * What a plan costs and what it buys.
 *
 * @param bytesMoved bytes copied by all added replicas
 * @param minBytesNeeded the least any plan must copy for this intent: the removed brokers' bytes
 *     (scale-down), the new brokers' shortfall to the mean (scale-up), the sum of shortfalls to
 *     the mean (rebalance), plus the replicas moved to repair rack-awareness
 * @param replicasMoved added replicas
 * @param leadersMoved partitions whose preferred leader changes
 * @param before balance over every broker of the model, new ones empty
 * @param after balance over the brokers that remain
 */
public record PlanStats(
        long bytesMoved,
        long minBytesNeeded,
        int replicasMoved,
        int leadersMoved,
        Balance before,
        Balance after) {

    public double movedOverMin() {
        return minBytesNeeded == 0 ? (bytesMoved == 0 ? 1.0 : Double.POSITIVE_INFINITY)
                : (double) bytesMoved / minBytesNeeded;
    }
}
