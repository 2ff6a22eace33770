package dev.berth.extender.state.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.extender.placement.Keys;
import dev.berth.testbed.k8s.KubeApiTestBed;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeList;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watch;
import io.kubernetes.client.util.Watchable;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

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
