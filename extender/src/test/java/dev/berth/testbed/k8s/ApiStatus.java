package dev.berth.testbed.k8s;

import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * {@code Status} bodies shaped like a real apiserver's ({@code k8s.io/apimachinery} metav1.Status),
 * so that clients decode the bridge's own answers the way they decode a real server's.
 */
final class ApiStatus {

    private ApiStatus() {}

    /** {@code {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","code":code}}. */
    static byte[] success(int code) {
        JsonObject s = base();
        s.addProperty("status", "Success");
        s.addProperty("code", code);
        return bytes(s);
    }

    /**
     * A Failure status. {@code reason} is the apiserver's StatusReason ({@code NotFound},
     * {@code Conflict}, {@code BadRequest}, {@code InternalError}, ...); {@code kind}/{@code name}
     * fill {@code details} when not null.
     */
    static byte[] failure(int code, String reason, String message, String kind, String name) {
        JsonObject s = base();
        s.addProperty("status", "Failure");
        s.addProperty("message", message);
        s.addProperty("reason", reason);
        if (kind != null || name != null) {
            JsonObject d = new JsonObject();
            if (name != null) {
                d.addProperty("name", name);
            }
            if (kind != null) {
                d.addProperty("kind", kind);
            }
            s.add("details", d);
        }
        s.addProperty("code", code);
        return bytes(s);
    }

    private static JsonObject base() {
        JsonObject s = new JsonObject();
        s.addProperty("kind", "Status");
        s.addProperty("apiVersion", "v1");
        s.add("metadata", new JsonObject());
        return s;
    }

    private static byte[] bytes(JsonObject o) {
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }
}
