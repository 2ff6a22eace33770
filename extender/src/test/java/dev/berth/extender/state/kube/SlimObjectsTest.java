package dev.berth.extender.state.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.extender.placement.Keys;
import dev.berth.extender.testing.SchedulerWire;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import java.util.HashMap;
import java.util.function.UnaryOperator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The informers' slim copies: KubeFacts must read the same from them as from the objects the API
 * server sends, and they must not keep what berth never reads.
 */
class SlimObjectsTest {
    private static final JSON JSON = new JSON();
    private static final String RACK = Keys.DEFAULT_RACK_LABEL;
    private static final UnaryOperator<KubernetesObject> SLIM = SlimObjects.slimmer(RACK);

    record NodeRow(String what, Map<String, String> labels, Map<String, String> annotations) {
        @Override
        public String toString() {
            return what;
        }
    }

    static Stream<NodeRow> nodes() {
        return Stream.of(
                new NodeRow("rack and disk", Map.of(RACK, "rack-a", "node-role.kubernetes.io/worker", ""),
                        Map.of(Keys.DISK_CAPACITY, "2Ti", "csi.volume.kubernetes.io/nodeid", "{\"ebs.csi.aws.com\":\"i-0abc\"}")),
                new NodeRow("no rack label", Map.of(), Map.of(Keys.DISK_CAPACITY, "500G")),
                new NodeRow("blank rack label", Map.of(RACK, " "), Map.of()),
                new NodeRow("unreadable capacity", Map.of(RACK, "rack-b"), Map.of(Keys.DISK_CAPACITY, "10GB")),
                new NodeRow("another rack label only", Map.of("rack", "r7"), Map.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nodes")
    void aSlimNodeGivesTheSameFactsAsTheFullOne(NodeRow row) throws Exception {
        V1Node full = JSON.deserialize(SchedulerWire.node("node-7", row.labels(), row.annotations(), 12), V1Node.class);
        V1Node slim = (V1Node) SLIM.apply(full);

        assertThat(KubeFacts.node(slim, RACK)).isEqualTo(KubeFacts.node(full, RACK));
        assertThat(full.getStatus().getImages()).hasSize(12); // the fixture is a full node
        assertThat(slim.getStatus()).isNull();
        assertThat(slim.getSpec()).isNull();
        assertThat(slim.getMetadata().getLabels()).isEqualTo(only(row.labels(), RACK));
        assertThat(slim.getMetadata().getAnnotations()).isEqualTo(only(row.annotations(), Keys.DISK_CAPACITY));
        assertThat(slim.getMetadata().getName()).isEqualTo("node-7");
        assertThat(slim.getMetadata().getResourceVersion()).isEqualTo(full.getMetadata().getResourceVersion());
        assertThat(slim.getMetadata().getUid()).isEqualTo(full.getMetadata().getUid());
    }

    @Test
    void aSlimNodeIsAFractionOfTheFullOne() throws Exception {
        String wire = SchedulerWire.node("node-7", Map.of(RACK, "rack-a"), Map.of(Keys.DISK_CAPACITY, "2Ti"), 12);
        V1Node slim = (V1Node) SLIM.apply(JSON.deserialize(wire, V1Node.class));
        String slimJson = JSON.serialize(slim);
        assertThat(wire.length()).isGreaterThan(4_000);
        assertThat(slimJson.length()).isLessThan(300);
    }

    record PodRow(String what, String node, String phase, Map<String, String> labels, Map<String, String> annotations) {
        @Override
        public String toString() {
            return what;
        }
    }

    static Stream<PodRow> pods() {
        Map<String, String> broker = Map.of(Keys.CLUSTER, "orders", Keys.BROKER_ID, "3", "app.kubernetes.io/name", "kafka");
        return Stream.of(
                new PodRow("bound broker with loads", "n1", "Running", broker,
                        Map.of(Keys.LOCAL_STORAGE, "100Gi", Keys.LEADERS, "42", Keys.LEADER_BYTES_IN, "5Mi",
                                "kubectl.kubernetes.io/restartedAt", "2026-11-25T10:00:00Z")),
                new PodRow("pending, not bound", null, "Pending", broker, Map.of(Keys.LOCAL_STORAGE, "100Gi")),
                new PodRow("finished", "n1", "Succeeded", broker, Map.of()),
                new PodRow("failed", "n1", "Failed", broker, Map.of()),
                new PodRow("no status yet", "n1", null, broker, Map.of()),
                new PodRow("unreadable values", "n1", "Running",
                        Map.of(Keys.CLUSTER, "orders", Keys.BROKER_ID, "three"),
                        Map.of(Keys.LOCAL_STORAGE, "100GB", Keys.LEADERS, "-4")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pods")
    void aSlimPodGivesTheSamePlacementAsTheFullOne(PodRow row) throws Exception {
        V1Pod full = JSON.deserialize(SchedulerWire.pod("kafka", "orders-broker-3", "u-3", row.labels(), row.annotations()), V1Pod.class);
        full.getSpec().setNodeName(row.node());
        full.getStatus().setPhase(row.phase());
        V1Pod slim = (V1Pod) SLIM.apply(full);

        assertThat(KubeFacts.pod(slim)).isEqualTo(KubeFacts.pod(full));
        assertThat(KubeFacts.podKey(slim)).isEqualTo("kafka/orders-broker-3");
        assertThat(slim.getMetadata().getUid()).isEqualTo("u-3");
        assertThat(full.getSpec().getContainers()).isNotEmpty(); // the fixture is a full pod
        assertThat(slim.getSpec() == null ? null : slim.getSpec().getContainers()).isNullOrEmpty();
        assertThat(slim.getMetadata().getOwnerReferences()).isNullOrEmpty();
        assertThat(slim.getMetadata().getLabels()).doesNotContainKey("app.kubernetes.io/name");
    }

    @Test
    void otherObjectsPassUnchanged() throws Exception {
        V1ConfigMap cm = new V1ConfigMap().metadata(new V1ObjectMeta().name("x")).data(Map.of("k", "v"));
        assertThat(SLIM.apply(cm)).isSameAs(cm);
    }

    private static Map<String, String> only(Map<String, String> map, String key) {
        Map<String, String> kept = new HashMap<>();
        if (map.containsKey(key)) {
            kept.put(key, map.get(key));
        }
        return kept.isEmpty() ? null : kept;
    }
}
