package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.act.desired.DesiredPods;
import dev.berth.operator.api.BrokersSpec;
import dev.berth.operator.api.Condition;
import dev.berth.operator.api.ConditionType;
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
import java.util.Optional;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterPartitionReassignmentsOptions;
import org.apache.kafka.clients.admin.AlterPartitionReassignmentsResult;
import org.apache.kafka.clients.admin.ForwardingAdmin;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Kafka refusing every move a scale-up submits pauses it with a reason, instead of a status that says
 * "moving" while each pass asks again in silence. Real KRaft brokers refuse the moves: the Admin client
 * sends each target with broker 99, which no broker is, as a plan meeting a broker gone since would.
 * Broker 0 holds every partition of {@code orders}, broker 1 is new and empty.
 */
class RefusedMovesTest {
    @Test
    void aScaleUpWhoseEveryMoveKafkaRefusesIsPausedWithKafkasWords() throws Exception {
        try (KafkaTestCluster kafka = KafkaTestCluster.builder().broker(0, "a").broker(1, "b").start();
                Admin redirected = new ToBroker99(kafka.bootstrapServers())) {
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
            KubeView kube = new KubeView(pods, Map.of(), Map.of(), Map.of(), null);
            OperationStatus started = new ScaleUpStep().step(new StepContext(cluster, kube, observed, kafka.admin(),
                    new TreeSet<>(List.of(0, 1)), null, null, clock, new StepEvents())).operation();
            StepEvents events = new StepEvents();

            StepResult r = new ScaleUpStep().step(new StepContext(cluster, kube, observed, redirected,
                    new TreeSet<>(List.of(0, 1)), started, null, clock, events));

            Condition blocked = r.conditions().stream().filter(c -> c.type().equals(ConditionType.ScaleUpBlocked.name()))
                    .findFirst().orElseThrow();
            assertThat(blocked.isTrue()).isTrue();
            assertThat(blocked.reason()).isEqualTo(Reshuffle.MOVES_REFUSED);
            assertThat(blocked.message()).startsWith("Kafka refuses the data moves (")
                    .contains(": reassign ").endsWith(". They are asked again every pass; look at the operator's Kafka"
                            + " permissions (Alter on the cluster) and the brokers' logs.");
            assertThat(r.operation().message()).startsWith("Paused: Kafka refuses the data moves (");
            assertThat(events.reasons()).containsExactly(ScaleEvent.DATA_MOVE_PAUSED.reason());
            assertThat(KafkaAwait.get(kafka.admin().listPartitionReassignments().reassignments())).isEmpty();
        }
    }

    /** The test brokers' Admin, sending every move's target with broker 1 replaced by 99. */
    static final class ToBroker99 extends ForwardingAdmin {
        ToBroker99(String bootstrap) {
            super(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        }

        @Override
        public AlterPartitionReassignmentsResult alterPartitionReassignments(
                Map<TopicPartition, Optional<NewPartitionReassignment>> reassignments,
                AlterPartitionReassignmentsOptions options) {
            Map<TopicPartition, Optional<NewPartitionReassignment>> to99 = new HashMap<>();
            reassignments.forEach((tp, target) -> to99.put(tp, target.map(t -> new NewPartitionReassignment(
                    t.targetReplicas().stream().map(b -> b == 1 ? 99 : b).toList()))));
            return super.alterPartitionReassignments(to99, options);
        }
    }
}
