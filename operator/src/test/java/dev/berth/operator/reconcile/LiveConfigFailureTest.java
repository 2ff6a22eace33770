package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.act.desired.DesiredPods;
import dev.berth.operator.api.BrokersSpec;
import dev.berth.operator.api.ControllersSpec;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.api.KafkaClusterSpec;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

/**
 * When Kafka does not answer the live-configuration calls (an ACL without DescribeConfigs, a broker
 * that times out), a configuration-only edit waits at most {@link LiveConfig#GIVE_UP_AFTER}, then
 * goes to the roll as before live configuration existed, while other restarts never wait for it. The
 * Admin client here fails every call, as such a Kafka would.
 */
class LiveConfigFailureTest {
    static final KafkaClusterSpec BASE = KafkaClusterSpec.defaults().withControllers(new ControllersSpec(1, null))
            .withBrokers(new BrokersSpec(2, null, null, null));
    static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");

    @Test
    void aConfigurationOnlyEditWaitsForKafkaAWhileThenRolls() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Admin failing = (Admin) Proxy.newProxyInstance(Admin.class.getClassLoader(), new Class<?>[] {Admin.class},
                (proxy, method, args) -> {
                    calls.incrementAndGet();
                    throw new org.apache.kafka.common.errors.ClusterAuthorizationException("not allowed: " + method.getName());
                });
        KafkaCluster edited = cluster(BASE.withConfig(Map.of("log.retention.ms", "3600000")));
        Map<String, V1Pod> pods = new HashMap<>();
        pods.put("demo-broker-0", pod(DesiredPods.broker(cluster(BASE), 0, null), "uid-0")); // configuration only
        V1Pod imageToo = pod(DesiredPods.broker(cluster(BASE), 1, null), "uid-1");
        imageToo.getSpec().getContainers().get(0).image("apache/kafka:4.3.0"); // and an older image
        imageToo.getMetadata().putAnnotationsItem("berth.dev/image", "apache/kafka:4.3.0"); // as it was created for
        pods.put("demo-broker-1", imageToo);
        RestartStep step = new RestartStep();

        StepResult first = step.step(context(edited, pods, failing, T0));
        assertThat(calls.get()).as("Kafka was asked").isPositive();
        assertThat(first.operation().brokers()).as("broker 1 (image) rolls; broker 0 (configuration) waits")
                .containsExactly(1);

        StepResult later = step.step(context(edited, pods, failing, T0.plus(LiveConfig.GIVE_UP_AFTER).plusSeconds(1)));
        assertThat(later.operation().brokers()).as("after the bound, as before live configuration existed")
                .containsExactly(0, 1);
    }

    private static StepContext context(KafkaCluster c, Map<String, V1Pod> pods, Admin admin, Instant now) {
        KafkaView kafka = new KafkaView(new KafkaObservation(new ClusterSnapshot(Instant.EPOCH,
                List.of(new BrokerState(0, "a", "h", 9092), new BrokerState(1, "b", "h", 9092)), Map.of(), List.of()),
                Map.of()), null, Instant.EPOCH);
        return new StepContext(c, new KubeView(pods, Map.of(), Map.of(), Map.of(), Set.of()), kafka, admin,
                new TreeSet<>(List.of(0, 1)), null, null, Clock.fixed(now, ZoneOffset.UTC), new StepEvents());
    }

    private static V1Pod pod(V1Pod pod, String uid) {
        pod.getMetadata().uid(uid);
        return pod.status(new V1PodStatus().conditions(List.of(new V1PodCondition().type("Ready").status("True"))));
    }

    private static KafkaCluster cluster(KafkaClusterSpec spec) {
        return new KafkaCluster(new V1ObjectMeta().name("demo").namespace("kafka").uid("6f1c2b7e-3d4a-4b5c-8d9e-0f1a2b3c4d5e")
                .generation(1L), spec);
    }
}
