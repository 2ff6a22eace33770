package dev.berth.extender.http;

import dev.berth.extender.protocol.ByteBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps the most recent decisions in memory (for {@code GET /decisions}) and writes each as one
 * JSON line to a sink (stdout or {@code --decision-log FILE}).
 *
 * <p>Lines are written by one daemon thread so the request path only enqueues a reference: a
 * prioritize decision over 5,000 nodes is a line of up to about 150 KB. When the queue is full (the
 * sink cannot keep up) the line is dropped and counted, rather than slowing the scheduler down.
 * The queue is short (256) because each queued decision holds its per-node arrays: at 5,000 nodes
 * tens of KB each.
 *
 * <p>When the sink fails (a full disk, a closed pipe) the failure is logged once, and every line after
 * it is taken off the queue and counted as dropped, so memory stays bounded and the dropped-lines
 * gauge says how much of the log is missing (lines still in a buffered sink's buffer when it fails
 * are lost without being counted). With a {@link Reopener} ({@code serve} gives one: the file
 * reopened for append, or stdout) the failed sink is closed and the log comes back by itself once
 * the sink takes lines again, as a freed disk does: the first line that arrives
 * {@link #FIRST_RETRY} after the failure opens the sink again and is written; each failure after that
 * doubles the wait, up to {@link #MAX_RETRY}, and a line written resets it. A resumed sink gets a
 * newline first, which ends a line the failure may have cut in half (at worst it adds a blank line),
 * so every line after it parses. Example: the disk fills at 10:00:00; lines of 10:00:00.5 are dropped; the line of
 * 10:00:01.2 reopens the file, which fails (still full); the next try waits until 10:00:03.2; the
 * disk is freed at 10:00:02, and the first line after 10:00:03.2 is written, with an info line
 * giving how many were dropped. Without a reopener the failed sink is never tried again.
 *
 * <p>{@link #close} waits at most {@link #CLOSE_WAIT_MILLIS} twice (for room for its stop mark, then
 * for the writer): a sink that blocks for good (a pipe nobody reads) must not keep the process from
 * stopping. It flushes the sink it writes to, and closes it when the log opened it.
 */
public final class DecisionLog implements AutoCloseable {
    private static final Decision STOP = new Decision(null, null, null, null, null, null, null, null, null, null, null, null, 0, null);
    /** How long {@link #close} waits for the writer: the flush of a healthy sink takes milliseconds. */
    static final long CLOSE_WAIT_MILLIS = 5_000;
    /**
     * The first wait before a failed sink is opened again: long enough that a sink failing for good
     * costs one open a second at most, short enough that a freed disk loses about a second of lines.
     */
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    /** The longest wait between tries: a disk freed an hour later still resumes within a minute. */
    static final Duration MAX_RETRY = Duration.ofSeconds(60);

    /** Opens the sink again after it failed. */
    @FunctionalInterface
    public interface Reopener {
        OutputStream open() throws IOException;
    }

    private final ArrayDeque<Decision> recent = new ArrayDeque<>();
    private final int kept;
    private final OutputStream sink;
    private final Reopener reopener;
    private final Clock clock;
    private final BlockingQueue<Decision> queue = new ArrayBlockingQueue<>(256);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;

    /** {@code sink} may be null: decisions are then only kept in memory. A sink that fails stays failed. */
    public DecisionLog(OutputStream sink, int kept) {
        this(sink, null, kept, Clock.systemUTC());
    }

    /**
     * @param sink where lines go; null: decisions are only kept in memory
     * @param reopener opens the sink again after it failed; null: a failed sink stays failed
     * @param kept how many decisions {@link #recent} keeps
     * @param clock times the waits between tries to reopen
     */
    public DecisionLog(OutputStream sink, Reopener reopener, int kept, Clock clock) {
        this.sink = sink;
        this.reopener = reopener;
        this.clock = clock;
        this.kept = Math.max(1, kept);
        if (sink != null) {
            writer = new Thread(this::drain, "berth-decision-log");
            writer.setDaemon(true);
            writer.start();
        } else {
            writer = null;
        }
    }

    public void record(Decision d) {
        synchronized (recent) {
            recent.addFirst(d);
            while (recent.size() > kept) {
                recent.removeLast();
            }
        }
        if (writer != null && !queue.offer(d)) {
            dropped.incrementAndGet();
        }
    }

    /** Newest first; {@code pod} ({@code ns/name}) filters when not null. */
    public List<Decision> recent(String pod, int limit) {
        List<Decision> out = new ArrayList<>();
        synchronized (recent) {
            Iterator<Decision> it = recent.iterator();
            while (it.hasNext() && out.size() < limit) {
                Decision d = it.next();
                if (pod == null || pod.equals(d.pod())) {
                    out.add(d);
                }
            }
        }
        return out;
    }

    /**
     * The prioritize decision of the pod's current scheduling cycle, if still kept: its newest
     * filter or prioritize decision, when that is a prioritize. kube-scheduler skips prioritize when
     * one node is left, so a newer filter means this cycle was not scored, and an older prioritize
     * would explain the bind with another cycle's scores.
     */
    public Decision scoredThisCycle(String pod) {
        synchronized (recent) {
            for (Decision d : recent) {
                if (pod.equals(d.pod()) && !d.verb().equals("bind")) {
                    return d.verb().equals("prioritize") ? d : null;
                }
            }
        }
        return null;
    }

    public long dropped() {
        return dropped.get();
    }

    public int capacity() {
        return kept;
    }

    private void drain() {
        // one builder for every line, grown to the largest line seen
        ByteBuilder line = new ByteBuilder(1 << 16);
        OutputStream out = sink;
        boolean failed = false;
        Duration wait = FIRST_RETRY;
        Instant retryAt = null;
        long droppedBefore = 0;
        boolean brokenLineLogged = false;
        try {
            while (true) {
                Decision d = queue.take();
                if (d == STOP) {
                    break;
                }
                if (failed) {
                    if (reopener == null || clock.instant().isBefore(retryAt)) {
                        dropped.incrementAndGet();
                        continue;
                    }
                    OutputStream opened = null;
                    try {
                        opened = reopener.open();
                        opened.write('\n'); // ends a line the failure may have cut
                        out = opened;
                    } catch (IOException | RuntimeException e) {
                        closeQuietly(opened);
                        retryAt = clock.instant().plus(wait);
                        wait = longer(wait);
                        dropped.incrementAndGet();
                        continue;
                    }
                }
                try {
                    line.clear();
                    d.appendJson(line).ascii('\n');
                    out.write(line.array(), 0, line.length());
                    if (queue.isEmpty()) {
                        out.flush();
                    }
                    if (failed) {
                        failed = false;
                        HttpLog.LOG.info("decision log resumed; {} lines were dropped while its sink failed",
                                dropped.get() - droppedBefore);
                    }
                    wait = FIRST_RETRY;
                } catch (IOException e) {
                    if (!failed) {
                        droppedBefore = dropped.get();
                        HttpLog.LOG.error("decision log write failed; each line is counted in"
                                + " berth_extender_decision_log_dropped_lines_total" + (reopener == null
                                ? " and none is written again" : " until the sink takes lines again (tried again after"
                                + " 1 s, then twice as long each time, up to " + MAX_RETRY.toSeconds() + " s)"), e);
                    }
                    if (reopener != null) {
                        closeQuietly(out);
                        retryAt = clock.instant().plus(wait);
                        wait = longer(wait);
                    }
                    failed = true;
                    dropped.incrementAndGet(); // last: a reader of the count sees the sink closed already
                } catch (RuntimeException e) {
                    // a bug in one line's formatting, or a sink that throws unchecked: that line is lost and
                    // counted; left uncaught, it would end this thread and silently drop every later line
                    if (!brokenLineLogged) {
                        brokenLineLogged = true;
                        HttpLog.LOG.error("decision line not written (counted in"
                                + " berth_extender_decision_log_dropped_lines_total; later ones are tried as usual)", e);
                    }
                    dropped.incrementAndGet();
                }
            }
            if (!failed) {
                out.flush();
                if (out != sink) {
                    out.close(); // opened here; the first sink is its owner's to close
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            HttpLog.LOG.error("decision log flush at close failed", e);
        }
    }

    private static Duration longer(Duration wait) {
        Duration twice = wait.multipliedBy(2);
        return twice.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : twice;
    }

    private static void closeQuietly(OutputStream out) {
        if (out == null) {
            return;
        }
        try {
            out.close();
        } catch (IOException | RuntimeException e) {
            // it failed already; what closing says adds nothing
        }
    }

    /** Writes what is queued, then stops the writer thread; waits for neither longer than {@link #CLOSE_WAIT_MILLIS}. */
    @Override
    public void close() {
        if (writer == null) {
            return;
        }
        try {
            if (!queue.offer(STOP, CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                HttpLog.LOG.error("decision log sink blocked for {} ms at close: {} queued lines not written",
                        CLOSE_WAIT_MILLIS, queue.size());
                return;
            }
            writer.join(CLOSE_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
