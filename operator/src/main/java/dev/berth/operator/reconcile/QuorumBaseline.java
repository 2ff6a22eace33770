package dev.berth.operator.reconcile;

import dev.berth.operator.model.QuorumState;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The earlier read of the metadata quorum that {@code QuorumSafety}'s "caught up again since"
 * compares the current one with, per cluster.
 *
 * <p><b>Goal:</b> two reads far enough apart that a live follower has certainly caught up in between,
 * close enough that "since" still says something about now. <b>Rule:</b> a read less than
 * {@link #READ_GAP} after the baseline gives nothing to compare with (the baseline stays); otherwise
 * it becomes the new baseline, and the old one is returned unless it is older than
 * {@link #MAX_AGE}. Memory, not status: losing it (a restarted operator) costs one more read,
 * never a wrong decision.
 *
 * <p><b>Example:</b> reads at 0 s (nothing: first), 0.4 s (nothing: too soon), 1.2 s (the 0 s read),
 * 2.4 s (the 1.2 s read), 30 s (nothing: 2.4 s is too old), 31 s (the 30 s read).
 */
final class QuorumBaseline {
    /**
     * A live follower's long poll ({@code fetchMaxWaitMs}, 500 ms) and the leader's no-op record every
     * 500 ms ({@code metadata.max.idle.interval.ms}) move its caught-up time at least once a second.
     */
    static final Duration READ_GAP = Duration.ofSeconds(1);
    /**
     * A baseline older than this (the operation was paused, the operator busy) is replaced rather
     * than compared with: "caught up since" a read long ago says little about a voter now.
     */
    static final Duration MAX_AGE = Duration.ofSeconds(5);

    private record Read(Instant at, QuorumState quorum) {}

    private final Map<String, Read> reads = new ConcurrentHashMap<>();

    /** The baseline to compare {@code now} (read at {@code at}) with, or null when there is none to use. */
    QuorumState before(String cluster, Instant at, QuorumState now) {
        Read last = reads.get(cluster);
        Duration age = last == null ? null : Duration.between(last.at(), at);
        if (age != null && !age.isNegative() && age.compareTo(READ_GAP) < 0) {
            return null;
        }
        reads.put(cluster, new Read(at, now));
        return age == null || age.isNegative() || age.compareTo(MAX_AGE) > 0 ? null : last.quorum();
    }

    /** The cluster's operation ended: its next one starts from a fresh read. */
    void forget(String cluster) {
        reads.remove(cluster);
    }
}
