package dev.berth.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BrokerIdsTest {
    record Row(int replicas, List<Integer> known, List<Integer> leaving, List<Integer> expected) {}

    @Test
    void desiredIdsKeepExistingBrokersAndFillWithLowestFreeIds() {
        Row[] rows = {
            new Row(3, List.of(), List.of(), List.of(0, 1, 2)), // new cluster
            new Row(3, List.of(0, 1, 2), List.of(), List.of(0, 1, 2)), // steady state
            new Row(4, List.of(0, 1, 2), List.of(), List.of(0, 1, 2, 3)), // scale up adds the next id
            new Row(3, List.of(0, 1, 2), List.of(1), List.of(0, 2, 3)), // removed id is never reused
            new Row(2, List.of(0, 1, 2), List.of(1), List.of(0, 2)), // named scale down
            new Row(2, List.of(0, 1, 2), List.of(), List.of(0, 1, 2)), // unnamed scale down: planner chooses, nothing dropped here
            new Row(3, List.of(0, 2, 5), List.of(), List.of(0, 2, 5)), // gaps are kept, ids are identities
            new Row(4, List.of(0, 2), List.of(), List.of(0, 1, 2, 3)), // gaps are filled first
            new Row(0, List.of(), List.of(), List.of()), // zero is allowed by the algorithm (CRD forbids it)
        };
        for (Row r : rows) {
            assertThat(BrokerIds.desired(r.replicas(), r.known(), r.leaving()))
                    .as("%s", r)
                    .containsExactlyElementsOf(r.expected());
        }
    }
}
