package dev.berth.operator.plan;

import static dev.berth.operator.plan.Clusters.GB;
import static dev.berth.operator.plan.Clusters.broker;
import static dev.berth.operator.plan.Clusters.partition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.operator.model.BrokerState;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.TopicState;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CapacityCheckTest {
    private static final ClusterSnapshot SIX = Clusters.threeRacksSixBrokers();
    private static final ClusterSnapshot THREE = Clusters.threeBrokersRf3();
    private static final ClusterSnapshot NO_RACKS = Clusters.fourBrokersNoRacks();

    record Row(ClusterSnapshot cluster, Set<Integer> remove, List<String> problems) {}

    @Test
    void removalsAreJudgedByBrokersAndRacksThatRemain() {
        List<Row> rows = List.of(
                new Row(SIX, Set.of(6), List.of()),
                new Row(SIX, Set.of(3, 6), List.of( // rack c emptied: 2 racks left for RF 3
                        "NOT_ENOUGH_RACKS: topic t needs 3 racks for RF 3, found 2 among the "
                                + "remaining brokers")),
                new Row(SIX, Set.of(4, 5, 6), List.of()), // exactly 3 brokers in 3 racks remain
                new Row(THREE, Set.of(3), List.of( // too few brokers already says it all
                        "NOT_ENOUGH_BROKERS: remaining 2 brokers cannot hold RF 3 of topic orders")),
                new Row(NO_RACKS, Set.of(1, 2), List.of()), // RF 2 on the 2 that remain
                new Row(NO_RACKS, Set.of(1, 2, 3), List.of( // one short of RF 2
                        "NOT_ENOUGH_BROKERS: remaining 1 brokers cannot hold RF 2 of topic t")),
                new Row(NO_RACKS, Set.of(9), List.of(
                        "UNKNOWN_BROKER: broker 9 is not registered (registered: [1, 2, 3, 4])")),
                new Row(NO_RACKS, Set.of(1, 2, 3, 4), List.of(
                        "INVALID_INTENT: removing 4 of 4 brokers leaves none")));
        for (Row row : rows) {
            assertThat(CapacityCheck.problems(row.cluster(), row.remove()))
                    .as("remove %s", row.remove())
                    .extracting(Problem::toString).containsExactlyElementsOf(row.problems());
        }
    }

    @Test
    void aReplicaBeingAddedDoesNotCountTowardTheReplicationFactor() {
        // RF 3 moving 3 -> 4: Kafka lists 4 replicas until the move completes; 3 brokers remain for RF 3.
        List<BrokerState> brokers = List.of(broker(1, null), broker(2, null), broker(3, null), broker(4, null),
                broker(5, null));
        ClusterSnapshot moving = new ClusterSnapshot(java.time.Instant.EPOCH, brokers,
                Map.of("t", new TopicState("t", 3, 2)), List.of(partition("t", 0, GB, 1, 2, 3, 4)));
        assertThat(CapacityCheck.problems(moving, Set.of(4, 5))).isEmpty();
        ClusterSnapshot undeclared = new ClusterSnapshot(java.time.Instant.EPOCH, brokers, Map.of(),
                List.of(partition("t", 0, GB, 1, 2, 3, 4)));
        assertThat(CapacityCheck.problems(undeclared, Set.of(4, 5))).extracting(Problem::toString).containsExactly(
                "NOT_ENOUGH_BROKERS: remaining 3 brokers cannot hold RF 4 of topic t"); // no declaration: widest
    }

    @Test
    void twoRacksForRf3WereNeverRackAwareSoLosingNoRackIsFine() {
        ClusterSnapshot twoRacks = Clusters.snapshot(
                List.of(broker(1, "a"), broker(2, "b"), broker(3, "a"), broker(4, "b")),
                List.of(partition("t", 0, GB, 1, 2, 3)));

        assertThat(CapacityCheck.problems(twoRacks, Set.of(4))).isEmpty();
    }

    @Test
    void fourRacksMayLoseOneForRf3ButNotTwo() {
        ClusterSnapshot fourRacks = Clusters.snapshot(
                List.of(broker(1, "a"), broker(2, "b"), broker(3, "c"), broker(4, "d"), broker(5, "a")),
                List.of(partition("t", 0, GB, 1, 2, 3)));
        assertThat(CapacityCheck.problems(fourRacks, Set.of(4))).as("three racks remain for RF 3").isEmpty();
        assertThat(CapacityCheck.problems(fourRacks, Set.of(3, 4))).extracting(Problem::toString).containsExactly(
                "NOT_ENOUGH_RACKS: topic t needs 3 racks for RF 3, found 2 among the remaining brokers");
    }

    record ChoiceRow(ClusterSnapshot cluster, Set<Integer> named, int count, Set<Integer> chosen) {}

    @Test
    void theCheapestSafeBrokersAreChosenUnlessNamed() {
        List<ChoiceRow> rows = List.of(
                new ChoiceRow(SIX, Set.of(), 1, Set.of(3)), // 36 GB: the fewest bytes
                new ChoiceRow(SIX, Set.of(), 3, Set.of(3, 5, 4)), // ties at 39 GB: newest first
                new ChoiceRow(SIX, Set.of(5), 1, Set.of(5)), // named wins over cheapest
                new ChoiceRow(NO_RACKS, Set.of(), 2, Set.of(4, 3))); // 3 GB, then 3 beats 1 at 5 GB
        for (ChoiceRow row : rows) {
            assertThat(RemovalChooser.choose(row.cluster(), row.named(), row.count()))
                    .as("%s count %d", row.named(), row.count())
                    .containsExactlyInAnyOrderElementsOf(row.chosen());
        }
    }

    @Test
    void choosingMoreBrokersThanCanSafelyGoIsRefusedWithNumbers() {
        assertThatThrownBy(() -> RemovalChooser.choose(SIX, Set.of(), 4))
                .isInstanceOf(PlanRefusedException.class)
                .hasMessageStartingWith("only 3 of 6 brokers can be removed safely, 4 asked")
                .extracting(e -> ((PlanRefusedException) e).problems().stream().map(Problem::toString).toList())
                .isEqualTo(List.of("NOT_ENOUGH_BROKERS: only 3 of 6 brokers can be removed safely, 4 asked",
                        // what stopped the first broker that could not go: the condition's second line
                        "NOT_ENOUGH_BROKERS: remaining 2 brokers cannot hold RF 3 of topic t"));
    }
}
