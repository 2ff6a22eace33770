package dev.berth.operator.observe;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;

/**
 * The racks of the brokers Kafka has registered, fenced ones (stopped, or lost with their node) included:
 * describeCluster leaves those out unless asked ({@code includeFencedBrokers}, Kafka 4.0 and later). A
 * drain of a down broker plans it in its own rack ({@link dev.berth.operator.model.ClusterSnapshot#withBrokers}),
 * and the executor keeps every step of a move rack-clean. A broker without a rack is left out; when Kafka
 * does not say (an older Kafka, no answer) the map is empty, and both go on without racks, as before.
 */
public final class RegisteredRacks {
    private RegisteredRacks() {}

    /** Every registered broker's rack, by id. */
    public static Map<Integer, String> all(Admin admin) {
        return read(admin, false);
    }

    /** The fenced brokers' racks, by id. */
    public static Map<Integer, String> fenced(Admin admin) {
        return read(admin, true);
    }

    private static Map<Integer, String> read(Admin admin, boolean fencedOnly) {
        try {
            Map<Integer, String> out = new TreeMap<>();
            for (Node n : admin.describeCluster(new DescribeClusterOptions().includeFencedBrokers(true)).nodes()
                    .get(KafkaObserver.CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                if ((n.isFenced() || !fencedOnly) && n.rack() != null) {
                    out.put(n.id(), n.rack());
                }
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        } catch (Exception e) {
            return Map.of();
        }
    }
}
