package dev.berth.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.plan.LiveConfigRule.Reason;
import dev.berth.operator.plan.LiveConfigRule.Seen;
import dev.berth.operator.plan.LiveConfigRule.Source;
import dev.berth.operator.plan.LiveConfigRule.Verdict;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LiveConfigRuleTest {
    private static final String MS = "log.retention.ms";
    private static final String HOURS = "log.retention.hours";

    /** A key Kafka changes at run time, as the broker reports it. */
    private static Seen dynamic(String value, Source source) {
        return new Seen(value, false, false, source);
    }

    record Row(String why, Map<String, String> running, Map<String, String> wanted, Map<String, Seen> seen,
            Map<String, String> set, Set<String> delete, Map<String, Reason> restart) {}

    @Test
    void eachKeyRowByRow() {
        Row[] rows = {
            new Row("nothing edited, nothing set: done", Map.of(MS, "1"), Map.of(MS, "1"),
                    Map.of(MS, dynamic("1", Source.STATIC)), Map.of(), Set.of(), Map.of()),
            new Row("a run-time key added, at its default: set it", Map.of(), Map.of(MS, "3600000"),
                    Map.of(MS, dynamic(null, Source.DEFAULT)), Map.of(MS, "3600000"), Set.of(), Map.of()),
            new Row("a run-time key changed, in the file: set it", Map.of(MS, "1"), Map.of(MS, "2"),
                    Map.of(MS, dynamic("1", Source.STATIC)), Map.of(MS, "2"), Set.of(), Map.of()),
            new Row("the default already holds the new value: done", Map.of(MS, "1"), Map.of(MS, "2"),
                    Map.of(MS, dynamic("2", Source.CLUSTER_DEFAULT)), Map.of(), Set.of(), Map.of()),
            new Row("an added key whose default is the value asked for: done", Map.of(), Map.of(MS, "604800000"),
                    Map.of(MS, dynamic("604800000", Source.DEFAULT)), Map.of(), Set.of(), Map.of()),
            new Row("a read-only key changed: restart", Map.of(HOURS, "72"), Map.of(HOURS, "48"),
                    Map.of(HOURS, new Seen("72", true, false, Source.STATIC)), Map.of(), Set.of(),
                    Map.of(HOURS, Reason.READ_ONLY)),
            new Row("a key the broker does not report: restart", Map.of(), Map.of("my.plugin.key", "x"), Map.of(),
                    Map.of(), Set.of(), Map.of("my.plugin.key", Reason.UNKNOWN)),
            new Row("a password: restart, its value cannot be compared", Map.of(), Map.of("ssl.key.password", "s"),
                    Map.of("ssl.key.password", new Seen(null, false, true, Source.DEFAULT)), Map.of(), Set.of(),
                    Map.of("ssl.key.password", Reason.SENSITIVE)),
            new Row("a per-broker value overrides any default: restart (as without this rule)", Map.of(MS, "1"),
                    Map.of(MS, "2"), Map.of(MS, dynamic("9", Source.BROKER)), Map.of(), Set.of(),
                    Map.of(MS, Reason.BROKER_OVERRIDE)),
            new Row("a key removed: restart", Map.of(MS, "1"), Map.of(), Map.of(MS, dynamic("1", Source.STATIC)),
                    Map.of(), Set.of(), Map.of(MS, Reason.REMOVED)),
            new Row("a key removed whose default berth had set: delete it first, then restart", Map.of(MS, "1"),
                    Map.of(), Map.of(MS, dynamic("5", Source.CLUSTER_DEFAULT)), Map.of(), Set.of(MS),
                    Map.of(MS, Reason.REMOVED)),
            new Row("an unedited key whose default differs (set by berth before, or by hand): the spec's value",
                    Map.of(MS, "2"), Map.of(MS, "2"), Map.of(MS, dynamic("5", Source.CLUSTER_DEFAULT)), Map.of(MS, "2"),
                    Set.of(), Map.of()),
            new Row("read-only edit beside a run-time one: both, so the restart cannot bring back an old default",
                    Map.of(HOURS, "72", MS, "1"), Map.of(HOURS, "48", MS, "2"),
                    Map.of(HOURS, new Seen("72", true, false, Source.STATIC), MS, dynamic("1", Source.CLUSTER_DEFAULT)),
                    Map.of(MS, "2"), Set.of(), Map.of(HOURS, Reason.READ_ONLY)),
        };
        for (Row r : rows) {
            Verdict v = LiveConfigRule.of(r.running(), r.wanted(), r.seen());
            assertThat(v.set()).as(r.why()).isEqualTo(r.set());
            assertThat(v.delete()).as(r.why()).isEqualTo(r.delete());
            assertThat(v.restart()).as(r.why()).isEqualTo(r.restart());
            assertThat(v.live()).as(r.why()).isEqualTo(r.restart().isEmpty());
            assertThat(v.done()).as(r.why()).isEqualTo(r.restart().isEmpty() && r.set().isEmpty() && r.delete().isEmpty());
        }
    }

    @Test
    void reasonsReadAsAShortList() {
        assertThat(LiveConfigRule.describe(Map.of())).isEmpty();
        assertThat(LiveConfigRule.describe(new java.util.TreeMap<>(Map.of(HOURS, Reason.READ_ONLY, MS, Reason.REMOVED))))
                .isEqualTo("log.retention.hours: read at start only, log.retention.ms: removed from spec.config");
        assertThat(LiveConfigRule.describe(new java.util.TreeMap<>(Map.of("a", Reason.REMOVED, "b", Reason.REMOVED,
                "c", Reason.REMOVED, "d", Reason.REMOVED)))).endsWith("c: removed from spec.config, ...");
    }

    @Test
    void defaultsThatSayOtherwiseThanTheSpecAreDue() {
        assertThat(LiveConfigRule.heal(Map.of(MS, "3600000"), Map.of(MS, "7200000", "num.io.threads", "16")))
                .as("a spec key's default with another value; a key the spec does not set is left alone")
                .containsExactly(Map.entry(MS, "3600000"));
        assertThat(LiveConfigRule.heal(Map.of(MS, "+3600000"), Map.of(MS, "+3600000")))
                .as("compared as written, not as a broker shows it").isEmpty();
        assertThat(LiveConfigRule.heal(Map.of(MS, "1"), Map.of())).as("no default: nothing due").isEmpty();
    }

    @Test
    void keysAreBothSides() {
        assertThat(LiveConfigRule.keys(Map.of("a", "1"), Map.of("b", "2"))).containsExactly("a", "b");
    }
}
