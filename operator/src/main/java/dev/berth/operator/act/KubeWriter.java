package dev.berth.operator.act;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.api.KafkaClusterStatus;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1EventSource;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ObjectReference;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.util.PatchUtils;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;

/**
 * Every Kubernetes write the operator makes, each a small step with no decisions in it. Creates treat
 * 409 (already exists) as success, so a step that is repeated after a crash is harmless.
 */
public final class KubeWriter {
    public static final String COMPONENT = "berth-operator";

    private final ApiClient client;
    private final CoreV1Api core;
    private final CustomObjectsApi custom;
    private final io.kubernetes.client.util.generic.GenericKubernetesApi<KafkaCluster, dev.berth.operator.api.KafkaClusterList> clusters;
    private final Clock clock;

    /** @param client an ApiClient with finite timeouts (not the informers' one) */
    public KubeWriter(ApiClient client, Clock clock) {
        this.client = client;
        this.core = new CoreV1Api(client);
        this.custom = new CustomObjectsApi(client);
        this.clusters = new io.kubernetes.client.util.generic.GenericKubernetesApi<>(KafkaCluster.class,
                dev.berth.operator.api.KafkaClusterList.class, KafkaCluster.GROUP, KafkaCluster.VERSION,
                KafkaCluster.PLURAL, client);
        this.clock = clock;
    }

    /**
     * The KafkaCluster as the API server holds it now, or null when it is gone. The informer's copy
     * can lag behind the status this operator wrote a moment ago (a reconcile woken by a pod event
     * can run before the watch shows that write); deciding from it started an operation twice, with
     * two Events, and wrote progress that went backwards. A read, not a write: it lives here because
     * this class owns the operator's API client.
     */
    public KafkaCluster read(String namespace, String name) throws ApiException {
        io.kubernetes.client.util.generic.KubernetesApiResponse<KafkaCluster> r = clusters.get(namespace, name);
        if (r.getHttpStatusCode() == 404) {
            return null;
        }
        return r.throwsApiException().getObject();
    }

    public CoreV1Api core() {
        return core;
    }

    /** @return true when created, false when it existed already (a cache that lags) */
    public boolean create(V1Pod pod) throws ApiException {
        return ignoreConflict(() -> core.createNamespacedPod(pod.getMetadata().getNamespace(), pod).execute());
    }

    /** @return true when created, false when it existed already (a cache that lags) */
    public boolean create(V1PersistentVolumeClaim pvc) throws ApiException {
        return ignoreConflict(() -> core.createNamespacedPersistentVolumeClaim(pvc.getMetadata().getNamespace(), pvc)
                .execute());
    }

    public void create(V1Service svc) throws ApiException {
        ignoreConflict(() -> core.createNamespacedService(svc.getMetadata().getNamespace(), svc).execute());
    }

    public void create(V1ConfigMap cm) throws ApiException {
        ignoreConflict(() -> core.createNamespacedConfigMap(cm.getMetadata().getNamespace(), cm).execute());
    }

    public void create(io.kubernetes.client.openapi.models.V1PodDisruptionBudget pdb) throws ApiException {
        ignoreConflict(() -> new io.kubernetes.client.openapi.apis.PolicyV1Api(client)
                .createNamespacedPodDisruptionBudget(pdb.getMetadata().getNamespace(), pdb).execute());
    }

    /**
     * Sets a budget's {@code spec.maxUnavailable} and {@code spec.minAvailable} to {@code desired}'s, the one
     * it does not set cleared (a JSON merge patch; both are mutable in policy/v1, and an apiserver refuses
     * a budget with both set).
     */
    public void setBudget(io.kubernetes.client.openapi.models.V1PodDisruptionBudget pdb,
            io.kubernetes.client.openapi.models.V1PodDisruptionBudget desired) throws ApiException {
        io.kubernetes.client.openapi.apis.PolicyV1Api policy = new io.kubernetes.client.openapi.apis.PolicyV1Api(client);
        Integer max = dev.berth.operator.act.desired.DesiredDisruptionBudgets.maxUnavailable(desired);
        Integer min = dev.berth.operator.act.desired.DesiredDisruptionBudgets.minAvailable(desired);
        PatchUtils.patch(io.kubernetes.client.openapi.models.V1PodDisruptionBudget.class,
                () -> policy.patchNamespacedPodDisruptionBudget(pdb.getMetadata().getName(),
                        pdb.getMetadata().getNamespace(), new V1Patch("{\"spec\":{\"maxUnavailable\":" + max
                                + ",\"minAvailable\":" + min + "}}")).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, client);
    }

