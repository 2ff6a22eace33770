package dev.berth.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {
    static Clock at(String t) {
        return Clock.fixed(Instant.parse(t), ZoneOffset.UTC);
    }

    @Test
    void transitionTimeMovesOnlyWhenStatusChanges() {
        List<Condition> first = Conditions.merge(List.of(),
                List.of(Condition.of(ConditionType.Ready, false, "PodsNotReady", "0 of 3")), 1, at("2026-01-01T10:00:00.700Z"));
        assertThat(first).containsExactly(
                new Condition("Ready", "False", "PodsNotReady", "0 of 3", "2026-01-01T10:00:00Z", 1L)); // whole seconds

        List<Condition> same = Conditions.merge(first,
                List.of(Condition.of(ConditionType.Ready, false, "BrokersNotRegistered", "2 missing")), 2,
                at("2026-01-01T10:05:00Z"));
        assertThat(same).containsExactly(
                new Condition("Ready", "False", "BrokersNotRegistered", "2 missing", "2026-01-01T10:00:00Z", 2L));

        List<Condition> flipped = Conditions.merge(same,
                List.of(Condition.of(ConditionType.Ready, true, "AllBrokersReady", "ok")), 2, at("2026-01-01T10:06:00Z"));
        assertThat(flipped).containsExactly(
                new Condition("Ready", "True", "AllBrokersReady", "ok", "2026-01-01T10:06:00Z", 2L));
    }

    @Test
    void conditionsNotRecomputedAreKeptAndTheListIsSortedByType() {
        List<Condition> prev = Conditions.merge(List.of(), List.of(
                Condition.of(ConditionType.ScaleDownBlocked, true, "ReplicationFactor", "no room")), 1,
                at("2026-01-01T09:00:00Z"));
        List<Condition> next = Conditions.merge(prev, List.of(
                Condition.of(ConditionType.Ready, true, "AllBrokersReady", "ok"),
                Condition.unknown(ConditionType.Degraded, "KafkaNotObservedYet", "not yet")), 1, at("2026-01-01T10:00:00Z"));
        assertThat(next).extracting(Condition::type).containsExactly("Degraded", "Ready", "ScaleDownBlocked");
        assertThat(next.get(2).lastTransitionTime()).isEqualTo("2026-01-01T09:00:00Z");
        assertThat(next.get(0).status()).isEqualTo("Unknown");
    }
}
