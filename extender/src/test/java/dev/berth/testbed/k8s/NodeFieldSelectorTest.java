package dev.berth.testbed.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeList;
import io.kubernetes.client.openapi.models.V1NodeSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.PatchUtils;
import io.kubernetes.client.util.Watchable;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import io.kubernetes.client.util.generic.options.ListOptions;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * The bed answers {@code fieldSelector=spec.unschedulable=true} on Nodes as a real apiserver does
 * ({@link NodeFieldsExtractor}): a list holds the cordoned nodes only, and an informer with that
 * selector gains a node when it is cordoned and loses it when it is uncordoned (the berth operator
 * watches cordoned nodes this way).
 */
class NodeFieldSelectorTest {
    static final String CORDONED = "spec.unschedulable=true";

    @AutoClose
    private static final KubeApiTestBed bed = KubeApiTestBed.start();

    @Test
    void listsAndWatchesSelectCordonedNodesOnly() throws Exception {
        CoreV1Api core = new CoreV1Api(bed.apiClient());
        core.createNode(new V1Node().metadata(new V1ObjectMeta().name("up"))).execute();
        core.createNode(new V1Node().metadata(new V1ObjectMeta().name("down")).spec(new V1NodeSpec().unschedulable(true)))
                .execute();
        core.createNode(new V1Node().metadata(new V1ObjectMeta().name("flag-false"))
                .spec(new V1NodeSpec().unschedulable(false))).execute();
        assertThat(names(core.listNode().fieldSelector(CORDONED).execute())).containsExactly("down");
        assertThat(names(core.listNode().fieldSelector("spec.unschedulable=false").execute()))
                .containsExactly("flag-false", "up");
        assertThat(names(core.listNode().execute())).containsExactly("down", "flag-false", "up");

        SharedInformerFactory factory = new SharedInformerFactory(bed.informerClient());
        try {
            SharedIndexInformer<V1Node> cordoned = factory.sharedIndexInformerFor(selecting(
                    new GenericKubernetesApi<>(V1Node.class, V1NodeList.class, "", "v1", "nodes", bed.informerClient())),
                    V1Node.class, 0);
            factory.startAllRegisteredInformers();
            await().atMost(Duration.ofSeconds(10)).until(cordoned::hasSynced);
            assertThat(cached(cordoned)).containsExactly("down");

            cordon(core, "up", true);
            await("cordoned: added").atMost(Duration.ofSeconds(5)).until(() -> cached(cordoned).contains("up"));
            cordon(core, "down", false);
            await("uncordoned: deleted").atMost(Duration.ofSeconds(5)).until(() -> !cached(cordoned).contains("down"));
            assertThat(cached(cordoned)).containsExactly("up");
        } finally {
            factory.stopAllRegisteredInformers();
        }
    }

    private static void cordon(CoreV1Api core, String node, boolean on) throws ApiException {
        PatchUtils.patch(V1Node.class, () -> core.patchNode(node, new V1Patch("{\"spec\":{\"unschedulable\":" + on + "}}"))
                .buildCall(null), V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, bed.apiClient());
    }

    private static List<String> names(V1NodeList list) {
        return list.getItems().stream().map(n -> n.getMetadata().getName()).sorted().toList();
    }

    private static TreeSet<String> cached(SharedIndexInformer<V1Node> informer) {
        TreeSet<String> out = new TreeSet<>();
        informer.getIndexer().list().forEach(n -> out.add(n.getMetadata().getName()));
        return out;
    }

    private static ListerWatcher<V1Node, V1NodeList> selecting(GenericKubernetesApi<V1Node, V1NodeList> api) {
        return new ListerWatcher<>() {
            @Override
            public V1NodeList list(CallGeneratorParams p) throws ApiException {
                return api.list(options(p)).throwsApiException().getObject();
            }

            @Override
            public Watchable<V1Node> watch(CallGeneratorParams p) throws ApiException {
                return api.watch(options(p));
            }
        };
    }

    private static ListOptions options(CallGeneratorParams p) {
        ListOptions o = new ListOptions();
        o.setResourceVersion(p.resourceVersion);
        o.setTimeoutSeconds(p.timeoutSeconds);
        o.setFieldSelector(CORDONED);
        return o;
    }
}
