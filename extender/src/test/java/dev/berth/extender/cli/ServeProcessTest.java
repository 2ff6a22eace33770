package dev.berth.extender.cli;

import static dev.berth.extender.testing.SchedulerWire.bindArgs;
import static dev.berth.extender.testing.SchedulerWire.namesArgs;
import static dev.berth.extender.testing.SchedulerWire.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve --cluster-file} as a real process: it listens, decides, binds in memory, and flushes its log on SIGTERM. */
class ServeProcessTest {

    /** A {@code serve} process, its port once it listens, and everything it printed so far. */
    record Served(Process process, AtomicReference<Integer> port, StringBuffer output, Thread reader) {
        /** Starts {@code serve} on the example cluster file with its decision log in {@code decisionLog}. */
        static Served start(String decisionLog) throws java.io.IOException {
            String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
                    System.getProperty("java.class.path"), Main.class.getName(), "serve", "--cluster-file",
                    "examples/cluster.yaml", "--address", "127.0.0.1", "--port", "0", "--decision-log", decisionLog)
                    .redirectErrorStream(true).start();
            AtomicReference<Integer> port = new AtomicReference<>();
            StringBuffer output = new StringBuffer();
            Pattern listening = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/scheduler");
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        output.append(line).append('\n');
                        Matcher m = listening.matcher(line);
                        if (m.find()) {
                            port.set(Integer.parseInt(m.group(1)));
                        }
                    }
                } catch (java.io.IOException e) {
                    // process ended
                }
            }, "serve-output");
            reader.setDaemon(true);
            reader.start();
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> port.get() != null || !p.isAlive());
                assertThat(p.isAlive()).as(output.toString()).isTrue();
            } catch (RuntimeException | AssertionError e) {
                p.destroyForcibly();
                throw e;
            }
            return new Served(p, port, output, reader);
        }

        /** SIGTERM, as Kubernetes stops a pod: the shutdown hook stops the server and flushes the log. */
        void stop() throws InterruptedException {
            process.destroy();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            reader.join(10_000);
        }
    }

    @Test
    void serveFromTheExampleClusterFileAnswersTheSchedulerAndLogsDecisions(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("decisions.jsonl");
        Served served = Served.start(log.toString());
        AtomicReference<Integer> port = served.port();
        try {
            HttpClient client = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + port.get();
            assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(200);
            String broker = pod("kafka", "orders-broker-2", "uid-2", Map.of("berth.dev/cluster", "orders", "berth.dev/broker-id", "2"),
                    Map.of("berth.dev/local-storage", "500Gi"));
            HttpResponse<String> filter = client.send(HttpRequest.newBuilder(URI.create(base + "/scheduler/filter"))
                    .POST(HttpRequest.BodyPublishers.ofString(namesArgs(broker, List.of("node-a1", "node-c2", "node-x1")))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(filter.body()).contains("\"NodeNames\":[\"node-c2\"]");
            HttpResponse<String> bind = client.send(HttpRequest.newBuilder(URI.create(base + "/scheduler/bind"))
                    .POST(HttpRequest.BodyPublishers.ofString(bindArgs("kafka", "orders-broker-2", "uid-2", "node-c2"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(bind.body()).isEqualTo("{\"Error\":\"\"}");
        } finally {
            served.stop();
        }
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains("\"verb\":\"filter\"").contains("\"node has no rack label\":[\"node-x1\"]");
        assertThat(lines.get(1)).contains("\"verb\":\"bind\"").contains("\"chosen\":\"node-c2\"");
    }

    /**
     * {@code /dev/full} takes every open and fails every write with ENOSPC, as a full disk does: serve
     * goes on answering, and says once that the log failed and that it will try the file again.
     */
    @Test
    void aDecisionLogOnAFullDiskCostsLinesNotAnswersAndIsTriedAgain() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isWritable(Path.of("/dev/full")), "no /dev/full here");
        Served served = Served.start("/dev/full");
        AtomicReference<Integer> port = served.port();
        StringBuffer output = served.output();
        try {
            HttpClient client = HttpClient.newHttpClient();
            String broker = pod("kafka", "orders-broker-2", "uid-2", Map.of("berth.dev/cluster", "orders", "berth.dev/broker-id", "2"),
                    Map.of("berth.dev/local-storage", "500Gi"));
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> filter = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.get()
                        + "/scheduler/filter")).POST(HttpRequest.BodyPublishers.ofString(namesArgs(broker,
                        List.of("node-a1", "node-c2", "node-x1")))).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(filter.body()).contains("\"NodeNames\":[\"node-c2\"]");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> output.toString().contains("decision log write failed"));
        } finally {
            served.stop();
        }
        String out = output.toString();
        assertThat(out).contains("until the sink takes lines again");
        assertThat(out.split("decision log write failed", -1)).as("said once, not per line").hasSize(2);
    }
}
