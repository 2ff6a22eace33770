package dev.berth.operator.metrics;

import dev.berth.operator.api.BrokerStatus;
import dev.berth.operator.api.Condition;
import dev.berth.operator.api.ConditionType;
import dev.berth.operator.api.KafkaClusterStatus;
import io.prometheus.client.Gauge;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Per-cluster gauges, from the status each pass writes: what a dashboard or an alert needs without
 * reading every KafkaCluster (is it Ready, what operation runs, how leadership and bytes spread over its
 * brokers, how full their disks are: the same figures {@code kubectl get kafkacluster -o yaml} shows).
 * An alert on {@code disk_usable_bytes / disk_total_bytes} below {@code spec.rebalance.minFreeDiskPercent}
 * says before a scale-down is refused for it.
 *
 * <p><b>Constraints:</b> a series exists only while what it describes does. A broker that left the status
 * (scaled down) loses its series, an operation that ended loses its {@code type} series, and a deleted
 * KafkaCluster loses all of them ({@link #forget}); otherwise a dashboard would show a removed broker at
 * its last value for ever. Values are set from the status that was written (or found unchanged), never
 * from one a refused write dropped.
 *
 * <p><b>Example:</b> {@code kafka/orders} Ready with brokers 0..2 and a {@code ScaleDown} in flight gives
 * {@code berth_operator_cluster_ready{namespace="kafka",cluster="orders"} 1},
 * {@code berth_operator_operation_in_flight{...,type="ScaleDown"} 1} and three series of each broker
 * gauge; once broker 2 is gone and the operation ended, its series and the {@code ScaleDown} one are
 * removed.
 */
public final class ClusterGauges {
    static final Gauge READY = Gauge.build("berth_operator_cluster_ready",
            "1 when the KafkaCluster's Ready condition is True, else 0.").labelNames("namespace", "cluster").register();
    static final Gauge OPERATION = Gauge.build("berth_operator_operation_in_flight",
            "1 for the type of the day-2 operation in flight (status.operation.type); no series when none runs.")
            .labelNames("namespace", "cluster", "type").register();
    static final Gauge SUSPENDED = Gauge.build("berth_operator_operation_suspended",
            "1 for the type of a day-2 operation set aside while a pod moves off a cordoned node (status.suspended.type);"
                    + " no series when none is.").labelNames("namespace", "cluster", "type").register();
    static final Gauge LEADER_BYTES_IN = Gauge.build("berth_operator_broker_leader_bytes_in_per_second",
            "Estimated produce bytes/s into the partitions the broker leads (status.brokers[].bytesInPerSec).")
            .labelNames("namespace", "cluster", "broker").register();
    static final Gauge LEADERS = Gauge.build("berth_operator_broker_leaders",
            "Partitions the broker leads (status.brokers[].leaders).").labelNames("namespace", "cluster", "broker")
            .register();
    static final Gauge LOG_BYTES = Gauge.build("berth_operator_broker_log_bytes",
            "Bytes of the partition replicas the broker holds (status.brokers[].bytes).")
            .labelNames("namespace", "cluster", "broker").register();
    static final Gauge DISK_USABLE = Gauge.build("berth_operator_broker_disk_usable_bytes",
            "What the broker may still write on its log dirs' disk (status.brokers[].diskUsableBytes); no series"
                    + " while Kafka does not report it.").labelNames("namespace", "cluster", "broker").register();
    static final Gauge DISK_TOTAL = Gauge.build("berth_operator_broker_disk_total_bytes",
            "The size of the broker's log dirs' disk (status.brokers[].diskTotalBytes); no series while Kafka does"
                    + " not report it.").labelNames("namespace", "cluster", "broker").register();

    /** namespace/name to what was published for it last. */
    private static final Map<String, Published> PUBLISHED = new HashMap<>();

    private record Published(Set<String> brokers, String operation, String suspended) {}

    private ClusterGauges() {}

    /** Registers the gauges now, so that a scrape shows their families before the first status write. */
    static void register() {
        // loading the class ran the static initialisers
    }

    /** Sets the gauges of {@code namespace/cluster} from {@code status}, and removes the series it no longer has. */
    public static synchronized void publish(String namespace, String cluster, KafkaClusterStatus status) {
        Condition ready = status.condition(ConditionType.Ready);
        READY.labels(namespace, cluster).set(ready != null && ready.isTrue() ? 1 : 0);
        Set<String> brokers = new TreeSet<>();
        for (BrokerStatus b : status.brokers()) {
            String id = Integer.toString(b.id());
            brokers.add(id);
            LEADER_BYTES_IN.labels(namespace, cluster, id).set(b.bytesInPerSec());
            LEADERS.labels(namespace, cluster, id).set(b.leaders());
            LOG_BYTES.labels(namespace, cluster, id).set(b.bytes());
            if (b.diskUsableBytes() != null && b.diskTotalBytes() != null) {
                DISK_USABLE.labels(namespace, cluster, id).set(b.diskUsableBytes());
                DISK_TOTAL.labels(namespace, cluster, id).set(b.diskTotalBytes());
            } else {
                DISK_USABLE.remove(namespace, cluster, id);
                DISK_TOTAL.remove(namespace, cluster, id);
            }
        }
        String operation = status.operation() == null ? null : status.operation().type();
        String suspended = status.suspended() == null ? null : status.suspended().type();
        Published before = PUBLISHED.put(namespace + "/" + cluster, new Published(brokers, operation, suspended));
        if (before != null) {
            Set<String> gone = new TreeSet<>(before.brokers());
            gone.removeAll(brokers);
            gone.forEach(id -> removeBroker(namespace, cluster, id));
        }
        typed(OPERATION, namespace, cluster, before == null ? null : before.operation(), operation);
        typed(SUSPENDED, namespace, cluster, before == null ? null : before.suspended(), suspended);
    }

    /** The one series of {@code gauge} for type {@code now} (none when null), the one for {@code before} removed. */
    private static void typed(Gauge gauge, String namespace, String cluster, String before, String now) {
        if (before != null && !before.equals(now)) {
            gauge.remove(namespace, cluster, before);
        }
        if (now != null) {
            gauge.labels(namespace, cluster, now).set(1);
        }
    }

    /** Removes every series of {@code namespace/cluster} (it was deleted). */
    public static synchronized void forget(String namespace, String cluster) {
        Published before = PUBLISHED.remove(namespace + "/" + cluster);
        if (before == null) {
            return;
        }
        READY.remove(namespace, cluster);
        before.brokers().forEach(id -> removeBroker(namespace, cluster, id));
        typed(OPERATION, namespace, cluster, before.operation(), null);
        typed(SUSPENDED, namespace, cluster, before.suspended(), null);
    }

    private static void removeBroker(String namespace, String cluster, String id) {
        LEADER_BYTES_IN.remove(namespace, cluster, id);
        LEADERS.remove(namespace, cluster, id);
        LOG_BYTES.remove(namespace, cluster, id);
        DISK_USABLE.remove(namespace, cluster, id);
        DISK_TOTAL.remove(namespace, cluster, id);
    }
}
