package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.model.BrokerState;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.PartitionState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The step's pure parts; the step itself runs on real parts in {@link HotPartitionsTest}. */
class HotPartitionStepTest {
    record Row(String why, PartitionState now, String expected) {}

    @Test
    void eachPlannedPartitionIsReorderedElectedDoneOrLeft() {
        List<Integer> planned = List.of(1, 0, 2);
        Row[] rows = {
            new Row("old order: reorder", p(List.of(0, 1, 2), 0, List.of(0, 1, 2)), "reorder"),
            new Row("planned order, old leader: elect", p(List.of(1, 0, 2), 0, List.of(0, 1, 2)), "elect"),
            new Row("led by the new leader: done", p(List.of(1, 0, 2), 1, List.of(0, 1, 2)), "done"),
            new Row("led by the new leader in another order (a person reordered it): done",
                    p(List.of(2, 1, 0), 1, List.of(0, 1, 2)), "done"),
            new Row("the new leader fell out of sync: left", p(List.of(0, 1, 2), 0, List.of(0, 2)), "left"),
            new Row("other replicas (reassigned meanwhile): left", p(List.of(0, 1, 3), 0, List.of(0, 1, 3)), "left"),
            new Row("a replica more (a reassignment adding one): left", p(List.of(0, 1, 2, 3), 0, List.of(0, 1, 2)),
                    "left"),
            new Row("the partition is gone: left", null, "left"),
        };
        for (Row r : rows) {
            ClusterSnapshot s = new ClusterSnapshot(Instant.EPOCH, List.of(new BrokerState(0, "a", "h", 1)), Map.of(),
                    r.now() == null ? List.of() : List.of(r.now()));
            HotPartitionStep.Progress p = HotPartitionStep.Progress.of(Map.of("clicks-0", planned), s);
            String got = !p.reorder().isEmpty() ? "reorder" : !p.elect().isEmpty() ? "elect"
                    : !p.done().isEmpty() ? "done" : !p.left().isEmpty() ? "left" : "none";
            assertThat(got).as(r.why()).isEqualTo(r.expected());
            assertThat(p.reorder().size() + p.elect().size() + p.done().size() + p.left().size()).as(r.why()).isEqualTo(1);
            assertThat(p.settled()).as(r.why()).isEqualTo(!got.equals("reorder") && !got.equals("elect"));
            if (got.equals("reorder")) {
                assertThat(p.reorder()).isEqualTo(Map.of("clicks-0", planned));
            }
        }
        assertThat(HotPartitionStep.Progress.of(Map.of(), new ClusterSnapshot(Instant.EPOCH, List.of(), Map.of(),
                List.of())).done()).isEqualTo(Set.of());
    }

    private static PartitionState p(List<Integer> replicas, int leader, List<Integer> isr) {
        return new PartitionState("clicks", 0, replicas, leader, isr, 100, 1000);
    }
}
