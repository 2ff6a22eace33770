package dev.berth.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReassignmentStepsTest {
    record Row(List<Integer> from, List<Integer> to, List<List<Integer>> steps) {}

    @Test
    void everyStepAddsAtMostOneReplicaAndTheLastSetsTheOrder() {
        List<Row> rows = List.of(
                new Row(List.of(1, 2, 3), List.of(1, 2, 3), List.of()), // nothing to do
                new Row(List.of(1, 2, 3), List.of(4, 2, 3), List.of(List.of(4, 2, 3))),
                new Row(List.of(4, 5, 6), List.of(7, 8, 9), List.of( // three replicas: three steps
                        List.of(7, 5, 6), List.of(7, 8, 6), List.of(7, 8, 9))),
                new Row(List.of(2, 3, 4), List.of(10, 3, 2), List.of( // replace and reorder: one step
                        List.of(10, 3, 2))),
                new Row(List.of(1, 2, 3), List.of(2, 1, 3), List.of( // leader only
                        List.of(2, 1, 3))),
                new Row(List.of(1, 2), List.of(3, 4), List.of(List.of(3, 2), List.of(3, 4))),
                new Row(List.of(1, 2, 3, 4), List.of(1, 2, 3), List.of( // shrink: one step
                        List.of(1, 2, 3))),
                new Row(List.of(7, 5, 6), List.of(7, 8, 9), List.of( // resumes mid-way
                        List.of(7, 8, 6), List.of(7, 8, 9))));
        for (Row row : rows) {
            assertThat(ReassignmentSteps.all(row.from(), row.to()))
                    .as("%s -> %s", row.from(), row.to()).isEqualTo(row.steps());
        }
    }

    /**
     * With racks, no step holds more replicas in one rack than both ends do. The planner moved 1 to 3, then
     * 0 to 4 once rack b was free; paired in the target's order the first step was [4,1], two replicas in
     * rack b for the whole throttled copy.
     */
    @Test
    void withRacksNoStepPutsTwoReplicasInOneRack() {
        java.util.Map<Integer, String> racks = java.util.Map.of(0, "a", 1, "b", 3, "c", 4, "b", 5, "a", 6, "c");
        assertThat(steps(List.of(0, 1), List.of(4, 3), racks)).containsExactly(List.of(0, 4), List.of(4, 3));
        assertThat(steps(List.of(0, 1), List.of(4, 3), java.util.Map.of())).as("without racks, as before")
                .containsExactly(List.of(4, 1), List.of(4, 3));
        assertThat(steps(List.of(0, 1, 3), List.of(5, 4, 6), racks)).as("where the plain pairing is clean, it stays")
                .containsExactly(List.of(5, 1, 3), List.of(5, 4, 3), List.of(5, 4, 6));
        assertThat(steps(List.of(0, 1), List.of(4, 3), java.util.Map.of(0, "a", 1, "b", 3, "c")))
                .as("4's rack unknown: 3, whose rack is known to be clear, goes first").containsExactly(List.of(0, 3), List.of(4, 3));
    }

    private static List<List<Integer>> steps(List<Integer> from, List<Integer> to, java.util.Map<Integer, String> racks) {
        List<List<Integer>> out = new java.util.ArrayList<>();
        for (List<Integer> at = from, s = ReassignmentSteps.next(at, to, racks); s != null; at = s,
                s = ReassignmentSteps.next(at, to, racks)) {
            out.add(s);
            assertThat(out).hasSizeLessThan(5);
        }
        return out;
    }

    @Test
    void throttlesCoverSendersAndReceiversOfMovingPartitionsOnly() {
        ThrottlePlan t = ThrottlePlan.of(List.of(
                new Move("t", 0, List.of(1, 2), List.of(3, 2), MoveReason.SCALE_UP, 10),
                new Move("t", 1, List.of(2, 3), List.of(2, 4), MoveReason.SCALE_UP, 10),
                new Move("u", 0, List.of(5, 6), List.of(6, 5), MoveReason.LEADER_BALANCE, 10),
                new Move("__consumer_offsets", 0, List.of(1, 2), List.of(7, 2), MoveReason.DRAIN, 10),
                new Move("__transaction_state", 0, List.of(1, 2), List.of(8, 2), MoveReason.DRAIN, 10),
                // a user's topic that only looks internal: it may be large, and moves throttled
                new Move("__audit", 0, List.of(1, 2), List.of(1, 9), MoveReason.DRAIN, 10)));

        assertThat(t.brokers()).containsExactly(1, 2, 3, 4, 9);
        assertThat(t.leaderReplicas()).isEqualTo(java.util.Map.of("t", "0:1,0:2,1:2,1:3", "__audit", "0:1,0:2"));
        assertThat(t.followerReplicas()).isEqualTo(java.util.Map.of("t", "0:3,1:4", "__audit", "0:9"));
    }
}
