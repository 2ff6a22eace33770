package dev.berth.operator.act;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.operator.plan.ThrottlePlan;
import dev.berth.testbed.kafka.KafkaAwait;
import dev.berth.testbed.kafka.KafkaBed;
import dev.berth.testbed.kafka.KafkaTestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link DrainVerifier} against real KRaft brokers 0..3, for what {@code ReassignmentExecutorTest} does not
 * reach: the findings' cap, and a broker that is down. Broker 3 holds only the cap test's topics, broker 2
 * only the down-broker test's.
 */
class DrainVerifierTest {
    @RegisterExtension
    static final KafkaBed KAFKA = new KafkaBed(KafkaTestCluster.builder().broker(0, "a").broker(1, "b").broker(2, "c")
            .broker(3, "a"));

    /** Ten partitions on broker 3 are twenty findings (a replica and a log each): all shown; eleven are not. */
    @Test
    void twentyFindingsAreShownAndMoreAreCounted() {
        KafkaAwait.createTopic(KAFKA.admin(), "ten", onBroker3(10));
        DrainVerifier verifier = new DrainVerifier(KAFKA.admin());
        await("ten replicas and ten logs").atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(verifier.verify(3).findings()).hasSize(20)
                        .filteredOn(f -> f.startsWith("log ten-")).hasSize(10));
        assertThat(verifier.verify(3).findings()).noneMatch(f -> f.startsWith("and "));

        KafkaAwait.createTopic(KAFKA.admin(), "eleventh", onBroker3(1));
        await("two findings more, counted").atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            DrainVerifier.DrainReport r = verifier.verify(3);
            assertThat(r.empty()).isFalse();
            assertThat(r.findings()).hasSize(21).endsWith("and 2 more");
            assertThat(r.findings().subList(0, 20)).allMatch(f -> f.startsWith("replica ") || f.startsWith("log "));
        });
    }

    /**
     * Any reassignment in flight, of any broker, holds a removal back: it may still add the leaving broker,
     * or read from it. One throttled to 1 KB/s over about 3 MB runs long enough to be seen.
     */
    @Test
    void aReassignmentInFlightAnywhereIsAFinding() {
        KafkaAwait.createTopic(KAFKA.admin(), "moving", Map.of(0, List.of(0)));
        produce("moving", 30_000);
        ThrottlePlan slow = new ThrottlePlan(Set.of(0, 1), Map.of("moving", "*"), Map.of("moving", "*"));
        try {
            new Throttles(KAFKA.admin()).alterThrottles(slow, 1_000);
            KafkaAwait.get(KAFKA.admin().alterPartitionReassignments(Map.of(new TopicPartition("moving", 0),
                    Optional.of(new NewPartitionReassignment(List.of(1))))).all());

            DrainVerifier.DrainReport r = new DrainVerifier(KAFKA.admin()).verify(3);

            assertThat(r.findings()).contains("reassignment moving-0").noneMatch(f -> f.startsWith("replica moving"));
            assertThat(r.empty()).isFalse();
        } finally {
            KafkaAwait.get(KAFKA.admin().alterPartitionReassignments(Map.of(new TopicPartition("moving", 0),
                    Optional.empty())).all());
            await("the move called off").atMost(Duration.ofSeconds(30))
                    .until(() -> KafkaAwait.get(KAFKA.admin().listPartitionReassignments().reassignments()).isEmpty());
            new Throttles(KAFKA.admin()).clearThrottles(slow, List.of("moving"));
        }
    }

    /**
     * A broker that is down (fenced after its shutdown) cannot answer describeLogDirs, and serves nothing:
     * its verdict rests on the replica lists alone, with no "describeLogDirs failed" finding that would
     * hold a lost broker's removal for ever. The same broker is the preferred leader of a partition: a
     * preferred election for it fails and is counted, while one that is not needed is not.
     */
    @Test
    void aBrokerThatIsDownIsJudgedByTheReplicaListsAndCannotBeElected() {
        KafkaAwait.createTopic(KAFKA.admin(), "onDown", Map.of(0, List.of(2, 0)));
        KafkaAwait.createTopic(KAFKA.admin(), "settled", Map.of(0, List.of(0, 1)));
        KafkaAwait.awaitFullIsr(KAFKA.admin(), "onDown");
        KafkaAwait.awaitFullIsr(KAFKA.admin(), "settled");
        DrainVerifier verifier = new DrainVerifier(KAFKA.admin());
        await("a running broker's logs are read").atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(verifier.verify(2).findings()).containsExactly("replica onDown-0", "log onDown-0 (0 bytes)"));
        KAFKA.cluster().stopBroker(2);
        try {
            await("broker 2 fenced").atMost(Duration.ofSeconds(20))
                    .until(() -> !Boolean.FALSE.equals(KafkaAwait.registrationsIncludingFenced(KAFKA.admin()).get(2)));
            assertThat(verifier.verify(2).findings()).containsExactly("replica onDown-0");

            assertThat(Leadership.electPreferred(KAFKA.admin(), Set.of(new TopicPartition("onDown", 0))))
                    .as("its preferred leader is down").isEqualTo(1);
            assertThat(Leadership.electPreferred(KAFKA.admin(), Set.of(new TopicPartition("settled", 0))))
                    .as("led by its preferred leader already: not needed, not a failure").isZero();
            assertThat(Leadership.electPreferred(KAFKA.admin(), Set.of())).isZero();
        } finally {
            KAFKA.cluster().restartBroker(2);
        }
    }

    static void produce(String topic, int records) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "k" + i, "v".repeat(100) + i));
            }
            producer.flush();
        }
    }

    static Map<Integer, List<Integer>> onBroker3(int partitions) {
        Map<Integer, List<Integer>> out = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            out.put(p, new ArrayList<>(List.of(3)));
        }
        return out;
    }
}
