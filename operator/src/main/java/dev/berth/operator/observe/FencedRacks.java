package dev.berth.operator.observe;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;

/**
 * The racks of the brokers Kafka has registered but fenced (stopped, or lost with their node), by id.
 * describeCluster leaves them out unless asked ({@code includeFencedBrokers}, Kafka 4.0 and later), and a
 * drain of a down broker must plan it in its own rack ({@link dev.berth.operator.model.ClusterSnapshot#withBrokers}).
 */
public final class FencedRacks {
    private FencedRacks() {}

    /** Fenced brokers' racks; empty when Kafka does not say (an older Kafka, no answer). A broker without a rack is left out. */
    public static Map<Integer, String> of(Admin admin) {
        try {
            Map<Integer, String> out = new TreeMap<>();
            for (Node n : admin.describeCluster(new DescribeClusterOptions().includeFencedBrokers(true)).nodes()
                    .get(KafkaObserver.CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                if (n.isFenced() && n.rack() != null) {
                    out.put(n.id(), n.rack());
                }
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        } catch (Exception e) {
            return Map.of(); // planned without their racks, as before
        }
    }
}
