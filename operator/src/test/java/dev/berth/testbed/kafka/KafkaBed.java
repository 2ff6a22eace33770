package dev.berth.testbed.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One in-process Kafka cluster per test class: started before its first test, closed after its last
 * (a cluster takes seconds, a test milliseconds). Usage:
 * <pre>{@code
 * @RegisterExtension
 * static final KafkaBed KAFKA = new KafkaBed(KafkaTestCluster.builder().broker(0, "a").broker(1, "b"));
 * ... KAFKA.admin() ... KAFKA.cluster().stopBroker(1) ...
 * }</pre>
 */
public final class KafkaBed implements BeforeAllCallback, AfterAllCallback {
    private final KafkaClusterBuilder builder;
    private volatile KafkaTestCluster cluster;

    public KafkaBed(KafkaClusterBuilder builder) {
        this.builder = builder;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster = builder.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }

    public KafkaTestCluster cluster() {
        if (cluster == null) {
            throw new IllegalStateException("the Kafka bed runs only between beforeAll and afterAll");
        }
        return cluster;
    }

    /** The cluster's shared Admin; do not close it. */
    public Admin admin() {
        return cluster().admin();
    }

    public String bootstrapServers() {
        return cluster().bootstrapServers();
    }
}
