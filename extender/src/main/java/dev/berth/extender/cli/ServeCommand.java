package dev.berth.extender.cli;

import dev.berth.extender.http.ExtenderServer;
import dev.berth.extender.http.Tls;
import dev.berth.extender.placement.LeaderMetric;
import dev.berth.extender.placement.RackSkewRule;
import dev.berth.extender.placement.Weights;
import dev.berth.extender.state.StateBackend;
import dev.berth.extender.state.StateBackendFactory;
import dev.berth.extender.state.file.FileBackend;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code serve}: run the extender HTTP service until the process is stopped. */
final class ServeCommand {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);
    static final Set<String> FLAGS = Set.of("address", "port", "prefix", "max-body-bytes", "body-read-timeout",
            "tls-keystore",
            "tls-password-file", "tls-client-ca", "tls-client-ca-password-file", "rack-label", "weight-rack",
            "weight-leaders", "weight-disk", "score-leaders-by", "max-rack-skew", "decision-log", "decisions-kept", "cluster-file",
            "kubeconfig");

    static final String HELP = """
            Usage: java -jar berth-extender.jar serve [flags]

            Runs the kube-scheduler extender (API v1): POST <prefix>/filter, <prefix>/prioritize, <prefix>/bind;
            GET /healthz, /readyz (200 once caches synced), /metrics (Prometheus), /decisions?pod=ns/name&limit=N.

            Flags (default, and why):
              --address ADDR            0.0.0.0: kube-scheduler runs in another pod and must reach it
              --port N                  8888: unprivileged; the port deploy/ and scheduler-config/ use
              --prefix PATH             /scheduler: matches urlPrefix in scheduler-config/
              --max-body-bytes N        67108864 (64 MiB): 5,000 full Nodes of ~4 KB are ~20 MB; bigger is refused (400);
                                        at most 1073741824 (1 GiB)
              --body-read-timeout S     120: seconds a connection may bring no byte before it is closed (a
                                        stalled body holds a worker thread); counted from a request's last
                                        byte through its answer, and over idle keep-alive connections, which
                                        kube-scheduler's client keeps 90 s: keep it above that; 10 to 3600
              --tls-keystore FILE       none (plain HTTP): a PKCS12 key store with the server key and certificate
                                        chain turns on HTTPS (keytool or `openssl pkcs12 -export` write one)
              --tls-password-file FILE  none: file holding the key store password (no secrets on the command line)
              --tls-client-ca FILE      none: a PKCS12 trust store of client CAs; the verbs and /decisions
                                        then need a client certificate it trusts (mTLS); /healthz,
                                        /readyz and /metrics do not (probes carry none)
              --tls-client-ca-password-file FILE  none: its password
              --rack-label KEY          topology.kubernetes.io/zone: the well-known label cloud nodes already carry
              --weight-rack N           3: rack spread is about availability, berth's first goal
              --weight-leaders N        2: load matters, and the operator can still move leadership later
              --weight-disk N           1: a tie-breaker; the hard rule already guarantees the request fits
              --score-leaders-by M      leaders: berth.dev/leaders is always published; bytes-in
                                        (berth.dev/leader-bytes-in) is an estimate
              --max-rack-skew N         1: a broker without a rack goes only to the racks on offer holding the
                                        fewest brokers of its cluster (a spread constraint's maxSkew 1), since
                                        its first rack is its rack for good; N lets racks differ by up to N
                                        after the placement; 0 turns the rule off (the rack score alone steers)
              --decision-log FILE       stdout: one JSON line per decision, where container logs are collected
              --decisions-kept N        200: recent decisions kept in memory for /decisions; at most
                                        10000 (a decision over 5,000 nodes holds 50 to 150 KB)
              --cluster-file FILE       none: Nodes and Pods as `kubectl get nodes,pods -A -o yaml` prints
                                        them; serve from this file with binds recorded in memory (no
                                        cluster needed)
              --kubeconfig FILE         none: the Kubernetes backend uses this file (not with --cluster-file);
                                        else the in-cluster service account when running in a pod, else
                                        $KUBECONFIG or ~/.kube/config
            """ + "\n" + ScoringHelp.TEXT;

    private ServeCommand() {}

    /** Blocks while serving; returns an exit code when it cannot start. */
    static int run(String[] args, PrintStream out, PrintStream err, Supplier<Iterable<StateBackendFactory>> factories) {
        ServeOptions options;
        try {
            Flags f = Flags.parse(args, 1, FLAGS);
            if (f.help()) {
                out.print(HELP);
                return 0;
            }
            options = options(f);
        } catch (IllegalArgumentException e) {
            err.println("serve: " + e.getMessage());
            err.println("run `serve --help` for the flags");
            return 2;
        }
        SSLContext tls;
        try { // before the cluster state: a bad TLS file is a usage error, and found without waiting on a sync
            tls = tlsContext(options);
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            err.println("serve: " + e.getMessage());
            return 2;
        }
        OutputStream sink;
        try { // before the cluster state too: a decision log that cannot be opened is a usage error
            sink = sink(options);
        } catch (java.io.IOException e) {
            String why = e instanceof java.nio.file.NoSuchFileException ? "its directory does not exist"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.toString();
            err.println("serve: cannot open --decision-log " + options.logging().decisionLog() + ": " + why);
            return 2;
        }
        StateBackend backend;
        try {
            backend = backend(options, factories);
        } catch (java.nio.file.NoSuchFileException e) {
            // a --cluster-file or --kubeconfig that is not there: the exception's message is the bare path
            err.println("serve: " + e.getFile() + ": no such file");
            closeQuietly(sink);
            return 2;
        } catch (NoBackend | java.io.IOException | IllegalArgumentException e) {
            // no backend in this build, or a --cluster-file that cannot be read or is not one
            err.println("serve: " + e.getMessage());
            closeQuietly(sink);
            return 2;
        } catch (Exception e) {
            LOG.error("cannot start the cluster state", e);
            closeQuietly(sink);
            return 1;
        }
        CountDownLatch closed = new CountDownLatch(1);
        try (StateBackend b = backend; sink) {
            ExtenderServer.Builder builder = server(options, b, sink, tls);
            CountDownLatch stop = new CountDownLatch(1);
            ExtenderServer started;
            try {
                started = builder.start();
            } catch (RuntimeException e) { // the address is not this host's, or the port is taken
                err.println("serve: cannot listen on " + options.listen().address() + ":" + options.listen().port()
                        + ": " + rootMessage(e));
                return 1;
            }
            try (ExtenderServer server = started) {
                LOG.info("berth extender listening on {}://{}:{}{}", options.tls().enabled() ? "https" : "http",
                        options.listen().address(), server.port(), ExtenderServer.normalizePrefix(options.listen().prefix()));
                // On SIGTERM the hook wakes this thread and waits (bounded) until the server, the
                // backend and the decision log are closed, so the last lines reach the sink.
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    stop.countDown();
                    try {
                        closed.await(10, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "berth-shutdown"));
                stop.await();
            }
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (Exception e) {
            LOG.error("serve stopped on an error", e);
            return 1;
        } finally {
            closed.countDown();
        }
    }

    /** The server as the options describe it (listen address, TLS, scoring, decision log), not started yet. */
    static ExtenderServer.Builder server(ServeOptions options, StateBackend backend, OutputStream sink)
            throws java.io.IOException, java.security.GeneralSecurityException {
        return server(options, backend, sink, tlsContext(options));
    }

    /** The TLS context the options ask for, or {@code null} for plain HTTP. */
    static SSLContext tlsContext(ServeOptions options) throws java.io.IOException, java.security.GeneralSecurityException {
        ServeOptions.Tls tls = options.tls();
        return tls.enabled() ? Tls.context(tls.keystore(), tls.password(), tls.clientCa(), tls.clientCaPassword()) : null;
    }

    private static ExtenderServer.Builder server(ServeOptions options, StateBackend backend, OutputStream sink, SSLContext tls) {
        ExtenderServer.Builder builder = ExtenderServer.builder().state(backend.state()).binder(backend.binder())
                .address(options.listen().address()).port(options.listen().port())
                .prefix(options.listen().prefix()).maxBodyBytes(options.listen().maxBodyBytes())
                .bodyReadTimeout(java.time.Duration.ofSeconds(options.listen().bodyReadTimeoutSeconds()))
                .rackLabel(options.scoring().rackLabel()).weights(options.scoring().weights())
                .leaderMetric(options.scoring().leaderMetric()).maxRackSkew(options.scoring().maxRackSkew())
                .decisionSink(sink).decisionSinkReopener(() -> sink(options))
                .decisionsKept(options.logging().decisionsKept());
        if (tls != null) {
            builder.tls(tls, options.tls().clientCa() != null);
        }
        return builder;
    }

    static ServeOptions options(Flags f) {
        ServeOptions d = ServeOptions.defaults();
        ServeOptions.Listen listen = new ServeOptions.Listen(f.get("address", d.listen().address()),
                f.integer("port", d.listen().port(), 0, 65535), f.get("prefix", d.listen().prefix()),
                f.longValue("max-body-bytes", d.listen().maxBodyBytes(), 1024, ExtenderServer.MAX_BODY_BYTES),
                f.integer("body-read-timeout", d.listen().bodyReadTimeoutSeconds(), 10, 3600));
        ServeOptions.Tls tls = ServeOptions.Tls.NONE;
        if (f.get("tls-keystore") != null) {
            if (f.get("tls-client-ca-password-file") != null && f.get("tls-client-ca") == null) {
                // HTTPS without client authentication, when client authentication was meant
                throw new IllegalArgumentException("--tls-client-ca-password-file needs --tls-client-ca");
            }
            tls = new ServeOptions.Tls(Path.of(f.get("tls-keystore")), secret(f.get("tls-password-file")),
                    f.get("tls-client-ca") == null ? null : Path.of(f.get("tls-client-ca")),
                    secret(f.get("tls-client-ca-password-file")));
        } else {
            for (String flag : List.of("tls-client-ca", "tls-password-file", "tls-client-ca-password-file")) {
                if (f.get(flag) != null) { // silently serving plain HTTP would hide the mistake
                    throw new IllegalArgumentException("--" + flag + " needs --tls-keystore");
                }
            }
        }
        ServeOptions.Scoring scoring = new ServeOptions.Scoring(rackLabel(f, d.scoring().rackLabel()),
                new Weights(f.integer("weight-rack", Weights.DEFAULT.rack(), 0),
                        f.integer("weight-leaders", Weights.DEFAULT.leaders(), 0),
                        f.integer("weight-disk", Weights.DEFAULT.disk(), 0)),
                LeaderMetric.fromFlag(f.get("score-leaders-by", LeaderMetric.LEADERS.flag())), maxRackSkew(f));
        if (f.get("cluster-file") != null && f.get("kubeconfig") != null) {
            // serving from the file while the operator believes the cluster is watched would place blind
            throw new IllegalArgumentException("--cluster-file and --kubeconfig exclude each other: pick one source");
        }
        ServeOptions.Sources sources = new ServeOptions.Sources(
                f.get("cluster-file") == null ? null : Path.of(f.get("cluster-file")),
                f.get("kubeconfig") == null ? null : Path.of(f.get("kubeconfig")));
        ServeOptions.Logging logging = new ServeOptions.Logging(
                f.get("decision-log") == null ? null : Path.of(f.get("decision-log")),
                f.integer("decisions-kept", d.logging().decisionsKept(), 1, MAX_DECISIONS_KEPT));
        return new ServeOptions(listen, tls, scoring, sources, logging);
    }

    /**
     * The most decisions {@code /decisions} may keep: each holds its per-node arrays, 50 to 150 KB at 5,000
     * nodes, so 10,000 is up to about 1.5 GB; unbounded, a typo took the heap.
     */
    static final int MAX_DECISIONS_KEPT = 10_000;

    /** {@code --max-rack-skew}: 0 (off) to {@link #MAX_RACK_SKEW_LIMIT}. */
    static int maxRackSkew(Flags f) {
        return f.integer("max-rack-skew", RackSkewRule.DEFAULT_MAX_SKEW, 0, MAX_RACK_SKEW_LIMIT);
    }

    /** Above any cluster's broker count per rack: a larger maxSkew could never refuse a node. */
    static final int MAX_RACK_SKEW_LIMIT = 1000;

    /** {@code --rack-label}, checked: a key no node can carry would leave every broker pending. */
    static String rackLabel(Flags f, String byDefault) {
        String key = f.get("rack-label", byDefault);
        String problem = LabelKeys.problem(key);
        if (problem != null) {
            throw new IllegalArgumentException("--rack-label '" + key + "': " + problem);
        }
        return key;
    }

    private static char[] secret(String file) {
        if (file == null) {
            return new char[0];
        }
        try {
            return Files.readString(Path.of(file)).strip().toCharArray();
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read password file " + file + ": " + e.getMessage());
        }
    }

    private static StateBackend backend(ServeOptions o, Supplier<Iterable<StateBackendFactory>> factories) throws Exception {
        if (o.sources().clusterFile() != null) {
            return FileBackend.open(o.sources().clusterFile(), o.scoring().rackLabel());
        }
        Iterator<StateBackendFactory> it = factories.get().iterator();
        if (!it.hasNext()) {
            throw new NoBackend("no Kubernetes backend in this build; pass --cluster-file FILE to serve from a file");
        }
        return it.next().start(o);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.toString();
    }

    private static void closeQuietly(OutputStream sink) {
        try {
            sink.close();
        } catch (java.io.IOException e) {
            LOG.warn("closing the decision log: {}", e.toString());
        }
    }

    /** Decision lines are UTF-8 bytes (the log builds them so), buffered: a line can be 150 KB. */
    private static OutputStream sink(ServeOptions o) throws java.io.IOException {
        if (o.logging().decisionLog() == null) {
            // closing the log flushes it but leaves the process's stdout open
            return new BufferedOutputStream(new java.io.FilterOutputStream(new FileOutputStream(FileDescriptor.out)) {
                @Override
                public void write(byte[] b, int off, int len) throws java.io.IOException {
                    out.write(b, off, len); // FilterOutputStream would write byte by byte
                }

                @Override
                public void close() throws java.io.IOException {
                    flush();
                }
            }, 1 << 16);
        }
        return new BufferedOutputStream(Files.newOutputStream(o.logging().decisionLog(),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND), 1 << 16);
    }

    private static final class NoBackend extends Exception {
        private static final long serialVersionUID = 1L;

        NoBackend(String message) {
            super(message);
        }
    }
}
