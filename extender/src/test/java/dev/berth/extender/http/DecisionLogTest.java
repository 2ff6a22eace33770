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
 * stalls costs log lines, each one counted (the {@code berth_extender_decision_log_dropped_lines_total}
 * counter), never a slower filter; what was queued is written once the sink moves again, in order.
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

    @Test
    void aLineThatThrowsUncheckedIsCountedAndTheLinesAfterItAreStillWritten() throws Exception {
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        java.util.concurrent.atomic.AtomicBoolean thrown = new java.util.concurrent.atomic.AtomicBoolean();
        OutputStream once = new OutputStream() {
            @Override
            public void write(int b) {
                written.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                if (thrown.compareAndSet(false, true)) {
                    throw new IllegalStateException("a bug somewhere below the writer");
                }
                written.write(b, off, len);
            }
        };
        DecisionLog log = new DecisionLog(once, 10);
        for (int i = 0; i < 3; i++) {
            log.record(decision(i));
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> written.toString(StandardCharsets.UTF_8).contains("\"pod\":\"ns/p-2\""));
        assertThat(log.dropped()).isEqualTo(1);
        CompletableFuture.runAsync(log::close).get(20, TimeUnit.SECONDS);
        assertThat(written.toString(StandardCharsets.UTF_8)).doesNotContain("\"pod\":\"ns/p-0\"")
                .contains("\"pod\":\"ns/p-1\"");
    }

    /** A disk that can fill up: the streams it opens write to one file, and fail while it is full. */
    static final class Disk {
        final ByteArrayOutputStream file = new ByteArrayOutputStream();
        volatile boolean full;
        volatile boolean refuseOpen;
        final java.util.concurrent.atomic.AtomicInteger opens = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger closes = new java.util.concurrent.atomic.AtomicInteger();

        OutputStream open() throws IOException {
            opens.incrementAndGet();
            if (refuseOpen) {
                throw new java.nio.file.AccessDeniedException("decisions.log");
            }
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    if (full) {
                        throw new IOException("No space left on device");
                    }
                    synchronized (file) {
                        file.write(b, off, len);
                    }
                }

                @Override
                public void close() {
                    closes.incrementAndGet();
                }
            };
        }

        String text() {
            synchronized (file) {
                return file.toString(StandardCharsets.UTF_8);
            }
        }
    }

    @Test
    void aFailedSinkIsOpenedAgainOnceTheWaitIsOverAndTheLogResumesWhenTheDiskTakesLinesAgain() throws Exception {
        Disk disk = new Disk();
        dev.berth.extender.state.MutableClock clock = new dev.berth.extender.state.MutableClock(T0);
        DecisionLog log = new DecisionLog(disk.open(), disk::open, 10, clock);
        java.util.function.IntConsumer dropsTo = n -> org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10)).until(() -> log.dropped() == n);
        java.util.function.Consumer<String> writes = pod -> org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10)).until(() -> disk.text().contains("\"pod\":\"ns/p-" + pod + "\""));

        log.record(decision(0));
        writes.accept("0");
        disk.full = true;
        log.record(decision(1));
        dropsTo.accept(1);
        assertThat(disk.closes.get()).as("the failed sink is closed").isEqualTo(1);
        log.record(decision(2));
        dropsTo.accept(2);
        assertThat(disk.opens.get()).as("within the first second: not opened again").isEqualTo(1);

        clock.advance(DecisionLog.FIRST_RETRY);
        log.record(decision(3)); // opened again, still full: the next try waits 2 s
        dropsTo.accept(3);
        assertThat(disk.opens.get()).isEqualTo(2);
        clock.advance(java.time.Duration.ofMillis(1999));
        log.record(decision(4));
        dropsTo.accept(4);
        assertThat(disk.opens.get()).as("the wait doubled").isEqualTo(2);

        disk.full = false; // freed
        clock.advance(java.time.Duration.ofMillis(1));
        log.record(decision(5));
        writes.accept("5");
        log.record(decision(6));
        writes.accept("6");
        assertThat(disk.opens.get()).as("opened once more, then written to").isEqualTo(3);

        disk.full = true;
        log.record(decision(7));
        dropsTo.accept(5);
        disk.full = false;
        clock.advance(DecisionLog.FIRST_RETRY);
        log.record(decision(8));
        writes.accept("8");
        assertThat(disk.opens.get()).as("a written line reset the wait to the first one").isEqualTo(4);

        log.close();
        assertThat(disk.closes.get()).as("failed twice, then the one it opened closed by close").isEqualTo(4);
        assertThat(disk.text().split("\n", -1)).as("a newline ends what a failure may have cut")
                .extracting(l -> l.isEmpty() ? "" : l.substring(l.indexOf("ns/p-"), l.indexOf("ns/p-") + 6))
                .containsExactly("ns/p-0", "", "ns/p-5", "ns/p-6", "", "ns/p-8", "");
        assertThat(log.dropped()).isEqualTo(5);
    }

    @Test
    void whileTheSinkCannotBeOpenedTheWaitDoublesUpToAMinute() throws Exception {
        Disk disk = new Disk();
        dev.berth.extender.state.MutableClock clock = new dev.berth.extender.state.MutableClock(T0);
        DecisionLog log = new DecisionLog(disk.open(), disk::open, 10, clock);
        disk.full = true;
        disk.refuseOpen = true;
        int[] drops = {0};
        Runnable line = () -> {
            log.record(decision(drops[0]));
            drops[0]++;
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> log.dropped() == drops[0]);
        };
        line.run(); // fails at T0
        // seconds after T0 at which it opens again: waits of 1, 2, 4, 8, 16, 32, then 60 and 60
        long[] tries = {1, 3, 7, 15, 31, 63, 123, 183};
        long at = 0;
        for (int i = 0; i < tries.length; i++) {
            clock.advance(java.time.Duration.ofSeconds(tries[i] - at).minusMillis(1));
            line.run();
            assertThat(disk.opens.get()).as("a millisecond before try %d", i + 1).isEqualTo(1 + i);
            clock.advance(java.time.Duration.ofMillis(1));
            line.run();
            assertThat(disk.opens.get()).as("try %d, %d s after the failure", i + 1, tries[i]).isEqualTo(2 + i);
            at = tries[i];
        }
        CompletableFuture.runAsync(log::close).get(20, TimeUnit.SECONDS);
        assertThat(disk.text()).isEmpty();
    }

    private static Decision decision(int i) {
        return new Decision(T0.plusMillis(i), "bind", "ns/p-" + i, "uid-" + i, "orders", i, "bound", null, null, null,
                "n" + i, null, 10, null);
    }
}
