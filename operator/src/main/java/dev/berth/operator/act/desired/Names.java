package dev.berth.operator.act.desired;

/**
 * Names of every object berth creates for a cluster {@code c}, and the contract keys.
 *
 * <pre>
 * broker pod       c-broker-&lt;id&gt;          PVC data-c-broker-&lt;id&gt;
 * controller pod   c-controller-&lt;ordinal&gt;  PVC data-c-controller-&lt;ordinal&gt;, node id 1000 + ordinal
 * headless Service c-nodes       (per-pod DNS: &lt;pod&gt;.c-nodes.&lt;ns&gt;.svc)
 * client Service   c-bootstrap   (port 9092)
 * ConfigMap        c-config      (broker.properties, controller.properties, start.sh)
 * </pre>
 *
 * <p>Controller node ids start at {@value #CONTROLLER_ID_BASE} so that they can never collide with
 * broker ids, which the CRD limits to 0..999.
 */
public final class Names {
    private Names() {}

    public static final String PREFIX = "berth.dev/";
    public static final String LABEL_CLUSTER = PREFIX + "cluster";
    public static final String LABEL_BROKER_ID = PREFIX + "broker-id";
    public static final String LABEL_ROLE = PREFIX + "role";
    public static final String ANN_RACK = PREFIX + "rack";
    public static final String ANN_LOCAL_STORAGE = PREFIX + "local-storage";
    public static final String ANN_LEADERS = PREFIX + "leaders";
    public static final String ANN_LEADER_BYTES_IN = PREFIX + "leader-bytes-in";
    public static final String ANN_AVOID_NODE = PREFIX + "avoid-node";
    /**
     * Set on a PVC by the scheduler when it binds the first pod of a WaitForFirstConsumer volume (the
     * usual class for local disks): the node the volume lives on.
     */
    public static final String ANN_SELECTED_NODE = "volume.kubernetes.io/selected-node";
    /** On a broker pod, set by a person: restart this broker, leader-aware (the new pod lacks it). */
    public static final String ANN_RESTART = PREFIX + "restart";
    /**
     * On each Kafka pod: {@code spec.image} when the pod was created. Drift is judged against it, not the
     * container's image: an admission webhook that pins images to a digest ({@code apache/kafka:4.4.0} to
     * {@code ...@sha256:...}) or rewrites them to a mirror changes the container, and every pod then
     * looked out of date after each restart, for ever.
     */
    public static final String ANN_IMAGE = PREFIX + "image";
    /**
     * On each Kafka pod: the spec's container resources when the pod was created, as JSON
     * ({@code {"limits":{"memory":"4Gi"},"requests":{"cpu":"1"}}}). Drift is judged against it, not the
     * container's: platforms rewrite resources at admission (GKE Autopilot rounds requests to its ratios,
     * OpenShift's ClusterResourceOverride sets requests from limits), and every pod then looked out of
     * date, its replacement too, for ever.
     */
    public static final String ANN_RESOURCES = PREFIX + "resources";
    /** On each Kafka pod: a hash of its role's rendered configuration when the pod was created. */
    public static final String ANN_CONFIG_HASH = PREFIX + "config-hash";
    /**
     * On each broker pod: {@code spec.config} as the pod runs it, a JSON object sorted by key. Set when
     * the pod is created, and again with {@link #ANN_CONFIG_HASH} when berth applies a configuration
     * edit to the running broker: it is what the next edit is compared with.
     */
    public static final String ANN_CONFIG = PREFIX + "config";
    /**
     * On each broker PVC: {@value #VOLUME_LOCAL} or {@value #VOLUME_NETWORK}, from
     * {@code spec.brokers.storage.local} when the claim was created. It is what the spec validator
     * holds a later {@code local} to: the volume's kind cannot change under a running broker.
     */
    public static final String ANN_VOLUME_KIND = PREFIX + "volume-kind";
    /**
     * On the cluster's ConfigMap: the keys whose cluster-wide broker default berth has written and may
     * still be in Kafka, comma-separated ({@code plan.WrittenDefaults}). Written before Kafka is.
     */
    public static final String ANN_DEFAULTS_WRITTEN = PREFIX + "defaults-written";
    public static final String VOLUME_LOCAL = "local";
    public static final String VOLUME_NETWORK = "network";
    public static final String ROLE_BROKER = "broker";
    public static final String ROLE_CONTROLLER = "controller";

    public static final int CONTROLLER_ID_BASE = 1000;
    public static final int MAX_BROKER_ID = CONTROLLER_ID_BASE - 1;
    public static final int CLIENT_PORT = 9092;
    public static final int CONTROLLER_PORT = 9093;
    /** Where the pod's data volume is mounted. */
    public static final String DATA_DIR = "/var/lib/kafka/data";
    /**
     * Kafka's {@code log.dirs}: a directory <i>inside</i> the volume, never its root. An ext4 volume
     * (most block-storage CSI drivers) has {@code lost+found} at its root, and Kafka refuses to start
     * on a log dir holding a directory that is not a partition ("'lost+found' is not in the form of
     * topic-partition"). Kafka's storage format creates it.
     */
    public static final String LOG_DIR = DATA_DIR + "/kafka";
    public static final String CONFIG_DIR = "/etc/berth";

    public static String brokerPod(String cluster, int id) {
        return cluster + "-broker-" + id;
    }

    public static String controllerPod(String cluster, int ordinal) {
        return cluster + "-controller-" + ordinal;
    }

    public static int controllerId(int ordinal) {
        return CONTROLLER_ID_BASE + ordinal;
    }

    public static String pvc(String podName) {
        return "data-" + podName;
    }

    public static String headlessService(String cluster) {
        return cluster + "-nodes";
    }

    public static String bootstrapService(String cluster) {
        return cluster + "-bootstrap";
    }

    public static String configMap(String cluster) {
        return cluster + "-config";
    }

    /** Stable DNS name of a pod through the headless Service. */
    public static String podHost(String cluster, String namespace, String pod) {
        return pod + "." + headlessService(cluster) + "." + namespace + ".svc";
    }

    /** In-cluster bootstrap address of the client Service. */
    public static String bootstrapAddress(String cluster, String namespace) {
        return bootstrapService(cluster) + "." + namespace + ".svc:" + CLIENT_PORT;
    }
}
