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

    @Test
    void throttlesCoverSendersAndReceiversOfMovingPartitionsOnly() {
        ThrottlePlan t = ThrottlePlan.of(List.of(
                new Move("t", 0, List.of(1, 2), List.of(3, 2), MoveReason.SCALE_UP, 10),
                new Move("t", 1, List.of(2, 3), List.of(2, 4), MoveReason.SCALE_UP, 10),
                new Move("u", 0, List.of(5, 6), List.of(6, 5), MoveReason.LEADER_BALANCE, 10),
                new Move("__consumer_offsets", 0, List.of(1, 2), List.of(7, 2), MoveReason.DRAIN, 10)));

        assertThat(t.brokers()).containsExactly(1, 2, 3, 4);
        assertThat(t.leaderReplicas()).containsExactlyEntriesOf(java.util.Map.of("t", "0:1,0:2,1:2,1:3"));
        assertThat(t.followerReplicas()).containsExactlyEntriesOf(java.util.Map.of("t", "0:3,1:4"));
    }
}
