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
 */
public final class DecisionLog implements AutoCloseable {
    private static final Decision STOP = new Decision(null, null, null, null, null, null, null, null, null, null, null, null, 0, null);

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
        try {
            while (true) {
                Decision d = queue.take();
                if (d == STOP) {
                    break;
                }
                line.clear();
                d.appendJson(line).ascii('\n');
                sink.write(line.array(), 0, line.length());
                if (queue.isEmpty()) {
                    sink.flush();
                }
            }
            sink.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            HttpLog.LOG.error("decision log write failed, no more lines will be written", e);
        }
    }

    /** Writes what is queued, then stops the writer thread. */
    @Override
    public void close() {
        if (writer == null) {
            return;
        }
        try {
            queue.put(STOP);
            writer.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
