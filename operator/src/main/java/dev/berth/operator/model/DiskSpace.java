package dev.berth.operator.model;

/**
 * The disk under one broker's log dirs, as describeLogDirs reports it (KIP-827, Kafka 3.3 and later):
 * the sum over its log dirs that answered without an error. berth's brokers have one log dir; a broker
 * with several gets their sum, which overstates the room for one large partition (each replica lives
 * in one dir).
 *
 * <p>Example: one 100 GiB volume holding 60 GiB of logs gives {@code totalBytes} 107374182400 and
 * {@code usableBytes} about 42949672960 (the file system's own overhead makes it a little less).
 *
 * @param totalBytes the size of the log dirs' file systems
 * @param usableBytes what the broker may still write there
 */
public record DiskSpace(long totalBytes, long usableBytes) {}
