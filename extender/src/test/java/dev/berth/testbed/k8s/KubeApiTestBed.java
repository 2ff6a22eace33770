package dev.berth.testbed.k8s;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An in-process Kubernetes API server for tests, reached over real HTTP by client-java: the fabric8
 * {@code kubernetes-server-mock} in CRUD mode behind a small Undertow bridge ({@link ApiBridge}).
 * Start one per test class: a start takes about 15 ms, plus about 2 s once per JVM to load the
 * mock's classes (Vert.x, Jackson, the fabric8 model).
 *
 * <pre>{@code
 * @AutoClose static final KubeApiTestBed bed = KubeApiTestBed.start(); // JUnit closes it after the class
 * bed.load("testbed/three-nodes.yaml");                            // classpath resource or file path
 * CoreV1Api core = new CoreV1Api(bed.apiClient());                 // finite timeouts: ordinary calls
 * SharedInformerFactory f = new SharedInformerFactory(bed.informerClient()); // read timeout 0
 * }</pre>
 *
 * <h2>What the bridge adds to the mock</h2>
 * <ul>
 *   <li><b>Watches over chunked HTTP</b> ({@code ?watch=true}), which client-java informers use;
 *       the mock only speaks WebSocket. resourceVersion, label selectors and timeoutSeconds are
 *       honoured ({@link WatchRelay}). Informer events arrive in milliseconds.</li>
 *   <li><b>The Node field selector {@code spec.unschedulable}</b> (cordoned nodes), on lists and
 *       watches ({@link NodeFieldsExtractor}); the mock alone knows only {@code metadata.name} and
 *       {@code metadata.namespace}.</li>
 *   <li><b>Pod binding</b>: {@code POST pods/{name}/binding} checks the pod, its UID precondition
 *       and that it has no node yet (else 409), sets {@code spec.nodeName}, the Binding's
 *       annotations and {@code PodScheduled=True}, and answers 201 with a {@code Status}
 *       ({@link PodBindingEmulator}).</li>
 *   <li><b>RBAC on demand</b> ({@link RbacRefusals}; the mock itself authorizes everything): 403 Forbidden
 *       with the apiserver's wording for a verb on a resource until lifted ({@link #forbid}), and clients
 *       that act as a service account with only the rules a role grants ({@link #serviceAccount}).</li>
 *   <li><b>kind/apiVersion</b> added to POST/PUT bodies that lack them, from the path (client-java's
 *       {@code LeaseLock} leaves them out; the mock alone answers 422).</li>
 *   <li><b>404 for a custom resource whose CRD is not stored</b> (the mock serves any path), as a real
 *       server answers until the CRD is applied.</li>
 *   <li><b>404 with a NotFound Status body</b> (the mock's 404 has no body), so
 *       {@code GenericKubernetesApi.get} returns a 404 response instead of throwing; <b>200 for
 *       PATCH</b> (the mock says 202); <b>422 for a JSON patch whose leading {@code test} op
 *       fails</b>.</li>
 * </ul>
 *
 * <p>The mock runs with {@link OffLoopWatchDispatcher}: a watch that ends never stalls the mock's
 * event loop (stock 8.0.0 can stall every call for up to 30 s when a watch is dropped while an
 * event is being sent to it; {@code WatchChurnTest} pins the fix).
 *
 * <h2>Known gaps versus a real apiserver</h2>
 * Each is pinned by {@code KubeApiTestBedGapsTest}, so a change of behaviour is noticed.
 * <ul>
 *   <li>{@code kind}/{@code apiVersion}: the bridge infers them for built-in kinds in its table
 *       and for custom resources whose CRD is stored; another built-in kind without them gets 422.</li>
 *   <li>No strategic merge patch and no server-side apply (415): use JSON merge patch or JSON
 *       patch.</li>
 *   <li>A JSON merge patch appends to lists instead of replacing them (RFC 7386 replaces): a
 *       status whose {@code conditions} are merge-patched grows on every write. Replace lists
 *       with a JSON patch {@code add} of the whole list, which means the same on a real server.</li>
 *   <li>Set-based label selectors ({@code in}, {@code notin}) are silently ignored: they match
 *       everything. Equality and existence selectors work.</li>
 *   <li>A JSON patch whose {@code test} op fails gets no answer from the mock. The bridge checks
 *       the leading {@code test} ops itself (422, as a real server); a {@code test} after a
 *       mutating op still goes unanswered, and the bridge gives up after 10 s with a 500.</li>
 *   <li>No schema validation, defaulting or admission: a custom resource is stored as sent.</li>
 *   <li>Watches: no BOOKMARK events, never 410 Gone (any resourceVersion is accepted), and an
 *       object deleted between a list and the watch that follows it is never reported.</li>
 *   <li>No controllers: no garbage collection (ownerReferences are not followed), no scheduler,
 *       no kubelet: a pod never runs, its status changes only when a test writes it.</li>
 *   <li>A DELETE's body is not read: its UID and resourceVersion preconditions (a real server's 409
 *       for an object replaced since it was read), {@code gracePeriodSeconds} and
 *       {@code propagationPolicy} are ignored, and an object without finalizers goes at once. So no
 *       pod is ever Terminating for its grace period unless a test holds it with a finalizer, and a
 *       delete aimed at an older pod of a name deletes the newer one: no test here can show berth's
 *       UID preconditions at work.</li>
 *   <li>For built-in kinds, a write to the main resource changes {@code status} too, and a status
 *       PUT never answers 409 for a stale resourceVersion; only custom resources get the status
 *       subresource's separation.</li>
 * </ul>
 *
 * <p>Verified API groups: core v1 (pods, nodes, events, binding), {@code coordination.k8s.io/v1}
 * leases, {@code events.k8s.io/v1} events, {@code apiextensions.k8s.io/v1} CRDs and custom
 * resources.
 */
public final class KubeApiTestBed implements AutoCloseable {

    /** Ordinary calls give up after this; an unanswered call must fail a test, not hang it. */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);

    /**
     * The mock logs every request at INFO through java.util.logging, Undertow its start and stop:
     * a line per call drowns test output. Held here because JUL keeps loggers weakly.
     */
    private static final List<Logger> QUIET = List.of(
            Logger.getLogger("io.fabric8.mockwebserver"), Logger.getLogger("io.undertow"), Logger.getLogger("org.xnio"));

    static {
        QUIET.forEach(l -> l.setLevel(Level.WARNING));
    }

    private final KubernetesMockServer mockServer;
    private final ApiBridge bridge;
    private final ManifestLoader loader;
    private final ApiClient apiClient;
    private final ApiClient informerClient;
    private final Duration startTime;
    /** Service accounts' clients, released with the bed's own. */
    private final List<ApiClient> extraClients = new java.util.concurrent.CopyOnWriteArrayList<>();

    private KubeApiTestBed(KubernetesMockServer mockServer, ApiBridge bridge, Duration startTime) {
        this.mockServer = mockServer;
        this.bridge = bridge;
        this.loader = new ManifestLoader(new MockConnection(bridge.url()));
        this.apiClient = client(bridge.url(), CALL_TIMEOUT);
        this.informerClient = client(bridge.url(), Duration.ZERO);
        this.startTime = startTime;
    }

    /** Starts the mock (CRUD mode) and the bridge, both on 127.0.0.1 with free ports. */
    public static KubeApiTestBed start() {
        return start(MockConnection.CALL_TIMEOUT);
    }

    /** As {@link #start()}, with the bridge giving up on an unanswered mock call sooner (gap tests). */
    static KubeApiTestBed start(Duration mockCallTimeout) {
        long t0 = System.nanoTime();
        KubernetesMockServer mock = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new OffLoopWatchDispatcher(), false);
        try {
            mock.init(InetAddress.getByName("127.0.0.1"), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ApiBridge bridge = new ApiBridge(new MockConnection("http://127.0.0.1:" + mock.getPort(), mockCallTimeout),
                () -> dropRecordedRequests(mock));
        return new KubeApiTestBed(mock, bridge, Duration.ofNanos(System.nanoTime() - t0));
    }

    /** The bridge's base URL ({@code http://127.0.0.1:port}); point any client here. */
    public String url() {
        return bridge.url();
    }

    /** A client for ordinary calls: connect, read and write timeouts of {@link #CALL_TIMEOUT}. */
    public ApiClient apiClient() {
        return apiClient;
    }

    /** A client with read timeout 0, as {@code SharedInformerFactory} requires for its watches. */
    public ApiClient informerClient() {
        return informerClient;
    }

    /** How long {@link #start()} took. */
    public Duration startTime() {
        return startTime;
    }

    /**
     * Creates every object of a YAML file: a file path if such a file exists, else a classpath
     * resource. Several documents and {@code kind: List} both work; CRDs are created first.
     *
     * @return the objects as the server stored them (uid, resourceVersion filled in)
     */
    public List<JsonObject> load(String pathOrClasspathResource) {
        Path file = Path.of(pathOrClasspathResource);
        if (Files.isRegularFile(file)) {
            return load(file);
        }
        String resource = pathOrClasspathResource.replaceFirst("^/", "");
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no file and no classpath resource: " + pathOrClasspathResource);
            }
            return loadYaml(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates every object of a YAML file. */
    public List<JsonObject> load(Path file) {
        try {
            return loadYaml(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates every object of a YAML text (documents separated by {@code ---}, or a List). */
    public List<JsonObject> loadYaml(String yaml) {
        try {
            return loader.load(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Registers a custom resource type by creating a minimal {@code apiextensions.k8s.io/v1} CRD:
     * one served and stored version, an open schema, the status subresource (so status is written
     * only through {@code /status}, as real CRDs usually do).
     *
     * @return the stored CRD
     */
    public JsonObject registerCrd(String group, String version, String kind, String plural, boolean namespaced) {
        String crd = """
                {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
                 "metadata":{"name":"%4$s.%1$s"},
                 "spec":{"group":"%1$s","scope":"%5$s",
                   "names":{"kind":"%3$s","plural":"%4$s","singular":"%6$s","listKind":"%3$sList"},
                   "versions":[{"name":"%2$s","served":true,"storage":true,
                     "subresources":{"status":{}},
                     "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}
                """.formatted(group, version, kind, plural, namespaced ? "Namespaced" : "Cluster",
                kind.toLowerCase(java.util.Locale.ROOT));
        return loadYaml(crd).get(0); // JSON is YAML
    }

    /**
     * Answers 403 Forbidden to {@code verb} ({@code create}, {@code patch}, {@code delete}, {@code list}, ...)
     * on {@code resource} ({@code pods}, {@code pods/binding}, {@code kafkaclusters/status}, ...) in
     * {@code namespace} ({@code null}: every namespace), as RBAC without that rule would, until the
     * returned handle is closed.
     */
    public AutoCloseable forbid(String verb, String resource, String namespace) {
        return bridge.refusals().add(verb, resource, namespace);
    }

    /**
     * Clients that act as service account {@code namespace/name}, authorized by {@code grants} alone (see
     * {@link RbacRefusals}): what a shipped role lacks is refused with 403 and recorded in
     * {@link ServiceAccount#refused()}. {@link RbacGrant#boundIn} reads the grants from a manifest.
     */
    public ServiceAccount serviceAccount(String namespace, String name, List<RbacGrant> grants) {
        String token = "sa-" + namespace + "-" + name + "-" + java.util.UUID.randomUUID();
        RbacRefusals.Record record = bridge.refusals().serviceAccount(token, namespace, name, grants);
        ApiClient calls = client(bridge.url(), CALL_TIMEOUT);
        ApiClient watches = client(bridge.url(), Duration.ZERO);
        for (ApiClient c : List.of(calls, watches)) {
            c.addDefaultHeader("Authorization", "Bearer " + token);
            extraClients.add(c);
        }
        return new ServiceAccount(calls, watches, java.util.Collections.unmodifiableList(record.refused()),
                java.util.Collections.unmodifiableSet(record.allowed()));
    }

    /**
     * A service account's clients, as {@link #apiClient()} and {@link #informerClient()}, the calls refused
     * to it so far ({@code verb resource namespace/name}), and the verbs it was allowed on each resource
     * ({@code verb resource}, e.g. {@code create pods/binding}).
     */
    public record ServiceAccount(ApiClient apiClient, ApiClient informerClient, List<String> refused, Set<String> used) {}

    /** Watches the bridge is streaming right now (a broken watch path shows up as 0 here). */
    public int openWatches() {
        return bridge.watches().openWatches();
    }

    /** Watches the bridge has opened on the mock since it started, ended or not. */
    public long servedWatches() {
        return bridge.watches().servedWatches();
    }

    /** Parses a JSON text into a Gson object; convenient for asserting on raw answers. */
    public static JsonObject json(String text) {
        return JsonParser.parseString(text).getAsJsonObject();
    }

    /** Ends open watches, stops the bridge and the mock, and releases the clients' threads. */
    @Override
    public void close() {
        bridge.close();
        try {
            mockServer.destroy();
        } catch (RuntimeException e) {
            // Was seen under load before OffLoopWatchDispatcher (the mock's event loop stuck in a
            // watch's end); kept so that a slow shutdown never fails a test that is already over.
            System.getLogger(KubeApiTestBed.class.getName())
                    .log(System.Logger.Level.WARNING, "mock API server did not stop in time: " + e.getMessage());
        }
        List<ApiClient> clients = new java.util.ArrayList<>(List.of(apiClient, informerClient));
        clients.addAll(extraClients);
        for (ApiClient c : clients) {
            c.getHttpClient().dispatcher().executorService().shutdown();
            c.getHttpClient().connectionPool().evictAll();
        }
    }

    /**
     * The mock keeps every request it served (with its body) for {@code takeRequest}; nobody reads
     * them here, and a long end-to-end run would hold them all.
     */
    private static void dropRecordedRequests(KubernetesMockServer mock) {
        try {
            while (mock.takeRequest(0, TimeUnit.MILLISECONDS) != null) {
                // dropped
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ApiClient client(String url, Duration readTimeout) {
        ApiClient c = new ClientBuilder().setBasePath(url).setReadTimeout(readTimeout).build();
        c.setConnectTimeout((int) CALL_TIMEOUT.toMillis());
        c.setWriteTimeout((int) CALL_TIMEOUT.toMillis());
        return c;
    }
}
