package dev.berth.testbed.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Binding;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ObjectReference;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.Response;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes test bed works for what berth needs from it: informers that see changes within
 * a second, pod binding, YAML fixtures, custom resources. The bed is shared by the class, as every
 * user of it should do; each test uses its own object names.
 */
class KubeApiTestBedTest {

    private static final Duration EVENT_BOUND = Duration.ofSeconds(1);

    private static KubeApiTestBed bed;
    private static SharedInformerFactory informers;
    private static final List<String> podEvents = new CopyOnWriteArrayList<>();
    private static final List<String> clusterEvents = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startBedAndInformers() {
        bed = KubeApiTestBed.start();
        System.out.println("KubeApiTestBed started in " + bed.startTime().toMillis()
                + " ms (the first start in a JVM includes loading the mock's classes)");
        bed.load("testbed/kafkacluster-crd.yaml");

        informers = new SharedInformerFactory(bed.informerClient());
        SharedIndexInformer<V1Pod> pods = informers.sharedIndexInformerFor(
                new GenericKubernetesApi<>(V1Pod.class, V1PodList.class, "", "v1", "pods", bed.informerClient()),
                V1Pod.class, 0);
        pods.addEventHandler(recorder(podEvents));
        SharedIndexInformer<DynamicKubernetesObject> clusters = informers.sharedIndexInformerFor(
                new DynamicKubernetesApi("berth.dev", "v1alpha1", "kafkaclusters", bed.informerClient()),
                DynamicKubernetesObject.class, 0);
        clusters.addEventHandler(recorder(clusterEvents));
        informers.startAllRegisteredInformers();
        await().atMost(Duration.ofSeconds(10)).until(() -> pods.hasSynced() && clusters.hasSynced());
    }

    @AfterAll
    static void stop() {
        if (informers != null) {
            informers.stopAllRegisteredInformers();
        }
        if (bed != null) {
            bed.close();
        }
    }

    @Test
    void aBedStartsWellUnderASecondOnceTheJvmHasLoadedTheMock() {
        try (KubeApiTestBed second = KubeApiTestBed.start()) {
            System.out.println("KubeApiTestBed started again in " + second.startTime().toMillis() + " ms");
            assertThat(second.startTime()).isLessThan(Duration.ofSeconds(1));
        }
    }

    @Test
    void informerSeesPodAddUpdateAndDeleteWithinOneSecondEach() throws Exception {
        GenericKubernetesApi<V1Pod, V1PodList> pods = podApi();
        String name = "informer-pod";

        long t0 = System.nanoTime();
        pods.create(pod("team-a", name)).throwsApiException();
        withinASecond().until(() -> podEvents.contains("ADD team-a/" + name));
        long t1 = System.nanoTime();

        pods.patch("team-a", name, V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                new V1Patch("{\"metadata\":{\"labels\":{\"phase\":\"two\"}}}")).throwsApiException();
        withinASecond().until(() -> podEvents.contains("UPDATE team-a/" + name + " phase=two"));
        long t2 = System.nanoTime();

        pods.delete("team-a", name).throwsApiException();
        withinASecond().until(() -> podEvents.contains("DELETE team-a/" + name));
        long t3 = System.nanoTime();
        System.out.printf("pod informer: add %d ms, update %d ms, delete %d ms (call + event)%n",
                (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000);

        // Served by a real watch (a relist fallback would also add spurious updates).
        assertThat(podEvents.stream().filter(e -> e.contains(" team-a/" + name)))
                .containsExactly("ADD team-a/" + name, "UPDATE team-a/" + name + " phase=two", "DELETE team-a/" + name);
        assertThat(bed.openWatches()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aForbiddenVerbIsRefusedAsRbacWouldUntilLifted() throws Exception {
        CoreV1Api core = new CoreV1Api(bed.apiClient());
        core.createNamespacedPod("team-f", pod("team-f", "allowed")).execute();
        try (AutoCloseable noCreate = bed.forbid("create", "pods", "team-f");
                AutoCloseable noBinding = bed.forbid("create", "pods/binding", null)) {
            assertThatThrownBy(() -> core.createNamespacedPod("team-f", pod("team-f", "refused")).execute())
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.getCode()).isEqualTo(403);
                        JsonObject status = KubeApiTestBed.json(e.getResponseBody());
                        assertThat(status.get("reason").getAsString()).isEqualTo("Forbidden");
                        assertThat(status.get("message").getAsString()).isEqualTo("pods is forbidden: User "
                                + "\"system:serviceaccount:test:bed\" cannot create resource \"pods\" in API group \"\" "
                                + "in the namespace \"team-f\"");
                    });
            try (Response r = core.createNamespacedPodBinding("allowed", "team-f", binding("allowed", null, "n1"))
                    .buildCall(null).execute()) {
                assertThat(r.code()).isEqualTo(403);
                assertThat(KubeApiTestBed.json(r.body().string()).get("message").getAsString())
                        .startsWith("pods \"allowed\" is forbidden: ").contains("cannot create resource \"pods/binding\"");
            }
            // other verbs, resources and namespaces are untouched
            core.createNamespacedPod("team-g", pod("team-g", "elsewhere")).execute();
            podApi().patch("team-f", "allowed", V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                    new V1Patch("{\"metadata\":{\"labels\":{\"seen\":\"yes\"}}}")).throwsApiException();
            assertThat(core.listNamespacedPod("team-f").execute().getItems()).extracting(p -> p.getMetadata().getName())
                    .containsExactly("allowed");
        }
        core.createNamespacedPod("team-f", pod("team-f", "refused")).execute(); // lifted
        assertThat(core.readNamespacedPod("refused", "team-f").execute().getMetadata().getName()).isEqualTo("refused");
    }

