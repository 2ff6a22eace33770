package dev.berth.testbed.kafka;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Describes a test cluster: one dedicated KRaft controller plus brokers with ids and racks chosen by
 * the caller. {@link #start()} runs it inside the test JVM, {@link #startForked()} runs every node
 * in its own JVM (for real SIGKILL crashes).
 *
 * <pre>{@code
 * KafkaTestCluster kafka = KafkaTestCluster.builder()
 *         .broker(0, "a").broker(1, "b").broker(2, "c")
 *         .start();
 * }</pre>
 *
 * <p>Defaults: controller node id {@value #DEFAULT_CONTROLLER_ID}, so that it never collides with
 * broker ids 0, 1, 2... which the operator derives from its {@code KafkaCluster}.
 */
public final class KafkaClusterBuilder {
    /** Far above the broker ids an operator test uses. */
    public static final int DEFAULT_CONTROLLER_ID = 1000;

    int controllerId = DEFAULT_CONTROLLER_ID;
    int controllerCount = 1;
    final Map<Integer, String> brokers = new LinkedHashMap<>();
    final Map<String, String> brokerOverrides = new LinkedHashMap<>();
    final Map<String, String> controllerOverrides = new LinkedHashMap<>();

    KafkaClusterBuilder() {
    }

    /** Adds a broker with node id {@code id} and {@code broker.rack=rack} (null: no rack). */
    public KafkaClusterBuilder broker(int id, String rack) {
        if (brokers.containsKey(id)) {
            throw new IllegalArgumentException("broker " + id + " given twice");
        }
        brokers.put(id, rack);
        return this;
    }

    /** The controller's node id; it must differ from every broker id. */
    public KafkaClusterBuilder controllerId(int id) {
        this.controllerId = id;
        return this;
    }

    /**
     * {@code count} controllers, ids {@code controllerId .. controllerId + count - 1}, one static quorum
     * (in-process only). Three or more let a test stop one while the quorum keeps a majority.
     */
    public KafkaClusterBuilder controllers(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("a cluster needs at least one controller");
        }
        this.controllerCount = count;
        return this;
    }

    /** A broker setting applied after the bed's defaults (see {@code KafkaNodeProperties}). */
    public KafkaClusterBuilder brokerConfig(String key, String value) {
        brokerOverrides.put(key, value);
        return this;
    }

    /** A controller setting applied after the bed's (in-process only). */
    public KafkaClusterBuilder controllerConfig(String key, String value) {
        controllerOverrides.put(key, value);
        return this;
    }

    /**
     * Starts the cluster in this JVM and waits until every broker is registered and unfenced. Zero
     * brokers is allowed (the controller alone, brokers come later with {@code addBroker}, as pods of
     * an end-to-end test get bound); then set the internal topics' replication factor yourself, e.g.
     * {@code brokerConfig("offsets.topic.replication.factor", "3")}.
     */
    public KafkaTestCluster start() {
        validate();
        return KafkaTestCluster.start(this);
    }

    /** Starts every node as its own {@code kafka.Kafka} JVM and waits until every broker is registered. */
    public ForkedKafkaCluster startForked() {
        validate();
        if (brokers.isEmpty()) {
            throw new IllegalArgumentException("a forked test cluster needs at least one broker");
        }
        if (controllerCount != 1) {
            throw new IllegalArgumentException("a forked test cluster has one controller");
        }
        if (!controllerOverrides.isEmpty()) {
            throw new IllegalArgumentException("controllerConfig is for in-process clusters");
        }
        return ForkedKafkaCluster.start(this);
    }

    private void validate() {
        for (int id = controllerId; id < controllerId + controllerCount; id++) {
            if (brokers.containsKey(id)) {
                throw new IllegalArgumentException("controller id " + id + " collides with a broker id");
            }
        }
    }
}
