package dev.berth.operator.plan;

import java.util.Arrays;
import java.util.Collection;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The record of which cluster-wide broker defaults berth has written, so that a default whose key
 * left {@code spec.config} is deleted even when no pod remembers the key.
 *
 * <p><b>Goal:</b> a key removed from the spec leaves no cluster-wide default behind, which would
 * outrank every broker's file for good while status says all is well. {@link LiveConfigRule} finds
 * such a key through the pods that record it; it misses the key when the pods were recreated
 * meanwhile (by a person, a node upgrade) or never recorded it (the key was added and removed
 * within a pass or two). <b>Constraints:</b> berth deletes only defaults it manages, never one a
 * person set on a key outside the spec; the record is written before Kafka is (write-ahead), so a
 * crash between the two leaves a key recorded that Kafka lacks, never the reverse.
 *
 * <p><b>Algorithm</b>, with {@code recorded} the record, {@code wanted} the spec's keys and
 * {@code present} the keys that have a cluster-wide default now:
 * <ul>
 *   <li>{@link #orphans}: recorded, not wanted, present: delete their defaults;
 *   <li>{@link #ahead}, before a write of {@code set}: recorded, plus the keys about to be set, plus
 *       wanted keys that have a default (berth keeps those equal to the spec, so it manages them),
 *       minus recorded keys that are neither wanted nor present (gone already);
 *   <li>{@link #after} a write that deleted {@code deleted}: the record without them.
 * </ul>
 *
 * <p><b>Example:</b> recorded {log.retention.ms}, wanted {}, present {log.retention.ms,
 * log.cleaner.threads} (the second set by a person): orphans {log.retention.ms}; after the delete
 * the record is {}; log.cleaner.threads is never touched.
 */
public final class WrittenDefaults {
    private WrittenDefaults() {}

    /** {@code "a,b"} to {a, b}; null or blank is the empty record. */
    public static SortedSet<String> parse(String record) {
        SortedSet<String> out = new TreeSet<>();
        if (record != null) {
            Arrays.stream(record.split(",")).map(String::trim).filter(k -> !k.isEmpty()).forEach(out::add);
        }
        return out;
    }

    /** Sorted and comma-separated; the empty record is {@code ""}. */
    public static String format(Collection<String> keys) {
        return String.join(",", new TreeSet<>(keys));
    }

    public static SortedSet<String> orphans(Set<String> recorded, Set<String> wanted, Set<String> present) {
        SortedSet<String> out = new TreeSet<>(recorded);
        out.removeIf(k -> wanted.contains(k) || !present.contains(k));
        return out;
    }

    public static SortedSet<String> ahead(Set<String> recorded, Set<String> wanted, Set<String> present,
            Set<String> set) {
        SortedSet<String> out = new TreeSet<>(recorded);
        out.removeIf(k -> !wanted.contains(k) && !present.contains(k));
        out.addAll(set);
        wanted.stream().filter(present::contains).forEach(out::add);
        return out;
    }

    public static SortedSet<String> after(Set<String> ahead, Set<String> deleted) {
        SortedSet<String> out = new TreeSet<>(ahead);
        out.removeAll(deleted);
        return out;
    }
}
