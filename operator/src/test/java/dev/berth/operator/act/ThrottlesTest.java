package dev.berth.operator.act;

import static dev.berth.testbed.kafka.KafkaAwait.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.operator.model.BrokerState;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.TopicState;
import dev.berth.operator.plan.ThrottlePlan;
import dev.berth.testbed.kafka.KafkaAwait;
import dev.berth.testbed.kafka.KafkaBed;
import dev.berth.testbed.kafka.KafkaTestCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link Throttles} and {@link Leadership#clearAllThrottles} against real KRaft brokers 0, 1, 2. What
 * {@code ReassignmentExecutorTest} does not pin: that {@code keepRate} writes only where a broker's own rate
 * differs and says which brokers it changed, that a cluster-wide default is not a broker's own rate, and
 * that a broker that is down is left out instead of timing the whole call out.
 */
class ThrottlesTest {
    @RegisterExtension
    static final KafkaBed KAFKA = new KafkaBed(KafkaTestCluster.builder().broker(0, "a").broker(1, "b").broker(2, "c"));

    @Test
    void keepRateWritesOnlyWhereABrokersOwnRateDiffersAndSaysWhichItChanged() {
        Throttles throttles = new Throttles(KAFKA.admin());
        try {
            assertThat(throttles.keepRate(List.of(0, 1), 5_000_000)).containsExactly(0, 1);
            awaitRates(0, "5000000", "5000000");
            awaitRates(1, "5000000", "5000000");
            assertThat(rates(2)).as("a broker not asked about").containsExactly(null, null);
            assertThat(throttles.keepRate(List.of(0, 1), 5_000_000)).as("nothing differs: nothing written").isEmpty();

            assertThat(throttles.keepRate(List.of(0, 1, 2), 7_000_000)).containsExactly(0, 1, 2);
            for (int b = 0; b <= 2; b++) {
                awaitRates(b, "7000000", "7000000");
            }

            // one of the two rates differs: the broker is changed, both rates set
            alter(broker(1), AlterConfigOp.OpType.DELETE, Throttles.FOLLOWER_RATE, "");
            awaitRates(1, "7000000", null);
            assertThat(throttles.keepRate(List.of(0, 1, 2), 7_000_000)).containsExactly(1);
            awaitRates(1, "7000000", "7000000");
            alter(broker(2), AlterConfigOp.OpType.DELETE, Throttles.LEADER_RATE, "");
            awaitRates(2, null, "7000000");
            assertThat(throttles.keepRate(List.of(0, 1, 2), 7_000_000)).containsExactly(2);

            assertThat(throttles.keepRate(List.of(0, 1, 2), 0)).as("0: no rate").containsExactly(0, 1, 2);
            for (int b = 0; b <= 2; b++) {
                awaitRates(b, null, null);
            }
            assertThat(throttles.keepRate(List.of(0, 1, 2), 0)).isEmpty();
        } finally {
            throttles.keepRate(List.of(0, 1, 2), 0);
        }
    }

    /**
     * A rate in the cluster-wide default (set by hand) is not the broker's own: with a rate wanted the broker
     * gets its own, and with none wanted the default is left as it is, since berth did not write it.
     */
    @Test
    void aClusterWideDefaultRateIsNotABrokersOwn() {
        Throttles throttles = new Throttles(KAFKA.admin());
        ConfigResource defaults = new ConfigResource(ConfigResource.Type.BROKER, "");
        try {
            alter(defaults, AlterConfigOp.OpType.SET, Throttles.LEADER_RATE, "3000000");
            alter(defaults, AlterConfigOp.OpType.SET, Throttles.FOLLOWER_RATE, "3000000");
            await("broker 0 shows the default").atMost(Duration.ofSeconds(20)).until(() -> {
                ConfigEntry e = config(broker(0)).get(Throttles.LEADER_RATE);
                return e != null && e.source() == ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG;
            });
            assertThat(throttles.keepRate(List.of(0), 0)).as("no rate of its own to remove").isEmpty();
            assertThat(throttles.keepRate(List.of(0), 3_000_000)).as("the default is not its own").containsExactly(0);
            awaitRates(0, "3000000", "3000000");
        } finally {
            alter(defaults, AlterConfigOp.OpType.DELETE, Throttles.LEADER_RATE, "");
            alter(defaults, AlterConfigOp.OpType.DELETE, Throttles.FOLLOWER_RATE, "");
            throttles.keepRate(List.of(0, 1, 2), 0);
        }
    }

    @Test
    void clearAllThrottlesClearsEveryBrokersRatesAndEveryTopicsReplicas() {
        KafkaAwait.createTopic(KAFKA.admin(), "cleared", Map.of(0, List.of(0, 1), 1, List.of(1, 2)));
        Throttles throttles = new Throttles(KAFKA.admin());
        throttles.alterThrottles(new ThrottlePlan(Set.of(0, 1, 2), Map.of("cleared", "0:0,0:1"), Map.of("cleared", "0:2")),
                9_000_000);
        for (int b = 0; b <= 2; b++) {
            awaitRates(b, "9000000", "9000000");
        }
        ClusterSnapshot s = new ClusterSnapshot(Instant.EPOCH,
                List.of(new BrokerState(0, "a", "", 0), new BrokerState(1, "b", "", 0), new BrokerState(2, "c", "", 0)),
                Map.of("cleared", new TopicState("cleared", 2, 1)), List.of());

        Leadership.clearAllThrottles(KAFKA.admin(), s);

        for (int b = 0; b <= 2; b++) {
            awaitRates(b, null, null);
        }
        await("topic throttles cleared").atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Config c = config(new ConfigResource(ConfigResource.Type.TOPIC, "cleared"));
            assertThat(own(c.get(Throttles.LEADER_REPLICAS))).isNull();
            assertThat(own(c.get(Throttles.FOLLOWER_REPLICAS))).isNull();
        });
    }

    /**
     * A broker's own config goes to that broker: one that is down would time the call out, and with it the
     * drain that needs the others throttled. It is left out, of reads and writes alike.
     */
    @Test
    void aBrokerThatIsDownIsLeftOutInsteadOfTimingTheCallOut() {
        Throttles throttles = new Throttles(KAFKA.admin());
        KAFKA.cluster().stopBroker(2);
        try {
            await("broker 2 no longer listed").atMost(Duration.ofSeconds(20))
                    .until(() -> !KafkaAwait.registeredBrokers(KAFKA.admin()).contains(2));
            assertThat(throttles.keepRate(List.of(0, 2), 4_000_000)).containsExactly(0);
            awaitRates(0, "4000000", "4000000");
            throttles.clearThrottles(new ThrottlePlan(Set.of(0, 2), Map.of(), Map.of()), List.of());
            awaitRates(0, null, null);
            assertThat(throttles.keepRate(List.of(2), 4_000_000)).as("only a down broker: nothing to read").isEmpty();
        } finally {
            KAFKA.cluster().restartBroker(2);
            throttles.keepRate(List.of(0, 1, 2), 0);
        }
    }

    static ConfigResource broker(int id) {
        return new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(id));
    }

    static void alter(ConfigResource r, AlterConfigOp.OpType op, String key, String value) {
        get(KAFKA.admin().incrementalAlterConfigs(Map.of(r, List.of(new AlterConfigOp(new ConfigEntry(key, value), op))))
                .all());
    }

    static Config config(ConfigResource r) {
        return get(KAFKA.admin().describeConfigs(List.of(r)).all()).get(r);
    }

    /** The broker's own leader and follower rates (null where it has none of its own). */
    static List<String> rates(int broker) {
        Config c = config(broker(broker));
        return java.util.Arrays.asList(own(c.get(Throttles.LEADER_RATE)), own(c.get(Throttles.FOLLOWER_RATE)));
    }

    static void awaitRates(int broker, String leader, String follower) {
        await("broker " + broker + " rates " + leader + "/" + follower).atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(rates(broker)).containsExactly(leader, follower));
    }

    /** A value set on the resource itself, or null. */
    static String own(ConfigEntry e) {
        return e == null || e.value() == null || e.value().isEmpty()
                || (e.source() != ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG
                        && e.source() != ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) ? null : e.value();
    }
}
