package dev.berth.extender.bench;

import dev.berth.extender.http.ExtenderServer;
import dev.berth.extender.state.file.ClusterFile;
import dev.berth.extender.state.file.FileClusterState;
import dev.berth.extender.testing.SchedulerWire;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.BlockingHandler;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Benchmark (not a test; run by {@code extender/bench.sh}): filter + prioritize at 5,000 nodes for
 * 100 broker pods, over real HTTP to the real server in this JVM.
 *
 * <p>One op = a filter request then a prioritize request for the same pod with the same node set
 * (the scheduler's two calls per pod; prioritize gets all nodes so both calls cost the same in
 * every case). Cases:
 * <ul>
 *   <li>{@code names}: {@code nodeCacheCapable: true}, 5,000 names (~75 KB body);
 *   <li>{@code full}: {@code nodeCacheCapable: false}, 5,000 Node objects of ~4 KB (~20 MB body);
 *   <li>{@code echo-names}, {@code echo-full}: an Undertow handler that returns the same bytes,
 *       the floor for transport and copying;
 *   <li>{@code full-clientjava}: the same full bodies decoded into client-java's {@code V1Pod} and
 *       {@code V1NodeList} with its {@code JSON}, the same engine, and the reply re-encoded with it.
 * </ul>
 * Prints {@code bench <case> p50_us=<n> p99_us=<n> ops_per_s=<n>}.
 */
public final class ExtenderBench {
    static final int NODES = 5_000;
    static final int PODS = 100;
    static final String RACK_LABEL = "topology.kubernetes.io/zone";

    public static void main(String[] args) throws Exception {
        Random random = new Random(7);
        ClusterFile cluster = cluster(random);
        FileClusterState state = new FileClusterState(cluster, RACK_LABEL);
        List<String> names = cluster.nodes().stream().map(ClusterFile.Obj::name).toList();
        List<String> pods = pods(random);
        StringBuilder items = new StringBuilder(NODES * 4200);
        for (int i = 0; i < NODES; i++) {
            ClusterFile.Obj n = cluster.nodes().get(i);
            if (i > 0) {
                items.append(',');
            }
            items.append(SchedulerWire.node(n.name(), n.labels(), n.annotations(), 12));
        }
        System.out.printf("setup: %d nodes, %d broker pods, full node ~%d bytes, names body %d bytes, full body %d bytes%n",
                NODES, PODS, items.length() / NODES, SchedulerWire.namesArgs(pods.get(0), names).length(), items.length() + 1500);

        Path logFile = Path.of(args.length > 0 ? args[0] : "target/bench-decisions.log");
        Files.deleteIfExists(logFile);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        try (Writer sink = Files.newBufferedWriter(logFile);
                ExtenderServer server = ExtenderServer.builder().state(state).binder(state).rackLabel(RACK_LABEL).decisionSink(sink).start()) {
            Undertow echo = start(new BlockingHandler(ExtenderBench::echo));
            System.out.println("server: decision log to " + logFile);
            Undertow clientJava = start(new BlockingHandler(new ClientJavaExtender(state, RACK_LABEL)));
            try {
                String ext = "http://127.0.0.1:" + server.port() + "/scheduler";
                String echoUrl = "http://127.0.0.1:" + port(echo);
                String cj = "http://127.0.0.1:" + port(clientJava);
                BodySource namesBodies = i -> SchedulerWire.namesArgs(pods.get(i % PODS), names).getBytes(StandardCharsets.UTF_8);
                BodySource fullBodies = i -> ("{\"Pod\":" + pods.get(i % PODS) + ",\"Nodes\":{\"metadata\":{},\"items\":[" + items
                        + "]},\"NodeNames\":null}").getBytes(StandardCharsets.UTF_8);
                run(client, "echo-names", echoUrl + "/filter", echoUrl + "/prioritize", namesBodies, 500, 1000);
                run(client, "names", ext + "/filter", ext + "/prioritize", namesBodies, 500, 1000);
                run(client, "echo-full", echoUrl + "/filter", echoUrl + "/prioritize", fullBodies, 5, 30);
                run(client, "full", ext + "/filter", ext + "/prioritize", fullBodies, 5, 30);
                run(client, "full-clientjava", cj + "/filter", cj + "/prioritize", fullBodies, 3, 15);
            } finally {
                echo.stop();
                clientJava.stop();
            }
        }
        System.out.printf("decision log: %s, %d bytes%n", logFile, Files.size(logFile));
    }

