package dev.berth.operator.reconcile;

import static dev.berth.operator.reconcile.OperatorFixture.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.operator.api.BrokersSpec;
import dev.berth.operator.api.ControllersSpec;
import dev.berth.operator.api.KafkaClusterSpec;
import dev.berth.operator.api.OperationStatus;
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
 * The new broker of a scale-up is lost with its node while data moves onto it, and the user names
 * it in {@code brokers.remove}. Real KRaft brokers, the Kubernetes API bed, {@link BrokerPodGlue}
 * playing kubelet ({@link BrokerPodGlue#lose} stops a broker for good).
 *
 * <p>Before, the scale-up waited for ever on moves onto a broker that never came back, and the
 * scale-down that would remove it waited for the scale-up: the cluster stayed in ScaleUp with
 * partitions of four replicas. Now the scale-up cancels the moves onto the unwanted broker and ends,
 * and the scale-down drains and removes it.
 */
class LostNewBrokerTest {
    static final String NS = "kafka";
    static final String NAME = "gone";
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
            // 1.2 MB a partition: a replica fetch copies 1 MB before the throttle holds it back
            KafkaRecords.produce(kafka.bootstrapServers(), "orders", p, 0, 2400, 500);
        }
        bed = KubeApiTestBed.start();
        bed.load(OperatorFixture.CRD);
        core = new CoreV1Api(bed.apiClient());
        glue = new BrokerPodGlue(bed, kafka, NS, NAME, RACKS);
        operator = new Operator(bed.informerClient(), bed.apiClient(),
                OperatorFixture.config(NS, kafka.bootstrapServers(), "berth-operator", "op-gone"),
                List.of(new ScaleDownStep(), new ScaleUpStep()), Clock.systemUTC());
        operator.start();
        // 20 KB/s: the last 0.2 MB of a partition take about 10 s, so the loss comes mid-move
        OperatorFixture.create(bed, NS, NAME, new KafkaClusterSpec(null, null, null, new ControllersSpec(1, null),
                new BrokersSpec(3, null, null, null), null, new RebalanceSpec(20_000L, RebalanceSpec.OnScale.Rebalance)));
        await("3 broker pods").atMost(WAIT).until(() -> OperatorFixture.pods(bed, NS, NAME).stream()
                .filter(p -> p.getMetadata().getName().contains("-broker-")).count() == 3);
    }

    @AfterAll
    static void stop() {
        System.out.println("glue: " + (glue == null ? "-" : glue.log));
        OperatorFixture.closeAll(operator, glue, bed, kafka);
    }

    @Test
    void aNewBrokerLostMidScaleUpAndNamedForRemovalEndsTheScaleUpAndIsRemoved() throws Exception {
        OperatorFixture.clusters(bed).patch(NS, NAME, V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                new V1Patch("{\"spec\":{\"brokers\":{\"replicas\":4}}}")).throwsApiException();
        await("the scale-up moves data onto broker 3").atMost(WAIT).until(() -> {
            OperationStatus op = get(bed, NS, NAME).getStatus().operation();
            return op != null && OperationStatus.SCALE_UP.equals(op.type())
                    && !kafka.admin().listPartitionReassignments().reassignments().get().isEmpty();
        });
        glue.lose(3);
        await("Kafka fences broker 3").atMost(WAIT)
                .until(() -> Boolean.TRUE.equals(KafkaAwait.registrationsIncludingFenced(kafka.admin()).get(3)));

        OperatorFixture.clusters(bed).patch(NS, NAME, V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, new V1Patch(
                "{\"spec\":{\"brokers\":{\"replicas\":3,\"remove\":[3]},\"rebalance\":{\"throttleBytesPerSec\":50000000}}}"))
                .throwsApiException();
        await("broker 3 drained, unregistered and its pod gone").atMost(WAIT).until(() ->
                !KafkaAwait.registrationsIncludingFenced(kafka.admin()).containsKey(3)
                        && get(bed, NS, NAME).getStatus().operation() == null
                        && kafka.admin().listPartitionReassignments().reassignments().get().isEmpty());
        for (TopicPartitionInfo p : KafkaAwait.describeTopic(kafka.admin(), "orders").partitions()) {
            assertThat(KafkaAwait.ids(p.replicas())).as("partition %d", p.partition()).hasSize(3).doesNotContain(3);
        }
        for (int p = 0; p < 6; p++) {
            assertThat(KafkaRecords.consumeAll(kafka.bootstrapServers(), new TopicPartition("orders", p))).hasSize(2400);
        }
        Set<String> reasons = new TreeSet<>();
        core.listNamespacedEvent(NS).execute().getItems().forEach(e -> reasons.add(e.getReason()));
        assertThat(reasons).contains("ScaleUpStarted", "ScaleUpAbandoned", "ScaleDownStarted", "ScaleDownComplete");
        assertThat(OperatorFixture.pods(bed, NS, NAME)).extracting(p -> p.getMetadata().getName())
                .doesNotContain(NAME + "-broker-3");
    }
}