    /** Replaces the data of an existing ConfigMap (optimistic: a stale resourceVersion gives 409). */
    public void replaceData(V1ConfigMap existing, Map<String, String> data) throws ApiException {
        replace(existing, next -> next.setData(data));
    }

    /** A PVC as the API server has it now, not as a cache may still show it; {@code null} when absent. */
    public V1PersistentVolumeClaim readPvc(String namespace, String name) throws ApiException {
        return orNull(() -> core.readNamespacedPersistentVolumeClaim(name, namespace).execute());
    }

    /** A pod as the API server has it now, not as a cache may still show it; {@code null} when absent. */
    public V1Pod readPod(String namespace, String name) throws ApiException {
        return orNull(() -> core.readNamespacedPod(name, namespace).execute());
    }

    /** A ConfigMap as the API server has it now, not as a cache may still show it; {@code null} when absent. */
    public V1ConfigMap readConfigMap(String namespace, String name) throws ApiException {
        return orNull(() -> core.readNamespacedConfigMap(name, namespace).execute());
    }

    /**
     * Sets one annotation on {@code fresh} and replaces the ConfigMap with it: a PUT with its
     * resourceVersion, so a write by anyone since {@code fresh} was read fails (409) rather than being
     * undone. The operator's role can update ConfigMaps; it has no patch on them.
     */
    public void annotate(V1ConfigMap fresh, String key, String value) throws ApiException {
        replace(fresh, next -> next.getMetadata().putAnnotationsItem(key, value));
    }

    /** PUTs a copy of {@code read} with {@code edit} applied, under {@code read}'s resourceVersion. */
    private void replace(V1ConfigMap read, java.util.function.Consumer<V1ConfigMap> edit) throws ApiException {
        V1ConfigMap next = JSON.deserialize(JSON.serialize(read), V1ConfigMap.class);
        edit.accept(next);
        core.replaceNamespacedConfigMap(next.getMetadata().getName(), next.getMetadata().getNamespace(), next).execute();
    }

    /**
     * Deletes exactly this pod: the UID precondition makes the call fail (409) rather than delete a
     * successor that took the same name. Returns false when the pod is already gone (404) or was
     * replaced meanwhile (409): either way, the pod this was about no longer runs.
     */
    public boolean deletePod(V1Pod pod) throws ApiException {
        try {
            core.deleteNamespacedPod(pod.getMetadata().getName(), pod.getMetadata().getNamespace())
                    .body(new io.kubernetes.client.openapi.models.V1DeleteOptions().preconditions(
                            new io.kubernetes.client.openapi.models.V1Preconditions().uid(pod.getMetadata().getUid())))
                    .execute();
            return true;
        } catch (ApiException e) {
            if (e.getCode() == 404 || e.getCode() == 409) {
                return false;
            }
            throw e;
        }
    }

    /** Merge-patches annotations of a pod ({@code null} values remove a key). */
    public void annotate(V1Pod pod, Map<String, String> annotations) throws ApiException {
        JsonObject ann = new JsonObject();
        annotations.forEach((k, v) -> ann.add(k, v == null ? JsonNull.INSTANCE : new com.google.gson.JsonPrimitive(v)));
        JsonObject meta = new JsonObject();
        meta.add("annotations", ann);
        JsonObject body = new JsonObject();
        body.add("metadata", meta);
        PatchUtils.patch(V1Pod.class, () -> core.patchNamespacedPod(pod.getMetadata().getName(),
                        pod.getMetadata().getNamespace(), new V1Patch(body.toString())).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, client);
    }