    @Test
    void informerSeesCustomResourceAddUpdateAndDeleteWithinOneSecondEach() throws Exception {
        DynamicKubernetesApi clusters = new DynamicKubernetesApi("berth.dev", "v1alpha1", "kafkaclusters", bed.apiClient());
        DynamicKubernetesObject kc = new DynamicKubernetesObject(KubeApiTestBed.json("""
                {"apiVersion":"berth.dev/v1alpha1","kind":"KafkaCluster",
                 "metadata":{"name":"informer-kc","namespace":"kafka"},"spec":{"brokers":{"replicas":3}}}"""));

        clusters.create(kc).throwsApiException();
        withinASecond().until(() -> clusterEvents.contains("ADD kafka/informer-kc"));

        clusters.patch("kafka", "informer-kc", V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                new V1Patch("{\"metadata\":{\"labels\":{\"phase\":\"two\"}}}")).throwsApiException();
        withinASecond().until(() -> clusterEvents.contains("UPDATE kafka/informer-kc phase=two"));

        clusters.delete("kafka", "informer-kc").throwsApiException();
        withinASecond().until(() -> clusterEvents.contains("DELETE kafka/informer-kc"));

        assertThat(clusterEvents.stream().filter(e -> e.contains(" kafka/informer-kc")))
                .containsExactly("ADD kafka/informer-kc", "UPDATE kafka/informer-kc phase=two", "DELETE kafka/informer-kc");
    }

    /** A custom resource of a group no stored CRD defines is 404, as on a real server before the CRD is applied. */
    @Test
    void aCustomResourceWithoutItsCrdIsNotFoundUntilTheCrdIsStored() throws Exception {
        DynamicKubernetesApi widgets = new DynamicKubernetesApi("example.com", "v1", "widgets", bed.apiClient());
        var missing = widgets.list("kafka");
        assertThat(missing.getHttpStatusCode()).isEqualTo(404);
        assertThat(missing.getStatus().getMessage()).isEqualTo("the server could not find the requested resource");
        assertThat(new DynamicKubernetesApi("berth.dev", "v1alpha1", "widgets", bed.apiClient()).list("kafka")
                .getHttpStatusCode()).as("another plural of a defined group").isEqualTo(404);

        bed.registerCrd("example.com", "v1", "Widget", "widgets", true);
        assertThat(widgets.list("kafka").getHttpStatusCode()).isEqualTo(200);
    }

    @Test
    void bindingThroughTheBridgeSetsNodeNameAndAnswers201WithAStatus() throws Exception {
        V1Pod created = podApi().create(pod("team-b", "bind-me")).throwsApiException().getObject();
        CoreV1Api core = new CoreV1Api(bed.apiClient());

        try (Response r = core.createNamespacedPodBinding("bind-me", "team-b",
                binding("bind-me", created.getMetadata().getUid(), "node-1")).buildCall(null).execute()) {
            assertThat(r.code()).isEqualTo(201);
            JsonObject status = KubeApiTestBed.json(r.body().string());
            assertThat(status.get("kind").getAsString()).isEqualTo("Status");
            assertThat(status.get("status").getAsString()).isEqualTo("Success");
        }

        V1Pod bound = core.readNamespacedPod("bind-me", "team-b").execute();
        assertThat(bound.getSpec().getNodeName()).isEqualTo("node-1");
        assertThat(bound.getStatus().getConditions())
                .anySatisfy(c -> assertThat(c.getType() + "=" + c.getStatus()).isEqualTo("PodScheduled=True"));
    }

