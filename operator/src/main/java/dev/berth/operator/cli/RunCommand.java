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
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

            Flags (default, and why):
              --kubeconfig PATH        kubeconfig file (default: in-cluster service account, else
                                       $KUBECONFIG or ~/.kube/config, as kubectl does)
              --namespace NS           watch only this namespace (default: all namespaces, as one
                                       operator per cluster is the usual install)
              --bootstrap HOST:PORT    Kafka bootstrap address used for every cluster instead of its
                                       in-cluster Service <name>-bootstrap.<ns>.svc:9092 (default: the
                                       Service; set it for local runs and tests outside the cluster)
              --observe-interval DUR   time between Kafka observations and periodic reconciles
                                       (default 15s: fresh enough for placement, light on the brokers)
              --health-port PORT       port of /healthz, /readyz and /metrics (default 8081; 0 picks a
                                       free port; -1 disables)
              --lease-name NAME        Lease for leader election (default berth-operator)
              --lease-namespace NS     namespace of the Lease (default: the operator's own namespace,
                                       $POD_NAMESPACE, else --namespace, else berth-system: the shipped
                                       RBAC grants Leases only in the operator's own namespace)
              --identity NAME          this replica's identity in the Lease (default: $POD_NAME, else
                                       the host name: unique per replica)
              --help                   print this help

            Durations: 500ms, 15s, 2m. Leader election: lease 15s, renew deadline 10s, retry 2s (the
            client-go defaults), so a standby replica takes over within about 15s.
            """;

    static int run(String[] args) throws Exception {
        Map<String, String> f = parse(args);
        if (f == null) {
            System.out.print(HELP);
            return 0;
        }
        String namespace = f.get("namespace");
        String leaseNs = LeaseNamespace.resolve(f.get("lease-namespace"), System.getenv("POD_NAMESPACE"), namespace);
        String identity = f.getOrDefault("identity", envOr("POD_NAME", InetAddress.getLocalHost().getHostName()));
        OperatorConfig config = new OperatorConfig(namespace, f.get("bootstrap"),
                duration(f.getOrDefault("observe-interval", "15s")), f.getOrDefault("lease-name", "berth-operator"),
                leaseNs, identity, Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
        ApiClient calls = client(f.get("kubeconfig"), Duration.ofSeconds(30));
        ApiClient watches = client(f.get("kubeconfig"), Duration.ZERO);
        // Day-2 steps, in order: a scale-down in flight or due runs before a scale-up may start.
        Operator operator = new Operator(watches, calls, config,
                List.of(new ScaleDownStep(), new ScaleUpStep()), Clock.systemUTC());
        int port = Integer.parseInt(f.getOrDefault("health-port", "8081"));
        HealthServer health = port < 0 ? null : HealthServer.start("0.0.0.0", port, () -> !operator.isLeader() || operator.hasSynced());
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
        LOG.info("berth-operator running as {}{}", identity, health == null ? "" : ", health on port " + health.port());
        stop.await();
        return 0;
    }

    /** Flags as a map; {@code null} when --help was asked. Unknown flags are an error. */
    static Map<String, String> parse(String[] args) {
        List<String> known = List.of("kubeconfig", "namespace", "bootstrap", "observe-interval", "health-port",
                "lease-name", "lease-namespace", "identity");
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                return null;
            }
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument: " + a);
            }
            String name = a.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown flag: --" + name);
            }
            out.put(name, value);
        }
        if (out.containsKey("observe-interval")) {
            duration(out.get("observe-interval"));
        }
        return out;
    }

    static Duration duration(String s) {
        String v = s.trim();
        try {
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            long n = Long.parseLong(v.substring(0, v.length() - 1));
            return switch (v.charAt(v.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> throw new IllegalArgumentException();
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("bad duration \"" + s + "\": use e.g. 500ms, 15s, 2m");
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

    private static String envOr(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
