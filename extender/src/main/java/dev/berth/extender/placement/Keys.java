package dev.berth.extender.placement;

/** The label and annotation keys of the operator-extender contract (DESIGN.md). */
public final class Keys {
    private Keys() {}

    /**
     * The cluster of a pod that is a broker by the contract, or {@code null}: a non-empty
     * {@link #CLUSTER} label, and a {@link #ROLE} that is absent or {@value #ROLE_BROKER}. The
     * operator labels its KRaft controller pods with the cluster too ({@code role: controller}):
     * they hold no partitions and are placed by the default scheduler, so they count as no broker,
     * neither for the one-broker-per-node rule nor for rack balance.
     */
    public static String brokerCluster(java.util.Map<String, String> labels) {
        if (labels == null) {
            return null;
        }
        String cluster = labels.get(CLUSTER);
        String role = labels.get(ROLE);
        if (cluster == null || cluster.isEmpty() || (role != null && !role.equals(ROLE_BROKER))) {
            return null;
        }
        return cluster;
    }

    public static final String CLUSTER = "berth.dev/cluster";
    public static final String BROKER_ID = "berth.dev/broker-id";
    public static final String ROLE = "berth.dev/role";
    public static final String RACK = "berth.dev/rack";
    public static final String LOCAL_STORAGE = "berth.dev/local-storage";
    public static final String LEADERS = "berth.dev/leaders";
    public static final String LEADER_BYTES_IN = "berth.dev/leader-bytes-in";
    public static final String AVOID_NODE = "berth.dev/avoid-node";
    public static final String DISK_CAPACITY = "berth.dev/disk-capacity";
    /** The {@link #ROLE} of a broker pod; the operator's controller pods carry {@code controller}. */
    public static final String ROLE_BROKER = "broker";
    /** Default rack label; flag {@code --rack-label}. */
    public static final String DEFAULT_RACK_LABEL = "topology.kubernetes.io/zone";
}