    /**
     * Writes status to the status subresource, from a fresh document holding only {@code status}: a JSON
     * patch {@code add /status}, which replaces the whole status in one step (lists and a finished
     * {@code operation} included) and never touches spec. A JSON merge patch would do the same on a real
     * apiserver, but the in-process test API server concatenates lists in merge patches.
     *
     * <p>Only over the object {@code c} was read from: the patch starts with a {@code test} of its
     * resourceVersion, so a pass that read an older KafkaCluster (a leader that was slow and lost its
     * Lease, or any writer in between) gets 422 and writes nothing ({@link #isStale}). Without it, such
     * a pass put back an operation another replica had finished, and a status row of a broker that
     * replica had removed, which recreated the broker.
     */
    public void patchStatus(KafkaCluster c, KafkaClusterStatus status) throws ApiException {
        com.google.gson.JsonArray body = new com.google.gson.JsonArray();
        String read = c.getMetadata() == null ? null : c.getMetadata().getResourceVersion();
        if (read != null) {
            JsonObject test = new JsonObject();
            test.addProperty("op", "test");
            test.addProperty("path", "/metadata/resourceVersion");
            test.addProperty("value", read);
            body.add(test);
        }
        JsonObject op = new JsonObject();
        op.addProperty("op", "add");
        op.addProperty("path", "/status");
        op.add("value", JSON.getGson().toJsonTree(status));
        body.add(op);
        PatchUtils.patch(Object.class, () -> custom.patchNamespacedCustomObjectStatus(KafkaCluster.GROUP,
                        KafkaCluster.VERSION, c.namespace(), KafkaCluster.PLURAL, c.name(), new V1Patch(body.toString()))
                .buildCall(null), V1Patch.PATCH_FORMAT_JSON_PATCH, client);
    }

    /**
     * Whether {@code e} is the refusal of a {@link #patchStatus} over an object that changed since it
     * was read: 409, or the 422 of a JSON patch that could not be applied. A real apiserver answers a failed
     * {@code test} with reason {@code Invalid}, a generic message ("the server rejected our request due to
     * an error in our request") and no causes: nothing names the path, and the only op of that patch that can
     * fail to apply is the resourceVersion test. A status the CRD's schema refuses is a 422 too, but it lists
     * its field errors as causes: not stale, a defect to report.
     */
    public static boolean isStale(ApiException e) {
        if (e.getCode() == 409) {
            return true;
        }
        if (e.getCode() != 422) {
            return false;
        }
        String body = e.getResponseBody() == null ? "" : e.getResponseBody();
        try {
            JsonObject status = com.google.gson.JsonParser.parseString(body).getAsJsonObject();
            JsonObject details = status.has("details") && status.get("details").isJsonObject()
                    ? status.getAsJsonObject("details") : null;
            return details == null || !details.has("causes") || !details.get("causes").isJsonArray()
                    || details.getAsJsonArray("causes").isEmpty();
        } catch (RuntimeException notJson) {
            return body.contains("resourceVersion"); // not a Status: only its own words can say
        }
    }

    /** Records an Event on the KafkaCluster ({@code type} Normal or Warning, {@code reason} CamelCase). */
    public void event(KafkaCluster c, String type, String reason, String message) throws ApiException {
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        CoreV1Event e = new CoreV1Event()
                .apiVersion("v1")
                .kind("Event")
                .metadata(new V1ObjectMeta()
                        .name(c.name() + "." + UUID.randomUUID().toString().substring(0, 13).replace("-", ""))
                        .namespace(c.namespace()))
                .involvedObject(new V1ObjectReference()
                        .apiVersion(KafkaCluster.API_VERSION)
                        .kind(KafkaCluster.KIND)
                        .name(c.name())
                        .namespace(c.namespace())
                        .uid(c.getMetadata().getUid()))
                .type(type)
                .reason(reason)
                .message(message)
                .source(new V1EventSource().component(COMPONENT))
                .reportingComponent(COMPONENT)
                .firstTimestamp(now)
                .lastTimestamp(now)
                .count(1);
        core.createNamespacedEvent(c.namespace(), e).execute();
    }

    private interface Call {
        void run() throws ApiException;
    }

    private interface Read<T> {
        T get() throws ApiException;
    }

    /** What the read returns, or null when the object is absent (404). */
    private static <T> T orNull(Read<T> read) throws ApiException {
        try {
            return read.get();
        } catch (ApiException e) {
            if (e.getCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    /** True when the call created the object, false when it existed already (409). */
    private static boolean ignoreConflict(Call call) throws ApiException {
        try {
            call.run();
            return true;
        } catch (ApiException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            return false;
        }
    }
}
