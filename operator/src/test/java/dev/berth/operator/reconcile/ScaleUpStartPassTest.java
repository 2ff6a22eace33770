package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.act.desired.DesiredPods;
import dev.berth.operator.api.BrokersSpec;
import dev.berth.operator.api.ControllersSpec;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.api.KafkaClusterSpec;
import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.observe.KafkaObserver;
import dev.berth.operator.observe.KafkaView;
import dev.berth.operator.observe.KubeView;
import dev.berth.testbed.kafka.KafkaAwait;
import dev.berth.testbed.kafka.KafkaRecords;
import dev.berth.testbed.kafka.KafkaTestCluster;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Test;

/**
 * The pass that starts a scale-up records the operation and changes nothing in Kafka. A status write
 * refused after that pass keeps nothing (a start is a decision, {@link StatusWrites#keepOperation}), so a
 * batch submitted in it was in Kafka with no record: its throttles were never cleared, and the next pass
 * found the new broker no longer empty and never planned the rest of the spread.
 *
 * <p>Real KRaft brokers: broker 0 holds every partition of {@code orders}, broker 1 is new and empty, and
 * the spec wants both. The step runs as the pass would, from a fresh observation.
 */
class ScaleUpStartPassTest {
    @Test
    void theStartingPassSubmitsNothing() throws Exception {
        try (KafkaTestCluster kafka = KafkaTestCluster.builder().broker(0, "a").broker(1, "b").start()) {
            KafkaAwait.get(kafka.admin().createTopics(List.of(new NewTopic("orders",
                    Map.of(0, List.of(0), 1, List.of(0), 2, List.of(0), 3, List.of(0))))).all());
            for (int p = 0; p < 4; p++) {
                KafkaRecords.produce(kafka.bootstrapServers(), "orders", p, 0, 50);
            }
            KafkaCluster cluster = new KafkaCluster(new V1ObjectMeta().name("demo").namespace("kafka")
                    .uid("6f1c2b7e-3d4a-4b5c-8d9e-0f1a2b3c4d5e").generation(1L),
                    KafkaClusterSpec.defaults().withControllers(new ControllersSpec(1, null))
                            .withBrokers(new BrokersSpec(2, null, null, null)));
            Map<String, V1Pod> pods = new HashMap<>();
            for (int id = 0; id <= 1; id++) {
                V1Pod pod = DesiredPods.broker(cluster, id, null);
                pod.getMetadata().uid("pod-" + id);
                pod.status(new V1PodStatus().conditions(List.of(new V1PodCondition().type("Ready").status("True"))));
                pods.put(pod.getMetadata().getName(), pod);
            }
            Clock clock = Clock.systemUTC();
            KafkaView observed = new KafkaView(new KafkaObserver(kafka.admin(), clock).observe(), null, clock.instant());
            StepEvents events = new StepEvents();
            StepContext ctx = new StepContext(cluster, new KubeView(pods, Map.of(), Map.of(), Map.of(), null), observed,
                    kafka.admin(), new TreeSet<>(List.of(0, 1)), null, null, clock, events);

            StepResult r = new ScaleUpStep().step(ctx);

            OperationStatus op = r.operation();
            assertThat(op.type()).isEqualTo(OperationStatus.SCALE_UP);
            assertThat(op.brokers()).containsExactly(1);
            assertThat(op.details()).as("no batch recorded: none submitted").isEmpty();
            assertThat(events.reasons()).containsExactly(ScaleEvent.SCALE_UP_STARTED.reason());
            assertThat(KafkaAwait.get(kafka.admin().listPartitionReassignments().reassignments())).isEmpty();
            List<TopicPartitionInfo> partitions = KafkaAwait.get(kafka.admin().describeTopics(List.of("orders"))
                    .allTopicNames()).get("orders").partitions();
            assertThat(partitions).as("every partition where it was").allSatisfy(p ->
                    assertThat(p.replicas()).extracting(n -> n.id()).containsExactly(0));
        }
    }
}
