package dev.berth.extender.placement;

/** The label and annotation keys of the operator-extender contract (DESIGN.md). */
public final class Keys {
    private Keys() {}

    public static final String CLUSTER = "berth.dev/cluster";
    public static final String BROKER_ID = "berth.dev/broker-id";
    public static final String ROLE = "berth.dev/role";
    public static final String RACK = "berth.dev/rack";
    public static final String LOCAL_STORAGE = "berth.dev/local-storage";
    public static final String LEADERS = "berth.dev/leaders";
    public static final String LEADER_BYTES_IN = "berth.dev/leader-bytes-in";
    public static final String AVOID_NODE = "berth.dev/avoid-node";
    public static final String DISK_CAPACITY = "berth.dev/disk-capacity";
    /** Default rack label; flag {@code --rack-label}. */
    public static final String DEFAULT_RACK_LABEL = "topology.kubernetes.io/zone";
}
