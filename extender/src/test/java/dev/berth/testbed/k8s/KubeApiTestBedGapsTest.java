package dev.berth.testbed.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1OwnerReference;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import io.kubernetes.client.util.generic.KubernetesApiResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pins what the bed does where a real apiserver would differ (the gaps in {@link KubeApiTestBed}'s
 * class comment) and the repairs the bridge makes. If the mock changes behaviour on an upgrade,
 * one of these fails and the class comment must be revisited.
 */
class KubeApiTestBedGapsTest {

    /**
     * JUnit closes it after the class (@AutoClose). The unanswered-patch case gives up after 3 s
     * instead of 10; not less: a cold mock's first CRD create takes over a second on a busy machine.
     */
    @AutoClose
    private static final KubeApiTestBed bed = KubeApiTestBed.start(Duration.ofSeconds(3));
    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void registerKafkaCluster() {
        bed.registerCrd("berth.dev", "v1alpha1", "KafkaCluster", "kafkaclusters", true);
    }

    @Test
    void objectsCreatedWithoutKindAndApiVersionGetThemFromThePath() throws Exception {
        record Case(String path, String expectedKind, String expectedApiVersion) {}
        List<Case> cases = List.of(
                new Case("/api/v1/namespaces/gaps/events", "Event", "v1"),
                new Case("/apis/events.k8s.io/v1/namespaces/gaps/events", "Event", "events.k8s.io/v1"),
                new Case("/apis/coordination.k8s.io/v1/namespaces/gaps/leases", "Lease", "coordination.k8s.io/v1"),
                new Case("/api/v1/namespaces/gaps/pods", "Pod", "v1"),
                new Case("/apis/berth.dev/v1alpha1/namespaces/gaps/kafkaclusters", "KafkaCluster", "berth.dev/v1alpha1")); // from the stored CRD
        for (Case c : cases) {
            HttpResponse<String> r = send("POST", c.path(), "application/json", "{\"metadata\":{\"name\":\"no-kind\"}}");
            assertThat(r.statusCode()).as(c.path()).isEqualTo(201);
            JsonObject created = KubeApiTestBed.json(r.body());
            assertThat(created.get("kind").getAsString()).isEqualTo(c.expectedKind());
            assertThat(created.get("apiVersion").getAsString()).isEqualTo(c.expectedApiVersion());
        }
    }

    /** A built-in kind outside the bridge's table (a real server infers every kind it serves). */
    @Test
    void anObjectWhoseKindNothingTellsIsRefusedWith422() throws Exception {
        HttpResponse<String> r = send("POST", "/apis/batch/v1/namespaces/gaps/jobs", "application/json",
                "{\"metadata\":{\"name\":\"w\"}}");
        assertThat(r.statusCode()).isEqualTo(422);
    }

    @Test
    void strategicMergePatchAndServerSideApplyAreUnsupported() throws Exception {
        new CoreV1Api(bed.apiClient()).createNamespacedPod("gaps", KubeApiTestBedTest.pod("gaps", "smp")).execute();
        String path = "/api/v1/namespaces/gaps/pods/smp";
        assertThat(send("PATCH", path, V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH, "{\"metadata\":{\"labels\":{\"a\":\"b\"}}}")
                .statusCode()).isEqualTo(415);
        assertThat(send("PATCH", path + "?fieldManager=t", V1Patch.PATCH_FORMAT_APPLY_YAML,
                "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"smp\"}}").statusCode()).isEqualTo(415);
        // The supported ones, and the bridge's 200 where the mock says 202.
        assertThat(send("PATCH", path, V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, "{\"metadata\":{\"labels\":{\"a\":\"b\"}}}")
                .statusCode()).isEqualTo(200);
        assertThat(send("PATCH", path, V1Patch.PATCH_FORMAT_JSON_PATCH,
                "[{\"op\":\"add\",\"path\":\"/metadata/labels/c\",\"value\":\"d\"}]").statusCode()).isEqualTo(200);
    }

