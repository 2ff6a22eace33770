package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.act.desired.DesiredPods;
import dev.berth.operator.api.BrokersSpec;
import dev.berth.operator.api.ControllersSpec;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.api.KafkaClusterSpec;
import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.model.BrokerState;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.KafkaObservation;
import dev.berth.operator.observe.KafkaView;
import dev.berth.operator.observe.KubeView;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsResult;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/**
 * The pass that starts a roll records the operation and nothing else. A status write refused after
 * that pass keeps nothing (a start is a decision, {@link StatusWrites#keepOperation}), so a pod deleted
 * in it would be forgotten, and the next roll could stop a second broker while the first is down
 * (found by a probe). The Admin client here answers describeConfigs only (the read of
 * {@link LiveConfig}, whose writes are recomputed from Kafka on every pass, so a lost status write
 * forgets nothing of them) and fails the test on any other call; the Kubernetes writer is null.
 */
class RestartStartPassTest {
    static final KafkaClusterSpec BASE = KafkaClusterSpec.defaults().withControllers(new ControllersSpec(1, null))
            .withBrokers(new BrokersSpec(1, null, null, null));

    @Test
    void theStartingPassOnlyRecordsTheOperation() throws Exception {
        V1Pod pod = DesiredPods.broker(cluster(BASE), 0, null);
        pod.getMetadata().uid("pod-0-uid");
        pod.status(new V1PodStatus().conditions(List.of(new V1PodCondition().type("Ready").status("True"))));
        KafkaCluster edited = cluster(BASE.withConfig(Map.of("log.retention.hours", "72")));
        ConfigResource broker0 = new ConfigResource(ConfigResource.Type.BROKER, "0");
        Config readOnly = new Config(List.of(new ConfigEntry("log.retention.hours", "168", ConfigEntry.ConfigSource.DEFAULT_CONFIG,
                false, true, List.of(), ConfigEntry.ConfigType.INT, null)));
        Admin untouchable = (Admin) Proxy.newProxyInstance(Admin.class.getClassLoader(), new Class<?>[] {Admin.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("describeConfigs")) {
                        Map<ConfigResource, KafkaFuture<Config>> answers = new java.util.HashMap<>();
                        for (Object r : (java.util.Collection<?>) args[0]) {
                            answers.put((ConfigResource) r, KafkaFuture.completedFuture(r.equals(broker0) ? readOnly
                                    : new Config(List.of()))); // the cluster-wide defaults: none
                        }
                        return new DescribeConfigsResult(answers) {};
                    }
                    throw new AssertionError("the start pass called Kafka: " + method.getName());
                });
        KafkaView kafka = new KafkaView(new KafkaObservation(new ClusterSnapshot(Instant.EPOCH,
                List.of(new BrokerState(0, "a", "h", 9092)), Map.of(), List.of()), Map.of()), null, Instant.EPOCH);
        StepEvents events = new StepEvents();
        StepContext ctx = new StepContext(edited, new KubeView(Map.of(pod.getMetadata().getName(), pod), Map.of(), Map.of(),
                Map.of(), Set.of()), kafka, untouchable, new TreeSet<>(List.of(0)), null, null,
                Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC), events);

        StepResult r = new RestartStep().step(ctx);

        OperationStatus op = r.operation();
        assertThat(op.type()).isEqualTo(RestartStep.TYPE);
        assertThat(op.phase()).isEqualTo(RestartStep.MOVING);
        assertThat(op.brokers()).containsExactly(0);
        assertThat(op.details()).containsEntry(RestartStep.CURRENT, "0").containsEntry(RestartStep.TURN_POD, "pod-0-uid")
                .doesNotContainKeys(RestartStep.DELETED_POD, MoveCancel.ORIGINS);
        assertThat(op.message()).isEqualTo("Restarting brokers [0] one at a time, leader-aware"
                + " (0: configuration (log.retention.hours: read at start only)).");
        assertThat(events.reasons()).containsExactly(RestartStep.Event.RESTART_STARTED.reason);
    }

    private static KafkaCluster cluster(KafkaClusterSpec spec) {
        return new KafkaCluster(new V1ObjectMeta().name("demo").namespace("kafka").uid("6f1c2b7e-3d4a-4b5c-8d9e-0f1a2b3c4d5e")
                .generation(1L), spec);
    }
}
