package dev.berth.testbed.kafka;

import static dev.berth.testbed.kafka.KafkaAwait.get;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Proves the in-process Kafka bed against Kafka's own answers. One cluster for the class: controller
 * 1000 and brokers 0, 1, 2 on racks a, b, c. Every test leaves brokers 0-2 running and registered, and
 * uses its own topic, so the tests do not depend on their order.
 */
class KafkaTestClusterTest {
    @RegisterExtension
    static final KafkaBed KAFKA = new KafkaBed(KafkaTestCluster.builder().broker(0, "a").broker(1, "b").broker(2, "c"));

    @Test
    void describeClusterShowsEveryBrokerWithItsRackOnLoopback() {
        assertThat(KafkaAwait.racks(KAFKA.admin())).containsAllEntriesOf(Map.of(0, "a", 1, "b", 2, "c"));
        assertThat(KAFKA.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+(,127\\.0\\.0\\.1:\\d+)*");
        assertThat(get(KAFKA.admin().describeCluster().clusterId())).isEqualTo(KAFKA.cluster().clusterId());
        assertThat(KAFKA.cluster().fatalExits()).isEmpty();
    }

    @Test
    void partitionReassignmentCompletesWithTargetReplicasAndFullIsr() {
        KafkaAwait.createTopic(KAFKA.admin(), "reassign", Map.of(0, List.of(0, 1)));
        produce("reassign", 0, 200);
        TopicPartition tp = new TopicPartition("reassign", 0);

        get(KAFKA.admin().alterPartitionReassignments(
                Map.of(tp, Optional.of(new NewPartitionReassignment(List.of(1, 2))))).all());

        KafkaAwait.awaitReassignmentsComplete(KAFKA.admin(), Map.of(tp, List.of(1, 2)));
        assertThat(consumeAll("reassign", 0)).hasSize(200);
    }

    @Test
    void preferredElectionMovesLeadershipToTheNewPreferredLeader() {
        KafkaAwait.createTopic(KAFKA.admin(), "elect", Map.of(0, List.of(0, 1, 2)));
        TopicPartition tp = new TopicPartition("elect", 0);
        KafkaAwait.awaitLeader(KAFKA.admin(), tp, 0);

        get(KAFKA.admin().alterPartitionReassignments(
                Map.of(tp, Optional.of(new NewPartitionReassignment(List.of(1, 0, 2))))).all());
        KafkaAwait.awaitReassignmentsComplete(KAFKA.admin(), Map.of(tp, List.of(1, 0, 2)));
        // Reordering alone does not move leadership (auto.leader.rebalance.enable=false in the bed).
        assertThat(KafkaAwait.describePartition(KAFKA.admin(), tp).leader().id()).isEqualTo(0);

        get(KAFKA.admin().electLeaders(ElectionType.PREFERRED, Set.of(tp)).all());

        KafkaAwait.awaitLeader(KAFKA.admin(), tp, 1);
    }

    @Test
    void brokerRestartedOnItsDataDirectoryRejoinsIsrWithItsDataIntact() throws Exception {
        KafkaAwait.createTopic(KAFKA.admin(), "restart-data", Map.of(0, List.of(2, 0, 1)));
        TopicPartition tp = new TopicPartition("restart-data", 0);
        produce("restart-data", 0, 100);
        String metaPropertiesBefore = java.nio.file.Files.readString(KAFKA.cluster().dataDir(2).resolve("meta.properties"));

        String addressBefore = KAFKA.cluster().address(2);

        KAFKA.cluster().stopBroker(2);
        KafkaAwait.awaitOutOfIsr(KAFKA.admin(), "restart-data", 2);
        produce("restart-data", 100, 50);
        KAFKA.cluster().restartBroker(2);

        assertThat(KAFKA.cluster().address(2)).as("same address after restart").isEqualTo(addressBefore);

        KAFKA.cluster().awaitFullIsr("restart-data");
        assertThat(java.nio.file.Files.readString(KAFKA.cluster().dataDir(2).resolve("meta.properties")))
                .as("same, not reformatted, data directory").isEqualTo(metaPropertiesBefore);
        // Make the restarted broker the leader, so that every record read below is served from its log.
        get(KAFKA.admin().electLeaders(ElectionType.PREFERRED, Set.of(tp)).all());
        KafkaAwait.awaitLeader(KAFKA.admin(), tp, 2);
        List<String> values = consumeAll("restart-data", 0).stream().map(ConsumerRecord::value).toList();
        assertThat(values).hasSize(150);
        assertThat(values.get(0)).isEqualTo("record-0");
        assertThat(values.get(149)).isEqualTo("record-149");
    }

    @Test
    void recordProducedWithAcksAllBeforeABrokerRestartIsConsumedAfterIt() throws Exception {
        // min.insync.replicas=2: the acknowledged record is on at least two brokers before the restart.
        KafkaAwait.createTopic(KAFKA.admin(), new NewTopic("acks-all", Map.of(0, List.of(1, 2, 0)))
                .configs(Map.of("min.insync.replicas", "2")));
        RecordMetadata written;
        try (KafkaProducer<String, String> producer = KafkaRecords.producer(KAFKA.bootstrapServers())) {
            written = producer.send(new ProducerRecord<>("acks-all", 0, "key", "survives")).get();
        }

        KAFKA.cluster().restartBroker(1);
        KAFKA.cluster().awaitFullIsr("acks-all");

        List<ConsumerRecord<String, String>> records = consumeAll("acks-all", 0);
        assertThat(records).hasSize(1);
        assertThat(records.get(0).offset()).isEqualTo(written.offset());
        assertThat(records.get(0).value()).isEqualTo("survives");
    }

    @Test
    void brokerAddedToTheRunningClusterRegistersWithItsRack() {
        KAFKA.cluster().addBroker(3, "a");

        // addBroker waited until one broker's view listed broker 3; the broker that answers next may
        // apply the registration a moment later (metadata reaches each broker on its own)
        KafkaAwait.polling("broker 3 with rack a in describeCluster")
                .untilAsserted(() -> assertThat(KafkaAwait.racks(KAFKA.admin())).containsEntry(3, "a"));
        assertThat(KAFKA.bootstrapServers()).contains(KAFKA.cluster().address(3));

        KAFKA.cluster().stopAndUnregister(3);
    }

    @Test
    void stoppedBrokerUnregisteredDisappearsFromDescribeCluster() {
        KAFKA.cluster().addBroker(4, "b");
        KAFKA.cluster().stopBroker(4);
        // Stopped but still registered: the controller keeps it as fenced.
        KafkaAwait.polling("broker 4 fenced").untilAsserted(() ->
                assertThat(KafkaAwait.registrationsIncludingFenced(KAFKA.admin())).containsEntry(4, true));

        KAFKA.cluster().stopAndUnregister(4);

        // Each describeCluster may be answered by another broker, whose metadata can trail the
        // controller's by a moment: every broker must get there, so poll.
        KafkaAwait.polling("broker 4 gone everywhere").untilAsserted(() -> {
            assertThat(KafkaAwait.registrationsIncludingFenced(KAFKA.admin())).doesNotContainKey(4);
            assertThat(KafkaAwait.registeredBrokers(KAFKA.admin())).doesNotContain(4);
        });
        assertThat(KAFKA.cluster().brokerIds()).doesNotContain(4);
    }

    @Test
    void brokerWhosePortWasTakenWhileItWasDownComesBackOnAnotherPortAndTheSharedAdminFollows() throws Exception {
        // Its own one-broker cluster: with the only broker moved, an Admin that kept the old address
        // would have no live address left.
        try (KafkaTestCluster single = KafkaTestCluster.builder().controllerId(600).broker(0, "a").start()) {
            Admin heldAdmin = single.admin();
            String before = single.address(0);
            single.stopBroker(0);
            int oldPort = Integer.parseInt(before.substring(before.indexOf(':') + 1));
            try (ServerSocket squatter = new ServerSocket()) {
                squatter.bind(new InetSocketAddress("127.0.0.1", oldPort));

                single.restartBroker(0);

                assertThat(single.address(0)).isNotEqualTo(before);
                assertThat(single.bootstrapServers()).isEqualTo(single.address(0));
                assertThat(get(heldAdmin.describeCluster().nodes()))
                        .singleElement()
                        .satisfies(node -> assertThat(node.host() + ":" + node.port()).isEqualTo(single.address(0)));
            }
        }
    }

    @Test
    void clusterStartedWithoutBrokersTakesBrokersAddedLater() {
        try (KafkaTestCluster empty = KafkaTestCluster.builder().controllerId(500).start()) {
            assertThat(empty.brokerIds()).isEmpty();

            empty.addBroker(0, "x");
            empty.addBroker(1, "y");

            KafkaAwait.polling("brokers 0 and 1 with their racks") // each broker applies registrations on its own
                    .untilAsserted(() -> assertThat(KafkaAwait.racks(empty.admin())).isEqualTo(Map.of(0, "x", 1, "y")));
        }
    }

    private static void produce(String topic, int first, int count) {
        KafkaRecords.produce(KAFKA.bootstrapServers(), topic, 0, first, count);
    }

    private static List<ConsumerRecord<String, String>> consumeAll(String topic, int partition) {
        return KafkaRecords.consumeAll(KAFKA.bootstrapServers(), new TopicPartition(topic, partition));
    }
}
