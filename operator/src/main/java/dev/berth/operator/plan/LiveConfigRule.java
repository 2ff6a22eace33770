package dev.berth.operator.plan;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Whether a running broker can take a {@code spec.config} edit without a restart, and what to write
 * to Kafka for it.
 *
 * <p><b>Goal:</b> an edit of keys Kafka can change at run time (retention, segment sizes, thread
 * counts, ...) reaches every broker with no pod deleted, no leadership moved and no client
 * reconnecting. <b>Constraints:</b> berth writes only cluster-wide dynamic defaults (Kafka's
 * {@code --entity-default} broker configs), which every broker, new ones included, takes unless a
 * per-broker value overrides it; it writes them only for keys {@code spec.config} sets or has just
 * removed, so what a person set by hand on other keys stays. A key Kafka can only read at start
 * still goes through a leader-aware restart, and a restart must never bring back a value berth set
 * earlier: Kafka ranks a cluster-wide dynamic default above the file.
 *
 * <p><b>Rule</b>, for the configuration the broker's pod runs ({@code running}, as its pod records
 * it), the spec's ({@code wanted}) and what the broker reports per key ({@code seen}):
 * <ul>
 *   <li>a key in {@code wanted} whose cluster-wide default exists with another value: set it to the
 *       spec's (this holds for unedited keys too);
 *   <li>an edited key (value changed, or added) whose effective value already is the spec's: done;
 *       else, if Kafka can change it at run time and nothing per-broker overrides it: set it;
 *       else a restart, for the {@link Reason} given;
 *   <li>a key removed from {@code wanted}: a restart ({@link Reason#REMOVED}), and its cluster-wide
 *       default, if there is one, is deleted first.
 * </ul>
 * The broker needs no restart when no key has a reason; once nothing is left to write either, it
 * runs the spec, and its pod may record so.
 *
 * <p><b>Example:</b> running {@code {log.retention.hours: 72}}, wanted {@code {log.retention.hours:
 * 72, log.retention.ms: 3600000}}; the broker reports {@code log.retention.ms} as a run-time key
 * with its default value: set {@code log.retention.ms=3600000}, no restart. Wanted {@code
 * {log.retention.hours: 24}} instead: {@code log.retention.hours} is read-only, so a restart
 * ({@link Reason#READ_ONLY}).
 */
public final class LiveConfigRule {
    private LiveConfigRule() {}

    /** Where a broker's effective value of a key comes from, highest precedence first. */
    public enum Source {
        /** A per-broker dynamic value: it overrides everything below. */
        BROKER,
        /** A cluster-wide dynamic default. */
        CLUSTER_DEFAULT,
        /** The broker's properties file. */
        STATIC,
        /** Kafka's built-in default. */
        DEFAULT,
        /** Anything else Kafka reports. */
        OTHER
    }

    /** One key as a broker reports it. */
    public record Seen(String value, boolean readOnly, boolean sensitive, Source source) {}

    /** Why a key needs a restart; the text ends up in the restart's message and in Events. */
    public enum Reason {
        REMOVED("removed from spec.config"),
        READ_ONLY("read at start only"),
        UNKNOWN("not a configuration this broker reports"),
        SENSITIVE("a password, whose value Kafka does not show"),
        BROKER_OVERRIDE("overridden for this broker alone");

        public final String text;

        Reason(String text) {
            this.text = text;
        }
    }

    /**
     * What to do for one broker.
     *
     * @param set cluster-wide defaults to write, key to value
     * @param delete cluster-wide defaults to delete
     * @param restart keys that only a restart applies, with why; empty when none does
     */
    public record Verdict(SortedMap<String, String> set, SortedSet<String> delete, SortedMap<String, Reason> restart) {
        /** No key needs a restart. */
        public boolean live() {
            return restart.isEmpty();
        }

        /** The broker runs the spec: nothing to restart and nothing to write. */
        public boolean done() {
            return live() && set.isEmpty() && delete.isEmpty();
        }
    }

    public static Verdict of(Map<String, String> running, Map<String, String> wanted, Map<String, Seen> seen) {
        SortedMap<String, String> set = new TreeMap<>();
        SortedSet<String> delete = new TreeSet<>();
        SortedMap<String, Reason> restart = new TreeMap<>();
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            String k = e.getKey();
            Seen s = seen.get(k);
            boolean edited = !running.containsKey(k) || !Objects.equals(running.get(k), e.getValue());
            boolean effective = s != null && Objects.equals(s.value(), e.getValue());
            if (s != null && s.source() == Source.CLUSTER_DEFAULT && !effective) {
                set.put(k, e.getValue());
            } else if (edited && !effective) {
                Reason why = s == null ? Reason.UNKNOWN
                        : s.readOnly() ? Reason.READ_ONLY
                        : s.sensitive() ? Reason.SENSITIVE
                        : s.source() == Source.BROKER || s.source() == Source.OTHER ? Reason.BROKER_OVERRIDE
                        : null;
                if (why == null) {
                    set.put(k, e.getValue());
                } else {
                    restart.put(k, why);
                }
            }
        }
        for (String k : running.keySet()) {
            if (!wanted.containsKey(k)) {
                restart.put(k, Reason.REMOVED);
                Seen s = seen.get(k);
                if (s != null && s.source() == Source.CLUSTER_DEFAULT) {
                    delete.add(k);
                }
            }
        }
        return new Verdict(set, delete, restart);
    }

    /**
     * Cluster-wide defaults that say otherwise than the spec, for keys the spec sets: the spec's
     * values, to write whether or not a pod differs. An edit undone before its pods recorded it (the
     * roll skips them, as they run the spec again) left its value in the default otherwise, with
     * nothing out of date. Example: spec {@code {log.retention.ms: 3600000}}, defaults
     * {@code {log.retention.ms: 7200000, num.io.threads: 16}}: {@code {log.retention.ms: 3600000}}.
     */
    public static SortedMap<String, String> heal(Map<String, String> wanted, Map<String, String> defaults) {
        SortedMap<String, String> out = new TreeMap<>();
        wanted.forEach((k, v) -> {
            if (defaults.containsKey(k) && !Objects.equals(defaults.get(k), v)) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** The keys of a verdict's restart reasons as "k: why, ...", at most three named. */
    public static String describe(Map<String, Reason> restart) {
        StringBuilder b = new StringBuilder();
        int n = 0;
        for (Map.Entry<String, Reason> e : restart.entrySet()) {
            if (n == 3) {
                return b.append(", ...").toString();
            }
            b.append(n++ == 0 ? "" : ", ").append(e.getKey()).append(": ").append(e.getValue().text);
        }
        return b.toString();
    }

    /** Keys a verdict for {@code running} and {@code wanted} may need reported. */
    public static Set<String> keys(Map<String, String> running, Map<String, String> wanted) {
        Set<String> out = new TreeSet<>(running.keySet());
        out.addAll(wanted.keySet());
        return out;
    }
}
