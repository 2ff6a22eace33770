package dev.berth.extender.cli;

import static dev.berth.extender.testing.JsonLogLines.level;
import static dev.berth.extender.testing.JsonLogLines.logger;
import static dev.berth.extender.testing.JsonLogLines.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import dev.berth.extender.testing.JarProcess;
import dev.berth.extender.testing.JsonLogLines;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped {@code berth-extender.jar} (run by Failsafe after {@code package}): help is plain text
 * on stdout with nothing on stderr, and a running {@code serve} writes only JSON events to stderr,
 * its own at INFO and libraries' only from WARN unless BERTH_LIBRARY_LOG_LEVEL says otherwise.
 */
class ShadedJarLogsIT {
    private static final Path JAR = Path.of("target", "berth-extender.jar");
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/scheduler");

    @Test
    void helpIsPlainTextOnStdoutWithNoLogLines() throws Exception {
        for (String[] args : new String[][] {{"--help"}, {"serve", "--help"}, {"what-if", "--help"}}) {
            JarProcess p = JarProcess.run(JAR, args);
            assertThat(p.exitCode()).as(String.join(" ", args)).isZero();
            assertThat(p.out().get(0)).as(String.join(" ", args)).doesNotStartWith("{");
            assertThat(String.join("\n", p.out())).contains("Usage: java -jar berth-extender.jar");
            assertThat(p.err()).as(String.join(" ", args)).isEmpty();
        }
    }

    @Test
    void serveLogsOnlyJsonEventsToStderr(@TempDir Path dir) throws Exception {
        List<JsonObject> events;
        try (JarProcess serve = serve(dir, Map.of())) {
            int port = awaitPort(serve);
            HttpResponse<String> bad = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/scheduler/filter"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"Pod\":")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(bad.statusCode()).isEqualTo(400);
            await().atMost(Duration.ofSeconds(10)).until(() -> serve.err().stream().anyMatch(l -> l.contains("answered 400")));
            serve.stop();
            // The decision log went to its file; stdout stays free for it by default, and logs never go there.
            assertThat(serve.out()).isEmpty();
            events = JsonLogLines.parse(serve.err());
        }
        JsonObject listening = only(events, "listening on");
        assertThat(level(listening)).isEqualTo("INFO");
        assertThat(logger(listening)).isEqualTo("dev.berth.extender.cli.ServeCommand");
        assertThat(listening.get("threadName").getAsString()).isEqualTo("main");
        JsonObject refused = only(events, "filter answered 400");
        assertThat(level(refused)).isEqualTo("WARN");
        assertThat(logger(refused)).isEqualTo("dev.berth.extender.http");
        assertThat(message(refused)).startsWith("filter answered 400: malformed JSON");
        // Undertow and XNIO announce themselves at INFO: not by default.
        assertThat(events).allSatisfy(e -> assertThat(logger(e).startsWith("dev.berth.") || List.of("WARN", "ERROR").contains(level(e)))
                .as(e.toString()).isTrue());
    }

    @Test
    void libraryLevelFromTheEnvironmentRoutesUndertowAndXnioIntoTheSameJson(@TempDir Path dir) throws Exception {
        List<JsonObject> events;
        try (JarProcess serve = serve(dir, Map.of("BERTH_LIBRARY_LOG_LEVEL", "INFO"))) {
            awaitPort(serve);
            serve.stop();
            events = JsonLogLines.parse(serve.err());
        }
        // jboss-logging (Undertow, XNIO) finds logback through slf4j: their lines are JSON events too.
        assertThat(events).anySatisfy(e -> {
            assertThat(logger(e)).isEqualTo("org.xnio");
            assertThat(level(e)).isEqualTo("INFO");
            assertThat(message(e)).startsWith("XNIO version");
        });
        assertThat(events).anySatisfy(e -> assertThat(logger(e)).isEqualTo("io.undertow"));
    }

    private static JarProcess serve(Path dir, Map<String, String> env) throws Exception {
        return JarProcess.start(JAR, env, "serve", "--cluster-file", "examples/cluster.yaml", "--address", "127.0.0.1",
                "--port", "0", "--decision-log", dir.resolve("decisions.jsonl").toString());
    }

    private static int awaitPort(JarProcess serve) {
        await().atMost(Duration.ofSeconds(60)).until(() -> port(serve).isPresent() || !serve.isAlive());
        return port(serve).orElseThrow(() -> new AssertionError("serve did not start: " + serve.err()));
    }

    private static Optional<Integer> port(JarProcess serve) {
        for (String line : serve.err()) {
            Matcher m = LISTENING.matcher(message(JsonLogLines.parseOne(line, 0)));
            if (m.find()) {
                return Optional.of(Integer.parseInt(m.group(1)));
            }
        }
        return Optional.empty();
    }

    private static JsonObject only(List<JsonObject> events, String containing) {
        List<JsonObject> found = events.stream().filter(e -> message(e).contains(containing)).toList();
        assertThat(found).as("events containing \"%s\" in %s", containing, events).hasSize(1);
        return found.get(0);
    }
}
