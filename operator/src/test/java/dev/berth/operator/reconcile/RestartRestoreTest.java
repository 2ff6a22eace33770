package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.PartitionState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which partitions the restore step elects back, for broker 0 whose restart recorded orders-0 only. */
class RestartRestoreTest {
    record Row(String why, List<Integer> replicas, int leader, List<Integer> isr, boolean recorded, boolean elected) {}

    static final List<Row> ROWS = List.of(
            new Row("recorded, preferred in sync but not leading", List.of(1, 0, 2), 0, List.of(0, 1, 2), true, true),
            new Row("recorded, preferred leads already", List.of(1, 0, 2), 1, List.of(0, 1, 2), true, false),
            new Row("recorded, preferred out of the ISR: the election would fail", List.of(1, 0, 2), 0, List.of(0, 2),
                    true, false),
            new Row("not recorded, broker 0 preferred and in sync", List.of(0, 1, 2), 1, List.of(0, 1, 2), false, true),
            new Row("not recorded, broker 0 preferred but still catching up", List.of(0, 1, 2), 1, List.of(1, 2),
                    false, false),
            new Row("not recorded, another broker preferred", List.of(2, 0, 1), 0, List.of(0, 1, 2), false, false),
            new Row("no replicas listed", List.of(), -1, List.of(), true, false));

    @Test
    void electsWhatWasRecordedOrIsPreferredForTheBrokerOnlyWhenItsPreferredReplicaIsInSync() {
        for (Row r : ROWS) {
            PartitionState p = new PartitionState("orders", 0, r.replicas(), r.leader(), r.isr(), 1, 0);
            ClusterSnapshot s = new ClusterSnapshot(Instant.EPOCH, List.of(), Map.of(), List.of(p));
            Map<String, List<Integer>> recorded = r.recorded() ? Map.of("orders-0", List.of(1, 0, 2)) : Map.of();
            assertThat(RestartRestore.toElect(s, 0, recorded)).as(r.why())
                    .isEqualTo(r.elected() ? Set.of("orders-0") : Set.of());
        }
    }
}
