package dev.berth.operator.cli;

import static dev.berth.extender.testing.JsonLogLines.level;
import static dev.berth.extender.testing.JsonLogLines.logger;
import static dev.berth.extender.testing.JsonLogLines.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import dev.berth.extender.testing.JarProcess;
import dev.berth.extender.testing.JsonLogLines;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped {@code berth-operator.jar} (run by Failsafe after {@code package}): help is plain text
 * on stdout with nothing on stderr, and {@code run} writes only JSON events to stderr, a library's
 * error with its exception included, each on its own single line. A {@code run} that cannot start
 * exits with one plain line instead of hanging.
 */
class ShadedJarLogsIT {
    private static final Path JAR = Path.of("target", "berth-operator.jar");

    @Test
    void helpIsPlainTextOnStdoutWithNoLogLines() throws Exception {
        for (String[] args : new String[][] {{"--help"}, {"run", "--help"}, {"plan", "--help"}, {"snapshot", "--help"}}) {
            JarProcess p = JarProcess.run(JAR, args);
            assertThat(p.exitCode()).as(String.join(" ", args)).isZero();
            assertThat(p.out().get(0)).as(String.join(" ", args)).doesNotStartWith("{").contains("berth-operator");
            assertThat(p.err()).as(String.join(" ", args)).isEmpty();
        }
        // no command at all is a usage error: the usage goes to stderr (stdout was for output only)
        JarProcess none = JarProcess.run(JAR);
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.out()).isEmpty();
        assertThat(none.err().get(0)).startsWith("berth-operator: reconciles KafkaCluster resources");
    }

    /**
     * The probe's hang: a health port already taken threw out of main while non-daemon threads
     * lived on, so the JVM never exited. JarProcess.run fails the test if the child outlives 60 s.
     */
    @Test
    void runThatCannotStartExitsWithOnePlainLineInsteadOfHanging(@TempDir Path dir) throws Exception {
        Path kubeconfig = RunCommandTest.kubeconfig(dir);
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String port = String.valueOf(taken.getLocalPort());
            JarProcess busy = JarProcess.run(JAR, "run", "--health-port", port, "--identity", "it-1",
                    "--kubeconfig", kubeconfig.toString());
            assertThat(busy.exitCode()).as(String.join("\n", busy.err())).isEqualTo(1);
            assertThat(busy.err()).containsExactly("run: --health-port " + port + ": port in use by another process"
                    + " (choose another port, 0 for a free one, or -1 to disable the health server)");
        }
        JarProcess usage = JarProcess.run(JAR, "run", "--health-port", "70000");
        assertThat(usage.exitCode()).isEqualTo(2);
        assertThat(usage.err()).containsExactly(
                "run: --health-port must be between -1 and 65535 (-1 disables, 0 picks a free port), got 70000");
        assertThat(usage.out()).isEmpty();
    }

    @Test
    void runLogsOnlyJsonEventsWithLibraryExceptionsInline(@TempDir Path dir) throws Exception {
        // An API server that refuses connections: leader election fails and client-java logs an
        // ERROR with an ApiException, the multi-line kind of output that must stay on one line.
        int refused;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            refused = s.getLocalPort();
        }
        Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters:
                - name: refused
                  cluster: {server: "http://127.0.0.1:%d"}
                users:
                - name: test
                  user: {token: "not-used"}
                contexts:
                - name: test
                  context: {cluster: refused, user: test}
                current-context: test
                """.formatted(refused));
        List<JsonObject> events;
        try (JarProcess run = JarProcess.start(JAR, Map.of(), "run", "--kubeconfig", kubeconfig.toString(),
                "--namespace", "kafka", "--health-port", "0", "--identity", "it-1")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> !run.isAlive()
                    || JsonLogLines.parse(run.err()).stream().anyMatch(e -> level(e).equals("ERROR")));
            assertThat(run.isAlive()).as(String.join("\n", run.err())).isTrue();
            run.stop();
            assertThat(run.out()).isEmpty();
            events = JsonLogLines.parse(run.err());
        }
        assertThat(events).anySatisfy(e -> {
            assertThat(logger(e)).isEqualTo("dev.berth.operator.cli.RunCommand");
            assertThat(level(e)).isEqualTo("INFO");
            assertThat(message(e)).startsWith("berth-operator running as it-1, health on port ");
        });
        assertThat(events).anySatisfy(e -> {
            assertThat(logger(e)).startsWith("io.kubernetes.client.extended.leaderelection");
            assertThat(level(e)).isEqualTo("ERROR");
            JsonObject thrown = e.getAsJsonObject("throwable");
            assertThat(thrown.get("className").getAsString()).isEqualTo("io.kubernetes.client.openapi.ApiException");
            assertThat(thrown.getAsJsonArray("stepArray")).isNotEmpty();
        });
    }
}
