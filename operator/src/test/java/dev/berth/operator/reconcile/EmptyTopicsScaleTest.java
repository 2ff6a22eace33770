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
import dev.berth.testbed.kafka.KafkaTestCluster;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scale 3 → 4 → 3 while the topics hold no byte yet, as in a cluster just created. Real KRaft
 * brokers, the Kubernetes API bed, {@link BrokerPodGlue} playing kubelet.
 *
 * <p>Before, a move of 0 bytes counted as "under the threshold" ({@code 0 <= 2 % of 0}), so a plan
 * of empty partitions was declared done without being executed. The scale-up then started again on
 * every reconcile (a ScaleUpStarted and a ScaleUpBalanced event several times a second, the new
 * broker never given a replica), and a drain went from Verifying back to Draining for ever.
 */
class EmptyTopicsScaleTest {
    static final String NS = "kafka";
    static final String NAME = "fresh";
    static final Duration WAIT = Duration.ofSeconds(90);
    static final Map<Integer, String> RACKS = Map.of(0, "a", 1, "b", 2, "c", 3, "d");

    static KafkaTestCluster kafka;
    static KubeApiTestBed bed;
    static Operator operator;
    static BrokerPodGlue glue;
    static CoreV1Api core;

    @BeforeAll
    static void start() throws Exception {
        kafka = KafkaTestCluster.builder().broker(0, "a").broker(1, "b").broker(2, "c").start();
        KafkaAwait.get(kafka.admin().createTopics(List.of(new NewTopic("orders", 12, (short) 3))).all());
        kafka.awaitFullIsr("orders");
        bed = KubeApiTestBed.start();
        bed.load(OperatorFixture.CRD);
        core = new CoreV1Api(bed.apiClient());
        glue = new BrokerPodGlue(bed, kafka, NS, NAME, RACKS);
        operator = new Operator(bed.informerClient(), bed.apiClient(),
                OperatorFixture.config(NS, kafka.bootstrapServers(), "berth-operator", "op-fresh"),
                List.of(new ScaleDownStep(), new ScaleUpStep()), Clock.systemUTC());
        operator.start();
        OperatorFixture.create(bed, NS, NAME, new KafkaClusterSpec(null, null, null, new ControllersSpec(1, null),
                new BrokersSpec(3, null, null, null), null, new RebalanceSpec(50_000_000L, RebalanceSpec.OnScale.Rebalance)));
        await("3 broker pods").atMost(WAIT).until(() -> OperatorFixture.pods(bed, NS, NAME).stream()
                .filter(p -> p.getMetadata().getName().contains("-broker-")).count() == 3);
    }

    @AfterAll
    static void stop() {
        System.out.println("glue: " + (glue == null ? "-" : glue.log));
        OperatorFixture.closeAll(operator, glue, bed, kafka);
    }

    @Test
    void emptyPartitionsAreSpreadOntoANewBrokerOnceAndDrainedOffALeavingOne() throws Exception {
        OperatorFixture.clusters(bed).patch(NS, NAME, V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                new V1Patch("{\"spec\":{\"brokers\":{\"replicas\":4}}}")).throwsApiException();
        await("broker 3 gets its share of the empty partitions").atMost(WAIT)
                .until(() -> replicasPerBroker().getOrDefault(3, 0) == 9 && get(bed, NS, NAME).getStatus().operation() == null);
        assertThat(replicasPerBroker()).containsExactlyInAnyOrderEntriesOf(Map.of(0, 9, 1, 9, 2, 9, 3, 9));
        assertThat(eventCount("ScaleUpStarted")).isEqualTo(1);
        assertThat(eventCount("ScaleUpBalanced")).isEqualTo(1);

        OperatorFixture.clusters(bed).patch(NS, NAME, V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                new V1Patch("{\"spec\":{\"brokers\":{\"replicas\":3,\"remove\":[3]}}}")).throwsApiException();
        await("broker 3 drained, verified and removed").atMost(WAIT).until(() ->
                !KafkaAwait.registrationsIncludingFenced(kafka.admin()).containsKey(3)
                        && get(bed, NS, NAME).getStatus().operation() == null);
        assertThat(replicasPerBroker()).containsExactlyInAnyOrderEntriesOf(Map.of(0, 12, 1, 12, 2, 12));
        assertThat(eventCount("ScaleDownComplete")).isEqualTo(1);
        assertThat(eventCount("ScaleUpStarted")).as("no scale-up started again").isEqualTo(1);
    }

    static Map<Integer, Integer> replicasPerBroker() {
        Map<Integer, Integer> out = new TreeMap<>();
        for (TopicPartitionInfo p : KafkaAwait.describeTopic(kafka.admin(), "orders").partitions()) {
            KafkaAwait.ids(p.replicas()).forEach(b -> out.merge(b, 1, Integer::sum));
        }
        return out;
    }

    static long eventCount(String reason) throws Exception {
        return core.listNamespacedEvent(NS).execute().getItems().stream()
                .filter(e -> reason.equals(e.getReason()))
                .mapToLong(e -> e.getCount() == null ? 1 : e.getCount()).sum();
    }
}
