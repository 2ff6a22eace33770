package dev.berth.operator.act;

/**
 * How fast a plan executes, from the KafkaCluster's rebalance policy.
 *
 * @param throttleBytesPerSec replication throttle per broker involved, bytes/s; 0 disables it
 * @param maxPartitionsInFlight reassignments submitted at once (each adds one replica at most)
 */
public record ExecutionPolicy(long throttleBytesPerSec, int maxPartitionsInFlight) {
    /**
     * 50 MB/s per broker leaves room for producers on a 1 Gbit/s link while a 100 GB broker fills
     * in about half an hour; 10 partitions at once keeps the controller and the log dirs busy
     * without flooding either.
     */
    public static final ExecutionPolicy DEFAULT = new ExecutionPolicy(50_000_000L, 10);

    public ExecutionPolicy {
        if (throttleBytesPerSec < 0) {
            throw new IllegalArgumentException("throttle must be >= 0 bytes/s, got "
                    + throttleBytesPerSec);
        }
        if (maxPartitionsInFlight < 1) {
            throw new IllegalArgumentException("maxPartitionsInFlight must be >= 1, got "
                    + maxPartitionsInFlight);
        }
    }
}
