package dev.berth.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BytesInEstimatorTest {
    /** A clock the test moves by hand. */
    static final class StepClock extends Clock {
        Instant now = Instant.parse("2026-01-01T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    record Step(long advanceSeconds, long size, double expectedRate, String why) {}

    @Test
    void rateFollowsSizeGrowthAndIgnoresRetentionDeletes() {
        StepClock clock = new StepClock();
        BytesInEstimator est = new BytesInEstimator(clock);
        Step[] steps = {
            new Step(0, 1_000, 0, "first sight: unknown, reported as 0"),
            new Step(30, 31_000, 1_000, "30,000 bytes in 30 s"),
            new Step(30, 500, 1_000, "size shrank (segment deleted): keep previous estimate"),
            new Step(10, 2_500, 200, "growth again from the shrunk size"),
            new Step(0, 9_000, 200, "no time passed: keep previous estimate"),
            new Step(5, 9_000, 0, "idle partition"),
        };
        assertThat(est.primed()).as("no sample yet: the first rates are no news").isFalse();
        for (Step s : steps) {
            clock.advance(Duration.ofSeconds(s.advanceSeconds()));
            assertThat(est.update(Map.of("t-0", s.size())).get("t-0")).as(s.why()).isEqualTo(s.expectedRate());
            assertThat(est.primed()).isTrue();
        }
    }

    @Test
    void partitionThatDisappearsAndReturnsStartsOver() {
        StepClock clock = new StepClock();
        BytesInEstimator est = new BytesInEstimator(clock);
        est.update(Map.of("a-0", 100L, "b-0", 100L));
        clock.advance(Duration.ofSeconds(10));
        assertThat(est.update(Map.of("b-0", 200L))).containsExactly(Map.entry("b-0", 10.0));
        clock.advance(Duration.ofSeconds(10));
        assertThat(est.update(Map.of("a-0", 5_000L, "b-0", 200L)))
                .containsExactly(Map.entry("a-0", 0.0), Map.entry("b-0", 0.0));
    }
}
