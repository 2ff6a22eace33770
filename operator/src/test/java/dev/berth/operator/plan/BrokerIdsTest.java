package dev.berth.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
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
            new Row(2, List.of(998), List.of(999), List.of(0, 998)), // a leaving id is never refilled, even at the top
        };
        for (Row r : rows) {
            assertThat(BrokerIds.desired(r.replicas(), r.known(), r.leaving()))
                    .as("%s", r)
                    .containsExactlyElementsOf(r.expected());
        }
    }

    record LeavingRow(int replicas, List<Integer> known, List<Integer> remove, List<Integer> opLeaving,
            boolean cancellable, List<Integer> expected) {}

    @Test
    void aDrainTheSpecNoLongerAsksForGivesItsBrokersBackWhileItCanStillBeCancelled() {
        List<Integer> four = List.of(0, 1, 2, 3);
        List<Integer> five = List.of(0, 1, 2, 3, 4);
        LeavingRow[] rows = {
            new LeavingRow(3, four, List.of(), List.of(3), true, List.of(3)), // 4 -> 3 runs
            new LeavingRow(4, four, List.of(), List.of(3), true, List.of()), // ... and goes back to 4: 3 stays
            new LeavingRow(9, four, List.of(), List.of(3), true, List.of()), // more than before: 3 stays, new ones follow
            new LeavingRow(4, four, List.of(), List.of(3), false, List.of(3)), // too late: pods are being stopped
            new LeavingRow(4, four, List.of(3), List.of(3), true, List.of(3)), // named: always leaves (a replacement)
            new LeavingRow(3, four, List.of(2), List.of(3), true, List.of()), // remove 2 instead, keep 3 brokers: 3 stays
            new LeavingRow(4, five, List.of(), List.of(3, 4), true, List.of(4)), // 5 -> 3, then 4: the lowest id stays
            new LeavingRow(5, five, List.of(), List.of(3, 4), true, List.of()), // 5 -> 3, then 5: both stay
            new LeavingRow(4, five, List.of(3), List.of(3, 4), true, List.of(3)), // the named one leaves, the other stays
            new LeavingRow(4, List.of(0, 1, 2), List.of(), List.of(3), true, List.of(3)), // 3 not known (no pod, no row): not kept
            new LeavingRow(3, List.of(), List.of(), List.of(), true, List.of()), // no scale-down
        };
        for (LeavingRow r : rows) {
            assertThat(BrokerIds.stillLeaving(r.replicas(), r.known(), r.remove(), r.opLeaving(), r.cancellable()))
                    .as("%s", r)
                    .containsExactlyElementsOf(r.expected());
        }
    }

    record FreeRow(int n, List<Integer> taken, List<Integer> expected) {}

    @Test
    void lowestFreeIdsFillGapsAndNeverLeaveZeroTo999() {
        List<Integer> all = IntStream.rangeClosed(0, BrokerIds.MAX_ID).boxed().toList();
        List<Integer> allBut7 = all.stream().filter(i -> i != 7).toList();
        FreeRow[] rows = {
            new FreeRow(1, List.of(), List.of(0)), // empty cluster starts at 0, not 1
            new FreeRow(1, List.of(0, 2, 3, 4, 5), List.of(1)), // the gap first, not highest + 1
            new FreeRow(2, List.of(0, 2, 3), List.of(1, 4)), // gap, then past the top
            new FreeRow(1, List.of(Integer.MAX_VALUE), List.of(0)), // a huge id never overflows into a negative one
            new FreeRow(2, List.of(-5, 1000, 0), List.of(1, 2)), // taken ids outside 0..999 change nothing
            new FreeRow(2, List.of(998), List.of(0, 1)), // n is a count, not an upper id
            new FreeRow(1, all.subList(0, 999), List.of(999)), // the last id is usable
            new FreeRow(3, allBut7, List.of(7)), // fewer than asked when the range runs out
            new FreeRow(1, all, List.of()), // none past MAX_ID, ever
            new FreeRow(0, List.of(), List.of()), // nothing asked
        };
        for (FreeRow r : rows) {
            assertThat(BrokerIds.lowestFree(r.n(), r.taken()))
                    .as("n %d, %d ids taken", r.n(), r.taken().size())
                    .containsExactlyElementsOf(r.expected());
        }
    }
}
