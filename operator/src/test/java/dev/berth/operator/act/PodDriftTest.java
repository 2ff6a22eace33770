package dev.berth.operator.act;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.act.desired.DesiredPods;
import dev.berth.operator.api.BrokersSpec;
import dev.berth.operator.api.ControllersSpec;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.api.KafkaClusterSpec;
import dev.berth.operator.api.ResourcesSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class PodDriftTest {
    static final KafkaClusterSpec BASE = KafkaClusterSpec.defaults().withControllers(new ControllersSpec(1, null))
            .withBrokers(new BrokersSpec(1, null, null, null));

    static KafkaCluster cluster(KafkaClusterSpec spec) {
        return new KafkaCluster(new V1ObjectMeta().name("demo").namespace("kafka").uid("6f1c2b7e-3d4a-4b5c-8d9e-0f1a2b3c4d5e")
                .generation(1L), spec);
    }

    /** The pods as the operator created them from {@code BASE}, each changed by {@code edit}. */
    static List<String> drift(KafkaClusterSpec now, UnaryOperator<V1Pod> edit) {
        KafkaCluster then = cluster(BASE);
        return PodDrift.of(cluster(now), StatusBuilderTest.view(edit.apply(DesiredPods.broker(then, 0, null)),
                edit.apply(DesiredPods.controller(then, 0, null))));
    }

    record Row(String why, KafkaClusterSpec now, UnaryOperator<V1Pod> edit, List<String> expected) {}

    @Test
    void podsThatDoNotRunTheSpecAreNamedWithWhatDiffers() {
        KafkaClusterSpec image = new KafkaClusterSpec(null, "apache/kafka:4.4.1", null, BASE.controllers(), BASE.brokers(), null, null);
        KafkaClusterSpec cpu = BASE.withBrokers(new BrokersSpec(1, null, new ResourcesSpec(Map.of("cpu", "2"), Map.of()), null));
        KafkaClusterSpec config = BASE.withConfig(Map.of("log.retention.hours", "72"));
        Row[] rows = {
            new Row("nothing changed", BASE, p -> p, List.of()),
            new Row("a new image reaches no running pod", image, p -> p, List.of(
                    "demo-broker-0: image apache/kafka:4.4.0, spec apache/kafka:4.4.1",
                    "demo-controller-0: image apache/kafka:4.4.0, spec apache/kafka:4.4.1")),
            new Row("broker resources", cpu, p -> p, List.of("demo-broker-0: resources")),
            new Row("configuration: only the brokers' file changes", config, p -> p, List.of("demo-broker-0: configuration")),
            new Row("more brokers change only the internal topics' defaults, read at their creation",
                    BASE.withBrokers(new BrokersSpec(3, null, null, null)), p -> p, List.of()),
            new Row("a pod of an older berth has no hash: not judged on configuration", config, p -> {
                p.getMetadata().getAnnotations().remove("berth.dev/config-hash");
                return p;
            }, List.of()),
            new Row("resources: {} where berth sent none, as an apiserver returns it", BASE, p -> {
                p.getSpec().getContainers().get(0).resources(new io.kubernetes.client.openapi.models.V1ResourceRequirements());
                return p;
            }, List.of()),
            new Row("defaults a LimitRange added, and requests copied from limits", cpu, p -> {
                p.getSpec().getContainers().get(0).resources(new io.kubernetes.client.openapi.models.V1ResourceRequirements()
                        .requests(Map.of("cpu", io.kubernetes.client.custom.Quantity.fromString("2000m"),
                                "memory", io.kubernetes.client.custom.Quantity.fromString("1Gi")))
                        .limits(Map.of("cpu", io.kubernetes.client.custom.Quantity.fromString("4"))));
                return p;
            }, List.of()), // 2000m is the spec's 2; what the spec does not set is not compared
            new Row("a restart asked for by annotation, whatever its value; brokers only", BASE, p -> {
                p.getMetadata().putAnnotationsItem("berth.dev/restart", "");
                return p;
            }, List.of("demo-broker-0: restart requested (berth.dev/restart)")),
            new Row("the request adds to what differs", cpu, p -> {
                p.getMetadata().putAnnotationsItem("berth.dev/restart", "now");
                return p;
            }, List.of("demo-broker-0: resources; restart requested (berth.dev/restart)")),
            new Row("a pod being deleted is not judged", image, p -> {
                p.getMetadata().setDeletionTimestamp(java.time.OffsetDateTime.parse("2026-01-01T00:00:00Z"));
                return p;
            }, List.of()),
        };
        for (Row row : rows) {
            assertThat(drift(row.now(), row.edit())).as(row.why()).containsExactlyElementsOf(row.expected());
        }
    }

    @Test
    void statusSaysWhichPodsRunAnOlderSpec() {
        KafkaCluster now = cluster(BASE.withConfig(Map.of("log.retention.hours", "72")));
        var s = StatusBuilderTest.build(now, StatusBuilderTest.view(
                StatusBuilderTest.ready(DesiredPods.broker(cluster(BASE), 0, null), "n1"),
                StatusBuilderTest.ready(DesiredPods.controller(cluster(BASE), 0, null), "n2")),
                StatusBuilderTest.kafka(0), List.of(), null);
        var c = s.condition(dev.berth.operator.api.ConditionType.PodsOutOfDate);
        assertThat(c.isTrue()).isTrue();
        assertThat(c.reason()).isEqualTo("RestartNeeded");
        assertThat(c.message()).isEqualTo("1 pod(s) run an older spec: demo-broker-0: configuration. Brokers are"
                + " restarted one at a time, leader-aware (operation Restart); a controller takes the spec when its"
                + " pod is recreated.");
    }
}
