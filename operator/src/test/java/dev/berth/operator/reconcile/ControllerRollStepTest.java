package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The step's one pure rule; the step itself runs on real parts in {@link ControllerRollTest}. */
class ControllerRollStepTest {
    @Test
    void aControllerIsLateFiveMinutesAfterItsPodWentAndAHandEditedTimeIsNeverLate() {
        Instant deleted = Instant.parse("2026-11-27T02:00:00Z");
        assertThat(ControllerRollStep.late("2026-11-27T02:00:00Z", deleted.plusSeconds(300))).isFalse();
        assertThat(ControllerRollStep.late("2026-11-27T02:00:00Z", deleted.plusSeconds(301))).isTrue();
        assertThat(ControllerRollStep.late("yesterday", deleted.plusSeconds(3600))).as("hand-edited").isFalse();
        assertThat(ControllerRollStep.late(null, deleted.plusSeconds(3600))).isFalse();
    }
}
