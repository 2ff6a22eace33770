package dev.berth.extender.state.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.extender.placement.Keys;
import dev.berth.testbed.k8s.KubeApiTestBed;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeList;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watch;
import io.kubernetes.client.util.Watchable;
import java.io.StringReader;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The informer's list arrives slim from the API server; its watch still delivers events. */
class SlimListerWatcherTest {
    @AutoClose
    final KubeApiTestBed bed = KubeApiTestBed.start();

    private SlimListerWatcher<V1Node, V1NodeList> nodes() {
        CoreV1Api api = new CoreV1Api(bed.informerClient());
        return new SlimListerWatcher<>(bed.informerClient(),
                p -> api.listNode().resourceVersion(p.resourceVersion).timeoutSeconds(p.timeoutSeconds).watch(p.watch).buildCall(null),
                V1Node.class, V1NodeList.class, SlimObjects.slimmer(Keys.DEFAULT_RACK_LABEL));
    }

    @Test
    void listedItemsAreSlimAndTheListKeepsItsResourceVersion() throws Exception {
        bed.load("testbed/three-racks.yaml"); // node-a carries status.allocatable
        V1NodeList list = nodes().list(new CallGeneratorParams(false, null, null));

        assertThat(list.getMetadata().getResourceVersion()).isNotBlank();
        assertThat(list.getItems()).extracting(n -> n.getMetadata().getName()).contains("node-a", "node-b", "node-c");
        V1Node a = list.getItems().stream().filter(n -> n.getMetadata().getName().equals("node-a")).findFirst().orElseThrow();
        assertThat(a.getStatus()).isNull();
        assertThat(a.getMetadata().getLabels()).isEqualTo(Map.of(Keys.DEFAULT_RACK_LABEL, "rack-a"));
        assertThat(a.getMetadata().getAnnotations()).isEqualTo(Map.of(Keys.DISK_CAPACITY, "500Gi"));
    }

    @Test
    void anErrorStatusIsAnApiExceptionWithTheStatusAsClientJavaWouldThrow() {
        CoreV1Api api = new CoreV1Api(bed.informerClient());
        SlimListerWatcher<V1Node, V1NodeList> missing = new SlimListerWatcher<>(bed.informerClient(),
                p -> api.readNode("no-such-node").buildCall(null), V1Node.class, V1NodeList.class,
                SlimObjects.slimmer(Keys.DEFAULT_RACK_LABEL));
        assertThatThrownBy(() -> missing.list(new CallGeneratorParams(false, null, null)))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(404);
                    assertThat(e.getResponseBody()).contains("NotFound");
                });
    }

    record Body(String what, String json, String resourceVersion, int items) {
        @Override
        public String toString() {
            return what;
        }
    }

    static Stream<Body> bodies() {
        String node = "{\"metadata\":{\"name\":\"n1\",\"labels\":{\"topology.kubernetes.io/zone\":\"r\",\"x\":\"y\"}},"
                + "\"status\":{\"images\":[{\"names\":[\"a\"],\"sizeBytes\":1}]}}";
        return Stream.of(
                new Body("metadata first", "{\"kind\":\"NodeList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"81\"},\"items\":[" + node + "," + node + "]}", "81", 2),
                new Body("items first", "{\"items\":[" + node + "],\"metadata\":{\"resourceVersion\":\"82\"},\"kind\":\"NodeList\"}", "82", 1),
                new Body("no items", "{\"kind\":\"NodeList\",\"metadata\":{\"resourceVersion\":\"83\"},\"items\":[]}", "83", 0),
                new Body("items null", "{\"kind\":\"NodeList\",\"metadata\":{\"resourceVersion\":\"84\"},\"items\":null}", "84", 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodies")
    void decodesTheListItemByItemWithItsMetadata(Body body) throws Exception {
        V1NodeList list = nodes().decode(new StringReader(body.json()));
        assertThat(list.getMetadata().getResourceVersion()).isEqualTo(body.resourceVersion());
        assertThat(list.getItems()).hasSize(body.items()).allSatisfy(n -> {
            assertThat(n.getStatus()).isNull();
            assertThat(n.getMetadata().getLabels()).isEqualTo(Map.of(Keys.DEFAULT_RACK_LABEL, "r"));
        });
    }

    @Test
    void watchDeliversWhatIsCreatedAfterTheList() throws Exception {
        SlimListerWatcher<V1Node, V1NodeList> nodes = nodes();
        String rv = nodes.list(new CallGeneratorParams(false, null, null)).getMetadata().getResourceVersion();
        try (Watchable<V1Node> watch = nodes.watch(new CallGeneratorParams(true, rv, 30))) {
            bed.loadYaml("apiVersion: v1\nkind: Node\nmetadata: {name: node-late, labels: {topology.kubernetes.io/zone: rack-z}}\n");
            Watch.Response<V1Node> event = watch.next();
            assertThat(event.type).isEqualTo("ADDED");
            assertThat(event.object.getMetadata().getName()).isEqualTo("node-late");
        }
    }
}