    @Test
    void setBasedSelectorsAreIgnoredWhileEqualityAndExistenceWork() throws Exception {
        CoreV1Api core = new CoreV1Api(bed.apiClient());
        for (String tier : List.of("gold", "bronze")) {
            V1Pod p = KubeApiTestBedTest.pod("selectors", tier);
            p.getMetadata().setLabels(Map.of("tier", tier));
            core.createNamespacedPod("selectors", p).execute();
        }
        core.createNamespacedPod("selectors", KubeApiTestBedTest.pod("selectors", "untiered")).execute();

        assertThat(names(core, "tier=gold")).containsExactly("gold");
        assertThat(names(core, "tier")).containsExactlyInAnyOrder("gold", "bronze");
        assertThat(names(core, "tier in (gold)")).containsExactlyInAnyOrder("gold", "bronze", "untiered"); // a real server: gold
    }

    @Test
    void aMissingObjectIs404WithANotFoundStatusSoGenericGetDoesNotThrow() throws Exception {
        KubernetesApiResponse<V1Pod> r = new GenericKubernetesApi<>(V1Pod.class, V1PodList.class, "", "v1", "pods",
                bed.apiClient()).get("gaps", "nobody");
        assertThat(r.getHttpStatusCode()).isEqualTo(404);
        assertThat(r.getStatus().getReason()).isEqualTo("NotFound");
        assertThat(r.getStatus().getMessage()).isEqualTo("pods \"nobody\" not found");
    }

    @Test
    void aJsonPatchWhoseLeadingTestFailsIs422AndOneWhoseLaterTestFailsGetsNoAnswer() throws Exception {
        new CoreV1Api(bed.apiClient()).createNamespacedPod("gaps", KubeApiTestBedTest.pod("gaps", "tested")).execute();
        String path = "/api/v1/namespaces/gaps/pods/tested";
        String replace = "{\"op\":\"replace\",\"path\":\"/metadata/labels/app\",\"value\":\"x\"}";

        HttpResponse<String> failed = send("PATCH", path, V1Patch.PATCH_FORMAT_JSON_PATCH,
                "[{\"op\":\"test\",\"path\":\"/metadata/labels/app\",\"value\":\"other\"}," + replace + "]");
        assertThat(failed.statusCode()).isEqualTo(422);
        // as kube-apiserver words it: reason Invalid, its generic message, no causes, no path named
        assertThat(failed.body()).contains("\"reason\":\"Invalid\"")
                .contains("the server rejected our request due to an error in our request")
                .doesNotContain("causes").doesNotContain("/metadata/labels/app");
        assertThat(send("PATCH", path, V1Patch.PATCH_FORMAT_JSON_PATCH,
                "[{\"op\":\"test\",\"path\":\"/metadata/labels/app\",\"value\":\"demo\"}," + replace + "]")
                .statusCode()).isEqualTo(200);
        // The mock's gap remains behind a mutating op: no answer, the bridge gives up with a 500.
        HttpResponse<String> later = send("PATCH", path, V1Patch.PATCH_FORMAT_JSON_PATCH,
                "[" + replace + ",{\"op\":\"test\",\"path\":\"/metadata/labels/app\",\"value\":\"other\"}]");
        assertThat(later.statusCode()).isEqualTo(500);
    }

    /**
     * Writers racing on one object, each with a resourceVersion test (the operator's status write): each
     * gets 200 or 422, never the 500 of an unanswered patch. Before the bridge took writes one at a time,
     * a write between its check of the test ops and the mock's own made the mock hang on the patch.
     */
    @Test
    void racingPatchesWithAResourceVersionTestAllGetAnAnswer() throws Exception {
        new CoreV1Api(bed.apiClient()).createNamespacedPod("gaps", KubeApiTestBedTest.pod("gaps", "raced")).execute();
        String path = "/api/v1/namespaces/gaps/pods/raced";
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        List<java.util.concurrent.Future<Integer>> codes = new java.util.ArrayList<>();
        for (int i = 0; i < 160; i++) {
            int n = i;
            codes.add(pool.submit(() -> {
                String rv = KubeApiTestBed.json(send("GET", path, null, "").body()).getAsJsonObject("metadata")
                        .get("resourceVersion").getAsString();
                return send("PATCH", path, V1Patch.PATCH_FORMAT_JSON_PATCH, "[{\"op\":\"test\",\"path\":"
                        + "\"/metadata/resourceVersion\",\"value\":\"" + rv + "\"},{\"op\":\"replace\",\"path\":"
                        + "\"/metadata/labels/app\",\"value\":\"w" + n + "\"}]").statusCode();
            }));
        }
        Map<Integer, Integer> byCode = new java.util.TreeMap<>();
        for (java.util.concurrent.Future<Integer> f : codes) {
            byCode.merge(f.get(), 1, Integer::sum);
        }
        pool.shutdown();
        assertThat(byCode.keySet()).as("answers by status code: %s", byCode).isSubsetOf(200, 422).contains(200);
    }

