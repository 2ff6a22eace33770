package dev.berth.extender.http;

import static dev.berth.extender.testing.SchedulerWire.pod;

import dev.berth.extender.placement.NodeFacts;
import dev.berth.extender.placement.NodeTable;
import dev.berth.extender.state.ClusterState;
import dev.berth.extender.state.file.ClusterFile;
import dev.berth.extender.state.file.FileClusterState;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A real server on 127.0.0.1:0 over a cluster file, and a real HTTP client. */
final class HttpFixture {
    /** Labels of broker 1 of cluster {@code orders}, which has broker 0 on a1 in {@link #CLUSTER}. */
    static final Map<String, String> ORDERS = Map.of("berth.dev/cluster", "orders", "berth.dev/broker-id", "1");
    /** That broker's pod, asking for 100Gi of local disk. */
    static final String BROKER = pod("kafka", "orders-broker-1", "uid-1", ORDERS, Map.of("berth.dev/local-storage", "100Gi"));
    /** Every node of {@link #CLUSTER}, and one it does not have. */
    static final List<String> ALL = List.of("a1", "a2", "b1", "b2", "c1", "c2", "x1", "ghost");

    static final String CLUSTER = """
            apiVersion: v1
            kind: List
            items:
            - {kind: Node, metadata: {name: a1, labels: {topology.kubernetes.io/zone: rack-a}, annotations: {berth.dev/disk-capacity: 1.5Ti}}}
            - {kind: Node, metadata: {name: a2, labels: {topology.kubernetes.io/zone: rack-a}, annotations: {berth.dev/disk-capacity: 100Gi}}}
            - {kind: Node, metadata: {name: b1, labels: {topology.kubernetes.io/zone: rack-b}, annotations: {berth.dev/disk-capacity: 500G}}}
            - {kind: Node, metadata: {name: b2, labels: {topology.kubernetes.io/zone: rack-b}, annotations: {berth.dev/disk-capacity: "107374182400"}}}
            - {kind: Node, metadata: {name: c1, labels: {topology.kubernetes.io/zone: rack-c}, annotations: {berth.dev/disk-capacity: 1e3}}}
            - {kind: Node, metadata: {name: c2, labels: {topology.kubernetes.io/zone: rack-c}, annotations: {berth.dev/disk-capacity: lots}}}
            - {kind: Node, metadata: {name: x1, annotations: {berth.dev/disk-capacity: 4Ti}}}
            - kind: Pod
              metadata: {name: orders-broker-0, namespace: kafka, labels: {berth.dev/cluster: orders, berth.dev/broker-id: "0"},
                         annotations: {berth.dev/rack: rack-a, berth.dev/local-storage: 200Gi, berth.dev/leaders: "300"}}
              spec: {nodeName: a1}
            - kind: Pod
              metadata: {name: events-broker-0, namespace: kafka, labels: {berth.dev/cluster: events, berth.dev/broker-id: "0"},
                         annotations: {berth.dev/rack: rack-b, berth.dev/local-storage: 50Gi, berth.dev/leaders: "100"}}
              spec: {nodeName: b1}
            - kind: Pod
              metadata: {name: orders-broker-9, namespace: kafka, uid: uid-9, labels: {berth.dev/cluster: orders, berth.dev/broker-id: "9"}}
            """;

    /** The file state with a switch for "not synced yet". */
    static final class Switchable implements ClusterState {
        final FileClusterState inner;
        volatile boolean synced = true;
        volatile String notSyncedReason;

        Switchable(FileClusterState inner) {
            this.inner = inner;
        }

        @Override
        public boolean synced() {
            return synced;
        }

        @Override
        public String notSyncedReason() {
            return notSyncedReason;
        }

        @Override
        public Optional<NodeFacts> node(String name) {
            return inner.node(name);
        }

        @Override
        public Collection<NodeFacts> nodes() {
            return inner.nodes();
        }

        @Override
        public NodeTable table() {
            return inner.table(); // the file state's cached table, as the server really gets it
        }
    }

    static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static Switchable state() {
        return new Switchable(new FileClusterState(ClusterFile.parse(CLUSTER, "test"), "topology.kubernetes.io/zone"));
    }

    static HttpResponse<String> post(int port, String path, String body) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A GET written byte for byte on a socket: the JDK's client refuses to send a target such as
     * {@code /decisions?pod=%ZZ} (URI syntax), which other clients send as typed. Returns the status
     * line's code and the body (the server closes the connection after it).
     */
    static Map.Entry<Integer, String> rawGet(int port, String target) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String reply = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            int code = Integer.parseInt(reply.substring(9, 12));
            int body = reply.indexOf("\r\n\r\n");
            return Map.entry(code, body < 0 ? "" : reply.substring(body + 4));
        }
    }

    private HttpFixture() {}
}
