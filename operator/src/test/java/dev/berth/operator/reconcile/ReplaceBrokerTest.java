package dev.berth.operator.reconcile;

import static dev.berth.operator.reconcile.OperatorFixture.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.operator.api.BrokersSpec;
import dev.berth.operator.api.ControllersSpec;
import dev.berth.operator.api.KafkaClusterSpec;
import dev.berth.operator.api.RebalanceSpec;
import dev.berth.testbed.k8s.KubeApiTestBed;
import dev.berth.testbed.kafka.KafkaAwait;
import dev.berth.testbed.kafka.KafkaRecords;
import dev.berth.testbed.kafka.KafkaTestCluster;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replacing a broker: {@code brokers.remove: [0]} with the count kept at 3, on topics of RF 3.
 * The operator creates broker 3, drains 0 onto the others and removes it. Real KRaft brokers, the
 * Kubernetes API bed, {@link BrokerPodGlue} playing kubelet.
 *
 * <p>Before, the scale-down looked before broker 3 had registered, found that two brokers cannot
 * hold RF 3, and raised a Warning {@code ScaleDownRefused} ("nothing changed ... To fix") for a
 * spec that was right; now it waits for the new broker with {@code WaitingForNewBrokers}.
 */
class ReplaceBrokerTest {
    static final String NS = "kafka";
    static final String NAME = "swap";
    static final Duration WAIT = Duration.ofSeconds(90);
    static final Map<Integer, String> RACKS = Map.of(0, "a", 1, "b", 2, "c", 3, "a");

    static KafkaTestCluster kafka;
    static KubeApiTestBed bed;
    static Operator operator;
    static BrokerPodGlue glue;
    static CoreV1Api core;

    @BeforeAll
    static void start() throws Exception {
        kafka = KafkaTestCluster.builder().broker(0, "a").broker(1, "b").broker(2, "c").start();
        KafkaAwait.get(kafka.admin().createTopics(List.of(new NewTopic("orders", 6, (short) 3)
                .configs(Map.of("min.insync.replicas", "2")))).all());
        kafka.awaitFullIsr("orders");
        for (int p = 0; p < 6; p++) {
            KafkaRecords.produce(kafka.bootstrapServers(), "orders", p, 0, 200, 500);
        }
        bed = KubeApiTestBed.start();
        bed.load(OperatorFixture.CRD);
        core = new CoreV1Api(bed.apiClient());
        glue = new BrokerPodGlue(bed, kafka, NS, NAME, RACKS);
        operator = new Operator(bed.informerClient(), bed.apiClient(),
                OperatorFixture.config(NS, kafka.bootstrapServers(), "berth-operator", "op-swap"),
                List.of(new ScaleDownStep(), new ScaleUpStep()), Clock.systemUTC());
        operator.start();
        OperatorFixture.create(bed, NS, NAME, new KafkaClusterSpec(null, null, null, new ControllersSpec(1, null),
                new BrokersSpec(3, null, null, null), null, new RebalanceSpec(50_000_000L, RebalanceSpec.OnScale.Rebalance)));
        await("ready").atMost(WAIT).until(() -> get(bed, NS, NAME).getStatus() != null && get(bed, NS, NAME)
                .getStatus().conditions().stream().anyMatch(c -> c.type().equals("Ready") && c.isTrue()));
    }

    @AfterAll
    static void stop() {
        System.out.println("glue: " + (glue == null ? "-" : glue.log));
        OperatorFixture.closeAll(operator, glue, bed, kafka);
    }

    @Test
    void aReplacedBrokerIsDrainedOntoItsSuccessorWithoutARefusal() throws Exception {
        OperatorFixture.clusters(bed).patch(NS, NAME, V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                new V1Patch("{\"spec\":{\"brokers\":{\"remove\":[0]}}}")).throwsApiException();
        await("broker 0 replaced by broker 3").atMost(WAIT).until(() ->
                !KafkaAwait.registrationsIncludingFenced(kafka.admin()).containsKey(0)
                        && KafkaAwait.registeredBrokers(kafka.admin()).contains(3)
                        && get(bed, NS, NAME).getStatus().operation() == null);
        for (TopicPartitionInfo p : KafkaAwait.describeTopic(kafka.admin(), "orders").partitions()) {
            assertThat(new TreeSet<>(KafkaAwait.ids(p.replicas()))).as("partition %d", p.partition())
                    .containsExactly(1, 2, 3);
        }
        for (int p = 0; p < 6; p++) {
            assertThat(KafkaRecords.consumeAll(kafka.bootstrapServers(), new TopicPartition("orders", p))).hasSize(200);
        }
        Set<String> reasons = new TreeSet<>();
        core.listNamespacedEvent(NS).execute().getItems().forEach(e -> reasons.add(e.getReason()));
        assertThat(reasons).contains("ScaleDownStarted", "ScaleDownComplete").doesNotContain("ScaleDownRefused");
    }
}
