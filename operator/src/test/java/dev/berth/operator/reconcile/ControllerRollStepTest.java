package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The step's pure rules; the step itself runs on real parts in {@link ControllerRollTest}. */
class ControllerRollStepTest {
    @Test
    void aControllerIsLateFiveMinutesAfterItsPodWentAndAHandEditedTimeIsNeverLate() {
        Instant deleted = Instant.parse("2026-11-27T02:00:00Z");
        assertThat(ControllerRollStep.late("2026-11-27T02:00:00Z", deleted.plusSeconds(300))).isFalse();
        assertThat(ControllerRollStep.late("2026-11-27T02:00:00Z", deleted.plusSeconds(301))).isTrue();
        assertThat(ControllerRollStep.late("yesterday", deleted.plusSeconds(3600))).as("hand-edited").isFalse();
        assertThat(ControllerRollStep.late(null, deleted.plusSeconds(3600))).isFalse();
    }

    @Test
    void anotherControllersPodMissingNotReadyOrBeingDeletedCountsAsDown() {
        record Row(String why, java.util.Map<Integer, V1Pod> pods, java.util.List<Integer> down) {}
        V1Pod ready = pod(true, false);
        for (Row r : java.util.List.of(
                new Row("all Ready", java.util.Map.of(1000, ready, 1001, ready, 1002, ready), java.util.List.of()),
                new Row("1001 not Ready", java.util.Map.of(1000, ready, 1001, pod(false, false), 1002, ready),
                        java.util.List.of(1001)),
                new Row("1001 being deleted, still Ready", java.util.Map.of(1000, ready, 1001, pod(true, true), 1002, ready),
                        java.util.List.of(1001)),
                new Row("1002 missing", java.util.Map.of(1000, ready, 1001, ready), java.util.List.of(1002)),
                new Row("the one to restart is not counted", java.util.Map.of(1000, pod(false, true), 1001, ready, 1002,
                        ready), java.util.List.of()))) {
            assertThat(ControllerRollStep.othersDown(r.pods(), 3, 1000)).as(r.why()).isEqualTo(r.down());
        }
        assertThat(ControllerRollStep.othersDown(java.util.Map.of(1000, ready), 1, 1000)).as("a single controller").isEmpty();
    }

    private static V1Pod pod(boolean ready, boolean terminating) {
        return new V1Pod().metadata(new V1ObjectMeta().name("p").deletionTimestamp(
                terminating ? java.time.OffsetDateTime.parse("2026-11-28T07:00:00Z") : null))
                .status(new V1PodStatus().phase("Running").conditions(java.util.List.of(
                        new V1PodCondition().type("Ready").status(ready ? "True" : "False"))));
    }

    @Test
    void controllersNotReadyGoFirstThenFollowersThenTheLeader() {
        record Row(java.util.List<Integer> needed, java.util.List<Integer> notReady, int leader, java.util.List<Integer> order) {}
        for (Row r : java.util.List.of(
                new Row(java.util.List.of(1000, 1001, 1002), java.util.List.of(), 1000, java.util.List.of(1001, 1002, 1000)),
                new Row(java.util.List.of(1000, 1001, 1002), java.util.List.of(1002), 1000, java.util.List.of(1002, 1001, 1000)),
                new Row(java.util.List.of(1000, 1001, 1002), java.util.List.of(1000), 1000, java.util.List.of(1000, 1001, 1002)),
                new Row(java.util.List.of(1001), java.util.List.of(1002), 1000, java.util.List.of(1001)))) { // 1002 needs none
            assertThat(ControllerRollStep.order(r.needed(), r.notReady(), r.leader())).as("%s", r).isEqualTo(r.order());
        }
    }
}
