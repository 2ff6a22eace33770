package dev.berth.extender.placement;

/** Which broker annotation measures leadership load (flag {@code --score-leaders-by}). */
public enum LeaderMetric {
    /** {@code berth.dev/leaders}: partitions led. */
    LEADERS("leaders"),
    /** {@code berth.dev/leader-bytes-in}: bytes/s produced into led partitions. */
    BYTES_IN("bytes-in");

    private final String flag;

    LeaderMetric(String flag) {
        this.flag = flag;
    }

    public String flag() {
        return flag;
    }

    public long of(PlacedBroker broker) {
        return this == LEADERS ? broker.leaders() : broker.leaderBytesIn();
    }

    /** Parses the flag value; throws IllegalArgumentException naming the accepted values. */
    public static LeaderMetric fromFlag(String value) {
        for (LeaderMetric m : values()) {
            if (m.flag.equals(value)) {
                return m;
            }
        }
        throw new IllegalArgumentException("--score-leaders-by must be leaders or bytes-in, got: " + value);
    }
}
