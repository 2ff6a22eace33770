package dev.berth.extender.http;

import dev.berth.extender.protocol.ByteBuilder;
import java.io.IOException;
import java.io.OutputStream;
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
 * <p>A sink that fails (a full disk, a closed pipe) is not written to again: the failure is logged
 * once, and every line after it is taken off the queue and counted as dropped, so memory stays
 * bounded and the dropped-lines gauge says how much of the log is missing. {@link #close} waits at
 * most {@link #CLOSE_WAIT_MILLIS} twice (for room for its stop mark, then for the writer): a sink that
 * blocks for good (a pipe nobody reads) must not keep the process from stopping.
 */
public final class DecisionLog implements AutoCloseable {
    private static final Decision STOP = new Decision(null, null, null, null, null, null, null, null, null, null, null, null, 0, null);
    /** How long {@link #close} waits for the writer: the flush of a healthy sink takes milliseconds. */
    static final long CLOSE_WAIT_MILLIS = 5_000;

    private final ArrayDeque<Decision> recent = new ArrayDeque<>();
    private final int kept;
    private final OutputStream sink;
    private final BlockingQueue<Decision> queue = new ArrayBlockingQueue<>(256);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;

    /** {@code sink} may be null: decisions are then only kept in memory. */
    public DecisionLog(OutputStream sink, int kept) {
        this.sink = sink;
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
        boolean failed = false;
        try {
            while (true) {
                Decision d = queue.take();
                if (d == STOP) {
                    break;
                }
                if (failed) {
                    dropped.incrementAndGet();
                    continue;
                }
                try {
                    line.clear();
                    d.appendJson(line).ascii('\n');
                    sink.write(line.array(), 0, line.length());
                    if (queue.isEmpty()) {
                        sink.flush();
                    }
                } catch (IOException e) {
                    failed = true;
                    dropped.incrementAndGet();
                    HttpLog.LOG.error("decision log write failed; no more lines will be written, and each one is counted"
                            + " in berth_extender_decision_log_dropped_lines", e);
                }
            }
            if (!failed) {
                sink.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            HttpLog.LOG.error("decision log flush at close failed", e);
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
