package dev.berth.operator.cli;

import dev.berth.operator.reconcile.Operator;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import java.io.FileReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code berth-operator run}: reconciles KafkaClusters until stopped. Wiring only. */
final class RunCommand {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
    private RunCommand() {}

    static final String HELP = """
            Usage: java -jar berth-operator.jar run [flags]

            Reconciles KafkaCluster resources (berth.dev/v1alpha1): creates the KRaft controllers and the
            brokers (one pod and PVC per node id), heals lost pods, publishes each broker's leaders and
            leader bytes-in on its pod for the berth extender, and writes status.

            Flags take their value as --flag value or --flag=value; an empty value is refused (leave
            the flag out for its default).

            Flags (default, and why):
              --kubeconfig PATH        kubeconfig file (default: $KUBECONFIG, else ~/.kube/config, else
                                       the in-cluster service account: client-java's standard order)
              --namespace NS           watch only this namespace (default: all namespaces, as one
                                       operator per cluster is the usual install)
              --bootstrap HOST:PORT    Kafka bootstrap address used for every cluster instead of its
                                       in-cluster Service <name>-bootstrap.<ns>.svc:9092 (default: the
                                       Service; set it for local runs and tests outside the cluster)
              --observe-interval DUR   time between Kafka observations and periodic reconciles (the
                                       informers resync every 6 of them); 100ms to 24h
                                       (default 15s: fresh enough for placement, light on the brokers)
              --health-port PORT       port of /healthz, /readyz and /metrics, -1 to 65535 (default
                                       8081; 0 picks a free port; -1 disables the server)
              --lease-name NAME        Lease for leader election, a lowercase DNS name (default
                                       berth-operator)
              --lease-namespace NS     namespace of the Lease (default: the operator's own namespace,
                                       $POD_NAMESPACE, else --namespace, else berth-system: the shipped
                                       RBAC grants Leases only in the operator's own namespace)
              --identity NAME          this replica's identity in the Lease (default: $POD_NAME, else
                                       the host name: unique per replica)
              --help                   print this help

            Durations: 500ms, 15s, 2m, 1h. Leader election: lease 15s, renew deadline 10s, retry 2s
            (the client-go defaults), so a standby replica takes over within about 15s.
            Exit codes: 0 --help, 1 could not start or lost the Lease, 2 bad usage; after SIGTERM the
            shutdown is clean and the code is the JVM's for the signal, 143.
            """;

