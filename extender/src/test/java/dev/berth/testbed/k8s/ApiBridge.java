package dev.berth.testbed.k8s;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP front of the test bed: an Undertow server on 127.0.0.1, port 0, that client-java talks
 * to, in front of the fabric8 mock. Routing, in order:
 * <ol>
 *   <li>a call a test has forbidden ({@link KubeApiTestBed#forbid}), or that a service account's role does
 *       not allow ({@link KubeApiTestBed#serviceAccount}): 403, from {@link RbacRefusals};</li>
 *   <li>a custom resource whose CRD is not stored: 404, as a real server answers before the CRD is applied
 *       (the mock would serve any path);</li>
 *   <li>{@code GET ...?watch=true}: {@link WatchRelay} (chunked lines instead of WebSocket).</li>
 *   <li>{@code POST /api/v1/namespaces/{ns}/pods/{name}/binding}: {@link PodBindingEmulator}.</li>
 *   <li>everything else is forwarded as is (method, path, query, Content-Type, Accept, body),
 *       with four repairs:
 *     <ul>
 *       <li>POST/PUT bodies without {@code kind}/{@code apiVersion} get them from the path (a real
 *           server infers them; the mock answers 422): built-in kinds from a table, custom
 *           resources from the CRDs stored in the mock;</li>
 *       <li>a 404 without a body gets a NotFound {@code Status} body, as a real server sends;</li>
 *       <li>a successful PATCH answers 200 (the mock says 202; a real server says 200);</li>
 *       <li>a JSON patch whose leading {@code test} op fails answers 422 with the body a real server
 *           sends: reason {@code Invalid}, its generic message, no causes, so nothing names the path
 *           that failed (the mock never answers it; see {@link JsonPatchTestOps}).</li>
 *     </ul></li>
 * </ol>
 * Writes (every method but GET and HEAD, bindings included) go to the mock one at a time. A JSON
 * patch's {@code test} ops are checked against the stored object and then the patch is forwarded; a
 * write landing between the two made the mock's own check fail, and the mock then never answered (an
 * unhandled exception on its event loop): the client waited out its 10 s timeout and got a 500, and
 * an operator pass lost what it had to record. Seen twice on loaded machines, once in a clean-clone CI
 * run ({@code CancelledScaleDownTest}).
 */
final class ApiBridge implements AutoCloseable {

    private static final Pattern BINDING = Pattern.compile("^/api/v1/namespaces/([^/]+)/pods/([^/]+)/binding/?$");
    /** Response headers the bridge computes itself. */
    private static final Set<String> HOP_BY_HOP = Set.of(
            "content-length", "transfer-encoding", "connection", "keep-alive", "date");
    /** Watches hold a worker each; leave plenty for ordinary calls beside them. */
    private static final int WORKER_THREADS = 64;

    private final MockConnection mock;
    private final WatchRelay watches;
    private final PodBindingEmulator binder;
    private final RbacRefusals refusals = new RbacRefusals();
    /** {@code group/plural} of the custom resources found defined; tests do not delete CRDs. */
    private final Set<String> definedCustom = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Runnable afterRequest;
    private final Undertow server;
    private final int port;
    /** Held for each write, from the check of a patch's test ops to the mock's answer. */
    private final java.util.concurrent.locks.ReentrantLock writes = new java.util.concurrent.locks.ReentrantLock();

    /** @param afterRequest runs after each request (the bed drops the mock's request log there) */
    ApiBridge(MockConnection mock, Runnable afterRequest) {
        this.mock = mock;
        this.afterRequest = afterRequest;
        this.watches = new WatchRelay(mock);
        this.binder = new PodBindingEmulator(mock);
        this.server = Undertow.builder()
                .addHttpListener(0, "127.0.0.1")
                .setIoThreads(2)
                .setWorkerThreads(WORKER_THREADS)
                .setHandler(new BlockingHandler(this::handle))
                .build();
        server.start();
        this.port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    RbacRefusals refusals() {
        return refusals;
    }

    WatchRelay watches() {
        return watches;
    }

    @Override
    public void close() {
        watches.endAll();
        server.stop();
    }

    private void handle(HttpServerExchange ex) throws Exception {
        try {
            String method = ex.getRequestMethod().toString();
            Optional<byte[]> forbidden = refusals.refusal(method, ex.getRequestPath(), WatchRelay.isWatch(ex),
                    ex.getRequestHeaders().getFirst(Headers.AUTHORIZATION));
            if (forbidden.isPresent()) {
                reply(ex, 403, "application/json", forbidden.get());
                return;
            }
            Optional<ResourcePaths.Target> target = ResourcePaths.parse(ex.getRequestPath());
            if (target.isPresent() && !defined(target.get())) {
                reply(ex, 404, "application/json", ApiStatus.failure(404, "NotFound",
                        "the server could not find the requested resource", target.get().plural(), null));
                return;
            }
            if (method.equals("GET") && WatchRelay.isWatch(ex)) {
                watches.serve(ex);
                return;
            }
            byte[] body = ex.getInputStream().readAllBytes();
            boolean write = !method.equals("GET") && !method.equals("HEAD");
            if (write) {
                writes.lock();
            }
            try {
                Matcher m = BINDING.matcher(ex.getRequestPath());
                if (method.equals("POST") && m.matches()) {
                    PodBindingEmulator.Answer a = binder.bind(m.group(1), m.group(2), body);
                    reply(ex, a.code(), "application/json", a.body());
                    return;
                }
                forward(ex, method, body);
            } finally {
                if (write) {
                    writes.unlock();
                }
            }
        } catch (Exception e) {
            if (!ex.isResponseStarted()) {
                reply(ex, 500, "application/json",
                        ApiStatus.failure(500, "InternalError", "test bed bridge: " + e, null, null));
            }
        } finally {
            afterRequest.run();
        }
    }

    /** False for a custom resource whose CRD the mock does not hold. */
    private boolean defined(ResourcePaths.Target t) throws IOException, InterruptedException {
        if (!t.custom() || definedCustom.contains(t.group() + "/" + t.plural())) {
            return true;
        }
        if (mock.findCrd(t.group(), t.plural(), null).isEmpty()) {
            return false;
        }
        definedCustom.add(t.group() + "/" + t.plural());
        return true;
    }

    private void forward(HttpServerExchange ex, String method, byte[] body) throws IOException, InterruptedException {
        String path = ex.getRequestPath();
        Optional<ResourcePaths.Target> target = ResourcePaths.parse(path);
        String contentType = ex.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
        if ((method.equals("POST") || method.equals("PUT")) && target.isPresent() && body.length > 0) {
            body = withKind(target.get(), body);
        }
        if (method.equals("PATCH") && contentType != null && contentType.contains("json-patch") && target.isPresent()) {
            Optional<String> failed = failedLeadingTest(target.get(), body);
            if (failed.isPresent()) {
                // the body a real apiserver sends (NewGenericServerResponse, not an unexpected response): its
                // generic text, no causes; which test failed is not said, so a client cannot look for it
                reply(ex, 422, "application/json", ApiStatus.failure(422, "Invalid",
                        "the server rejected our request due to an error in our request", null, null));
                return;
            }
        }
        String uri = ex.getRequestURI() + (ex.getQueryString().isEmpty() ? "" : "?" + ex.getQueryString());
        HttpResponse<byte[]> r = mock.send(method, uri, contentType, body);

        int code = r.statusCode();
        byte[] out = r.body();
        if (code == 404 && out.length == 0) {
            String plural = target.map(ResourcePaths.Target::plural).orElse(null);
            String name = target.map(ResourcePaths.Target::name).orElse(null);
            out = ApiStatus.failure(404, "NotFound",
                    name == null ? "the server could not find the requested resource" : plural + " \"" + name + "\" not found",
                    plural, name);
            reply(ex, 404, "application/json", out);
            return;
        }
        if (method.equals("PATCH") && code == 202) {
            code = 200;
        }
        ex.setStatusCode(code);
        for (Map.Entry<String, List<String>> h : r.headers().map().entrySet()) {
            if (!HOP_BY_HOP.contains(h.getKey().toLowerCase()) && !h.getKey().startsWith(":")) {
                ex.getResponseHeaders().putAll(new HttpString(h.getKey()), h.getValue());
            }
        }
        HeaderValues ct = ex.getResponseHeaders().get(Headers.CONTENT_TYPE);
        if ((ct == null || ct.isEmpty()) && out.length > 0) {
            ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        }
        ex.getOutputStream().write(out);
    }

    /** A JSON patch's leading {@code test} ops checked against the stored object (see JsonPatchTestOps). */
    private Optional<String> failedLeadingTest(ResourcePaths.Target t, byte[] body) throws IOException, InterruptedException {
        JsonElement patch;
        try {
            patch = JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
        } catch (RuntimeException notJson) {
            return Optional.empty();
        }
        if (!patch.isJsonArray() || t.name() == null) {
            return Optional.empty();
        }
        String objectPath = ResourcePaths.collectionPath(t.apiVersion(), t.namespace(), t.plural()) + "/" + t.name();
        Optional<JsonObject> current = mock.getJson(objectPath);
        return current.flatMap(o -> JsonPatchTestOps.firstFailure(patch.getAsJsonArray(), o));
    }

    /** Adds kind/apiVersion to a JSON object body that lacks them, when the path tells them. */
    private byte[] withKind(ResourcePaths.Target t, byte[] body) throws IOException, InterruptedException {
        JsonElement parsed;
        try {
            parsed = JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
        } catch (RuntimeException notJson) {
            return body;
        }
        if (!parsed.isJsonObject()) {
            return body;
        }
        JsonObject o = parsed.getAsJsonObject();
        boolean hasKind = o.has("kind") && !o.get("kind").getAsString().isEmpty();
        boolean hasApiVersion = o.has("apiVersion") && !o.get("apiVersion").getAsString().isEmpty();
        if (hasKind && hasApiVersion) {
            return body;
        }
        if (!hasApiVersion) {
            o.addProperty("apiVersion", t.apiVersion());
        }
        if (!hasKind) {
            Optional<String> kind = t.builtinKind();
            if (kind.isEmpty()) {
                kind = mock.findCrd(t.group(), t.plural(), null)
                        .map(crd -> crd.getAsJsonObject("spec").getAsJsonObject("names").get("kind").getAsString());
            }
            kind.ifPresent(k -> o.addProperty("kind", k));
        }
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void reply(HttpServerExchange ex, int code, String contentType, byte[] body) throws IOException {
        ex.setStatusCode(code);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
        ex.getOutputStream().write(body);
    }
}
