package dev.berth.operator.api;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges freshly computed conditions into the previous ones, the way Kubernetes expects:
 * {@code lastTransitionTime} changes only when {@code status} changes; reason, message and
 * {@code observedGeneration} always take the new values. Conditions that were not recomputed are
 * kept. The result is sorted by type so that the status does not churn.
 *
 * <p>Example: previous {@code Ready=False since 10:00}, new {@code Ready=False reason WaitingForPods}
 * at 10:05 gives {@code Ready=False since 10:00, reason WaitingForPods}; new {@code Ready=True} at
 * 10:06 gives {@code Ready=True since 10:06}.
 */
public final class Conditions {
    private Conditions() {}

    public static List<Condition> merge(List<Condition> previous, List<Condition> fresh, long generation, Clock clock) {
        String now = rfc3339(clock.instant());
        Map<String, Condition> byType = new LinkedHashMap<>();
        for (Condition c : previous) {
            byType.put(c.type(), c);
        }
        for (Condition c : fresh) {
            Condition old = byType.get(c.type());
            String since = old != null && old.status().equals(c.status()) && old.lastTransitionTime() != null
                    ? old.lastTransitionTime()
                    : now;
            byType.put(c.type(), new Condition(c.type(), c.status(), c.reason(), c.message(), since, generation));
        }
        List<Condition> out = new ArrayList<>(byType.values());
        out.sort(Comparator.comparing(Condition::type));
        return List.copyOf(out);
    }

    /** Kubernetes {@code metav1.Time}: RFC 3339 in UTC with whole seconds. */
    public static String rfc3339(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
