package dev.berth.operator.api;

/**
 * Hot-partition rebalancing: what berth does when some brokers lead much more produce (bytes-in) than
 * others. See {@code plan.HotLeaders} and {@code plan.HotReplicas} for the rules.
 *
 * @param mode {@link Mode#Leadership} (default), {@link Mode#Replicas} or {@link Mode#Off}
 * @param tolerancePercent how far above the mean of the brokers a broker's leader bytes-in may be before
 *     it is hot; default {@value #DEFAULT_TOLERANCE_PERCENT}: rates are estimated from log growth between
 *     two readings, and a quarter leaves room for their noise while still catching a broker that takes a
 *     quarter more produce than its share. 5 to 1000
 * @param minBytesInPerSec how far above the mean, in bytes/s, a hot broker must be as well; default
 *     {@value #DEFAULT_MIN_BYTES_IN} (1 MiB/s): below it the produce load is too small to matter to a
 *     broker, and moving leaders for it only makes clients refresh their metadata. 0 or more
 */
public record HotPartitionsSpec(Mode mode, Integer tolerancePercent, Long minBytesInPerSec) {
    public static final int DEFAULT_TOLERANCE_PERCENT = 25;
    public static final long DEFAULT_MIN_BYTES_IN = 1024L * 1024;
    public static final int MIN_TOLERANCE_PERCENT = 5;
    public static final int MAX_TOLERANCE_PERCENT = 1000;

    /** What berth does about hot partitions. */
    public enum Mode {
        /**
         * Hand leadership of hot partitions to other in-sync replicas of the same partition (their
         * preferred order changes; no data moves). The default: it costs each moved partition's clients
         * one metadata refresh, the same as Kafka's own leader balancing.
         */
        Leadership,
        /**
         * Leadership first, as {@link #Leadership}; then, for a broker that stays hot, move its replica of
         * a partition it leads to a cooler broker (throttled by {@code spec.rebalance.throttleBytesPerSec}).
         * Not the default: it copies whole logs, on an estimate of produce from log growth, so it is the
         * owner's choice.
         */
        Replicas,
        /** Leave leadership and replicas where they are. */
        Off
    }

    public HotPartitionsSpec {
        mode = mode == null ? Mode.Leadership : mode;
        tolerancePercent = tolerancePercent == null ? DEFAULT_TOLERANCE_PERCENT : tolerancePercent;
        minBytesInPerSec = minBytesInPerSec == null ? DEFAULT_MIN_BYTES_IN : minBytesInPerSec;
    }

    public static HotPartitionsSpec defaults() {
        return new HotPartitionsSpec(null, null, null);
    }
}
