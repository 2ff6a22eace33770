package dev.berth.extender.bench;

import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.berth.extender.state.ReservationLedger;
import dev.berth.extender.state.kube.InformerClusterState;
import dev.berth.extender.testing.SchedulerWire;
import dev.berth.testbed.k8s.KubeApiTestBed;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeList;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.util.ClientBuilder;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * Benchmark, not a test: the heap the extender's Kubernetes caches hold at 5,000 nodes and 1,000
 * broker pods, with client-java's stock informers and with berth's ({@code SlimObjects}).
 *
 * <p>It starts the Kubernetes API test bed in this JVM, creates the nodes as a kubelet reports them
 * ({@link SchedulerWire#node}: 12 images, conditions, nodeInfo; about 4.3 KB of JSON each, where a
 * kubelet reports up to 50 images by default, so real nodes are often bigger) and the broker pods
 * ({@link SchedulerWire#pod}, bound). Then it measures each case in a JVM of its own (512 MB heap,
 * serial GC, as {@code deploy/} runs the extender): the heap after full collections before the case
 * starts and once it has synced.
 * The cases:
 * <ul>
 *   <li>{@code berth}: {@link InformerClusterState} as {@code serve} runs it, with the
 *       {@link dev.berth.extender.placement.NodeTable} a filter builds;
 *   <li>{@code stock}: two client-java informers on the same lists as the extender's (all nodes,
 *       pods labelled {@code berth.dev/cluster}), without a transform: what the extender held before
 *       {@code SlimObjects}.
 * </ul>
 *
 * <p>Prints {@code bench informer-heap-<case> retained_mb=<n> bytes_per_node=<n> sync_ms=<n>}, then
 * {@code bench informer-heap-<case> smallest_xmx_mb=<n>}: the smallest heap of 32, 48, 64, 96, 128, 160, 192,
 * 256 and 384 MB in which the case syncs, with the serial collector that {@code deploy/} runs.
 * Run: {@code extender/bench.sh heap}.
 */
public final class InformerHeapBench {
    private static final int NODES = 5_000;
    private static final int PODS = 1_000;
    private static final Duration SYNC = Duration.ofMinutes(1);
    private static final String[] CASES = {"berth", "stock"};
    private static final int[] HEAPS_MB = {32, 48, 64, 96, 128, 160, 192, 256, 384};

    private InformerHeapBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("measure")) {
            measure(args[1], args[2]);
            return;
        }
        try (KubeApiTestBed bed = KubeApiTestBed.start()) {
            int nodeJson = create(bed, new Random(7));
            System.out.printf("info informer-heap nodes=%d pods=%d node_json_bytes=%d (created in the API test bed)%n",
                    NODES, PODS, nodeJson);
            for (String name : CASES) {
                if (inChildJvm(name, bed.url(), 512, true) != 0) {
                    throw new IllegalStateException("case " + name + " failed");
                }
            }
            for (String name : CASES) {
                System.out.printf("bench informer-heap-%s smallest_xmx_mb=%s%n", name, smallestHeap(name, bed.url()));
            }
        }
    }

    /**
     * The smallest of {@link #HEAPS_MB} in which the case lists and syncs without running out of
     * heap: the start-up peak, which a memory limit must cover. Stock client-java holds the whole
     * response body and every full object of the list at once; berth decodes item by item.
     */
    private static String smallestHeap(String name, String url) throws Exception {
        for (int mb : HEAPS_MB) {
            if (inChildJvm(name, url, mb, false) == 0) {
                return String.valueOf(mb);
            }
        }
        return "over " + HEAPS_MB[HEAPS_MB.length - 1];
    }

    /**
     * Runs one case in a JVM of its own with an {@code xmxMb} heap, so that its heap holds the
     * informers and nothing of the API test bed (whose stored objects and buffers would swamp the
     * figure) or of the other case. Its figures are printed when {@code print}. Returns its exit
     * code: 3 when it ran out of heap.
     */
    private static int inChildJvm(String name, String url, int xmxMb, boolean print) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx" + xmxMb + "m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"), InformerHeapBench.class.getName(), "measure", name, url)
                .redirectOutput(print ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD) // the informers' stop logs, the OOM message
                .start();
        return child.waitFor();
    }

    /** Something that syncs, can be measured while it holds its caches, and stops. */
    private interface Caches extends AutoCloseable {
        boolean synced();

        /** How many objects it holds, to check that it really listed everything. */
        String held();

        @Override
        void close();
    }

    /** In the child JVM: the heap before the case starts, then once it has synced, both after full collections. */
    private static void measure(String name, String url) {
        ApiClient client = new ClientBuilder().setBasePath(url).setReadTimeout(Duration.ZERO).build();
        long base = settledHeap();
        long t0 = System.nanoTime();
        try (Caches caches = name.equals("berth") ? berth(client) : stock(client)) {
            waitFor(caches::synced);
            long syncMs = (System.nanoTime() - t0) / 1_000_000;
            String held = caches.held();
            long retained = settledHeap() - base;
            System.out.printf("bench informer-heap-%s retained_mb=%.1f bytes_per_node=%d sync_ms=%d%n",
                    name, retained / 1e6, retained / NODES, syncMs);
            System.out.printf("info informer-heap-%s held %s%n", name, held);
        }
    }

    private static Caches stock(ApiClient client) {
        SharedInformerFactory factory = new SharedInformerFactory(client);
        CoreV1Api api = new CoreV1Api(client);
        SharedIndexInformer<V1Node> nodes = factory.sharedIndexInformerFor(
                p -> api.listNode().resourceVersion(p.resourceVersion).timeoutSeconds(p.timeoutSeconds).watch(p.watch).buildCall(null),
                V1Node.class, V1NodeList.class, 0L);
        SharedIndexInformer<V1Pod> pods = factory.sharedIndexInformerFor(
                p -> api.listPodForAllNamespaces().labelSelector(InformerClusterState.POD_SELECTOR)
                        .resourceVersion(p.resourceVersion).timeoutSeconds(p.timeoutSeconds).watch(p.watch).buildCall(null),
                V1Pod.class, V1PodList.class, 0L);
        factory.startAllRegisteredInformers();
        return new Caches() {
            @Override
            public boolean synced() {
                return nodes.hasSynced() && pods.hasSynced();
            }

            @Override
            public String held() {
                return nodes.getIndexer().list().size() + " nodes, " + pods.getIndexer().list().size() + " pods";
            }

            @Override
            public void close() {
                factory.stopAllRegisteredInformers();
            }
        };
    }

    private static Caches berth(ApiClient client) {
        InformerClusterState state = new InformerClusterState(client, BenchData.RACK_LABEL,
                new ReservationLedger(Clock.systemUTC()));
        state.start();
        return new Caches() {
            @Override
            public boolean synced() {
                return state.synced();
            }

            @Override
            public String held() {
                long brokers = state.nodes().stream().mapToLong(n -> n.brokers().size()).sum();
                return state.table().size() + " nodes in the table, " + brokers + " brokers placed";
            }

            @Override
            public void close() {
                state.close();
            }
        };
    }

    /** Creates the nodes and the bound broker pods; returns one node's JSON size. */
    private static int create(KubeApiTestBed bed, Random r) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        int nodeJson = 0;
        for (int i = 0; i < NODES; i++) {
            String name = String.format("node-%05d", i);
            String node = SchedulerWire.node(name, Map.of(BenchData.RACK_LABEL, "rack-" + (i % 10)),
                    Map.of("berth.dev/disk-capacity", (1 + r.nextInt(4)) + "Ti"), 12);
            nodeJson = node.length();
            post(http, bed.url() + "/api/v1/nodes", node);
        }
        for (int b = 0; b < PODS; b++) {
            String cluster = "existing-" + (b % 50);
            JsonObject pod = JsonParser.parseString(SchedulerWire.pod("kafka", cluster + "-broker-" + b, "u" + b,
                    Map.of("berth.dev/cluster", cluster, "berth.dev/broker-id", String.valueOf(b)),
                    Map.of("berth.dev/local-storage", (100 + r.nextInt(900)) + "Gi",
                            "berth.dev/leaders", String.valueOf(r.nextInt(2000))))).getAsJsonObject();
            pod.getAsJsonObject("spec").addProperty("nodeName", String.format("node-%05d", r.nextInt(NODES)));
            pod.getAsJsonObject("status").addProperty("phase", "Running");
            post(http, bed.url() + "/api/v1/namespaces/kafka/pods", pod.toString());
        }
        return nodeJson;
    }

    private static void post(HttpClient http, String url, String json) throws Exception {
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 201 && res.statusCode() != 200) {
            throw new IllegalStateException("POST " + url + " answered " + res.statusCode() + ": " + res.body());
        }
    }

    private static void waitFor(BooleanSupplier condition) {
        await().atMost(SYNC).pollInterval(Duration.ofMillis(20)).until(condition::getAsBoolean);
    }

    /** Heap in use after full collections, once two in a row agree within 1%. */
    private static long settledHeap() {
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (Math.abs(used - last) < used / 100) {
                return used;
            }
            last = used;
        }
        return last;
    }
}
