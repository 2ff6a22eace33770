package dev.berth.operator.act;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.act.desired.DesiredPods;
import dev.berth.operator.act.desired.Names;
import dev.berth.operator.api.BrokersSpec;
import dev.berth.operator.api.ControllersSpec;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.api.KafkaClusterSpec;
import dev.berth.operator.metrics.OperatorMetrics;
import dev.berth.operator.model.BrokerState;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.KafkaObservation;
import dev.berth.operator.model.PartitionState;
import dev.berth.operator.observe.KubeView;
import dev.berth.testbed.k8s.KubeApiTestBed;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.util.PatchUtils;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link FactsPublisher} over real HTTP against the Kubernetes API bed: each broker pod carries its Kafka
 * facts, and a pod is patched only when one of them changed. Every pass publishes, so a patch per pod per
 * pass would be a write per broker every few seconds, and a watch event for every informer on pods
 * (the extender's included).
 */
class FactsPublisherTest {
    static final String NS = "facts";
    static KubeApiTestBed bed;
    static CoreV1Api core;

    @BeforeAll
    static void start() {
        bed = KubeApiTestBed.start();
        core = new CoreV1Api(bed.apiClient());
    }

    @AfterAll
    static void stop() {
        bed.close();
    }

    @Test
    void aPublishedRateStaysWhileWithinATenthOrOneKibPerSecond() {
        record Row(String published, long now, boolean stays) {}
        for (Row r : java.util.List.of(
                new Row("120000", 110000, true), // 10,000 apart, a tenth of 120,000 is 12,000
                new Row("120000", 100000, false),
                new Row("100000", 111200, false), // 11,200 apart, over a tenth of 111,200
                new Row("300", 900, true), // under 1 KiB/s apart
                new Row("0", 1023, true),
                new Row("0", 1024, false),
                new Row("many", 5, false))) { // a hand-written value is rewritten
            assertThat(FactsPublisher.nearEnough(r.published(), r.now())).as(r.toString()).isEqualTo(r.stays());
        }
    }

    @Test
    void onlyPodsWhoseFactsChangedArePatchedAndCounted() throws Exception {
        KafkaCluster c = new KafkaCluster(new V1ObjectMeta().name("pub").namespace(NS)
                .uid("6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b").generation(1L),
                KafkaClusterSpec.defaults().withControllers(new ControllersSpec(1, null))
                        .withBrokers(new BrokersSpec(4, null, null, null)));
        for (int id = 0; id < 3; id++) {
            core.createNamespacedPod(NS, DesiredPods.broker(c, id, "r" + id)).execute();
        }
        // broker 2's pod is going (a finalizer holds it): its facts do not matter any more
        String going = Names.brokerPod("pub", 2);
        PatchUtils.patch(V1Pod.class, () -> core.patchNamespacedPod(going, NS,
                new V1Patch("{\"metadata\":{\"finalizers\":[\"test.berth.dev/hold\"]}}")).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, bed.apiClient());
        core.deleteNamespacedPod(going, NS).execute();
        FactsPublisher publisher = new FactsPublisher(new KubeWriter(bed.apiClient(), Clock.systemUTC()));
        // broker 0 leads two partitions, broker 1 one; broker 3 leads one and has no pod
        KafkaObservation first = observation(Map.of(0, 120.0, 1, 30.0, 3, 5.0));
        double counted = OperatorMetrics.FACTS_PUBLISHED.get();

        assertThat(publisher.publish(view(), first)).as("brokers 0 and 1").isEqualTo(2);
        assertThat(OperatorMetrics.FACTS_PUBLISHED.get() - counted).isEqualTo(2.0);
        assertThat(facts()).isEqualTo(Map.of(
                "pub-broker-0", "leaders=2 bytesIn=120",
                "pub-broker-1", "leaders=1 bytesIn=30",
                "pub-broker-2", "leaders=null bytesIn=null"));
        Map<String, String> versions = versions();

        assertThat(publisher.publish(view(), first)).as("nothing changed").isZero();
        assertThat(versions()).as("no pod written").isEqualTo(versions);

        KafkaObservation jitter = observation(Map.of(0, 120.0, 1, 31.0, 3, 5.0));
        assertThat(publisher.publish(view(), jitter)).as("a rate's jitter is not a write per observation").isZero();
        assertThat(versions()).isEqualTo(versions);

        KafkaObservation second = observation(Map.of(0, 120.0, 1, 4000.0, 3, 5.0));
        assertThat(publisher.publish(view(), second)).as("broker 1's bytes-in changed").isEqualTo(1);
        assertThat(versions().get("pub-broker-0")).isEqualTo(versions.get("pub-broker-0"));
        assertThat(facts().get("pub-broker-1")).isEqualTo("leaders=1 bytesIn=4000");
        assertThat(OperatorMetrics.FACTS_PUBLISHED.get() - counted).isEqualTo(3.0);

        assertThat(publisher.publish(view(), null)).as("no observation yet").isZero();


        // a pod the view still shows but the API no longer has (a failed pod the same pass deleted): skipped,
        // where its 404 failed the apply stage and held every day-2 step for the pass
        KubeView stale = view();
        core.deleteNamespacedPod(Names.brokerPod("pub", 1), NS).execute();
        assertThat(publisher.publish(stale, observation(Map.of(0, 120.0, 1, 99.0, 3, 5.0)))).isZero();

        // an operator's first observation (after a start or a fail-over) reads every rate as 0: the published
        // bytes-in stay as they were, and the leader counts are written
        KafkaObservation restarted = observation(Map.of(3, 0.0));
        KafkaObservation firstAfterStart = new KafkaObservation(restarted.snapshot(), restarted.bytesByBroker(),
                restarted.quorum(), false);
        assertThat(publisher.publish(view(), firstAfterStart)).as("broker 0 leads nothing now").isEqualTo(1);
        assertThat(facts()).containsEntry("pub-broker-0", "leaders=0 bytesIn=120");
    }

    /**
     * Partitions {@code t-0} and {@code t-1} led by broker 0 (bytes-in split evenly), and one partition led
     * by each other broker of {@code bytesIn}; every broker 0..3 registered.
     */
    static KafkaObservation observation(Map<Integer, Double> bytesIn) {
        List<PartitionState> partitions = new java.util.ArrayList<>();
        new TreeMap<>(bytesIn).forEach((leader, in) -> {
            int copies = leader == 0 ? 2 : 1;
            for (int i = 0; i < copies; i++) {
                String topic = "t" + leader;
                partitions.add(new PartitionState(topic, i, List.of(leader), leader, List.of(leader), 1_000, in / copies));
            }
        });
        List<BrokerState> brokers = List.of(0, 1, 2, 3).stream().map(id -> new BrokerState(id, "r" + id, "h", 9092)).toList();
        return new KafkaObservation(new ClusterSnapshot(Instant.EPOCH, brokers, Map.of(), partitions), Map.of());
    }

    static KubeView view() throws Exception {
        Map<String, V1Pod> pods = core.listNamespacedPod(NS).execute().getItems().stream()
                .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p));
        return new KubeView(pods, Map.of(), Map.of(), Map.of(), Set.of());
    }

    static Map<String, String> facts() throws Exception {
        return core.listNamespacedPod(NS).execute().getItems().stream().collect(Collectors.toMap(
                p -> p.getMetadata().getName(),
                p -> "leaders=" + KubeView.annotation(p, Names.ANN_LEADERS) + " bytesIn="
                        + KubeView.annotation(p, Names.ANN_LEADER_BYTES_IN)));
    }

    static Map<String, String> versions() throws Exception {
        return core.listNamespacedPod(NS).execute().getItems().stream()
                .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p.getMetadata().getResourceVersion()));
    }
}
