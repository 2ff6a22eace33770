package dev.berth.extender.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeysTest {

    /** Which pods are brokers: a cluster label, and a role that is absent or {@code broker}. */
    @ParameterizedTest(name = "cluster={0} role={1}")
    @CsvSource(nullValues = "NULL", value = {
        "orders, NULL,       orders", // hand-written broker pods carry no role: still brokers
        "orders, broker,     orders",
        "orders, controller, NULL",   // the operator's KRaft controllers: no partitions, default scheduler
        "orders, tools,      NULL",   // any other role is no broker either
        "orders, '',         NULL",
        "NULL,   broker,     NULL",   // no cluster, no broker
        "'',     broker,     NULL",
    })
    void brokersAreTheClusterPodsWhoseRoleIsBrokerOrAbsent(String cluster, String role, String expected) {
        Map<String, String> labels = new HashMap<>();
        if (cluster != null) {
            labels.put(Keys.CLUSTER, cluster);
        }
        if (role != null) {
            labels.put(Keys.ROLE, role);
        }
        assertThat(Keys.brokerCluster(labels)).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void noLabelsIsNoBroker() {
        assertThat(Keys.brokerCluster(null)).isNull();
        assertThat(Keys.brokerCluster(Map.of())).isNull();
    }
}
