package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.act.desired.DesiredPods;
import dev.berth.operator.api.BrokersSpec;
import dev.berth.operator.api.Condition;
import dev.berth.operator.api.ControllersSpec;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.api.KafkaClusterSpec;
import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.model.BrokerState;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.KafkaObservation;
import dev.berth.operator.observe.KafkaView;
import dev.berth.operator.observe.KubeView;
import dev.berth.testbed.kafka.KafkaTestCluster;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link RestartGate}'s one-broker-down-at-a-time check asks the pods as well as Kafka: Kafka's last
 * observation still lists a broker whose pod is being evicted, or hangs, in every ISR until it is fenced.
 * Broker 0 is to restart; brokers 1 and 2 are registered and in every ISR of the snapshot (it has no
 * partitions), and broker 2's pod is each row's. The Admin is a real broker's (nothing is reassigning).
 */
class RestartGatePodsTest {
    static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
    static final KafkaCluster CLUSTER = new KafkaCluster(new V1ObjectMeta().name("demo").namespace("kafka").uid("6f1c2b7e-3d4a-4b5c-8d9e-0f1a2b3c4d5e")
            .generation(1L), KafkaClusterSpec.defaults().withControllers(new ControllersSpec(1, null))
                    .withBrokers(new BrokersSpec(3, null, null, null)));
    static KafkaTestCluster kafka;

    @BeforeAll
    static void start() {
        kafka = KafkaTestCluster.builder().broker(0, "a").start();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    record Row(String pod2, UnaryOperator<V1Pod> state, String blocked) {}

    @Test
    void aBrokerWhosePodIsDownHoldsTheRestartEvenWhileKafkaStillCountsIt() throws Exception {
        String down = "Waiting to restart broker 0: the pods of brokers [2] are missing, not Ready or being deleted.";
        Row[] rows = {
            new Row("Ready", p -> p, null),
            new Row("being deleted (an eviction)", p -> {
                p.getMetadata().deletionTimestamp(OffsetDateTime.ofInstant(T0, ZoneOffset.UTC));
                return p;
            }, down),
            new Row("not Ready (its probe fails)", p -> p.status(new V1PodStatus().conditions(List.of(
                    new V1PodCondition().type("Ready").status("False")))), down),
            new Row("missing", p -> null, down),
        };
        for (Row r : rows) {
            StepResult waiting = RestartGate.waiting(context(r.state()), restarting(), snapshot(0, 1, 2), 0);
            if (r.blocked() == null) {
                assertThat(waiting).as(r.pod2()).isNull();
                continue;
            }
            assertThat(waiting).as(r.pod2()).isNotNull();
            Condition c = waiting.conditions().get(0);
            assertThat(List.of(c.reason(), c.message())).as(r.pod2()).containsExactly("OtherBrokersBehind",
                    r.blocked() + " It goes on by itself once they are; to replace a lost broker, name it in"
                            + " spec.brokers.remove (the restart makes way).");
        }

        StepResult both = RestartGate.waiting(context(p -> null), restarting(), snapshot(0, 2), 0);
        assertThat(both.operation().message()).as("broker 1 unregistered, broker 2's pod missing")
                .isEqualTo("Waiting to restart broker 0: brokers [1] are not back in every ISR, and the pods of"
                        + " brokers [2] are missing, not Ready or being deleted.");
    }

    static OperationStatus restarting() {
        return new OperationStatus(RestartStep.TYPE, RestartStep.WAITING_SAFE, List.of(0, 1, 2), null, null, 0, null,
                T0.toString(), null, Map.of());
    }

    static ClusterSnapshot snapshot(int... ids) {
        List<BrokerState> brokers = new java.util.ArrayList<>();
        for (int id : ids) {
            brokers.add(new BrokerState(id, "a", "127.0.0.1", 9092));
        }
        return new ClusterSnapshot(T0, brokers, Map.of(), List.of());
    }

    /** Pods 0 and 1 Ready; pod 2 as {@code pod2} leaves a Ready one (null: no pod). */
    static StepContext context(UnaryOperator<V1Pod> pod2) {
        Map<String, V1Pod> pods = new HashMap<>();
        for (int id = 0; id <= 2; id++) {
            V1Pod p = DesiredPods.broker(CLUSTER, id, "a");
            p.getMetadata().uid("uid-" + id);
            p.status(new V1PodStatus().conditions(List.of(new V1PodCondition().type("Ready").status("True"))));
            V1Pod shown = id == 2 ? pod2.apply(p) : p;
            if (shown != null) {
                pods.put(shown.getMetadata().getName(), shown);
            }
        }
        KafkaView view = new KafkaView(new KafkaObservation(snapshot(0, 1, 2), Map.of(), null), null, T0);
        return new StepContext(CLUSTER, new KubeView(pods, Map.of(), Map.of(), Map.of(), null), view, kafka.admin(),
                new TreeSet<>(List.of(0, 1, 2)), restarting(), null, Clock.fixed(T0, ZoneOffset.UTC), new StepEvents());
    }
}
