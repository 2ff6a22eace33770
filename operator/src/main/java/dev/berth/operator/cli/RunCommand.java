package dev.berth.operator.cli;

import dev.berth.operator.reconcile.Operator;
import dev.berth.operator.reconcile.OperatorConfig;
import dev.berth.operator.reconcile.ScaleDownStep;
import dev.berth.operator.reconcile.ScaleUpStep;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import java.io.FileReader;
import java.io.IOException;
import java.io.Reader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
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
              --kubeconfig PATH        kubeconfig file (default: in-cluster service account, else
                                       $KUBECONFIG or ~/.kube/config, as kubectl does)
              --namespace NS           watch only this namespace (default: all namespaces, as one
                                       operator per cluster is the usual install)
              --bootstrap HOST:PORT    Kafka bootstrap address used for every cluster instead of its
                                       in-cluster Service <name>-bootstrap.<ns>.svc:9092 (default: the
                                       Service; set it for local runs and tests outside the cluster)
              --observe-interval DUR   time between Kafka observations and periodic reconciles (the
                                       informers resync every 6 of them); must be positive
                                       (default 15s: fresh enough for placement, light on the brokers)
              --health-port PORT       port of /healthz, /readyz and /metrics, -1 to 65535 (default
                                       8081; 0 picks a free port; -1 disables the server)
              --lease-name NAME        Lease for leader election (default berth-operator)
              --lease-namespace NS     namespace of the Lease (default: the operator's own namespace,
                                       $POD_NAMESPACE, else --namespace, else berth-system: the shipped
                                       RBAC grants Leases only in the operator's own namespace)
              --identity NAME          this replica's identity in the Lease (default: $POD_NAME, else
                                       the host name: unique per replica)
              --help                   print this help

            Durations: 500ms, 15s, 2m, 1h. Leader election: lease 15s, renew deadline 10s, retry 2s
            (the client-go defaults), so a standby replica takes over within about 15s.
            Exit codes: 0 stopped (SIGTERM) or --help, 1 could not start or lost the Lease, 2 bad usage.
            """;

    /** Blocks while running; returns an exit code: 0 after SIGTERM or --help, 2 for bad usage. */
    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
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
        OperatorConfig config = o.config();
        ApiClient calls = client(o.kubeconfig(), Duration.ofSeconds(30));
        ApiClient watches = client(o.kubeconfig(), Duration.ZERO);
        // Day-2 steps, in order: a scale-down in flight or due runs before a scale-up may start.
        Operator operator = new Operator(watches, calls, config,
                List.of(new ScaleDownStep(), new ScaleUpStep()), Clock.systemUTC());
        HealthServer health = o.healthPort() == RunOptions.HEALTH_DISABLED ? null
                : HealthServer.start("0.0.0.0", o.healthPort(), () -> !operator.isLeader() || operator.hasSynced());
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            operator.close();
            if (health != null) {
                health.close();
            }
            stop.countDown();
        }));
        operator.onStoppedLeading(() -> {
            LOG.error("lost the lease {}; exiting so a restart starts clean", config.leaseName());
            System.exit(1);
        });
        operator.start();
        LOG.info("berth-operator running as {}{}", o.identity(), health == null ? "" : ", health on port " + health.port());
        stop.await();
        return 0;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot tell this host's name (" + e.getMessage() + "); set --identity");
        }
    }

    private static ApiClient client(String kubeconfig, Duration readTimeout) throws IOException {
        ClientBuilder b;
        if (kubeconfig != null) {
            try (Reader r = new FileReader(kubeconfig)) {
                b = ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(r));
            }
        } else {
            b = ClientBuilder.standard();
        }
        return b.setReadTimeout(readTimeout).build();
    }
}
