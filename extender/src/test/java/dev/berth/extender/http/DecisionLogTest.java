package dev.berth.extender.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The decision log's promise to the request path: recording never waits for the sink. A sink that
 * stalls costs log lines, each one counted (the {@code berth_extender_decision_log_dropped_lines}
 * gauge), never a slower filter; what was queued is written once the sink moves again, in order.
 */
class DecisionLogTest {
    private static final Instant T0 = Instant.parse("2026-11-26T09:00:00Z");

    @Test
    void aStalledSinkCostsCountedLinesNotAWaitingCaller() throws Exception {
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        StallingSink stalling = new StallingSink(written);
        DecisionLog log = new DecisionLog(stalling, 10);
        log.record(decision(0));
        assertThat(stalling.stuck.await(10, TimeUnit.SECONDS)).as("the writer took line 0 and is stuck in the sink").isTrue();

        int more = 400;
        // a caller that waited for the sink would wait until the sink gives up (30 s), so finishing at
        // all while it is stuck is the check; the bound only keeps a regression from hanging the build
        CompletableFuture.runAsync(() -> {
            for (int i = 1; i <= more; i++) {
                log.record(decision(i));
            }
        }).get(20, TimeUnit.SECONDS);
        assertThat(log.dropped()).as("256 queue behind the stuck line, the rest are dropped").isEqualTo(more - 256);
        assertThat(log.recent(null, 3)).extracting(Decision::pod).containsExactly("ns/p-400", "ns/p-399", "ns/p-398");
        assertThat(log.recent(null, 100)).as("memory keeps its own count").hasSize(10);

        stalling.release.countDown();
        log.close();
        String[] lines = written.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(1 + 256);
        for (int i = 0; i <= 256; i++) {
            assertThat(lines[i]).as("line %d, in order", i).contains("\"pod\":\"ns/p-" + i + "\"");
        }
    }

    @Test
    void withoutASinkDecisionsAreOnlyKeptInMemoryAndNothingIsDropped() {
        DecisionLog log = new DecisionLog(null, 3);
        for (int i = 0; i < 1000; i++) {
            log.record(decision(i));
        }
        assertThat(log.dropped()).isZero();
        assertThat(log.recent("ns/p-998", 5)).extracting(Decision::pod).containsExactly("ns/p-998");
        assertThat(log.recent("ns/p-5", 5)).as("long gone from the ring of 3").isEmpty();
        log.close();
    }

    @Test
    void closeWritesEverythingQueued() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DecisionLog log = new DecisionLog(out, 5);
        for (int i = 0; i < 200; i++) {
            log.record(decision(i));
        }
        log.close();
        assertThat(out.toString(StandardCharsets.UTF_8).split("\n")).hasSize(200);
    }

    @Test
    void aLineIsFlushedThroughABufferedSinkOnceTheQueueIsEmptyAndEveryLineByClose() throws Exception {
        // serve's sinks (stdout, --decision-log FILE) are buffered: a quiet scheduler's last decision
        // must reach the file without waiting for the next one to fill the buffer
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        DecisionLog log = new DecisionLog(new java.io.BufferedOutputStream(file, 1 << 20), 5);
        log.record(decision(0));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> file.toString(StandardCharsets.UTF_8).contains("\"pod\":\"ns/p-0\""));
        for (int i = 1; i <= 200; i++) { // fewer than the queue holds: none dropped
            log.record(decision(i));
        }
        log.close();
        String[] lines = file.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(201);
        assertThat(lines[200]).contains("\"pod\":\"ns/p-200\"");
    }

    @Test
    void aSinkThatFailedIsNotWrittenAgainEveryLineAfterIsCountedAndCloseReturns() throws Exception {
        java.util.concurrent.atomic.AtomicInteger writes = new java.util.concurrent.atomic.AtomicInteger();
        OutputStream full = new OutputStream() {
            @Override
            public void write(int b) {
                throw new UnsupportedOperationException("lines are written in one call");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                writes.incrementAndGet();
                throw new IOException("No space left on device");
            }
        };
        DecisionLog log = new DecisionLog(full, 10);
        int lines = 1000; // four times what the queue holds: a writer that stopped taking lines would leave it full
        for (int i = 0; i < lines; i++) {
            log.record(decision(i));
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> log.dropped() == lines);
        // a stop mark waiting for room in a queue nobody empties would hang close (and SIGTERM for 10 s)
        CompletableFuture.runAsync(log::close).get(20, TimeUnit.SECONDS);
        assertThat(writes.get()).as("the failed sink is tried once").isEqualTo(1);
        assertThat(log.recent(null, 1)).extracting(Decision::pod).containsExactly("ns/p-999");
    }

    private static Decision decision(int i) {
        return new Decision(T0.plusMillis(i), "bind", "ns/p-" + i, "uid-" + i, "orders", i, "bound", null, null, null,
                "n" + i, null, 10, null);
    }
}
