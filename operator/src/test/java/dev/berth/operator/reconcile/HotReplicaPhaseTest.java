package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.model.BrokerState;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.PartitionState;
import dev.berth.operator.plan.Move;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.PartitionReassignment;
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
            new Row("Kafka adds 2, which is down a moment: still in flight, not left to run on unthrottled by no one",
                    List.of(2, 1, 0), true, List.of(0, 1, 3), "kept"),
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

    /** Only a move toward the planned list is the phase's to cancel; another tool's move of the partition is not. */
    @Test
    void aRunningMoveIsThePhasesWhenItAddsOnlyPlannedBrokers() {
        record Row(String why, String name, List<Integer> adding, boolean ours) {}
        for (Row r : List.of(new Row("adds the planned broker", "clicks-0", List.of(2), true),
                new Row("adds nothing (a reorder)", "clicks-0", List.of(), true),
                new Row("another tool adds broker 4", "clicks-0", List.of(4), false),
                new Row("adds 2 and 4", "clicks-0", List.of(2, 4), false),
                new Row("a partition the phase did not plan", "clicks-1", List.of(2), false))) {
            PartitionReassignment running = new PartitionReassignment(List.of(0, 1, 2, 4), r.adding(), List.of(0));
            assertThat(HotReplicaPhase.ours(TARGET, r.name(), running)).as(r.why()).isEqualTo(r.ours());
        }
    }

    @Test
    void movesMayTakeThreeTimesTheirBytesAtTheThrottleAndAtLeastFifteenMinutes() {
        long mib = 1024 * 1024;
        record Row(long bytes, long throttle, Duration allowed) {}
        for (Row r : List.of(new Row(1024 * mib, 50 * mib, Duration.ofMinutes(15)), // 20 s of copying
                new Row(100 * 1024 * mib, 10 * mib, Duration.ofSeconds(30720)), // 10,240 s: 8.5 h allowed
                new Row(0, 50 * mib, Duration.ofMinutes(15)),
                new Row(400 * mib, 1000, Duration.ofSeconds(3 * 419431)), // 419,430.4 s, rounded up
                new Row(100 * 1024 * mib, 0, Duration.ofSeconds(3 * 2048)), // no throttle: the default 50 MiB/s
                new Row(Long.MAX_VALUE, 1, Duration.ofSeconds(Long.MAX_VALUE / 1000 / 3 * 3)))) { // no overflow
            assertThat(HotReplicaPhase.allowance(r.bytes(), r.throttle())).as("%s", r).isEqualTo(r.allowed());
        }
    }

    /**
     * The deadline is fixed at the phase's first pass, on the bytes then: a partition written faster than the
     * throttle grows as it is copied, and a deadline on today's bytes would move away faster than time.
     */
    @Test
    void theDeadlineIsKeptOnceSetAndCountedAgainOnlyWhenItDoesNotRead() {
        Instant t0 = Instant.parse("2026-11-28T07:00:00Z");
        List<Move> moves = List.of(new Move("clicks", 0, List.of(0, 1), List.of(2, 1), dev.berth.operator.plan.MoveReason.HOT_REPLICA,
                900L * 1024 * 1024)); // adds one replica: 900 MiB at 1 MiB/s is 900 s, allowed 2,700
        assertThat(HotReplicaPhase.deadline(null, t0, moves, 1024 * 1024)).isEqualTo(t0.plusSeconds(2700));
        assertThat(HotReplicaPhase.deadline("2026-11-28T07:45:00Z", t0.plusSeconds(60), moves, 1))
                .as("kept, whatever the bytes now").isEqualTo(Instant.parse("2026-11-28T07:45:00Z"));
        assertThat(HotReplicaPhase.deadline("soon", t0, moves, 1024 * 1024)).as("hand-edited")
                .isEqualTo(t0.plusSeconds(2700));
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
