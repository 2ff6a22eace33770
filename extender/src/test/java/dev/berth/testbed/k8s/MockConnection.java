package dev.berth.testbed.k8s;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Plain HTTP/1.1 calls from the bridge to the fabric8 mock (loopback). Every call has a finite
 * timeout: the mock never answers some requests (a JSON patch whose {@code test} op fails after a
 * mutating op), and the bridge must not hang with it.
 */
final class MockConnection {

    /** The mock answers a local call in milliseconds; 10 s means it will not answer. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private final String base;
    private final Duration callTimeout;
    private final HttpClient http;

    MockConnection(String base) {
        this(base, CALL_TIMEOUT);
    }

    MockConnection(String base, Duration callTimeout) {
        this.base = base;
        this.callTimeout = callTimeout;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    Duration callTimeout() {
        return callTimeout;
    }

    String base() {
        return base;
    }

    HttpClient http() {
        return http;
    }

    /** Sends one request; {@code uri} is the path plus optional query, {@code body} may be empty. */
    HttpResponse<byte[]> send(String method, String uri, String contentType, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + uri)).timeout(callTimeout);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.header("Accept", "application/json");
        b.method(method, body == null || body.length == 0
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** GET as JSON; empty on 404. */
    Optional<JsonObject> getJson(String path) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = send("GET", path, null, null);
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + r.statusCode() + ": " + text(r.body()));
        }
        return Optional.of(JsonParser.parseString(text(r.body())).getAsJsonObject());
    }

    /** The CRD (as stored by the mock) that serves {@code group}, matched by plural or kind. */
    Optional<JsonObject> findCrd(String group, String plural, String kind) throws IOException, InterruptedException {
        JsonArray items = getJson("/apis/apiextensions.k8s.io/v1/customresourcedefinitions")
                .map(l -> l.getAsJsonArray("items"))
                .orElseGet(JsonArray::new);
        for (JsonElement e : items) {
            JsonObject spec = e.getAsJsonObject().getAsJsonObject("spec");
            JsonObject names = spec.getAsJsonObject("names");
            if (group.equals(spec.get("group").getAsString())
                    && ((plural != null && plural.equals(names.get("plural").getAsString()))
                            || (kind != null && kind.equals(names.get("kind").getAsString())))) {
                return Optional.of(e.getAsJsonObject());
            }
        }
        return Optional.empty();
    }

    static String text(byte[] body) {
        return new String(body, StandardCharsets.UTF_8);
    }
}
