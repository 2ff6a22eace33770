package dev.berth.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
    /** What {@code run} returned and printed. */
    record Outcome(int code, String out, String err) {}

    /**
     * Runs the command in-process. A usage error returns at once; the timeout turns a regression that
     * would start the operator and block into a failure instead of a hung build.
     */
    static Outcome run(String... args) {
        return assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = RunCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        });
    }

    static RunOptions parse(Map<String, String> env, String... args) {
        return RunOptions.parse(args, env::get, () -> "laptop");
    }

    @Test
    void helpIsRecognisedAnywhereAndDocumentsEveryFlagWithItsDefault() {
        assertThat(parse(Map.of(), "--namespace", "x", "--help")).isNull();
        assertThat(parse(Map.of(), "-h", "--bogus")).isNull();
        Outcome help = run("--namespace", "kafka", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).isEqualTo(RunCommand.HELP);
        for (String flag : new String[] {"--kubeconfig", "--namespace", "--bootstrap", "--observe-interval",
                "--health-port", "--lease-name", "--lease-namespace", "--identity", "--help"}) {
            assertThat(RunCommand.HELP).contains(flag);
        }
        assertThat(RunCommand.HELP).contains("default 15s").contains("berth-operator)")
                .contains("--flag value or --flag=value").contains("-1 disables").contains("-1 to 65535")
                .contains("$POD_NAMESPACE, else --namespace, else berth-system");
    }

    @Test
    void flagsParseInBothForms() {
        RunOptions o = parse(Map.of(), "--bootstrap=127.0.0.1:9092", "--namespace", "kafka", "--health-port=0",
                "--observe-interval", "500ms");
        assertThat(o.bootstrap()).isEqualTo("127.0.0.1:9092");
        assertThat(o.namespace()).isEqualTo("kafka");
        assertThat(o.healthPort()).isZero();
        assertThat(o.observeInterval()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void defaultsComeFromTheHelpAndThePod() {
        RunOptions bare = parse(Map.of());
        assertThat(bare.config()).extracting("namespace", "bootstrapOverride", "observeInterval", "leaseName",
                        "leaseNamespace", "identity")
                .containsExactly(null, null, Duration.ofSeconds(15), "berth-operator", "berth-system", "laptop");
        assertThat(bare.healthPort()).isEqualTo(8081);
        RunOptions inPod = parse(Map.of("POD_NAME", "berth-operator-7f9c", "POD_NAMESPACE", "berth-system"),
                "--namespace", "kafka");
        assertThat(inPod.identity()).isEqualTo("berth-operator-7f9c");
        assertThat(inPod.leaseNamespace()).isEqualTo("berth-system");
        assertThat(parse(Map.of("POD_NAME", " "), "--namespace", "kafka").identity()).isEqualTo("laptop");
    }

    /** arguments after {@code run}, the one line {@code run} prints on stderr; all exit 2. */
    private static final Object[][] USAGE_ERRORS = {
        {new String[] {"--bogus"}, "unknown flag --bogus (run --help lists the flags)"},       // last: the name is checked before the value
        {new String[] {"--colour", "red"}, "unknown flag --colour (run --help lists the flags)"},
        {new String[] {"--bogus=1"}, "unknown flag --bogus (run --help lists the flags)"},
        {new String[] {"kafka"}, "unexpected argument \"kafka\": flags start with --"},
        {new String[] {"--namespace"}, "--namespace needs a value"},
        {new String[] {"--namespace", "--identity", "me"}, "--namespace needs a value"},      // a flag is not a value
        {new String[] {"--health-port", "x"}, "--health-port must be an integer, got \"x\""},
        {new String[] {"--health-port", "70000"},
            "--health-port must be between -1 and 65535 (-1 disables, 0 picks a free port), got 70000"},
        {new String[] {"--health-port", "65536"},                                              // one past the last port
            "--health-port must be between -1 and 65535 (-1 disables, 0 picks a free port), got 65536"},
        {new String[] {"--health-port", "-2"},                                                 // only -1 disables
            "--health-port must be between -1 and 65535 (-1 disables, 0 picks a free port), got -2"},
        {new String[] {"--observe-interval", "0s"},
            "--observe-interval must be positive, got 0s: it paces Kafka polling and the informers' resync"},
        {new String[] {"--observe-interval", "0ms"},                                           // zero in the smallest unit
            "--observe-interval must be positive, got 0ms: it paces Kafka polling and the informers' resync"},
        {new String[] {"--observe-interval=-5s"},
            "--observe-interval must be positive, got -5s: it paces Kafka polling and the informers' resync"},
        {new String[] {"--observe-interval", "soon"},
            "--observe-interval must be a duration such as 500ms, 15s, 2m or 1h, got \"soon\""},
        {new String[] {"--observe-interval", "15"},                                            // no unit
            "--observe-interval must be a duration such as 500ms, 15s, 2m or 1h, got \"15\""},
        {new String[] {"--observe-interval", "15ms"},                                          // a slip for 15s
            "--observe-interval must be from 100ms to 24h, got 15ms"},
        {new String[] {"--observe-interval", "3000000000000h"},                                // overflowed the resync
            "--observe-interval must be from 100ms to 24h, got 3000000000000h"},
        {new String[] {"--lease-name", "Berth_Operator"},
            "--lease-name must be a lowercase DNS subdomain (letters, digits, '-' and '.'), got \"Berth_Operator\""},
        {new String[] {"--bootstrap", "foo"},                                                  // no port: Kafka's own check came late
            "--bootstrap entry \"foo\" is not HOST:PORT (a port from 1 to 65535)"},
        {new String[] {"--lease-name", ""}, "--lease-name must not be empty (leave the flag out for its default)"},
        {new String[] {"--namespace", ""}, "--namespace must not be empty (leave the flag out for its default)"},
        {new String[] {"--identity", ""}, "--identity must not be empty (leave the flag out for its default)"},
        {new String[] {"--lease-namespace="}, "--lease-namespace must not be empty (leave the flag out for its default)"},
        {new String[] {"--namespace", "  "}, "--namespace must not be empty (leave the flag out for its default)"}, // blank is empty
    };

    @Test
    void badUsageExitsTwoWithOneLineNamingTheFlag() {
        for (Object[] row : USAGE_ERRORS) {
            String[] args = (String[]) row[0];
            Outcome o = run(args);
            assertThat(o.code()).as("run %s", String.join(" ", args)).isEqualTo(2);
            assertThat(o.err()).as("run %s", String.join(" ", args)).isEqualTo("run: " + row[1] + System.lineSeparator());
            assertThat(o.out()).isEmpty();
        }
    }

    /** Flags at the edges of what is accepted. */
    @Test
    void edgesOfTheAcceptedRangesAreAccepted() {
        assertThat(parse(Map.of(), "--health-port", "-1").healthPort()).isEqualTo(RunOptions.HEALTH_DISABLED);
        assertThat(parse(Map.of(), "--observe-interval", "100ms").observeInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(parse(Map.of(), "--observe-interval", "24h").observeInterval()).isEqualTo(Duration.ofHours(24));
        assertThat(parse(Map.of(), "--lease-name", "berth.operator-2").leaseName()).isEqualTo("berth.operator-2");
        assertThat(parse(Map.of(), "--health-port", "0").healthPort()).isZero();          // a free port
        assertThat(parse(Map.of(), "--health-port", "65535").healthPort()).isEqualTo(65535);
        assertThatThrownBy(() -> parse(Map.of(), "--observe-interval", "0h")).hasMessageContaining("must be positive");
    }

    /** A kubeconfig that loads, so that a test does not depend on the machine's ~/.kube/config. */
    static Path kubeconfig(Path dir) throws Exception {
        return Files.writeString(dir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: "http://127.0.0.1:1"}}]
                users: [{name: u, user: {token: t}}]
                contexts: [{name: x, context: {cluster: c, user: u}}]
                current-context: x
                """);
    }

    @Test
    void aHealthPortTakenByAnotherProcessExitsOneWithOneLineInsteadOfHanging(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Outcome o = run("--health-port", String.valueOf(taken.getLocalPort()), "--identity", "test",
                    "--kubeconfig", kubeconfig(dir).toString());
            assertThat(o.code()).as(o.err()).isEqualTo(1);
            assertThat(o.err()).isEqualTo("run: --health-port " + taken.getLocalPort() + ": port in use by another"
                    + " process (choose another port, 0 for a free one, or -1 to disable the health server)"
                    + System.lineSeparator());
        }
    }

    /**
     * A kubeconfig naming its CA file by a relative path, as kubeadm's and many hand-written ones do, read from
     * another working directory: the path resolves beside the kubeconfig, as kubectl resolves it. Before, it
     * resolved against the working directory and run exited 2, "not a usable kubeconfig". The health port is
     * taken so that run stops right after building its clients (exit 1, the port's line).
     */
    @Test
    void aKubeconfigsRelativeCertificatePathResolvesBesideIt(@TempDir Path dir) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        for (List<String> args : List.of(
                List.of("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=ca",
                        "-validity", "2", "-storetype", "PKCS12", "-keystore", "ca.p12", "-storepass", "changeit"),
                List.of("-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-storepass", "changeit",
                        "-file", "ca.crt"))) {
            List<String> cmd = new java.util.ArrayList<>(List.of(keytool.toString(), "-J-XX:TieredStopAtLevel=1"));
            cmd.addAll(args);
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
        }
        Path config = Files.writeString(dir.resolve("admin.conf"), """
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: "https://127.0.0.1:1", certificate-authority: ca.crt}}]
                users: [{name: u, user: {token: t}}]
                contexts: [{name: x, context: {cluster: c, user: u}}]
                current-context: x
                """);
        assertThat(Path.of("").toAbsolutePath()).as("run from another directory").isNotEqualTo(dir);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Outcome o = run("--health-port", String.valueOf(taken.getLocalPort()), "--identity", "test",
                    "--kubeconfig", config.toString());
            assertThat(o.err()).doesNotContain("not a usable kubeconfig");
            assertThat(o.code()).as(o.err()).isEqualTo(1);
        }
    }

    /** Without any configuration client-java would talk to localhost:8080 in silence: run says so and exits 2. */
    @Test
    void noApiConfiguredAtAllIsAUsageError() {
        Path home = Path.of("/home/op");
        Path token = RunCommand.SERVICE_ACCOUNT_TOKEN;
        record Row(String why, Map<String, String> env, java.util.Set<Path> files, boolean refused) {}
        for (Row row : List.of(
                new Row("nothing", Map.of(), java.util.Set.of(), true),
                new Row("$KUBECONFIG", Map.of("KUBECONFIG", "/etc/k/admin.conf"), java.util.Set.of(), false),
                new Row("~/.kube/config", Map.of(), java.util.Set.of(home.resolve(".kube/config")), false),
                new Row("in a pod", Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1"), java.util.Set.of(token), false),
                new Row("the service host without a token", Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1"),
                        java.util.Set.of(), true))) {
            String problem = RunCommand.noApiConfigured(row.env()::get, row.files()::contains, home);
            if (row.refused()) {
                assertThat(problem).as(row.why()).isEqualTo("no Kubernetes API configured: no --kubeconfig, no"
                        + " $KUBECONFIG, no /home/op/.kube/config, and not in a pod with a service account token");
            } else {
                assertThat(problem).as(row.why()).isNull();
            }
        }
    }

    @Test
    void otherBindFailuresAreNotCalledAPortInUse() {
        assertThat(RunCommand.bindProblem(new BindException("Permission denied"))).isEqualTo("cannot listen: Permission denied");
        assertThat(RunCommand.bindProblem(new BindException("Address already in use"))).startsWith("port in use");
    }

    @Test
    void aKubeconfigThatCannotBeReadIsAUsageErrorWithoutAStackTrace(@TempDir Path dir) throws Exception {
        Path readable = Files.writeString(dir.resolve("config"), "apiVersion: v1\n");
        // --kubeconfig, the line run prints
        String[][] rows = {
            {"/nonexistent", "run: --kubeconfig /nonexistent: no such file"},                    // the probe's case
            {dir.resolve("missing").toString(), "run: --kubeconfig " + dir.resolve("missing") + ": no such file"},
            {dir.toString(), "run: --kubeconfig " + dir + ": is a directory"},                   // exists, but is no file
        };
        for (String[] row : rows) {
            Outcome o = run("--kubeconfig", row[0]);
            assertThat(o.code()).as(row[0]).isEqualTo(2);
            assertThat(o.err()).as(row[0]).isEqualTo(row[1] + System.lineSeparator());
        }
        assertThat(RunCommand.fileProblem(readable)).isNull();
        // contents, why: exit 2 with one line, no stack trace
        String[][] unusable = {
            {"[not, a, kubeconfig]\n", "YAML, but a list"},
            {"clusters: [\n  - name: a\n", "broken YAML, whose parser message spans lines"},
        };
        for (String[] row : unusable) {
            Path file = Files.writeString(dir.resolve("unusable"), row[0]);
            Outcome o = run("--kubeconfig", file.toString());
            assertThat(o.code()).as(row[1] + ": " + o.err()).isEqualTo(2);
            assertThat(o.err()).as(row[1]).startsWith("run: --kubeconfig " + file + ": not a usable kubeconfig: ")
                    .doesNotContain("\tat ").hasLineCount(1);
        }
    }

    @Test
    void durationsUseTheUsualSuffixes() {
        assertThat(RunOptions.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(RunOptions.duration("15s")).isEqualTo(Duration.ofSeconds(15));
        assertThat(RunOptions.duration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(RunOptions.duration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(RunOptions.duration("1d")).isNull();
        assertThat(RunOptions.duration("")).isNull();
    }
}
