package dev.berth.operator.plan;

import static dev.berth.operator.plan.Clusters.GB;
import static dev.berth.operator.plan.Clusters.broker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.operator.model.BrokerState;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.PartitionState;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReassignmentPlannerTest {

    private static ReassignmentPlan plan(ClusterSnapshot s, PlanIntent intent) {
        return new ReassignmentPlanner(new Random(1)).plan(s, intent);
    }

    private static List<String> moves(ReassignmentPlan plan) {
        return plan.moves().stream().map(Move::toString).toList();
    }

    /** Replica lists after applying the plan, by partition name. */
    static Map<String, List<Integer>> apply(ClusterSnapshot s, ReassignmentPlan plan) {
        Map<String, List<Integer>> out = new HashMap<>();
        s.partitions().forEach(p -> out.put(p.name(), p.replicas()));
        plan.moves().forEach(m -> out.put(m.name(), m.newReplicas()));
        return out;
    }

    @Test
    void scaleUpOfOneBrokerInRackATakesOnlyRackAReplicasUpToTheRackShare() {
        ReassignmentPlan plan = plan(Clusters.threeRacksSixBrokers(),
                new PlanIntent.AddBrokers(List.of(broker(7, "a"))));

        // Rack a holds 78 GB over brokers 1, 4 and now 7: a share of 26 GB each.
        assertThat(moves(plan)).containsExactly(
                "t-3 [4, 5, 6] -> [7, 5, 6] SCALE_UP",
                "t-5 [6, 1, 2] -> [6, 7, 2] SCALE_UP",
                "t-6 [1, 5, 6] -> [7, 5, 6] SCALE_UP",
                "t-7 [2, 6, 4] -> [2, 6, 7] SCALE_UP");
        assertThat(plan.stats().bytesMoved()).isEqualTo(25 * GB);
        assertThat(plan.stats().minBytesNeeded()).isEqualTo(26 * GB);
        assertThat(plan.brokers()).filteredOn(b -> b.id() == 7).singleElement()
                .satisfies(b -> {
                    assertThat(b.role()).isEqualTo("NEW");
                    assertThat(b.leadersAfter()).isEqualTo(2);
                });
    }

    /**
     * Empty partitions move no bytes, so they move only to even replica counts: before, every
     * eligible one was taken (an empty replica never lowers a receiver's need).
     */
    @Test
    void emptyPartitionsMoveOnlyToEvenReplicaCounts() {
        // RF 1, no racks: broker 0 holds 2000 B and two empty partitions, 1 holds 1000 B in three, 2 holds 1000 B
        ClusterSnapshot s = Clusters.snapshot(List.of(broker(0, null), broker(1, null), broker(2, null)), List.of(
                Clusters.partition("big", 0, 2000, 0),
                Clusters.partition("e", 0, 0, 0), Clusters.partition("e", 1, 0, 0),
                Clusters.partition("m", 0, 300, 1), Clusters.partition("m", 1, 300, 1), Clusters.partition("m", 2, 400, 1),
                Clusters.partition("one", 0, 1000, 2)));
        ReassignmentPlan rebalance = plan(s, new PlanIntent.Rebalance());
        assertThat(rebalance.moves()).as("broker 1 is at its replica share already")
                .noneMatch(m -> m.name().startsWith("e-") && m.newReplicas().contains(1));
        assertThat(rebalance.moves()).filteredOn(m -> m.name().startsWith("e-")).hasSizeLessThanOrEqualTo(1);

        // scale-up: ten empty partitions on two brokers, one new broker: it gets about its share, not all ten
        List<PartitionState> parts = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            parts.add(Clusters.partition("z", i, 0, i % 2));
        }
        parts.add(Clusters.partition("data", 0, 900, 0));
        parts.add(Clusters.partition("data", 1, 900, 1));
        ClusterSnapshot z = Clusters.snapshot(List.of(broker(0, null), broker(1, null)), parts);
        ReassignmentPlan up = plan(z, new PlanIntent.AddBrokers(List.of(broker(2, null))));
        long emptyToNew = up.moves().stream().filter(m -> m.name().startsWith("z-") && m.newReplicas().contains(2)).count();
        assertThat(emptyToNew).as("12 replicas over 3 brokers: a share of 4, all of it").isEqualTo(4);
    }

    /**
     * Topics without a byte yet (a cluster just created): the byte goal has nothing to do, and the
     * new broker still gets its share of the replicas (CountPhase). Before, it got none, and the
     * partitions kept every replica on the old brokers.
     */
    @Test
    void aNewBrokerGetsItsShareOfEmptyPartitionsFollowersFirst() {
        List<PartitionState> parts = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            parts.add(Clusters.partition("orders", i, 0, i % 3, (i + 1) % 3, (i + 2) % 3));
        }
        ClusterSnapshot s = Clusters.snapshot(List.of(broker(0, null), broker(1, null), broker(2, null)), parts);
        ReassignmentPlan up = plan(s, new PlanIntent.AddBrokers(List.of(broker(3, null))));

        Map<Integer, Integer> count = new HashMap<>();
        apply(s, up).values().forEach(r -> r.forEach(b -> count.merge(b, 1, Integer::sum)));
        assertThat(count).containsExactlyInAnyOrderEntriesOf(Map.of(0, 9, 1, 9, 2, 9, 3, 9));
        assertThat(up.moves()).hasSize(9).allSatisfy(m -> {
            assertThat(m.reason()).isEqualTo(MoveReason.SCALE_UP);
            assertThat(m.newReplicas()).contains(3).hasSize(3).doesNotHaveDuplicates();
        });
        assertThat(up.stats().bytesMoved()).isZero();
        long leads = apply(s, up).values().stream().filter(r -> r.get(0) == 3).count();
        assertThat(leads).as("12 leaders over 4 brokers: the new one leads its share, no more").isEqualTo(3);

        // rack-aware: broker 3 in rack a shares rack a's replicas with broker 0 only
        ClusterSnapshot racked = Clusters.snapshot(List.of(broker(0, "a"), broker(1, "b"), broker(2, "c")), parts);
        Map<Integer, Integer> rackedCount = new HashMap<>();
        apply(racked, plan(racked, new PlanIntent.AddBrokers(List.of(broker(3, "a"))))).values()
                .forEach(r -> r.forEach(b -> rackedCount.merge(b, 1, Integer::sum)));
        assertThat(rackedCount).containsExactlyInAnyOrderEntriesOf(Map.of(0, 6, 1, 12, 2, 12, 3, 6));
    }

    /**
     * A new broker that registered without a rack (it started before its pod's rack was stamped) among
     * brokers in racks a, b and c: the model made it a rack of its own and let it take a replica from any
     * rack, wherever it really sits. Refused, saying what to do; among brokers without racks it is planned.
     */
    @Test
    void aNewBrokerWithoutARackAmongRackedOnesIsRefused() {
        List<PartitionState> parts = List.of(Clusters.partition("orders", 0, 900, 0, 1, 2),
                Clusters.partition("orders", 1, 900, 1, 2, 0));
        ClusterSnapshot racked = Clusters.snapshot(List.of(broker(0, "a"), broker(1, "b"), broker(2, "c")), parts);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> plan(racked, new PlanIntent.AddBrokers(List.of(
                broker(3, null)))))
                .isInstanceOfSatisfying(PlanRefusedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(RefusalReason.NO_BROKER_RACK);
                    assertThat(e.getMessage()).isEqualTo("brokers [3] run without broker.rack while the others have"
                            + " one, so no replica can go there without maybe breaking rack-awareness");
                });
        ClusterSnapshot plain = Clusters.snapshot(List.of(broker(0, null), broker(1, null), broker(2, null)), parts);
        assertThat(plan(plain, new PlanIntent.AddBrokers(List.of(broker(3, null))))).as("no racks anywhere: planned").isNotNull();
    }

    @Test
    void scaleUpWithoutRacksMovesExactlyTheMinimum() {
        ReassignmentPlan plan = plan(Clusters.fourBrokersNoRacks(),
                PlanIntent.addBrokers(Clusters.fourBrokersNoRacks(), 1, List.of()));

        assertThat(moves(plan)).containsExactly(
                "t-1 [2, 3] -> [0, 3] SCALE_UP",
                "t-3 [4, 1] -> [4, 0] SCALE_UP");
        assertThat(plan.stats().bytesMoved()).isEqualTo(4 * GB);
        assertThat(plan.stats().minBytesNeeded()).isEqualTo(4 * GB);
        assertThat(plan.stats().after().maxBytes()).isEqualTo(5 * GB);
    }

    @Test
    void scaleUpNeverMovesReplicasBetweenOldBrokers() {
        for (ClusterSnapshot s : List.of(Clusters.synthetic(6, 0, 300, 3, 3),
                Clusters.synthetic(9, 3, 400, 3, 4), Clusters.threeRacksSixBrokers())) {
            for (int added = 1; added <= 3; added++) {
                PlanIntent.AddBrokers intent = PlanIntent.addBrokers(s, added, List.of());
                Set<Integer> fresh = new HashSet<>();
                intent.brokers().forEach(b -> fresh.add(b.id()));
                ReassignmentPlan plan = plan(s, intent);

                assertThat(plan.moves()).isNotEmpty();
                for (Move m : plan.moves()) {
                    assertThat(m.newReplicas()).hasSameSizeAs(m.oldReplicas());
                    assertThat(m.adding()).as("%s", m).isNotEmpty().allMatch(fresh::contains);
                    int leader = m.newReplicas().get(0);
                    assertThat(leader == m.oldReplicas().get(0) || fresh.contains(leader))
                            .as("leadership of %s only moves onto a new broker", m).isTrue();
                }
            }
        }
    }

    @Test
    void scaleUpOnTwelveBrokersMeetsTheBenchmarkTargets() {
        ClusterSnapshot s = Clusters.synthetic(12, 0, 1200, 3, 42);
        PlanStats st = plan(s, PlanIntent.addBrokers(s, 1, List.of())).stats();

        assertThat(st.movedOverMin()).isBetween(0.95, 1.05);
        assertThat(st.after().bytesMaxOverMean()).isLessThanOrEqualTo(1.10);
        assertThat(st.after().leadersMaxOverMean()).isLessThanOrEqualTo(1.10);
        assertThat(st.before().bytesMaxOverMean()).isGreaterThan(1.05);
    }

    @Test
    void everyIntentKeepsRackAwarenessOnThreeRacks() {
        ClusterSnapshot six = Clusters.threeRacksSixBrokers();
        ClusterSnapshot nine = Clusters.synthetic(9, 3, 450, 3, 11);
        List<Object[]> cases = List.of(
                new Object[] {six, PlanIntent.addBrokers(six, 3, List.of())},
                new Object[] {six, new PlanIntent.RemoveBrokers(Set.of(6))},
                new Object[] {nine, PlanIntent.addBrokers(nine, 2, List.of("a", "b"))},
                new Object[] {nine, new PlanIntent.RemoveBrokers(Set.of(1, 5))},
                new Object[] {nine, new PlanIntent.Rebalance()});
        for (Object[] c : cases) {
            ClusterSnapshot s = (ClusterSnapshot) c[0];
            PlanIntent intent = (PlanIntent) c[1];
            ReassignmentPlan plan = plan(s, intent);
            Map<Integer, String> rack = new HashMap<>();
            s.brokers().forEach(b -> rack.put(b.id(), b.rack()));
            if (intent instanceof PlanIntent.AddBrokers add) {
                add.brokers().forEach(b -> rack.put(b.id(), b.rack()));
            }
            apply(s, plan).forEach((name, replicas) -> assertThat(
                    replicas.stream().map(rack::get).distinct().count())
                    .as("%s after %s: %s", name, intent.describe(), replicas).isEqualTo(3));
        }
    }

    @Test
    void scaleDownMovesExactlyTheRemovedBrokersReplicas() {
        ReassignmentPlan plan = plan(Clusters.threeRacksSixBrokers(),
                new PlanIntent.RemoveBrokers(Set.of(6)));

        // Broker 3 is the only other broker of rack c: everything of 6 must go there.
        assertThat(moves(plan)).containsExactly(
                "t-3 [4, 5, 6] -> [4, 5, 3] DRAIN",
                "t-4 [5, 6, 1] -> [5, 3, 1] DRAIN",
                "t-5 [6, 1, 2] -> [1, 3, 2] DRAIN",
                "t-6 [1, 5, 6] -> [1, 5, 3] DRAIN",
                "t-7 [2, 6, 4] -> [2, 3, 4] DRAIN",
                "t-11 [6, 4, 2] -> [3, 4, 2] DRAIN");
        assertThat(plan.stats().bytesMoved()).isEqualTo(plan.stats().minBytesNeeded())
                .isEqualTo(42 * GB);
    }

    @Test
    void scaleDownOfALargerClusterTouchesOnlyPartitionsOfTheRemovedBroker() {
        ClusterSnapshot s = Clusters.synthetic(10, 0, 500, 3, 5);
        ReassignmentPlan plan = plan(s, new PlanIntent.RemoveBrokers(Set.of(4, 7)));

        Set<String> onRemoved = new HashSet<>();
        long bytes = 0;
        for (PartitionState p : s.partitions()) {
            for (int r : p.replicas()) {
                if (r == 4 || r == 7) {
                    onRemoved.add(p.name());
                    bytes += p.sizeBytes();
                }
            }
        }
        assertThat(plan.moves()).extracting(Move::name).containsExactlyInAnyOrderElementsOf(onRemoved);
        for (Move m : plan.moves()) {
            assertThat(m.removing()).isSubsetOf(4, 7).isNotEmpty();
            assertThat(m.adding()).hasSameSizeAs(m.removing()).doesNotContain(4, 7);
        }
        assertThat(plan.stats().bytesMoved()).isEqualTo(bytes);
        assertThat(plan.stats().after().bytesMaxOverMean()).isLessThan(1.10);
    }

    @Test
    void scaleDownBelowTheReplicationFactorIsRefusedWithNumbers() {
        assertThatThrownBy(() -> plan(Clusters.threeBrokersRf3(),
                new PlanIntent.RemoveBrokers(Set.of(3))))
                .isInstanceOfSatisfying(PlanRefusedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(RefusalReason.NOT_ENOUGH_BROKERS);
                    assertThat(e.getMessage()).isEqualTo(
                            "remaining 2 brokers cannot hold RF 3 of topic orders");
                });
    }

    @Test
    void rebalanceMovesFromTheHeaviestToTheLightestBroker() {
        ReassignmentPlan plan = plan(Clusters.fourBrokersNoRacks(), new PlanIntent.Rebalance());

        // 2 holds 7 GB, 4 holds 3 GB, mean 5: no replica fits 2 GB, t-1 (3 GB) is the closest
        // that leaves both nearer the mean.
        assertThat(moves(plan)).containsExactly("t-1 [2, 3] -> [4, 3] BALANCE_BYTES");
        assertThat(plan.stats().after().maxBytes()).isEqualTo(6 * GB);
    }

    @Test
    void aNewBrokerRepairsAPartitionWhoseReplicasShareARack() {
        ClusterSnapshot s = Clusters.snapshot(
                List.of(broker(1, "a"), broker(2, "a"), broker(3, "b")),
                List.of(Clusters.partition("t", 0, GB, 1, 2, 3)));
        ReassignmentPlan plan = plan(s, new PlanIntent.AddBrokers(List.of(broker(4, "c"))));

        assertThat(moves(plan)).containsExactly("t-0 [1, 2, 3] -> [1, 4, 3] RACK_REPAIR");
    }

    @Test
    void theSameSeedGivesTheSamePlan() {
        ClusterSnapshot s = Clusters.synthetic(8, 0, 64, 3, 9);
        PlanIntent intent = new PlanIntent.RemoveBrokers(Set.of(2));

        List<Move> first = new ReassignmentPlanner(new Random(7)).plan(s, intent).moves();
        List<Move> second = new ReassignmentPlanner(new Random(7)).plan(s, intent).moves();

        assertThat(first).isNotEmpty().isEqualTo(second);
    }

    @Test
    void addBrokersFillsTheRacksWithFewestBrokersFirst() {
        ClusterSnapshot s = Clusters.snapshot(
                List.of(broker(1, "a"), broker(2, "b"), broker(5, "a"), broker(3, "c")), List.of());
        List<BrokerState> added = PlanIntent.addBrokers(s, 3, List.of()).brokers();

        // b and c have one broker each (b first by name), then every rack has two: a first.
        // Ids are the operator's: the lowest free ones (0, 4, 6), not highest + 1.
        assertThat(added).extracting(BrokerState::id).containsExactly(0, 4, 6);
        assertThat(added).extracting(BrokerState::rack).containsExactly("b", "c", "a");
        assertThat(PlanIntent.addBrokers(s, 2, List.of("z")).brokers())
                .extracting(BrokerState::rack).containsExactly("z", "z"); // named racks win
    }

    /**
     * Broker 4 is down: Kafka fenced it, so the snapshot lists no broker 4, but t-0 still names it. A new
     * broker with id 4 would be taken for it and handed its replicas, empty; the new ids skip it.
     */
    @Test
    void addBrokersNeverReusesTheIdOfABrokerThatIsDownButStillHoldsReplicas() {
        ClusterSnapshot s = Clusters.snapshot(List.of(broker(0, null), broker(1, null), broker(2, null), broker(3, null)),
                List.of(Clusters.partition("t", 0, 100, 0, 4)));
        assertThat(PlanIntent.addBrokers(s, 2, List.of()).brokers()).extracting(BrokerState::id).containsExactly(5, 6);
    }
}
