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
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A broker lost with its node, then named in {@code spec.brokers.remove}: the operator drains it
 * although it is down (Kafka reassigns away from it), verifies it empty without its log dirs (it
 * cannot answer), unregisters it and deletes its pod and PVC. Real KRaft brokers, the Kubernetes API
 * bed, and {@link BrokerPodGlue} playing kubelet; {@link BrokerPodGlue#lose} stops the broker as a
 * lost node would and never starts it again.
 *
 * <p>Before, a named broker that Kafka did not list as live was dropped from the removal without a
 * word: its replicas stayed on an id that never came back, and every later plan was refused.
 */
class LostBrokerRemovalTest {
    static final String NS = "kafka";
    static final String NAME = "lost";
    static final Duration WAIT = Duration.ofSeconds(90);
    static final Map<Integer, String> RACKS = Map.of(0, "a", 1, "b", 2, "c", 3, "a");
    static final int LOST = 3;

    static KafkaTestCluster kafka;
    static KubeApiTestBed bed;
    static Operator operator;
    static BrokerPodGlue glue;
    static String bootstrap;
    static CoreV1Api core;

    @BeforeAll
    static void start() throws Exception {
        kafka = KafkaTestCluster.builder().broker(0, "a").broker(1, "b").broker(2, "c").broker(3, "a").start();
        bootstrap = kafka.bootstrapServers();
        // every partition has a replica in each rack; the rack-a one is on broker 3 for half of them
        KafkaAwait.createTopic(kafka.admin(), "orders", Map.of(0, List.of(3, 1, 2), 1, List.of(1, 2, 3),
                2, List.of(2, 3, 1), 3, List.of(0, 1, 2)));
        kafka.awaitFullIsr("orders");
        for (int p = 0; p < 4; p++) {
            KafkaRecords.produce(bootstrap, "orders", p, 0, 200, 500);
        }
        bed = KubeApiTestBed.start();
        bed.load(OperatorFixture.CRD);
        core = new CoreV1Api(bed.apiClient());
        glue = new BrokerPodGlue(bed, kafka, NS, NAME, RACKS);
        operator = new Operator(bed.informerClient(), bed.apiClient(),
                OperatorFixture.config(NS, bootstrap, "berth-operator", "op-lost"),
                List.of(new ScaleDownStep(), new ScaleUpStep()), Clock.systemUTC());
        operator.start();
        OperatorFixture.create(bed, NS, NAME, new KafkaClusterSpec(null, null, null, new ControllersSpec(1, null),
                new BrokersSpec(4, null, null, null), null, new RebalanceSpec(50_000_000L, RebalanceSpec.OnScale.Rebalance)));
        await("4 broker pods").atMost(WAIT).until(() -> OperatorFixture.pods(bed, NS, NAME).stream()
                .filter(p -> p.getMetadata().getName().contains("-broker-")).count() == 4);
    }

    @AfterAll
    static void stop() {
        System.out.println("glue: " + (glue == null ? "-" : glue.log));
        OperatorFixture.closeAll(operator, glue, bed, kafka);
    }

    @Test
    void aBrokerLostWithItsNodeIsDrainedUnregisteredAndItsPodAndPvcDeleted() throws Exception {
        glue.lose(LOST);
        await("Kafka fences the lost broker").atMost(WAIT)
                .until(() -> Boolean.TRUE.equals(KafkaAwait.registrationsIncludingFenced(kafka.admin()).get(LOST)));
        assertThat(replicasOf("orders").values()).anyMatch(r -> r.contains(LOST)); // its replicas are still listed

        OperatorFixture.clusters(bed).patch(NS, NAME, V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                new V1Patch("{\"spec\":{\"brokers\":{\"replicas\":3,\"remove\":[" + LOST + "]}}}")).throwsApiException();

        await("the lost broker is drained and removed").atMost(WAIT).until(() ->
                !KafkaAwait.registrationsIncludingFenced(kafka.admin()).containsKey(LOST)
                        && get(bed, NS, NAME).getStatus().operation() == null);
        assertThat(replicasOf("orders").values()).allSatisfy(r -> assertThat(r).hasSize(3).doesNotContain(LOST));
        for (List<Integer> r : replicasOf("orders").values()) {
            assertThat(new TreeSet<>(r.stream().map(RACKS::get).toList())).as("one replica per rack").hasSize(3);
        }
        for (int p = 0; p < 4; p++) {
            assertThat(KafkaRecords.consumeAll(bootstrap, new TopicPartition("orders", p))).hasSize(200);
        }
        assertThat(OperatorFixture.pods(bed, NS, NAME)).extracting(p -> p.getMetadata().getName())
                .doesNotContain(NAME + "-broker-" + LOST);
        assertThat(core.listNamespacedPersistentVolumeClaim(NS).execute().getItems())
                .extracting(p -> p.getMetadata().getName()).doesNotContain("data-" + NAME + "-broker-" + LOST);
        Set<String> reasons = new TreeSet<>();
        core.listNamespacedEvent(NS).execute().getItems().forEach(e -> reasons.add(e.getReason()));
        assertThat(reasons).contains("ScaleDownStarted", "ScaleDownVerified", "ScaleDownComplete");
        OperationStatus none = get(bed, NS, NAME).getStatus().operation();
        assertThat(none).isNull();
        assertThat(glue.log).contains("broker " + LOST + " lost with its node")
                .noneMatch(l -> l.startsWith("glue error") || l.startsWith("start broker " + LOST));
    }

    static Map<Integer, List<Integer>> replicasOf(String topic) {
        Map<Integer, List<Integer>> out = new java.util.TreeMap<>();
        for (TopicPartitionInfo p : KafkaAwait.describeTopic(kafka.admin(), topic).partitions()) {
            out.put(p.partition(), KafkaAwait.ids(p.replicas()));
        }
        return out;
    }
}
