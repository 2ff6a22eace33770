package dev.berth.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.api.BrokerStatus;
import dev.berth.operator.api.Condition;
import dev.berth.operator.api.ConditionType;
import dev.berth.operator.api.KafkaClusterStatus;
import dev.berth.operator.api.OperationStatus;
import io.prometheus.client.CollectorRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The gauges as a scrape of the default registry (the one {@code /metrics} serves) sees them. */
class ClusterGaugesTest {
    private static final String NS = "gauges";

    @Test
    void aPassSetsTheGaugesAndTheNextRemovesWhatItNoLongerHas() {
        ClusterGauges.publish(NS, "orders", status(true, "ScaleDown", broker(0, 12, 300_000, 5_000), broker(1, 3, 0, 4_000),
                broker(2, 0, 0, 0)));
        assertThat(value("berth_operator_cluster_ready", null)).isEqualTo(1.0);
        assertThat(value("berth_operator_operation_in_flight", "ScaleDown")).isEqualTo(1.0);
        assertThat(value("berth_operator_broker_leaders", "0")).isEqualTo(12.0);
        assertThat(value("berth_operator_broker_leader_bytes_in_per_second", "0")).isEqualTo(300_000.0);
        assertThat(value("berth_operator_broker_log_bytes", "1")).isEqualTo(4_000.0);
        assertThat(value("berth_operator_broker_leaders", "2")).isEqualTo(0.0);

        // broker 2 scaled down, the operation over, the cluster not Ready
        ClusterGauges.publish(NS, "orders", status(false, null, broker(0, 10, 200_000, 5_000), broker(1, 5, 100_000, 4_500)));
        assertThat(value("berth_operator_cluster_ready", null)).isEqualTo(0.0);
        assertThat(value("berth_operator_operation_in_flight", "ScaleDown")).as("ended: no series").isNull();
        assertThat(value("berth_operator_broker_leaders", "2")).as("gone: no series").isNull();
        assertThat(value("berth_operator_broker_log_bytes", "2")).isNull();
        assertThat(value("berth_operator_broker_leader_bytes_in_per_second", "2")).isNull();
        assertThat(value("berth_operator_broker_leaders", "1")).isEqualTo(5.0);

        // another operation: the new type replaces the old
        ClusterGauges.publish(NS, "orders", status(true, "Restart", broker(0, 10, 0, 0)));
        ClusterGauges.publish(NS, "orders", status(true, "LeaderRebalance", broker(0, 10, 0, 0)));
        assertThat(value("berth_operator_operation_in_flight", "Restart")).isNull();
        assertThat(value("berth_operator_operation_in_flight", "LeaderRebalance")).isEqualTo(1.0);
    }

    @Test
    void aSuspendedOperationHasItsOwnSeriesWhileItIsSetAside() {
        OperationStatus scaleUp = op("ScaleUp");
        ClusterGauges.publish(NS, "aside", status(true, op("Restart"), scaleUp, broker(0, 1, 1, 1)));
        assertThat(typed("berth_operator_operation_suspended", "aside", "ScaleUp")).isEqualTo(1.0);
        assertThat(typed("berth_operator_operation_in_flight", "aside", "Restart")).isEqualTo(1.0);
        assertThat(typed("berth_operator_operation_in_flight", "aside", "ScaleUp")).isNull();

        ClusterGauges.publish(NS, "aside", status(true, scaleUp, null, broker(0, 1, 1, 1))); // resumed
        assertThat(typed("berth_operator_operation_suspended", "aside", "ScaleUp")).as("resumed: no series").isNull();
        assertThat(typed("berth_operator_operation_in_flight", "aside", "ScaleUp")).isEqualTo(1.0);
        assertThat(typed("berth_operator_operation_in_flight", "aside", "Restart")).isNull();

        ClusterGauges.publish(NS, "aside", status(true, op("Restart"), scaleUp, broker(0, 1, 1, 1)));
        ClusterGauges.forget(NS, "aside");
        assertThat(typed("berth_operator_operation_suspended", "aside", "ScaleUp")).as("deleted").isNull();
    }

