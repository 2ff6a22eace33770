package dev.berth.testbed.k8s;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Optional;

/**
 * The {@code test} operations at the head of a JSON patch (RFC 6902), checked before the patch
 * reaches the mock, which never answers a patch whose {@code test} fails.
 *
 * <p>Only the leading run of {@code test} ops is checked: those see the object as stored, so
 * checking them needs no patch engine. That is the common shape
 * ({@code [{"op":"test","path":"/metadata/resourceVersion","value":"7"}, {"op":"replace",...}]}).
 * A {@code test} after a mutating op is left to the mock (and stays a known gap).
 *
 * <p>Example: object {@code {"spec":{"replicas":3}}}, patch
 * {@code [{"op":"test","path":"/spec/replicas","value":4},{"op":"replace",...}]} fails with
 * "testing value /spec/replicas failed"; with value 3 it passes.
 */
final class JsonPatchTestOps {

    private JsonPatchTestOps() {}

    /** The failure message of the first failing leading test op, or empty when all pass. */
    static Optional<String> firstFailure(JsonArray patch, JsonObject current) {
        for (JsonElement e : patch) {
            if (!e.isJsonObject()) {
                return Optional.empty();
            }
            JsonObject op = e.getAsJsonObject();
            if (!op.has("op") || !"test".equals(op.get("op").getAsString())) {
                return Optional.empty();
            }
            String path = op.has("path") ? op.get("path").getAsString() : "";
            Optional<JsonElement> actual = resolve(current, path);
            if (actual.isEmpty() || !actual.get().equals(op.get("value"))) {
                return Optional.of("testing value " + path + " failed");
            }
        }
        return Optional.empty();
    }

    /** RFC 6901 JSON pointer resolution; empty when the path does not exist. */
    static Optional<JsonElement> resolve(JsonElement root, String pointer) {
        if (pointer.isEmpty()) {
            return Optional.of(root);
        }
        JsonElement node = root;
        for (String raw : pointer.substring(1).split("/", -1)) {
            String token = raw.replace("~1", "/").replace("~0", "~");
            if (node != null && node.isJsonObject()) {
                node = node.getAsJsonObject().get(token);
            } else if (node != null && node.isJsonArray() && token.matches("\\d+")) {
                JsonArray a = node.getAsJsonArray();
                int i = Integer.parseInt(token);
                node = i < a.size() ? a.get(i) : null;
            } else {
                return Optional.empty();
            }
            if (node == null) {
                return Optional.empty();
            }
        }
        return Optional.of(node);
    }
}
