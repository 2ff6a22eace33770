package dev.berth.testbed.kafka;

import static dev.berth.testbed.kafka.KafkaAwait.get;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves the in-process Kafka bed against Kafka's own answers. One cluster for the class: controller
 * 1000 and brokers 0, 1, 2 on racks a, b, c. Every test leaves brokers 0-2 running and registered, and
 * uses its own topic, so the tests do not depend on their order.
 */
class KafkaTestClusterTest {
    private static KafkaTestCluster kafka;
    private static Admin admin;

    @BeforeAll
    static void startKafka() {
        kafka = KafkaTestCluster.builder().broker(0, "a").broker(1, "b").broker(2, "c").start();
        admin = kafka.admin();
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void describeClusterShowsEveryBrokerWithItsRackOnLoopback() {
        assertThat(KafkaAwait.racks(admin)).containsAllEntriesOf(Map.of(0, "a", 1, "b", 2, "c"));
        assertThat(kafka.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+(,127\\.0\\.0\\.1:\\d+)*");
        assertThat(get(admin.describeCluster().clusterId())).isEqualTo(kafka.clusterId());
        assertThat(kafka.fatalExits()).isEmpty();
    }

    @Test
    void partitionReassignmentCompletesWithTargetReplicasAndFullIsr() {
        KafkaAwait.createTopic(admin, "reassign", Map.of(0, List.of(0, 1)));
        produce("reassign", 0, 200);
        TopicPartition tp = new TopicPartition("reassign", 0);

        get(admin.alterPartitionReassignments(
                Map.of(tp, Optional.of(new NewPartitionReassignment(List.of(1, 2))))).all());

        KafkaAwait.awaitReassignmentsComplete(admin, Map.of(tp, List.of(1, 2)));
        assertThat(consumeAll("reassign", 0)).hasSize(200);
    }

    @Test
    void preferredElectionMovesLeadershipToTheNewPreferredLeader() {
        KafkaAwait.createTopic(admin, "elect", Map.of(0, List.of(0, 1, 2)));
        TopicPartition tp = new TopicPartition("elect", 0);
        KafkaAwait.awaitLeader(admin, tp, 0);

        get(admin.alterPartitionReassignments(
                Map.of(tp, Optional.of(new NewPartitionReassignment(List.of(1, 0, 2))))).all());
        KafkaAwait.awaitReassignmentsComplete(admin, Map.of(tp, List.of(1, 0, 2)));
        // Reordering alone does not move leadership (auto.leader.rebalance.enable=false in the bed).
        assertThat(KafkaAwait.describePartition(admin, tp).leader().id()).isEqualTo(0);

        get(admin.electLeaders(ElectionType.PREFERRED, Set.of(tp)).all());

        KafkaAwait.awaitLeader(admin, tp, 1);
    }

    @Test
    void brokerRestartedOnItsDataDirectoryRejoinsIsrWithItsDataIntact() throws Exception {
        KafkaAwait.createTopic(admin, "restart-data", Map.of(0, List.of(2, 0, 1)));
        TopicPartition tp = new TopicPartition("restart-data", 0);
        produce("restart-data", 0, 100);
        String metaPropertiesBefore = java.nio.file.Files.readString(kafka.dataDir(2).resolve("meta.properties"));

        kafka.stopBroker(2);
        KafkaAwait.awaitOutOfIsr(admin, "restart-data", 2);
        produce("restart-data", 100, 50);
        kafka.restartBroker(2);

        kafka.awaitFullIsr("restart-data");
        assertThat(java.nio.file.Files.readString(kafka.dataDir(2).resolve("meta.properties")))
                .as("same, not reformatted, data directory").isEqualTo(metaPropertiesBefore);
        // Make the restarted broker the leader, so that every record read below is served from its log.
        get(admin.electLeaders(ElectionType.PREFERRED, Set.of(tp)).all());
        KafkaAwait.awaitLeader(admin, tp, 2);
        List<String> values = consumeAll("restart-data", 0).stream().map(ConsumerRecord::value).toList();
        assertThat(values).hasSize(150);
        assertThat(values.get(0)).isEqualTo("record-0");
        assertThat(values.get(149)).isEqualTo("record-149");
    }

    @Test
    void recordProducedWithAcksAllBeforeABrokerRestartIsConsumedAfterIt() throws Exception {
        KafkaAwait.createTopic(admin, "acks-all", Map.of(0, List.of(1, 2, 0)));
        RecordMetadata written;
        try (KafkaProducer<String, String> producer = producer()) {
            written = producer.send(new ProducerRecord<>("acks-all", 0, "key", "survives")).get();
        }

        kafka.restartBroker(1);
        kafka.awaitFullIsr("acks-all");

        List<ConsumerRecord<String, String>> records = consumeAll("acks-all", 0);
        assertThat(records).hasSize(1);
        assertThat(records.get(0).offset()).isEqualTo(written.offset());
        assertThat(records.get(0).value()).isEqualTo("survives");
    }

    @Test
    void brokerAddedToTheRunningClusterRegistersWithItsRack() {
        kafka.addBroker(3, "a");

        assertThat(KafkaAwait.racks(admin)).containsEntry(3, "a");
        assertThat(kafka.bootstrapServers()).contains(kafka.address(3));

        kafka.stopAndUnregister(3);
    }

    @Test
    void stoppedBrokerUnregisteredDisappearsFromDescribeCluster() {
        kafka.addBroker(4, "b");
        kafka.stopBroker(4);
        // Stopped but still registered: the controller keeps it as fenced.
        KafkaAwait.polling("broker 4 fenced").untilAsserted(() ->
                assertThat(KafkaAwait.registrationsIncludingFenced(admin)).containsEntry(4, true));

        kafka.stopAndUnregister(4);

        assertThat(KafkaAwait.registrationsIncludingFenced(admin)).doesNotContainKey(4);
        assertThat(KafkaAwait.registeredBrokers(admin)).doesNotContain(4);
        assertThat(kafka.brokerIds()).doesNotContain(4);
    }

    private static void produce(String topic, int first, int count) {
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = first; i < first + count; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "k" + i, "record-" + i));
            }
            producer.flush();
        }
    }

    private static KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10000,
                ProducerConfig.LINGER_MS_CONFIG, 0),
                new StringSerializer(), new StringSerializer());
    }

    /** Reads a partition from the beginning to its end offset, without a consumer group. */
    private static List<ConsumerRecord<String, String>> consumeAll(String topic, int partition) {
        TopicPartition tp = new TopicPartition(topic, partition);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(10)).get(tp);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            KafkaAwait.polling("read " + tp + " up to offset " + end).until(() -> {
                consumer.poll(Duration.ofMillis(200)).records(tp).forEach(records::add);
                return consumer.position(tp) >= end;
            });
            return records;
        }
    }
}
