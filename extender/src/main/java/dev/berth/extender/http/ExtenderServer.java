package dev.berth.extender.http;

import dev.berth.extender.placement.Keys;
import dev.berth.extender.placement.LeaderMetric;
import dev.berth.extender.placement.PlacementEngine;
import dev.berth.extender.placement.RackSkewRule;
import dev.berth.extender.placement.Weights;
import dev.berth.extender.state.ClusterState;
import dev.berth.extender.state.PodBinder;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.Headers;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.xnio.Options;
import org.xnio.SslClientAuthMode;

/**
 * The extender HTTP service on Undertow: {@link BlockingHandler} outermost, then {@link Router}
 * (which turns every exception into a reply), then the verbs.
 *
 * <pre>{@code
 * ExtenderServer server = ExtenderServer.builder()
 *         .state(clusterState).binder(podBinder)
 *         .port(0)                       // 0 = any free port; server.port() tells which
 *         .start();
 * // POST http://127.0.0.1:<port>/scheduler/filter ...
 * server.close();
 * }</pre>
 */
public final class ExtenderServer implements AutoCloseable {
    private final Undertow undertow;
    private final DecisionLog log;
    private final int port;

    private ExtenderServer(Undertow undertow, DecisionLog log) {
        this.undertow = undertow;
        this.log = log;
        this.port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    }