    @Test
    void aJsonMergePatchAppendsToListsInsteadOfReplacingThem() throws Exception {
        CoreV1Api core = new CoreV1Api(bed.apiClient());
        V1Pod p = KubeApiTestBedTest.pod("gaps", "listy");
        p.getMetadata().setFinalizers(List.of("berth.dev/a"));
        core.createNamespacedPod("gaps", p).execute();
        String path = "/api/v1/namespaces/gaps/pods/listy";

        HttpResponse<String> merged = send("PATCH", path, V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                "{\"metadata\":{\"finalizers\":[\"berth.dev/b\"]}}");
        assertThat(merged.statusCode()).isEqualTo(200);
        assertThat(core.readNamespacedPod("listy", "gaps").execute().getMetadata().getFinalizers())
                .containsExactly("berth.dev/a", "berth.dev/b"); // a real server (RFC 7386): only berth.dev/b

        // A JSON patch "add" of the whole list replaces it, as it should: write lists (status conditions) that way.
        send("PATCH", path, V1Patch.PATCH_FORMAT_JSON_PATCH,
                "[{\"op\":\"add\",\"path\":\"/metadata/finalizers\",\"value\":[\"berth.dev/c\"]}]");
        assertThat(core.readNamespacedPod("listy", "gaps").execute().getMetadata().getFinalizers())
                .containsExactly("berth.dev/c");
    }

    @Test
    void customResourcesAreNotValidatedAgainstTheirSchema() {
        bed.loadYaml("""
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: typeds.example.com}
                spec:
                  group: example.com
                  scope: Namespaced
                  names: {kind: Typed, plural: typeds, singular: typed, listKind: TypedList}
                  versions:
                    - name: v1
                      served: true
                      storage: true
                      schema:
                        openAPIV3Schema:
                          type: object
                          properties:
                            spec: {type: object, properties: {replicas: {type: integer}}}
                """);
        List<JsonObject> created = bed.loadYaml("""
                apiVersion: example.com/v1
                kind: Typed
                metadata: {name: wrong, namespace: gaps}
                spec: {replicas: three}
                """);
        assertThat(created.get(0).getAsJsonObject("spec").get("replicas").getAsString()).isEqualTo("three"); // a real server: 422
    }

    @Test
    void nothingRunsNoGarbageCollectorNoSchedulerNoKubelet() throws Exception {
        CoreV1Api core = new CoreV1Api(bed.apiClient());
        JsonObject owner = bed.loadYaml("""
                apiVersion: berth.dev/v1alpha1
                kind: KafkaCluster
                metadata: {name: owner, namespace: gaps}
                """).get(0);
        V1Pod owned = KubeApiTestBedTest.pod("gaps", "owned");
        owned.getMetadata().setOwnerReferences(List.of(new V1OwnerReference().apiVersion("berth.dev/v1alpha1")
                .kind("KafkaCluster").name("owner").uid(owner.getAsJsonObject("metadata").get("uid").getAsString())));
        core.createNamespacedPod("gaps", owned).execute();
        assertThat(send("DELETE", "/apis/berth.dev/v1alpha1/namespaces/gaps/kafkaclusters/owner", null, "").statusCode())
                .isEqualTo(200);

        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> {
            V1Pod p = core.readNamespacedPod("owned", "gaps").execute(); // still there: no GC
            return p.getSpec().getNodeName() == null && (p.getStatus() == null || p.getStatus().getPhase() == null);
        });
    }

    private static List<String> names(CoreV1Api core, String selector) throws Exception {
        return core.listNamespacedPod("selectors").labelSelector(selector).execute().getItems().stream()
                .map(p -> p.getMetadata().getName()).toList();
    }

    private static HttpResponse<String> send(String method, String path, String contentType, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(bed.url() + path)).timeout(Duration.ofSeconds(10))
                .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
