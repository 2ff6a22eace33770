package dev.berth.operator.api;

/**
 * Data movement policy.
 *
 * @param throttleBytesPerSec replication throttle during reassignments; default 50 MiB/s, which a
 *     gigabit link carries next to client traffic
 * @param onScale what to do with data when brokers are added; default {@link OnScale#Rebalance}
 * @param hotPartitions what to do about brokers that lead more produce than their share
 * @param minFreeDiskPercent the share of each broker's disk a data move must leave free; a move that
 *     would not is refused (default {@link #DEFAULT_MIN_FREE_DISK_PERCENT}, the reason is there)
 */
public record RebalanceSpec(Long throttleBytesPerSec, OnScale onScale, HotPartitionsSpec hotPartitions,
        Integer minFreeDiskPercent) {
    public static final long DEFAULT_THROTTLE = 50L * 1024 * 1024;
    /**
     * The default reserve, in percent of a broker's disk. A move is temporary: its sources free their
     * copies when it ends. So the reserve only has to absorb what producers write during the move and
     * leave the broker its own margin: 10 % of a 1 TiB volume is about 3 hours of a broker taking 10 MB/s.
     * (Cruise Control keeps 20 % free in steady state, a stricter aim than a move needs.)
     */
    public static final int DEFAULT_MIN_FREE_DISK_PERCENT = 10;
    /** 100 would refuse every byte; 99 still lets a test exercise a refusal on any real disk. */
    public static final int MAX_MIN_FREE_DISK_PERCENT = 99;

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
        minFreeDiskPercent = minFreeDiskPercent == null ? DEFAULT_MIN_FREE_DISK_PERCENT : minFreeDiskPercent;
    }

    public RebalanceSpec(Long throttleBytesPerSec, OnScale onScale, HotPartitionsSpec hotPartitions) {
        this(throttleBytesPerSec, onScale, hotPartitions, null);
    }

    public RebalanceSpec(Long throttleBytesPerSec, OnScale onScale) {
        this(throttleBytesPerSec, onScale, null, null);
    }

    public static RebalanceSpec defaults() {
        return new RebalanceSpec(null, null, null, null);
    }
}
