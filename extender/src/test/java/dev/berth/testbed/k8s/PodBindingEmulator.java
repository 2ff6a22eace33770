package dev.berth.testbed.k8s;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * {@code POST /api/v1/namespaces/{ns}/pods/{name}/binding}, as the real apiserver's binding REST
 * does it (the mock answers 409 and never sets {@code spec.nodeName}).
 *
 * <p>Algorithm, one optimistic-concurrency update like the apiserver's GuaranteedUpdate:
 * <ol>
 *   <li>Validate: a JSON Binding whose {@code metadata.name} (if set) is the pod's name and whose
 *       {@code target.name} is set; {@code target.kind}, when set, is {@code Node}. Else 400.</li>
 *   <li>Read the pod: missing is 404 NotFound.</li>
 *   <li>Refuse with 409 Conflict when {@code metadata.uid} is given and differs from the pod's
 *       ("Precondition failed: UID in precondition..."), when the pod is being deleted, or when it
 *       already has a node ("pod x is already assigned to node y": a real apiserver refuses this
 *       even for the same node, so an idempotent binder must check first).</li>
 *   <li>Merge-patch the pod on the mock with the resourceVersion it read: {@code spec.nodeName},
 *       the Binding's annotations, and condition {@code PodScheduled=True}. A stale
 *       resourceVersion (409 from the mock) re-reads and retries, up to 5 times.</li>
 *   <li>Answer 201 with {@code {"kind":"Status",...,"status":"Success","code":201}}.</li>
 * </ol>
 * Example: pod {@code b-0} (uid u1, no node) and Binding {@code {metadata:{name:b-0,uid:u1},
 * target:{name:n1}}} give 201 and {@code spec.nodeName=n1}; the same Binding again gives 409
 * "pod b-0 is already assigned to node "n1"".
 */
final class PodBindingEmulator {

    /** The HTTP answer: status code and JSON body. */
    record Answer(int code, byte[] body) {}

    private static final int ATTEMPTS = 5;

    private final MockConnection mock;

    PodBindingEmulator(MockConnection mock) {
        this.mock = mock;
    }

    Answer bind(String namespace, String pod, byte[] body) throws IOException, InterruptedException {
        JsonObject binding;
        try {
            binding = JsonParser.parseString(new String(body, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (RuntimeException e) {
            return badRequest("the body is not a JSON Binding: " + e.getMessage());
        }
        JsonObject meta = obj(binding, "metadata");
        JsonObject target = obj(binding, "target");
        String bindingName = str(meta, "name");
        if (bindingName != null && !bindingName.equals(pod)) {
            return badRequest("name in URL does not match name in Binding object");
        }
        String node = str(target, "name");
        if (node == null || node.isEmpty()) {
            return new Answer(422, ApiStatus.failure(422, "Invalid",
                    "Binding \"" + pod + "\" is invalid: target.name: Required value", "Binding", pod));
        }
        String targetKind = str(target, "kind");
        if (targetKind != null && !targetKind.isEmpty() && !targetKind.equals("Node")) {
            return new Answer(422, ApiStatus.failure(422, "Invalid",
                    "Binding \"" + pod + "\" is invalid: target.kind: must be empty or 'Node'", "Binding", pod));
        }
        String uid = str(meta, "uid");
        String podPath = "/api/v1/namespaces/" + namespace + "/pods/" + pod;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<JsonObject> current = mock.getJson(podPath);
            if (current.isEmpty()) {
                return new Answer(404, ApiStatus.failure(404, "NotFound",
                        "pods \"" + pod + "\" not found", "pods", pod));
            }
            JsonObject p = current.get();
            JsonObject pmeta = obj(p, "metadata");
            String refusal = refusal(pod, uid, pmeta, obj(p, "spec"));
            if (refusal != null) {
                return new Answer(409, ApiStatus.failure(409, "Conflict",
                        "Operation cannot be fulfilled on pods/binding \"" + pod + "\": " + refusal, "pods/binding", pod));
            }
            HttpResponse<byte[]> r = mock.send("PATCH", podPath, "application/merge-patch+json",
                    patch(p, node, obj(meta, "annotations")).toString().getBytes(StandardCharsets.UTF_8));
            if (r.statusCode() / 100 == 2) {
                return new Answer(201, ApiStatus.success(201));
            }
            if (r.statusCode() != 409) {
                return new Answer(r.statusCode(), r.body());
            }
        }
        return new Answer(409, ApiStatus.failure(409, "Conflict",
                "Operation cannot be fulfilled on pods \"" + pod + "\": the object has been modified; "
                        + "please apply your changes to the latest version and try again", "pods", pod));
    }

    private static String refusal(String pod, String uid, JsonObject pmeta, JsonObject spec) {
        String actualUid = str(pmeta, "uid");
        if (uid != null && !uid.isEmpty() && !uid.equals(actualUid)) {
            return "Precondition failed: UID in precondition: " + uid + ", UID in object meta: " + actualUid;
        }
        if (str(pmeta, "deletionTimestamp") != null) {
            return "pod " + pod + " is being deleted, cannot be assigned to a host";
        }
        String bound = str(spec, "nodeName");
        if (bound != null && !bound.isEmpty()) {
            return "pod " + pod + " is already assigned to node \"" + bound + "\"";
        }
        return null;
    }

    /** The merge patch: node, binding annotations, PodScheduled=True, guarded by resourceVersion. */
    private static JsonObject patch(JsonObject pod, String node, JsonObject annotations) {
        JsonObject meta = new JsonObject();
        meta.add("resourceVersion", obj(pod, "metadata").get("resourceVersion"));
        if (annotations.size() > 0) {
            meta.add("annotations", annotations);
        }
        JsonObject spec = new JsonObject();
        spec.addProperty("nodeName", node);

        JsonArray conditions = new JsonArray();
        JsonElement old = obj(pod, "status").get("conditions");
        if (old != null && old.isJsonArray()) {
            for (JsonElement c : old.getAsJsonArray()) {
                if (!"PodScheduled".equals(str(c.getAsJsonObject(), "type"))) {
                    conditions.add(c);
                }
            }
        }
        JsonObject scheduled = new JsonObject();
        scheduled.addProperty("type", "PodScheduled");
        scheduled.addProperty("status", "True");
        scheduled.addProperty("lastTransitionTime", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        conditions.add(scheduled);
        JsonObject status = new JsonObject();
        status.add("conditions", conditions);

        JsonObject patch = new JsonObject();
        patch.add("metadata", meta);
        patch.add("spec", spec);
        patch.add("status", status);
        return patch;
    }

    private static Answer badRequest(String message) {
        return new Answer(400, ApiStatus.failure(400, "BadRequest", message, null, null));
    }

    private static JsonObject obj(JsonObject o, String key) {
        JsonElement e = o == null ? null : o.get(key);
        return e != null && e.isJsonObject() ? e.getAsJsonObject() : new JsonObject();
    }

    private static String str(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? null : e.getAsString();
    }
}