    @Test
    void bindingWithAWrongUidIsRefusedWith409AndLeavesThePodUnbound() throws Exception {
        podApi().create(pod("team-b", "wrong-uid")).throwsApiException();
        CoreV1Api core = new CoreV1Api(bed.apiClient());

        try (Response r = core.createNamespacedPodBinding("wrong-uid", "team-b",
                binding("wrong-uid", "not-the-uid", "node-1")).buildCall(null).execute()) {
            assertThat(r.code()).isEqualTo(409);
            JsonObject status = KubeApiTestBed.json(r.body().string());
            assertThat(status.get("reason").getAsString()).isEqualTo("Conflict");
            assertThat(status.get("message").getAsString()).contains("Precondition failed: UID in precondition");
        }
        assertThat(core.readNamespacedPod("wrong-uid", "team-b").execute().getSpec().getNodeName()).isNull();
    }

    @Test
    void bindingAnAlreadyBoundPodIsRefusedWith409EvenForTheSameNode() throws Exception {
        V1Pod created = podApi().create(pod("team-b", "bound-twice")).throwsApiException().getObject();
        String uid = created.getMetadata().getUid();
        CoreV1Api core = new CoreV1Api(bed.apiClient());
        try (Response first = core.createNamespacedPodBinding("bound-twice", "team-b",
                binding("bound-twice", uid, "node-1")).buildCall(null).execute()) {
            assertThat(first.code()).isEqualTo(201);
        }

        for (String node : List.of("node-2", "node-1")) {
            try (Response again = core.createNamespacedPodBinding("bound-twice", "team-b",
                    binding("bound-twice", uid, node)).buildCall(null).execute()) {
                assertThat(again.code()).isEqualTo(409);
                assertThat(again.body().string()).contains("is already assigned to node \\\"node-1\\\"");
            }
        }
        assertThat(core.readNamespacedPod("bound-twice", "team-b").execute().getSpec().getNodeName()).isEqualTo("node-1");
    }

    @Test
    void bindingCopiesTheBindingsAnnotationsOntoThePod() throws Exception {
        V1Pod created = podApi().create(pod("team-b", "annotated")).throwsApiException().getObject();
        V1Binding b = binding("annotated", created.getMetadata().getUid(), "node-3");
        b.getMetadata().setAnnotations(Map.of("berth.dev/rack", "rack-c"));
        CoreV1Api core = new CoreV1Api(bed.apiClient());
        try (Response r = core.createNamespacedPodBinding("annotated", "team-b", b).buildCall(null).execute()) {
            assertThat(r.code()).isEqualTo(201);
        }
        assertThat(core.readNamespacedPod("annotated", "team-b").execute().getMetadata().getAnnotations())
                .containsEntry("berth.dev/rack", "rack-c");
    }

    @Test
    void bindingAPodBeingDeletedIsRefusedWith409() throws Exception {
        V1Pod p = pod("team-b", "leaving");
        p.getMetadata().setFinalizers(List.of("berth.dev/test")); // keeps it, marked, after delete
        String uid = podApi().create(p).throwsApiException().getObject().getMetadata().getUid();
        podApi().delete("team-b", "leaving").throwsApiException();
        CoreV1Api core = new CoreV1Api(bed.apiClient());
        assertThat(core.readNamespacedPod("leaving", "team-b").execute().getMetadata().getDeletionTimestamp()).isNotNull();
        try (Response r = core.createNamespacedPodBinding("leaving", "team-b",
                binding("leaving", uid, "node-1")).buildCall(null).execute()) {
            assertThat(r.code()).isEqualTo(409);
            assertThat(r.body().string()).contains("is being deleted");
        }
    }

    @Test
    void bindingAMissingPodIsNotFound() throws Exception {
        try (Response r = new CoreV1Api(bed.apiClient()).createNamespacedPodBinding("ghost", "team-b",
                binding("ghost", null, "node-1")).buildCall(null).execute()) {
            assertThat(r.code()).isEqualTo(404);
            assertThat(KubeApiTestBed.json(r.body().string()).get("reason").getAsString()).isEqualTo("NotFound");
        }
    }

