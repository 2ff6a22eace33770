package dev.berth.operator.act;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.api.BrokerStatus;
import dev.berth.operator.api.BrokersSpec;
import dev.berth.operator.api.ConditionType;
import dev.berth.operator.api.ControllersSpec;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.api.KafkaClusterSpec;
import dev.berth.operator.api.KafkaClusterStatus;
import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.act.desired.DesiredPods;
import dev.berth.operator.model.BrokerState;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.KafkaObservation;
import dev.berth.operator.model.PartitionState;
import dev.berth.operator.observe.KafkaView;
import dev.berth.operator.observe.KubeView;
import dev.berth.operator.plan.PodAction;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class StatusBuilderTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T10:00:00Z"), ZoneOffset.UTC);

    static KafkaCluster cluster() {
        return new KafkaCluster(new V1ObjectMeta().name("demo").namespace("kafka").uid("6f1c2b7e-3d4a-4b5c-8d9e-0f1a2b3c4d5e")
                .generation(4L), KafkaClusterSpec.defaults().withControllers(new ControllersSpec(1, null))
                .withBrokers(new BrokersSpec(2, null, null, null)));
    }

    static V1Pod ready(V1Pod p, String node) {
        p.getSpec().setNodeName(node);
        return p.status(new V1PodStatus().phase("Running").conditions(List.of(new V1PodCondition().type("Ready").status("True"))));
    }

    static KubeView view(V1Pod... pods) {
        Map<String, V1Pod> m = new HashMap<>();
        for (V1Pod p : pods) {
            m.put(p.getMetadata().getName(), p);
        }
        return new KubeView(m, Map.of(), Map.of(), Map.of(), Set.of());
    }

    static KafkaView kafka(int... registered) {
        List<BrokerState> brokers = new java.util.ArrayList<>();
        for (int id : registered) {
            brokers.add(new BrokerState(id, "zone-" + id, "h", 9092));
        }
        return new KafkaView(new KafkaObservation(new ClusterSnapshot(Instant.EPOCH, brokers, Map.of(),
                List.of(new PartitionState("t", 0, List.of(0, 1), 0, List.of(0, 1), 100, 12.0))), Map.of(0, 100L, 1, 90L)),
                null, Instant.EPOCH);
    }

    static KafkaClusterStatus build(KafkaCluster c, KubeView v, KafkaView k, List<PodAction> actions, OperationStatus op) {
        return StatusBuilder.build(new StatusBuilder.Inputs(c, v, k, new TreeSet<>(List.of(0, 1)), Set.of(), List.of(),
                actions, op, List.of()), CLOCK);
    }

    @Test
    void allReadyAndRegisteredIsRunningWithFactsAndRacksInRows() {
        KafkaCluster c = cluster();
        V1Pod b0 = ready(DesiredPods.broker(c, 0, "rack-x"), "n1");
        V1Pod b1 = ready(DesiredPods.broker(c, 1, null), "n2");
        V1Pod ctl = ready(DesiredPods.controller(c, 0, null), "n3");
        KafkaClusterStatus s = build(c, view(b0, b1, ctl), kafka(0, 1), List.of(), null);
        assertThat(s.phase()).isEqualTo("Running");
        assertThat(s.ready()).isEqualTo("2/2");
        assertThat(s.observedGeneration()).isEqualTo(4L);
        assertThat(s.brokers()).containsExactly(
                new BrokerStatus(0, "demo-broker-0", "n1", "rack-x", "Running", 1, 1, 100, 12), // pod annotation wins
                new BrokerStatus(1, "demo-broker-1", "n2", "zone-1", "Running", 0, 1, 90, 0)); // else Kafka's rack
        assertThat(s.condition(ConditionType.Ready).reason()).isEqualTo("AllBrokersReady");
        assertThat(s.condition(ConditionType.Reconciling).reason()).isEqualTo("Idle");
        assertThat(s.condition(ConditionType.Degraded).status()).isEqualTo("False");
    }

    @Test
    void missingPodIsReportedAsRecreatedAndTheRememberedRackIsKept() {
        KafkaCluster c = cluster();
        c.setStatus(new KafkaClusterStatus(4L, "Running", "2/2", List.of(), List.of(
                new BrokerStatus(0, "demo-broker-0", "n1", "rack-x", "Running", 1, 1, 100, 12),
                new BrokerStatus(1, "demo-broker-1", "n2", "rack-y", "Running", 0, 1, 90, 0)), List.of(), null));
        V1Pod b0 = ready(DesiredPods.broker(c, 0, "rack-x"), "n1");
        V1Pod ctl = ready(DesiredPods.controller(c, 0, null), "n3");
        KafkaClusterStatus s = build(c, view(b0, ctl), kafka(0, 1),
                List.of(new PodAction("broker", 1, PodAction.Kind.Recreate, "rack-y")), null);
        assertThat(s.brokers().get(1)).isEqualTo(new BrokerStatus(1, "demo-broker-1", null, "rack-y", "Creating", 0, 1, 90, 0));
        assertThat(s.phase()).isEqualTo("Creating");
        assertThat(s.ready()).isEqualTo("1/2");
        assertThat(s.condition(ConditionType.Reconciling).reason()).isEqualTo("RecreatingPods");
        assertThat(s.condition(ConditionType.Reconciling).message())
                .isEqualTo("Recreated broker 1 (rack rack-y) with the same id, PVC and rack.");
    }

    @Test
    void operationInFlightIsCarriedAndMarksReconciling() {
        KafkaCluster c = cluster();
        OperationStatus op = new OperationStatus("ScaleUp", "Moving", List.of(2), 10L, 100L, 1, 10,
                "2026-01-01T09:00:00Z", "moving 10 partitions onto broker 2", Map.of());
        KafkaClusterStatus s = build(c, view(ready(DesiredPods.broker(c, 0, null), "n1"), ready(DesiredPods.broker(c, 1, null),
                "n2"), ready(DesiredPods.controller(c, 0, null), "n3")), kafka(0, 1), List.of(), op);
        assertThat(s.operation()).isEqualTo(op);
        assertThat(s.condition(ConditionType.Reconciling).reason()).isEqualTo("ScaleUpInProgress");
        assertThat(s.condition(ConditionType.Reconciling).message()).isEqualTo("moving 10 partitions onto broker 2");
    }
}
