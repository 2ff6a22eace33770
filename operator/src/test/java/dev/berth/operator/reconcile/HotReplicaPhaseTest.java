package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.model.BrokerState;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.PartitionState;
import dev.berth.operator.plan.Move;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The phase's pure part; the phase itself runs on real brokers in {@link HotReplicaMovesTest}. */
class HotReplicaPhaseTest {
    /** clicks-0 planned [0, 1] → [2, 1]. */
    private static final Map<String, List<Integer>> TARGET = Map.of("clicks-0", List.of(2, 1));
    private static final Map<String, List<Integer>> ORIGIN = Map.of("clicks-0", List.of(0, 1));

    record Row(String why, List<Integer> replicasNow, boolean running, List<Integer> registered, boolean waited,
            String expected) {
        Row(String why, List<Integer> replicasNow, boolean running, List<Integer> registered, String expected) {
            this(why, replicasNow, running, registered, false, expected);
        }
    }

    @Test
    void aPlannedMoveGoesOnUnlessThePartitionChangedOrItsBrokerIsGone() {
        List<Integer> all = List.of(0, 1, 2, 3);
        Row[] rows = {
            new Row("as planned from", List.of(0, 1), false, all, "kept"),
            new Row("Kafka adds 2 now: three listed while it runs", List.of(2, 1, 0), true, all, "kept"),
            new Row("done: the planned list", List.of(2, 1), false, all, "kept"),
            new Row("another order of the same brokers", List.of(1, 0), false, all, "kept"),
            new Row("three listed and nothing runs: a finished move, describeTopics lagging", List.of(2, 1, 0), false,
                    all, "settling"),
            new Row("three listed for 30 s and nothing runs: the replication factor changed", List.of(0, 1, 2), false,
                    all, true, "left"),
            new Row("a broker in neither list (someone moved it)", List.of(3, 1), false, all, "left"),
            new Row("the planned broker is not registered", List.of(0, 1), false, List.of(0, 1, 3), "left"),
            new Row("the partition is gone", null, false, all, "left"),
        };
        for (Row r : rows) {
            List<PartitionState> parts = r.replicasNow() == null ? List.of()
                    : List.of(new PartitionState("clicks", 0, r.replicasNow(), r.replicasNow().get(0), r.replicasNow(), 700, 9));
            ClusterSnapshot s = new ClusterSnapshot(Instant.EPOCH,
                    r.registered().stream().map(id -> new BrokerState(id, "r" + id, "h", 1)).toList(), Map.of(), parts);
            HotReplicaPhase.Kept k = HotReplicaPhase.Kept.of(TARGET, ORIGIN, s, r.running() ? Set.of("clicks-0") : Set.of(),
                    r.waited());
            String got = !k.moves().isEmpty() ? "kept" : !k.settling().isEmpty() ? "settling" : !k.left().isEmpty() ? "left"
                    : "none";
            assertThat(got).as(r.why()).isEqualTo(r.expected());
            assertThat(k.moves().size() + k.settling().size() + k.left().size()).as(r.why()).isEqualTo(1);
            if (got.equals("kept")) {
                assertThat(k.moves()).as(r.why()).extracting(Move::toString)
                        .containsExactly("clicks-0 [0, 1] -> [2, 1] HOT_REPLICA");
                assertThat(k.moves().get(0).sizeBytes()).as(r.why()).isEqualTo(700);
            }
        }
    }

    @Test
    void aPlannedMoveWithoutItsListFromBeforeIsLeft() {
        ClusterSnapshot s = new ClusterSnapshot(Instant.EPOCH, List.of(new BrokerState(0, "a", "h", 1),
                new BrokerState(2, "c", "h", 1)), Map.of(), List.of(new PartitionState("clicks", 0, List.of(0), 0,
                        List.of(0), 1, 1)));
        HotReplicaPhase.Kept k = HotReplicaPhase.Kept.of(Map.of("clicks-0", List.of(2)), Map.of(), s, Set.of(), false);
        assertThat(k.left()).as("a hand-edited status").containsExactly("clicks-0");
    }
}