    @Test
    void duplicateCreatesAndStaleUpdatesAreRefusedWith409() throws Exception {
        CoreV1Api core = new CoreV1Api(bed.apiClient());
        V1Pod first = core.createNamespacedPod("team-c", pod("team-c", "twice")).execute();

        assertThatThrownBy(() -> core.createNamespacedPod("team-c", pod("team-c", "twice")).execute())
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(409));

        core.replaceNamespacedPod("twice", "team-c", first.metadata(first.getMetadata().labels(Map.of("v", "2")))).execute();
        V1Pod stale = first.metadata(first.getMetadata().labels(Map.of("v", "stale"))); // still the first resourceVersion
        assertThatThrownBy(() -> core.replaceNamespacedPod("twice", "team-c", stale).execute())
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    }

    @Test
    void loadsNodesPodsCrdsAndCustomResourcesFromOneYamlFileWithAList() throws Exception {
        try (KubeApiTestBed own = KubeApiTestBed.start()) {
            List<JsonObject> created = own.load("testbed/three-racks.yaml");

            assertThat(created).extracting(o -> o.get("kind").getAsString())
                    .containsExactly("CustomResourceDefinition", "Node", "Node", "Node", "Pod", "KafkaCluster");
            CoreV1Api core = new CoreV1Api(own.apiClient());
            assertThat(core.listNode().execute().getItems())
                    .extracting(n -> n.getMetadata().getName() + "@" + n.getMetadata().getLabels().get("topology.kubernetes.io/zone"))
                    .containsExactlyInAnyOrder("node-a@rack-a", "node-b@rack-b", "node-c@rack-c");
            assertThat(core.readNode("node-a").execute().getStatus().getAllocatable().get("memory").toSuffixedString())
                    .isEqualTo("32Gi");
            V1Pod broker = core.readNamespacedPod("demo-broker-0", "kafka").execute();
            assertThat(broker.getMetadata().getAnnotations()).containsEntry("berth.dev/local-storage", "100Gi");
            assertThat(broker.getMetadata().getUid()).isNotBlank();

            DynamicKubernetesObject kc = new DynamicKubernetesApi("berth.dev", "v1alpha1", "kafkaclusters", own.apiClient())
                    .get("kafka", "demo").throwsApiException().getObject();
            assertThat(kc.getRaw().getAsJsonObject("spec").getAsJsonObject("brokers").get("replicas").getAsInt()).isEqualTo(3);
            assertThat(kc.getRaw().getAsJsonObject("status").get("observedGeneration").getAsInt()).isEqualTo(1);
        }
    }

    /** The informer latency bound, polled finely so that the printed latencies mean something. */
    private static ConditionFactory withinASecond() {
        return await().atMost(EVENT_BOUND).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5));
    }

    private static GenericKubernetesApi<V1Pod, V1PodList> podApi() {
        return new GenericKubernetesApi<>(V1Pod.class, V1PodList.class, "", "v1", "pods", bed.apiClient());
    }

    static V1Pod pod(String namespace, String name) {
        return new V1Pod()
                .apiVersion("v1").kind("Pod")
                .metadata(new V1ObjectMeta().name(name).namespace(namespace).labels(Map.of("app", "demo")))
                .spec(new V1PodSpec().containers(List.of(new V1Container().name("c").image("busybox"))));
    }

    static V1Binding binding(String pod, String uid, String node) {
        return new V1Binding()
                .apiVersion("v1").kind("Binding")
                .metadata(new V1ObjectMeta().name(pod).uid(uid))
                .target(new V1ObjectReference().kind("Node").apiVersion("v1").name(node));
    }

    /** Records "ADD ns/name", "UPDATE ns/name phase=x" (x: the phase label), "DELETE ns/name". */
    private static <T extends io.kubernetes.client.common.KubernetesObject> ResourceEventHandler<T> recorder(List<String> events) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                events.add("ADD " + key(obj));
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                Map<String, String> labels = newObj.getMetadata().getLabels();
                events.add("UPDATE " + key(newObj) + " phase=" + (labels == null ? null : labels.get("phase")));
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                events.add("DELETE " + key(obj));
            }
        };
    }

    private static String key(io.kubernetes.client.common.KubernetesObject o) {
        return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
    }
}
