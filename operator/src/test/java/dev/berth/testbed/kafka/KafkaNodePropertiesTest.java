package dev.berth.testbed.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import scala.jdk.javaapi.CollectionConverters;

class KafkaNodePropertiesTest {
    private static final Path DIR = Path.of("/tmp/berth-kafka-test/broker-0");
    private static final String VOTERS = "1000@127.0.0.1:20500";

    static Stream<Arguments> internalTopicReplication() {
        return Stream.of(
                Arguments.of(0, "1"), // never 0: Kafka refuses a replication factor of 0
                Arguments.of(1, "1"), // a one-broker cluster can still create __consumer_offsets
                Arguments.of(2, "2"),
                Arguments.of(3, "3"), // Kafka's own default, reached exactly
                Arguments.of(5, "3")); // capped: more brokers do not make internal topics wider
    }

    @ParameterizedTest
    @MethodSource
    void internalTopicReplication(int expectedBrokers, String replicationFactor) {
        Properties p = KafkaNodeProperties.broker(0, "a", 21000, DIR, VOTERS, expectedBrokers, Map.of());

        assertThat(p.getProperty("offsets.topic.replication.factor")).isEqualTo(replicationFactor);
        assertThat(p.getProperty("transaction.state.log.replication.factor")).isEqualTo(replicationFactor);
        assertThat(p.getProperty("share.coordinator.state.topic.replication.factor")).isEqualTo(replicationFactor);
    }

    @Test
    void brokerListensOnPlainLoopbackWithItsRackAndTheStaticQuorum() {
        Properties p = KafkaNodeProperties.broker(7, "rack-x", 21000, DIR, VOTERS, 3, Map.of());

        assertThat(p).containsEntry("process.roles", "broker")
                .containsEntry("node.id", "7")
                .containsEntry("broker.rack", "rack-x")
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:21000")
                .containsEntry("advertised.listeners", "PLAINTEXT://127.0.0.1:21000")
                .containsEntry("controller.quorum.voters", VOTERS)
                .containsEntry("log.dirs", DIR.toString())
                .containsEntry("broker.session.timeout.ms", "1500")
                .containsEntry("broker.heartbeat.interval.ms", "300")
                .containsEntry("log.cleaner.dedupe.buffer.size", "2097152")
                .containsEntry("group.initial.rebalance.delay.ms", "0");
    }

    @Test
    void brokerWithoutRackHasNoRackSetting() {
        assertThat(KafkaNodeProperties.broker(0, null, 21000, DIR, VOTERS, 1, Map.of()))
                .doesNotContainKey("broker.rack");
    }

    @Test
    void callerOverridesWinOverBedDefaults() {
        Properties p = KafkaNodeProperties.broker(0, "a", 21000, DIR, VOTERS, 3,
                Map.of("auto.leader.rebalance.enable", "true", "min.insync.replicas", "2"));

        assertThat(p).containsEntry("auto.leader.rebalance.enable", "true").containsEntry("min.insync.replicas", "2");
    }

    @Test
    void controllerIsADedicatedVoterOfTheStaticQuorumItIsGiven() {
        Properties p = KafkaNodeProperties.controller(1001, 20501, DIR, "1000@127.0.0.1:20500,1001@127.0.0.1:20501");

        assertThat(p).containsEntry("process.roles", "controller")
                .containsEntry("node.id", "1001")
                .containsEntry("listeners", "CONTROLLER://127.0.0.1:20501")
                .containsEntry("controller.quorum.voters", "1000@127.0.0.1:20500,1001@127.0.0.1:20501")
                .containsEntry("broker.session.timeout.ms", "1500")
                .doesNotContainKey("broker.rack");
    }

    @Test
    void everySettingIsAKafkaConfigNameThatKafkaAccepts() {
        Set<String> known = Set.copyOf(CollectionConverters.asJava(KafkaConfig.configNames()));
        Properties broker = KafkaNodeProperties.broker(0, "a", 21000, DIR, VOTERS, 3, Map.of());
        Properties controller = KafkaNodeProperties.controller(1000, 20500, DIR, VOTERS);

        assertThat(broker.stringPropertyNames()).allSatisfy(key -> assertThat(known).contains(key));
        assertThat(controller.stringPropertyNames()).allSatisfy(key -> assertThat(known).contains(key));
        // Kafka's own validation (roles, listeners, quorum) accepts both.
        assertThat(new KafkaConfig(broker, false).brokerId()).isEqualTo(0);
        assertThat(new KafkaConfig(controller, false).nodeId()).isEqualTo(1000);
    }
}