    /**
     * Blocks while running. Exit codes: 0 after the stop (a SIGTERM'd JVM still exits 143) or --help, 2 for bad usage (nothing was
     * started), 1 when it could not start (nothing is left running: the caller may exit at once).
     */
    static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        RunOptions o;
        try {
            o = RunOptions.parse(args, System::getenv, RunCommand::hostName);
        } catch (IllegalArgumentException e) {
            err.println("run: " + e.getMessage());
            return 2;
        }
        if (o == null) {
            out.print(HELP);
            return 0;
        }
        String kubeconfigProblem = o.kubeconfig() == null ? null : fileProblem(Path.of(o.kubeconfig()));
        if (kubeconfigProblem != null) {
            err.println("run: --kubeconfig " + o.kubeconfig() + ": " + kubeconfigProblem);
            return 2;
        }
        String none = o.kubeconfig() != null ? null
                : noApiConfigured(System::getenv, java.nio.file.Files::isRegularFile, Path.of(System.getProperty("user.home")));
        if (none != null) {
            err.println("run: " + none);
            return 2;
        }
        ApiClient calls;
        ApiClient watches;
        try { // client-java only reads files here: no connection yet, no thread
            calls = client(o.kubeconfig(), Duration.ofSeconds(30));
            watches = client(o.kubeconfig(), Duration.ZERO);
        } catch (IOException | RuntimeException e) {
            if (o.kubeconfig() != null) {
                err.println("run: --kubeconfig " + o.kubeconfig() + ": not a usable kubeconfig: " + rootCause(e));
                return 2;
            }
            LOG.error("cannot load the Kubernetes client configuration", e);
            return 1;
        }
        // The health port before the operator: a taken port then fails before any operator thread exists.
        AtomicReference<Operator> started = new AtomicReference<>();
        HealthServer health;
        try {
            health = o.healthPort() == RunOptions.HEALTH_DISABLED ? null
                    : HealthServer.start("0.0.0.0", o.healthPort(), () -> notReady(started.get()));
        } catch (BindException e) {
            err.println("run: --health-port " + o.healthPort() + ": " + bindProblem(e));
            return 1;
        } catch (RuntimeException e) {
            err.println("run: --health-port " + o.healthPort() + ": cannot listen: " + rootCause(e));
            return 1;
        }
        Operator operator;
        try {
            operator = new Operator(watches, calls, o.config(), Operator.dayTwoSteps(), Clock.systemUTC());
        } catch (RuntimeException e) {
            // Unexpected, so logged with its stack trace: one JSON line, as the extender's serve does.
            LOG.error("cannot start", e);
            if (health != null) {
                health.close();
            }
            return 1;
        }
        started.set(operator);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            operator.close();
            if (health != null) {
                health.close();
            }
            stop.countDown();
        }));
        operator.onStoppedLeading(why -> {
            LOG.error("{}; exiting so a restart starts clean", why);
            System.exit(1);
        });
        operator.start();
        LOG.info("berth-operator running as {}{}", o.identity(), health == null ? "" : ", health on port " + health.port());
        stop.await();
        return 0;
    }

    /**
     * Why the operator is not ready, or {@code null}: a standby replica is ready while it can read the Lease
     * (a replica that cannot would never lead: RBAC, a namespace that does not exist); the leader once its
     * caches are synced.
     */
    static String notReady(Operator operator) {
        if (operator == null) {
            return "starting";
        }
        return operator.isLeader() ? operator.notSyncedReason() : operator.leaseProblem();
    }

    /** Why a file named on the command line cannot be read, or {@code null} if it can. */
    static String fileProblem(Path file) {
        if (Files.isDirectory(file)) {
            return "is a directory";
        }
        if (!Files.exists(file)) {
            return "no such file";
        }
        return Files.isReadable(file) ? null : "not readable";
    }

    /** The port is taken (the usual case), or the bind failed otherwise, e.g. a port below 1024 without privilege. */
    static String bindProblem(BindException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("in use")
                ? "port in use by another process (choose another port, 0 for a free one, or -1 to disable the health server)"
                : "cannot listen: " + m;
    }

    /** The innermost cause on one line (YAML parser messages span several). */
    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.toString().strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot tell this host's name (" + e.getMessage() + "); set --identity");
        }
    }

    /** The in-cluster service account's token, which client-java reads when nothing else is configured. */
    static final Path SERVICE_ACCOUNT_TOKEN = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

    /**
     * Why client-java's standard lookup would find no API at all ($KUBECONFIG, ~/.kube/config, then the
     * in-cluster service account), or null when one of them is there. With none, client-java quietly talks to
     * {@code http://localhost:8080}, and the operator started, never became ready, and only {@code /readyz}
     * said why.
     */
    static String noApiConfigured(java.util.function.Function<String, String> env,
            java.util.function.Predicate<Path> isFile, Path home) {
        String kubeconfig = env.apply("KUBECONFIG");
        String host = env.apply("KUBERNETES_SERVICE_HOST");
        if (kubeconfig != null && !kubeconfig.isBlank() || isFile.test(home.resolve(".kube").resolve("config"))
                || host != null && !host.isBlank() && isFile.test(SERVICE_ACCOUNT_TOKEN)) {
            return null;
        }
        return "no Kubernetes API configured: no --kubeconfig, no $KUBECONFIG, no " + home.resolve(".kube/config")
                + ", and not in a pod with a service account token";
    }

    private static ApiClient client(String kubeconfig, Duration readTimeout) throws IOException {
        ClientBuilder b;
        if (kubeconfig != null) {
            try (Reader r = new FileReader(kubeconfig)) {
                KubeConfig config = KubeConfig.loadKubeConfig(r);
                // relative certificate-authority, client-certificate and client-key paths resolve beside the
                // file, as kubectl resolves them, not against the working directory
                config.setFile(new java.io.File(kubeconfig).getAbsoluteFile());
                b = ClientBuilder.kubeconfig(config);
            }
        } else {
            b = ClientBuilder.standard();
        }
        return b.setReadTimeout(readTimeout).build();
    }
}