    /**
     * The verbs' path prefix as served: leading slash added, trailing slashes dropped, so
     * {@code scheduler/} serves {@code /scheduler/filter} and {@code ""} serves {@code /filter}.
     */
    public static String normalizePrefix(String prefix) {
        String p = prefix == null ? "" : prefix.trim();
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.isEmpty() || p.startsWith("/") ? p : "/" + p;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The bound port (useful with {@code port(0)}). */
    public int port() {
        return port;
    }

    public DecisionLog decisions() {
        return log;
    }

    @Override
    public void close() {
        undertow.stop();
        log.close();
    }

    /**
     * The largest body limit a server takes: 1 GiB, fifty times what 5,000 full Nodes weigh. The
     * Router reads a body into one array, whose length is an int (a limit past 2^31 - 1 broke that
     * cast), and Undertow is let read twice the limit plus a margin ({@link Builder#start}), which
     * {@code Long.MAX_VALUE} overflowed. 1 GiB keeps both far from their bounds.
     */
    public static final long MAX_BODY_BYTES = 1L << 30;

    /**
     * 120 s without a byte. XNIO's timer runs from the last byte that came in: over a stalled body, over the
     * time the answer takes (a bind makes a few API calls of up to 3 s each), and over an idle keep-alive
     * connection, which it then closes. kube-scheduler's Go client drops its idle connections after 90 s; a
     * server that closed them sooner would race the client's next POST on one, which Go does not retry. So
     * the default is above 90 s, and far above the longest answer.
     */
    public static final java.time.Duration DEFAULT_BODY_READ_TIMEOUT = java.time.Duration.ofSeconds(120);

    /** Settings of one server; every one has a default except the state and the binder. */
    public static final class Builder {
        private ClusterState state;
        private PodBinder binder;
        private Weights weights = Weights.DEFAULT;
        private LeaderMetric metric = LeaderMetric.LEADERS;
        private int maxRackSkew = RackSkewRule.DEFAULT_MAX_SKEW;
        private String rackLabel = Keys.DEFAULT_RACK_LABEL;
        private String prefix = "/scheduler";
        private String address = "127.0.0.1";
        private int port = 0;
        private long maxBodyBytes = 64L << 20;
        private SSLContext ssl;
        private boolean clientAuth;
        private OutputStream decisionSink;
        private DecisionLog.Reopener decisionSinkReopener;
        private int decisionsKept = 200;
        private java.time.Duration bodyReadTimeout = DEFAULT_BODY_READ_TIMEOUT;
        private Clock clock = Clock.systemUTC();

        public Builder state(ClusterState state) {
            this.state = state;
            return this;
        }

        public Builder binder(PodBinder binder) {
            this.binder = binder;
            return this;
        }

        public Builder weights(Weights weights) {
            this.weights = weights;
            return this;
        }

        /** The {@link RackSkewRule}'s maxSkew; 0 turns it off. */
        public Builder maxRackSkew(int maxSkew) {
            this.maxRackSkew = maxSkew;
            return this;
        }

        public Builder leaderMetric(LeaderMetric metric) {
            this.metric = metric;
            return this;
        }

        public Builder rackLabel(String rackLabel) {
            this.rackLabel = rackLabel;
            return this;
        }

        /** Path prefix of the verbs, {@code /scheduler} by default; {@code ""} serves {@code /filter}. */
        public Builder prefix(String prefix) {
            this.prefix = normalizePrefix(prefix);
            return this;
        }

        public Builder address(String address) {
            this.address = address;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** At least 1 and at most {@link #MAX_BODY_BYTES}. */
        public Builder maxBodyBytes(long maxBodyBytes) {
            if (maxBodyBytes < 1 || maxBodyBytes > MAX_BODY_BYTES) {
                throw new IllegalArgumentException("maxBodyBytes must be between 1 and " + MAX_BODY_BYTES + ", got "
                        + maxBodyBytes);
            }
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        /**
         * Serve HTTPS; with {@code requireClientCert} the verbs and {@code /decisions} answer only a client
         * that presented a certificate the context trusts (403 otherwise), while {@code /healthz},
         * {@code /readyz} and {@code /metrics} answer anyone: a kubelet probe carries no certificate.
         */
        public Builder tls(SSLContext ssl, boolean requireClientCert) {
            this.ssl = ssl;
            this.clientAuth = requireClientCert;
            return this;
        }

        /** Where decision lines go (UTF-8, one JSON object per line); null keeps them only in memory. */
        public Builder decisionSink(OutputStream sink) {
            this.decisionSink = sink;
            return this;
        }

        /** How to open the decision sink again after it failed; without one, a failed sink stays failed. */
        public Builder decisionSinkReopener(DecisionLog.Reopener reopener) {
            this.decisionSinkReopener = reopener;
            return this;
        }

        public Builder decisionsKept(int n) {
            this.decisionsKept = n;
            return this;
        }

        /**
         * How long a request may go without a byte arriving, between 1 ms and 1 hour; past it the
         * connection is closed and its worker freed.
         */
        public Builder bodyReadTimeout(java.time.Duration timeout) {
            if (timeout.compareTo(java.time.Duration.ofMillis(1)) < 0 || timeout.compareTo(java.time.Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("bodyReadTimeout must be between 1ms and 1h, got " + timeout);
            }
            this.bodyReadTimeout = timeout;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public ExtenderServer start() {
            Verbs.Wiring w = new Verbs.Wiring();
            w.state = Objects.requireNonNull(state, "state");
            w.binder = Objects.requireNonNull(binder, "binder");
            w.engine = new PlacementEngine(weights, metric, maxRackSkew);
            w.rackLabel = rackLabel;
            w.log = new DecisionLog(decisionSink, decisionSinkReopener, decisionsKept, clock);
            w.metrics = new Metrics();
            w.clock = clock;
            w.clientCertRequired = ssl != null && clientAuth;
            w.bodyReadTimeout = bodyReadTimeout;
            Router router = new Router(new Verbs(w), w, prefix, maxBodyBytes);
            // Undertow refuses bodies over 2 MiB by default (413, before our code runs); full-mode
            // requests are ~20 MB at 5,000 nodes. Its limit sits above ours, so the Router's own
            // check answers first, with a 400 and a reason, and can read a refused body of up to
            // twice the limit to its end (Router#drain).
            Undertow.Builder b = Undertow.builder().setHandler(new BlockingHandler(router))
                    .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, 2 * maxBodyBytes + 65536 + 1)
                    // a request whose bytes stop coming holds a worker thread (there are 8 per core) until
                    // they come: without a limit, a few stalled clients would leave kube-scheduler none.
                    // XNIO measures the time without a byte, also on an idle keep-alive connection, which
                    // it closes (DEFAULT_BODY_READ_TIMEOUT says why the default is above Go's 90 s).
                    .setSocketOption(Options.READ_TIMEOUT, (int) bodyReadTimeout.toMillis());
            if (ssl != null) {
                b.addHttpsListener(port, address, ssl);
                if (clientAuth) {
                    // requested, not required, by the handshake: the kubelet's probes and a Prometheus scrape
                    // bring no certificate; the Router asks for one on the verbs and /decisions
                    b.setSocketOption(Options.SSL_CLIENT_AUTH_MODE, SslClientAuthMode.REQUESTED);
                }
            } else {
                b.addHttpListener(port, address);
            }
            Undertow u = b.build();
            try {
                u.start();
            } catch (RuntimeException e) {
                w.log.close();
                throw e;
            }
            return new ExtenderServer(u, w.log);
        }
    }

    static void send(HttpServerExchange ex, Reply r) {
        ex.setStatusCode(r.status());
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, r.contentType());
        ex.getResponseHeaders().put(Headers.CONTENT_LENGTH, r.length());
        ex.getResponseSender().send(java.nio.ByteBuffer.wrap(r.body(), 0, r.length()));
    }
}
