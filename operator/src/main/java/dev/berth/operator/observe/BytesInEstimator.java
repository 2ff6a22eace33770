package dev.berth.operator.observe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Estimates bytes/s produced into each partition from successive log sizes (describeLogDirs), with no
 * access to broker metrics.
 *
 * <p>Algorithm: for a partition seen at size s0 at t0 and now at s1 at t1, the rate is
 * (s1 − s0) / (t1 − t0) in seconds. A partition seen for the first time has rate 0 (unknown). When the
 * size shrinks (retention deleted a segment) or no time passed, the previous estimate is kept: a delete
 * says nothing about the produce rate. Partitions that disappeared are forgotten.
 *
 * <p>Example: 1,000 bytes at 10:00:00 and 31,000 bytes at 10:00:30 give 1,000 B/s; then 500 bytes at
 * 10:01:00 (a segment deleted) keeps 1,000 B/s.
 *
 * <p>Not thread-safe: one estimator per cluster, fed by one observer.
 */
public final class BytesInEstimator {
    private final Clock clock;
    private final Map<String, Sample> last = new HashMap<>();

    private record Sample(long size, Instant at, double rate) {}

    public BytesInEstimator(Clock clock) {
        this.clock = clock;
    }

    /** Whether a sample was fed before: only then can {@link #update} give a rate. */
    public boolean primed() {
        return !last.isEmpty();
    }

    /** Feeds the current size of every partition (by name) and returns its estimated bytes/s. */
    public Map<String, Double> update(Map<String, Long> sizes) {
        Instant now = clock.instant();
        Map<String, Double> out = new TreeMap<>();
        Map<String, Sample> next = new HashMap<>();
        for (Map.Entry<String, Long> e : sizes.entrySet()) {
            Sample prev = last.get(e.getKey());
            long size = e.getValue();
            double rate;
            if (prev == null) {
                rate = 0;
            } else {
                double seconds = Duration.between(prev.at(), now).toNanos() / 1e9;
                rate = size < prev.size() || seconds <= 0 ? prev.rate() : (size - prev.size()) / seconds;
            }
            next.put(e.getKey(), new Sample(size, now, rate));
            out.put(e.getKey(), rate);
        }
        last.clear();
        last.putAll(next);
        return out;
    }
}
