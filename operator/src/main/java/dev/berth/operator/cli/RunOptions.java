package dev.berth.operator.cli;

import dev.berth.operator.reconcile.OperatorConfig;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The flags of {@code run}, decoded and validated in one place, before anything starts: every
 * mistake is an {@link IllegalArgumentException} whose message names the flag, what it accepts and
 * what it got, and {@code run} turns it into exit code 2. Pure: the environment and the host name
 * come in as functions.
 *
 * <p>Flags take their value as {@code --flag value} or {@code --flag=value}. The flag's name is
 * checked before its value is looked for, so a misspelt last flag is reported as unknown, not as
 * missing its value. {@code --help} (or {@code -h}) anywhere wins.
 *
 * @param kubeconfig {@code --kubeconfig}, or {@code null} for the client's standard lookup
 * @param namespace {@code --namespace}, or {@code null} for all namespaces
 * @param bootstrap {@code --bootstrap}, or {@code null} for each cluster's Service
 * @param healthPort {@code --health-port}: 0 picks a free port, {@value #HEALTH_DISABLED} disables
 */
record RunOptions(String kubeconfig, String namespace, String bootstrap, Duration observeInterval, int healthPort,
        String leaseName, String leaseNamespace, String identity) {
    static final List<String> FLAGS = List.of("kubeconfig", "namespace", "bootstrap", "observe-interval",
            "health-port", "lease-name", "lease-namespace", "identity");
    static final int HEALTH_DISABLED = -1;
    static final int MAX_PORT = 65535;

    /**
     * @param args the arguments after {@code run}
     * @param env reads an environment variable ({@code POD_NAME}, {@code POD_NAMESPACE}); {@code null} if unset
     * @param hostName the identity when neither {@code --identity} nor {@code POD_NAME} is set
     * @return the options, or {@code null} when {@code --help} was asked
     */
    static RunOptions parse(String[] args, Function<String, String> env, Supplier<String> hostName) {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            return null;
        }
        Map<String, String> f = flags(args);
        if (f.get("bootstrap") != null && BootstrapAddress.problem(f.get("bootstrap")) != null) {
            throw new IllegalArgumentException(BootstrapAddress.problem(f.get("bootstrap")));
        }
        String namespace = f.get("namespace");
        String identity = f.get("identity");
        if (identity == null) {
            String podName = env.apply("POD_NAME");
            identity = podName == null || podName.isBlank() ? hostName.get() : podName;
        }
        return new RunOptions(f.get("kubeconfig"), namespace, f.get("bootstrap"),
                observeInterval(f.getOrDefault("observe-interval", "15s")),
                healthPort(f.getOrDefault("health-port", "8081")),
                leaseName(f.getOrDefault("lease-name", "berth-operator")),
                LeaseNamespace.resolve(f.get("lease-namespace"), env.apply("POD_NAMESPACE"), namespace), identity);
    }

    /** The operator's settings; the Lease timings are client-go's defaults (see {@code run --help}). */
    OperatorConfig config() {
        return new OperatorConfig(namespace, bootstrap, observeInterval, leaseName, leaseNamespace, identity,
                Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
    }

    private static Map<String, String> flags(String[] args) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument \"" + a + "\": flags start with --");
            }
            int eq = a.indexOf('=');
            String name = eq < 0 ? a.substring(2) : a.substring(2, eq);
            if (!FLAGS.contains(name)) {
                throw new IllegalArgumentException("unknown flag --" + name + " (run --help lists the flags)");
            }
            String value;
            if (eq >= 0) {
                value = a.substring(eq + 1);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
            if (value.isBlank()) {
                throw new IllegalArgumentException("--" + name + " must not be empty (leave the flag out for its default)");
            }
            out.put(name, value);
        }
        return out;
    }

    static int healthPort(String s) {
        int port;
        try {
            port = Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--health-port must be an integer, got \"" + s + "\"");
        }
        if (port < HEALTH_DISABLED || port > MAX_PORT) {
            throw new IllegalArgumentException("--health-port must be between " + HEALTH_DISABLED + " and " + MAX_PORT
                    + " (" + HEALTH_DISABLED + " disables, 0 picks a free port), got " + s);
        }
        return port;
    }

    static final Duration MIN_OBSERVE = Duration.ofMillis(100);
    static final Duration MAX_OBSERVE = Duration.ofHours(24);

    /** A Lease's name, as the API server takes it: a lowercase DNS subdomain of at most 253 characters. */
    static String leaseName(String s) {
        if (s.length() > 253 || !s.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")) {
            // the API server would refuse every create: each replica an idle standby for ever, all "ready"
            throw new IllegalArgumentException("--lease-name must be a lowercase DNS subdomain (letters, digits, '-'"
                    + " and '.'), got \"" + s + "\"");
        }
        return s;
    }

    static Duration observeInterval(String s) {
        Duration d = duration(s);
        if (d == null) {
            throw new IllegalArgumentException("--observe-interval must be a duration such as 500ms, 15s, 2m or 1h, got \""
                    + s + "\"");
        }
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("--observe-interval must be positive, got " + s
                    + ": it paces Kafka polling and the informers' resync");
        }
        if (d.compareTo(MIN_OBSERVE) < 0 || d.compareTo(MAX_OBSERVE) > 0) {
            // below: seven Admin calls ten times a second, for every cluster (15ms for 15s, a slip); above: a
            // resync of six intervals that overflows, and a cluster nobody looks at for days
            throw new IllegalArgumentException("--observe-interval must be from 100ms to 24h, got " + s);
        }
        return d;
    }

    /** {@code 500ms}, {@code 15s}, {@code 2m}, {@code 1h}; {@code null} for anything else. */
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
                default -> null;
            };
        } catch (RuntimeException e) { // not a number, no unit, or too long for a Duration
            return null;
        }
    }
}
