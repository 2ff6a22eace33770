package dev.berth.extender.http;

import static dev.berth.extender.http.HttpFixture.ALL;
import static dev.berth.extender.http.HttpFixture.BROKER;
import static dev.berth.extender.testing.SchedulerWire.namesArgs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The server as a whole: what {@code close} leaves behind (no listener, every decision written), a
 * start that fails (no writer thread left running), the dropped-lines gauge a stalled sink moves,
 * and the latencies each request reports in its decision line and in the histograms.
 */
class ExtenderServerTest {
    private static final String WRITER = "berth-decision-log";

    @Test
    void closeStopsListeningThenWaitsForEveryQueuedDecisionToBeWritten() throws Exception {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        StallingSink gate = new StallingSink(file);
        HttpFixture.Switchable state = HttpFixture.state();
        // buffered as serve's sinks are, and large enough that only a flush empties it
        ExtenderServer server = ExtenderServer.builder().state(state).binder(state.inner)
                .decisionSink(new BufferedOutputStream(gate, 1 << 20)).start();
        int port = server.port();
        assertThat(HttpFixture.post(port, "/scheduler/filter", namesArgs(BROKER, ALL)).statusCode()).isEqualTo(200);
        assertThat(gate.stuck.await(10, TimeUnit.SECONDS)).as("the writer holds the filter's line in the sink").isTrue();
        for (int i = 0; i < 100; i++) {
            server.decisions().record(decision(i));
        }
        Thread closer = new Thread(server::close, "closer");
        closer.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> refused(port));
        assertThat(closer.isAlive()).as("close waits for the writer, which the sink still holds").isTrue();
        gate.release.countDown();
        closer.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(closer.isAlive()).isFalse();
        String[] lines = file.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(101);
        assertThat(lines[0]).contains("\"verb\":\"filter\"");
        assertThat(lines[100]).contains("\"pod\":\"ns/p-99\"");
    }

    @Test
    void aStartThatCannotListenLeavesNoWriterThreadBehind() {
        HttpFixture.Switchable state = HttpFixture.state();
        try (ExtenderServer first = ExtenderServer.builder().state(state).binder(state.inner)
                .decisionSink(new ByteArrayOutputStream()).start()) {
            long writers = writers();
            assertThatThrownBy(() -> ExtenderServer.builder().state(state).binder(state.inner).port(first.port())
                    .decisionSink(new ByteArrayOutputStream()).start()).isInstanceOf(RuntimeException.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> writers() <= writers);
        }
    }

    @Test
    void linesAStalledSinkCouldNotTakeAreCountedInMetrics() throws Exception {
        StallingSink gate = new StallingSink(OutputStream.nullOutputStream());
        HttpFixture.Switchable state = HttpFixture.state();
        ExtenderServer server = ExtenderServer.builder().state(state).binder(state.inner).decisionSink(gate).start();
        try {
            assertThat(HttpFixture.get(server.port(), "/metrics").body()).contains("berth_extender_decision_log_dropped_lines_total 0.0")
                    .contains("# TYPE berth_extender_decision_log_dropped_lines_total counter"); // rate() survives restarts
            DecisionLog log = server.decisions();
            log.record(decision(0));
            assertThat(gate.stuck.await(10, TimeUnit.SECONDS)).as("the writer holds line 0 in the sink").isTrue();
            for (int i = 1; i <= 300; i++) {
                log.record(decision(i));
            }
            // 256 wait in the queue behind line 0; the other 44 are dropped
            assertThat(HttpFixture.get(server.port(), "/metrics").body()).contains("berth_extender_decision_log_dropped_lines_total 44.0");
        } finally {
            gate.release.countDown(); // before close, which would wait for the stalled writer
            server.close();
        }
    }

    @Test
    void everyLatencyIsTheRequestsOwnTimeInItsLineAndInTheHistogram() throws Exception {
        HttpFixture.Switchable state = HttpFixture.state();
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        try (ExtenderServer server = ExtenderServer.builder().state(state).binder(state.inner).decisionSink(file)
                .maxBodyBytes(1 << 16).start()) {
            int port = server.port();
            long started = System.nanoTime();
            assertThat(HttpFixture.post(port, "/scheduler/filter", namesArgs(BROKER, ALL)).statusCode()).isEqualTo(200);
            assertThat(HttpFixture.post(port, "/scheduler/filter", "{\"Pod\":").statusCode()).isEqualTo(400);
            assertThat(HttpFixture.post(port, "/scheduler/filter", " ".repeat(70_000)).statusCode()).isEqualTo(400);
            assertThat(HttpFixture.post(port, "/scheduler/prioritize", namesArgs(BROKER, java.util.List.of("a2", "b2")))
                    .statusCode()).isEqualTo(200);
            assertThat(HttpFixture.post(port, "/scheduler/bind",
                    dev.berth.extender.testing.SchedulerWire.bindArgs("kafka", "orders-broker-1", "uid-1", "b2")).body())
                    .isEqualTo("{\"Error\":\"\"}");
            double wallSeconds = (System.nanoTime() - started) / 1e9;
            String metrics = HttpFixture.get(port, "/metrics").body();
            for (String verb : java.util.List.of("filter", "prioritize", "bind")) {
                java.util.regex.Matcher sum = java.util.regex.Pattern.compile(
                        "berth_extender_request_seconds_sum\\{verb=\"" + verb + "\",} (\\S+)").matcher(metrics);
                assertThat(sum.find()).as(verb).isTrue();
                assertThat(Double.parseDouble(sum.group(1))).as(verb).isPositive().isLessThan(wallSeconds);
            }
            assertThat(metrics).contains("berth_extender_request_seconds_count{verb=\"filter\",} 3.0");
            await().atMost(Duration.ofSeconds(10)).until(() -> file.toString(StandardCharsets.UTF_8).split("\n").length == 3);
            for (String line : file.toString(StandardCharsets.UTF_8).split("\n")) {
                long micros = com.google.gson.JsonParser.parseString(line).getAsJsonObject().get("latencyUs").getAsLong();
                assertThat(micros).as(line.substring(0, 40)).isPositive().isLessThanOrEqualTo((long) (wallSeconds * 1e6));
            }
        }
    }

    private static boolean refused(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return false;
        } catch (IOException e) {
            return e instanceof ConnectException;
        }
    }

    private static long writers() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(WRITER) && t.isAlive()).count();
    }

    private static Decision decision(int i) {
        return new Decision(Instant.parse("2026-11-27T18:00:00Z"), "bind", "ns/p-" + i, "uid-" + i, "orders", i, "bound",
                null, null, null, "n" + i, null, 10, null);
    }
}