    @Test
    void aBrokersDiskIsPublishedWhileKafkaReportsIt() {
        ClusterGauges.publish(NS, "orders", status(true, null, new BrokerStatus(0, "p", "n", "r", "Running", 0, 0, 0, 0,
                400L, 1000L), broker(1, 0, 0, 0)));
        assertThat(value("berth_operator_broker_disk_usable_bytes", "0")).isEqualTo(400.0);
        assertThat(value("berth_operator_broker_disk_total_bytes", "0")).isEqualTo(1000.0);
        assertThat(value("berth_operator_broker_disk_usable_bytes", "1")).as("not reported: no series").isNull();

        ClusterGauges.publish(NS, "orders", status(true, null, broker(0, 0, 0, 0)));
        assertThat(value("berth_operator_broker_disk_usable_bytes", "0")).as("no longer reported").isNull();
        assertThat(value("berth_operator_broker_disk_total_bytes", "0")).isNull();
    }

    @Test
    void aDeletedClusterLosesEverySeriesAndOthersKeepTheirs() {
        ClusterGauges.publish(NS, "gone", status(true, "ScaleUp", broker(0, 1, 1, 1), new BrokerStatus(3, "p", "n", "r",
                "Running", 1, 0, 1, 1, 5L, 9L)));
        ClusterGauges.publish(NS, "kept", status(true, null, broker(0, 7, 1, 1)));
        assertThat(sample("berth_operator_broker_disk_total_bytes", "gone", "3")).isEqualTo(9.0);
        ClusterGauges.forget(NS, "gone");
        for (String name : List.of("berth_operator_broker_leaders", "berth_operator_broker_log_bytes",
                "berth_operator_broker_leader_bytes_in_per_second", "berth_operator_broker_disk_usable_bytes",
                "berth_operator_broker_disk_total_bytes")) {
            assertThat(sample(name, "gone", "0")).as(name).isNull();
            assertThat(sample(name, "gone", "3")).as(name).isNull();
        }
        assertThat(CollectorRegistry.defaultRegistry.getSampleValue("berth_operator_cluster_ready",
                new String[] {"namespace", "cluster"}, new String[] {NS, "gone"})).isNull();
        assertThat(CollectorRegistry.defaultRegistry.getSampleValue("berth_operator_operation_in_flight",
                new String[] {"namespace", "cluster", "type"}, new String[] {NS, "gone", "ScaleUp"})).isNull();
        assertThat(sample("berth_operator_broker_leaders", "kept", "0")).isEqualTo(7.0);
        ClusterGauges.forget(NS, "never-published"); // nothing to remove, nothing thrown
    }

    private static KafkaClusterStatus status(boolean ready, String operation, BrokerStatus... brokers) {
        return status(ready, operation == null ? null : op(operation), null, brokers);
    }

    private static KafkaClusterStatus status(boolean ready, OperationStatus op, OperationStatus suspended,
            BrokerStatus... brokers) {
        return new KafkaClusterStatus(1L, "Running", "", List.of(Condition.of(ConditionType.Ready, ready, "R", "m")),
                List.of(brokers), List.of(), op, suspended);
    }

    private static OperationStatus op(String type) {
        return new OperationStatus(type, "Phase", List.of(), null, null, null, null, "2026-11-27T00:00:00Z", "", Map.of());
    }

    private static BrokerStatus broker(int id, int leaders, long bytesIn, long bytes) {
        return new BrokerStatus(id, "p", "n", "r", "Running", leaders, 0, bytes, bytesIn);
    }

    /** A gauge of cluster {@code orders}: the broker's series, the operation type's, or (null) the cluster's. */
    private static Double value(String name, String label) {
        if (name.equals("berth_operator_cluster_ready")) {
            return CollectorRegistry.defaultRegistry.getSampleValue(name, new String[] {"namespace", "cluster"},
                    new String[] {NS, "orders"});
        }
        if (name.equals("berth_operator_operation_in_flight")) {
            return CollectorRegistry.defaultRegistry.getSampleValue(name, new String[] {"namespace", "cluster", "type"},
                    new String[] {NS, "orders", label});
        }
        return sample(name, "orders", label);
    }

    private static Double sample(String name, String cluster, String broker) {
        return CollectorRegistry.defaultRegistry.getSampleValue(name, new String[] {"namespace", "cluster", "broker"},
                new String[] {NS, cluster, broker});
    }

    private static Double typed(String name, String cluster, String type) {
        return CollectorRegistry.defaultRegistry.getSampleValue(name, new String[] {"namespace", "cluster", "type"},
                new String[] {NS, cluster, type});
    }
}
