package dev.berth.operator.api;

/**
 * Data movement policy.
 *
 * @param throttleBytesPerSec replication throttle during reassignments; default 50 MiB/s, which a
 *     gigabit link carries next to client traffic
 * @param onScale what to do with data when brokers are added; default {@link OnScale#Rebalance}
 * @param hotPartitions what to do about brokers that lead more produce than their share
 */
public record RebalanceSpec(Long throttleBytesPerSec, OnScale onScale, HotPartitionsSpec hotPartitions) {
    public static final long DEFAULT_THROTTLE = 50L * 1024 * 1024;

    /** What a scale up does with existing data. */
    public enum OnScale {
        /** Move replicas onto the new brokers until the load is even. */
        Rebalance,
        /** Only create the brokers; new topics will use them. */
        None
    }

    public RebalanceSpec {
        throttleBytesPerSec = throttleBytesPerSec == null ? DEFAULT_THROTTLE : throttleBytesPerSec;
        onScale = onScale == null ? OnScale.Rebalance : onScale;
        hotPartitions = hotPartitions == null ? HotPartitionsSpec.defaults() : hotPartitions;
    }

    public RebalanceSpec(Long throttleBytesPerSec, OnScale onScale) {
        this(throttleBytesPerSec, onScale, null);
    }

    public static RebalanceSpec defaults() {
        return new RebalanceSpec(null, null, null);
    }
}
