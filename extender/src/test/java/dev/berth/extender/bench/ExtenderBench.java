package dev.berth.extender.bench;

import dev.berth.extender.http.Decision;
import dev.berth.extender.http.ExtenderServer;
import dev.berth.extender.placement.NodeFacts;
import dev.berth.extender.placement.NodeTable;
import dev.berth.extender.protocol.ByteBuilder;
import dev.berth.extender.state.file.ClusterFile;
import dev.berth.extender.state.file.FileClusterState;
import dev.berth.extender.testing.SchedulerWire;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.BlockingHandler;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Benchmark (not a test; run by {@code extender/bench.sh}): filter + prioritize at 5,000 nodes for
 * 100 broker pods, over real HTTP to the real server in this JVM.
 *
 * <p>One op = a filter request then a prioritize request for the same pod, as kube-scheduler makes
 * them: filter gets all 5,000 nodes, prioritize only the nodes that filter passed (the scheduler
 * scores nothing else). The cluster does not change during the run (no binds), so each pod's passed
 * set is fixed: it is taken once, in setup, from the real extender's filter reply, and every case
 * sends exactly the same request bytes per op (the echo floor included). Cases:
 * <ul>
 *   <li>{@code names}: {@code nodeCacheCapable: true}, 5,000 names (~66 KB body), in the same
 *       order for every pod (kube-scheduler's snapshot order, as with one filter worker);
 *   <li>{@code names-interleaved} (informational): the same, with each pod's nodes in the order
 *       kube-scheduler's 16 parallel filter workers produce ({@link BenchData#schedulerOrder});
 *   <li>{@code full}: {@code nodeCacheCapable: false}, 5,000 Node objects of ~4 KB (~20 MB body);
 *   <li>{@code echo-names}, {@code echo-full}: an Undertow handler that returns the same bytes,
 *       the floor for transport and copying;
 *   <li>{@code full-clientjava}: the same full bodies decoded into client-java's {@code V1Pod} and
 *       {@code V1NodeList} with its {@code JSON}, the same engine, and the reply re-encoded with it.
 * </ul>
 * Prints {@code bench <case> p50_us=<n> p99_us=<n> ops_per_s=<n>}, and after {@code names}, when
 * {@code echo-names} ran too, one {@code info paired} line: the two again in alternating blocks
 * ({@link PairedRun}).
 */
public final class ExtenderBench {
    static final int NODES = BenchData.NODES;
    static final int PODS = BenchData.PODS;
    static final String RACK_LABEL = BenchData.RACK_LABEL;

    public static void main(String[] args) throws Exception {
        Random random = new Random(7);
        ClusterFile cluster = BenchData.cluster(random);
        FileClusterState state = new FileClusterState(cluster, RACK_LABEL);
        List<String> names = cluster.nodes().stream().map(ClusterFile.Obj::name).toList();
        List<String> pods = BenchData.pods(random);
        List<String> nodeJson = new ArrayList<>(NODES);
        for (ClusterFile.Obj n : cluster.nodes()) {
            nodeJson.add(SchedulerWire.node(n.name(), n.labels(), n.annotations(), 12));
        }
        int fullBytes = nodeJson.stream().mapToInt(String::length).sum() + NODES;
        System.out.printf("setup: %d nodes, %d broker pods, full node ~%d bytes, names body %d bytes, full body %d bytes%n",
                NODES, PODS, fullBytes / NODES, SchedulerWire.namesArgs(pods.get(0), names).length(), fullBytes + 1500);

        tableBuilds(state);

        Path logFile = Path.of(args.length > 0 ? args[0] : "target/bench-decisions.log");
        Files.deleteIfExists(logFile);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        boolean log = !Boolean.getBoolean("bench.noLog");
        // capped (CappedLogFile says why); -Dbench.logCapMb=0 lets the file grow
        CappedLogFile file = new CappedLogFile(logFile, Long.getLong("bench.logCapMb", 512) << 20);
        try (java.io.OutputStream sink = new java.io.BufferedOutputStream(file, 1 << 16);
                ExtenderServer server = ExtenderServer.builder().state(state).binder(state).rackLabel(RACK_LABEL)
                        .decisionSink(log ? sink : null).start()) {
            Undertow echo = start(new BlockingHandler(ExtenderBench::echo));
            CannedReplies canned = new CannedReplies();
            Undertow cannedServer = start(new BlockingHandler(canned));
            System.out.println("server: decision log " + (log ? "to " + logFile : "in memory only (-Dbench.noLog=true)"));
            Undertow clientJava = start(new BlockingHandler(new ClientJavaExtender(state, RACK_LABEL)));
            try {
                String ext = "http://127.0.0.1:" + server.port() + "/scheduler";
                String echoUrl = "http://127.0.0.1:" + port(echo);
                String cannedUrl = "http://127.0.0.1:" + port(cannedServer);
                String cj = "http://127.0.0.1:" + port(clientJava);
                // what each pod's filter passes: the real extender's answer, taken once, outside the measurement
                List<List<String>> passed = new ArrayList<>(PODS);
                for (String pod : pods) {
                    passed.add(passedNames(client, ext + "/filter", SchedulerWire.namesArgs(pod, names)));
                }
                System.out.printf("setup: prioritize gets the nodes filter passed: %d to %d of %d per pod (mean %d)%n",
                        passed.stream().mapToInt(List::size).min().orElse(0), passed.stream().mapToInt(List::size).max().orElse(0),
                        NODES, (int) passed.stream().mapToInt(List::size).average().orElse(0));
                List<byte[]> namesFilter = pods.stream().map(p -> utf8(SchedulerWire.namesArgs(p, names))).toList();
                // the extender's real replies, for the canned floor (taken before its log has lines to write)
                List<byte[]> filterReplies = new ArrayList<>(PODS);
                List<byte[]> prioritizeReplies = new ArrayList<>(PODS);
                List<byte[]> namesPrioritize = new ArrayList<>(PODS);
                for (int p = 0; p < PODS; p++) {
                    namesPrioritize.add(utf8(SchedulerWire.namesArgs(pods.get(p), passed.get(p))));
                    filterReplies.add(CaseRun.call(client, ext + "/filter", namesFilter.get(p)));
                    prioritizeReplies.add(CaseRun.call(client, ext + "/prioritize", namesPrioritize.get(p)));
                }
                canned.start(filterReplies, prioritizeReplies);
                decisionLines(server);
                Bodies namesBodies = Bodies.cycling(namesFilter, namesPrioritize);
                // the same pods, the nodes listed as kube-scheduler's parallel filter lists them
                // (BenchData.schedulerOrder), one order per pod; prioritize gets what filter passed
                List<byte[]> interleavedFilter = new ArrayList<>(PODS);
                List<byte[]> interleavedPrioritize = new ArrayList<>(PODS);
                Random orders = new Random(11);
                for (String pod : pods) {
                    String body = SchedulerWire.namesArgs(pod, BenchData.schedulerOrder(names, BenchData.SCHEDULER_PARALLELISM, orders));
                    interleavedFilter.add(utf8(body));
                    interleavedPrioritize.add(utf8(SchedulerWire.namesArgs(pod, passedNames(client, ext + "/filter", body))));
                }
                Map<String, String> jsonOf = new java.util.HashMap<>();
                for (int n = 0; n < NODES; n++) {
                    jsonOf.put(names.get(n), nodeJson.get(n));
                }
                Bodies fullBodies = new Bodies() {
                    @Override
                    public byte[] filter(int i) {
                        return utf8(SchedulerWire.fullArgs(pods.get(i % PODS), nodeJson));
                    }

                    @Override
                    public byte[] prioritize(int i) {
                        return utf8(SchedulerWire.fullArgs(pods.get(i % PODS), passed.get(i % PODS).stream().map(jsonOf::get).toList()));
                    }
                };
                // Warm-up floor per case; CaseRun.run goes on until the JIT is quiet (see there)
                int warmup = Integer.getInteger("bench.warmup", 3000);
                CaseRun cases = new CaseRun(client, file);
                PairedRun paired = new PairedRun(client, file);
                cases.run("echo-names", echoUrl + "/filter", echoUrl + "/prioritize", namesBodies, warmup, 1000);
                cases.run("canned-names", cannedUrl + "/filter", cannedUrl + "/prioritize", namesBodies, warmup, 1000);
                if (cases.run("names", ext + "/filter", ext + "/prioritize", namesBodies, warmup, 1000)) {
                    serverSide(server, "names", 1000);
                    if (cases.selected("echo-names")) {
                        paired.run("names", ext, "echo-names", echoUrl, namesBodies, 60, 20);
                    }
                    if (cases.selected("canned-names")) {
                        paired.run("names", ext, "canned-names", cannedUrl, namesBodies, 60, 20);
                    }
                }
                if (cases.run("names-interleaved", ext + "/filter", ext + "/prioritize",
                        Bodies.cycling(interleavedFilter, interleavedPrioritize), warmup, 1000)) {
                    serverSide(server, "names-interleaved", 1000);
                }
                cases.run("echo-full", echoUrl + "/filter", echoUrl + "/prioritize", fullBodies, 5, 30);
                if (cases.run("full", ext + "/filter", ext + "/prioritize", fullBodies, 5, 30)) {
                    serverSide(server, "full", 30);
                }
                cases.run("full-clientjava", cj + "/filter", cj + "/prioritize", fullBodies, 3, 15);
            } finally {
                echo.stop();
                cannedServer.stop();
                clientJava.stop();
            }
        }
        System.out.printf("decision log: %s, %d bytes written, emptied %d times (at the cap, and before each case's measured ops), %d bytes left%n",
                logFile, file.written(), file.truncations(), Files.size(logFile));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The NodeNames of a names-mode filter reply. */
    private static List<String> passedNames(HttpClient client, String url, String body) throws Exception {
        String reply = new String(CaseRun.call(client, url, utf8(body)), StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        com.google.gson.JsonParser.parseString(reply).getAsJsonObject().getAsJsonArray("NodeNames").forEach(e -> out.add(e.getAsString()));
        return out;
    }

    /**
     * Informational: building the names-mode table of the 5,000 nodes, fresh (first request, or
     * after nodes came or went) and sharing the last table's names (the rebuild after a bind,
     * a reservation or a leader-count change). Not part of the ops: nothing changes during them.
     */
    private static void tableBuilds(FileClusterState state) {
        Collection<NodeFacts> nodes = state.nodes();
        NodeTable last = NodeTable.of(nodes);
        long[] fresh = new long[500];
        long[] sharing = new long[500];
        for (int round = 0; round < 4; round++) { // the first rounds warm the JIT up
            for (int i = 0; i < fresh.length; i++) {
                long t0 = System.nanoTime();
                NodeTable.of(nodes);
                long t1 = System.nanoTime();
                last = NodeTable.of(nodes, last);
                fresh[i] = t1 - t0;
                sharing[i] = System.nanoTime() - t1;
            }
        }
        Arrays.sort(fresh);
        Arrays.sort(sharing);
        System.out.printf("info table_build p50_us fresh=%d sharing_names=%d%n", fresh[fresh.length / 2] / 1000,
                sharing[sharing.length / 2] / 1000);
    }

    /**
     * Informational: formatting the decision lines of setup's filter and prioritize calls (one per
     * pod each), in-process, as the log writer does: one reused builder, no I/O. The p50 over 20
     * rounds of each round's mean per line, after 30 rounds of warm-up.
     */
    private static void decisionLines(ExtenderServer server) {
        for (String verb : List.of("filter", "prioritize")) {
            List<Decision> lines = server.decisions().recent(null, 4 * PODS).stream().filter(d -> d.verb().equals(verb)).toList();
            ByteBuilder b = new ByteBuilder(1 << 16);
            long bytes = 0;
            long[] perLine = new long[20];
            for (int round = -30; round < perLine.length; round++) {
                long t0 = System.nanoTime();
                for (Decision d : lines) {
                    b.clear();
                    bytes += d.appendJson(b).length();
                }
                if (round >= 0) {
                    perLine[round] = (System.nanoTime() - t0) / lines.size();
                }
            }
            Arrays.sort(perLine);
            System.out.printf("info decision_line %s p50_us=%.1f mean_bytes=%d (%d lines, in-process)%n", verb,
                    perLine[perLine.length / 2] / 1000.0, bytes / 50 / lines.size(), lines.size());
        }
    }

    /** Informational: the server's own time per verb (decode to encoded reply), over the measured ops still kept. */
    private static void serverSide(ExtenderServer server, String name, int ops) {
        for (String verb : List.of("filter", "prioritize")) {
            long[] us = server.decisions().recent(null, Math.min(200, 2 * ops)).stream().filter(d -> d.verb().equals(verb))
                    .mapToLong(d -> d.latencyMicros()).sorted().toArray();
            if (us.length > 0) {
                System.out.printf("info %s server_%s_p50_us=%d max_us=%d (last %d)%n", name, verb, us[us.length / 2], us[us.length - 1], us.length);
            }
        }
        // a line dropped is log work not done: a case that drops lines measured less than berth does
        System.out.printf("info %s decision_lines_dropped_so_far=%d%n", name, server.decisions().dropped());
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

    private ExtenderBench() {}
}