    interface BodySource {
        byte[] body(int i);
    }

    private static void run(HttpClient client, String name, String filter, String prioritize, BodySource bodies, int warmup, int ops)
            throws Exception {
        System.gc();
        long[] samples = new long[ops];
        long busy = 0;
        for (int i = 0; i < warmup + ops; i++) {
            byte[] body = bodies.body(i);
            long t0 = System.nanoTime();
            call(client, filter, body);
            call(client, prioritize, body);
            long t = System.nanoTime() - t0;
            if (i >= warmup) {
                samples[i - warmup] = t;
                busy += t;
            }
        }
        Arrays.sort(samples);
        long p50 = samples[(int) Math.ceil(ops * 0.50) - 1] / 1000;
        long p99 = samples[(int) Math.ceil(ops * 0.99) - 1] / 1000;
        long perSecond = Math.round(ops / (busy / 1e9));
        System.out.printf("bench %s p50_us=%d p99_us=%d ops_per_s=%d%n", name, p50, p99, perSecond);
    }

    private static void call(HttpClient client, String url, byte[] body) throws Exception {
        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200 || r.body().length == 0) {
            throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + new String(r.body(), 0, Math.min(300, r.body().length)));
        }
    }

    /** The floor: read the body, send the same bytes back. */
    private static void echo(HttpServerExchange ex) throws Exception {
        byte[] body = ex.getInputStream().readAllBytes();
        ex.getResponseHeaders().put(io.undertow.util.Headers.CONTENT_TYPE, "application/json");
        ex.getResponseSender().send(ByteBuffer.wrap(body));
    }

    private static Undertow start(HttpHandler handler) {
        Undertow u = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(handler)
                .setServerOption(io.undertow.UndertowOptions.MAX_ENTITY_SIZE, 256L << 20).build();
        u.start();
        return u;
    }

    private static int port(Undertow u) {
        return ((InetSocketAddress) u.getListenerInfo().get(0).getAddress()).getPort();
    }

    /** 5,000 nodes over 10 racks, 1-4 Ti disks; 1,000 brokers of 50 clusters already placed with uneven leader loads. */
    static ClusterFile cluster(Random r) {
        List<ClusterFile.Obj> nodes = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            Map<String, String> labels = i % 500 == 499 ? Map.of() : Map.of(RACK_LABEL, "rack-" + (i % 10));
            nodes.add(new ClusterFile.Obj(null, String.format("node-%05d", i), "uid-" + i, labels,
                    Map.of("berth.dev/disk-capacity", (1 + r.nextInt(4)) + "Ti"), null));
        }
        List<ClusterFile.Obj> brokers = new ArrayList<>();
        for (int b = 0; b < 1000; b++) {
            String cluster = "existing-" + (b % 50);
            brokers.add(new ClusterFile.Obj("kafka", cluster + "-broker-" + b, "u" + b,
                    Map.of("berth.dev/cluster", cluster, "berth.dev/broker-id", String.valueOf(b)),
                    Map.of("berth.dev/local-storage", (100 + r.nextInt(900)) + "Gi", "berth.dev/leaders", String.valueOf(r.nextInt(2000)),
                            "berth.dev/leader-bytes-in", r.nextInt(100) + "Mi"),
                    String.format("node-%05d", r.nextInt(NODES))));
        }
        return new ClusterFile(nodes, brokers);
    }

    /** 100 broker pods to place: half pinned to a rack, sizes 100-500 Gi, some of clusters that already have brokers. */
    static List<String> pods(Random r) {
        List<String> pods = new ArrayList<>();
        for (int p = 0; p < PODS; p++) {
            String cluster = p % 2 == 0 ? "existing-" + (p % 50) : "new-" + (p % 20);
            Map<String, String> ann = new java.util.HashMap<>(Map.of("berth.dev/local-storage", (100 + r.nextInt(400)) + "Gi"));
            if (p % 4 < 2) {
                ann.put("berth.dev/rack", "rack-" + r.nextInt(10));
            }
            pods.add(SchedulerWire.pod("kafka", cluster + "-broker-" + (100 + p), "uid-p" + p,
                    Map.of("berth.dev/cluster", cluster, "berth.dev/broker-id", String.valueOf(100 + p)), ann));
        }
        return pods;
    }

    private ExtenderBench() {}
}
