package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.model.QuorumState;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class QuorumBaselineTest {
    private static final Instant T0 = Instant.parse("2026-11-27T02:00:00Z");

    /** A read at {@code ms} after T0, and which earlier read (by its ms, or null) it is compared with. */
    record Row(String why, long ms, Long expected) {}

    @Test
    void theClassCommentsExampleReadByRead() {
        Row[] rows = {
            new Row("the first read: nothing to compare with", 0, null),
            new Row("too soon: nothing, and the baseline stays", 400, null),
            new Row("a second after the baseline: compared with it", 1200, 0L),
            new Row("and it became the baseline", 2400, 1200L),
            new Row("exactly the gap is enough", 3400, 2400L),
            new Row("a baseline older than 5 s is not used", 30_000, null),
            new Row("but the read replaced it", 31_000, 30_000L),
            new Row("exactly 5 s old is still used", 36_000, 31_000L),
            new Row("a clock gone back: nothing, the read replaces the baseline", 35_000, null),
            new Row("from there on as usual", 36_100, 35_000L),
        };
        QuorumBaseline b = new QuorumBaseline();
        for (Row r : rows) {
            QuorumState got = b.before("kafka/demo", T0.plusMillis(r.ms()), read(r.ms()));
            assertThat(got == null ? null : got.voters().get(0).lastCaughtUpMs().getAsLong()).as(r.why())
                    .isEqualTo(r.expected());
        }
    }

    @Test
    void clustersAreApartAndForgettingStartsAfresh() {
        QuorumBaseline b = new QuorumBaseline();
        b.before("kafka/a", T0, read(0));
        assertThat(b.before("kafka/b", T0.plusSeconds(2), read(2000))).as("another cluster's first read").isNull();
        assertThat(b.before("kafka/a", T0.plusSeconds(2), read(2000))).isNotNull();
        b.forget("kafka/a");
        assertThat(b.before("kafka/a", T0.plusSeconds(4), read(4000))).isNull();
    }

    /** A quorum read whose one voter's caught-up time names when it was read. */
    private static QuorumState read(long ms) {
        return new QuorumState(1000, List.of(new QuorumState.Voter(1000, OptionalLong.of(ms))));
    }
}
