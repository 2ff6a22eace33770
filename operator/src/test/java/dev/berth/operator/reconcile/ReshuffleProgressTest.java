package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.plan.Clusters;
import dev.berth.operator.plan.PlanIntent;
import dev.berth.operator.plan.ReassignmentPlan;
import dev.berth.operator.plan.ReassignmentPlanner;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Progress in status is recomputed from each pass's re-plan: it only moves forward. */
class ReshuffleProgressTest {
    private static final OperationStatus START = new OperationStatus("ScaleDown", "Draining",
            List.of(6), 0L, null, 0, null, "2026-01-01T00:00:00Z", null, Map.of());

    /**
     * When a pass is done, per {@code plan empty, bytes moving, total bytes, brokers, share}: what is left is
     * measured against an average broker's bytes, not all bytes, so a new broker gets 90 % of its share in a
     * cluster of any size. A plan that moves only empty partitions is carried out: counting its 0 bytes as
     * "under 2 % of 0" declared a scale-up on empty topics done without moving anything, and a drain of empty
     * partitions never ended (EmptyTopicsScaleTest shows both on real brokers).
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "empty={0} moving={1} total={2} brokers={3} share={4} -> {5}")
    @org.junit.jupiter.params.provider.CsvSource({
            "true,  0,          0,             3,  0.1, true",   // nothing to do
            "true,  0,          1000000000,    3,  0,   true",   // a drain with nothing left
            "false, 20000000,   1000000000,    5,  0.1, true",   // a tenth of a broker's 200 MB: balanced
            "false, 30000000,   1000000000,    5,  0.1, false",  // 15 % of a broker's bytes: keep going
            "false, 10000000,   1000000000,    50, 0.1, false",  // 1 % of all bytes, but half of a broker's 20 MB
            "false, 2000000,    1000000000,    50, 0.1, true",   // a tenth of a broker's 20 MB: balanced
            "false, 0,          0,             3,  0.1, false",  // empty partitions on empty topics: move them
            "false, 0,          1000000000,    3,  0.1, false",  // empty partitions among full ones: free, move them
            "false, 0,          0,             3,  0,   false",  // a drain of empty partitions: move them
            "false, 1,          1000000000,    3,  0,   false",  // a drain with one byte left: move it
            "false, 100,        1000,          0,  0.1, true",   // no broker listed: counted as one
    })
    void aPassIsSettledWhenThePlanIsEmptyOrMovesOnlyASliverOfABrokersBytes(boolean empty, long moving, long total,
            int brokers, double share, boolean settled) {
        assertThat(Reshuffle.settled(empty, moving, total, brokers, share)).isEqualTo(settled);
    }

    /**
     * A scale-up of 150 brokers in 3 racks (RF 3, 1,500 partitions of about 1 GB) by one, its passes played
     * out on the model: it starts, and ends with the new broker holding at least 90 % of its rack's average,
     * and not more than 110 % of what its rack's other brokers hold on average (a planner that overfilled it
     * would move data twice).
     * With 2 % of all bytes as the bar (before), the first plan, the new broker's whole share (about 1.5 % of
     * all bytes), already counted as balanced: the scale-up never started and the new broker stayed empty.
     */
    @Test
    void aScaleUpOfALargeClusterStartsAndFillsTheNewBrokerToItsShare() {
        int n = 150;
        ClusterSnapshot large = Clusters.synthetic(n, 3, 1500, 3, 7L);
        List<dev.berth.operator.model.BrokerState> brokers = new java.util.ArrayList<>(large.brokers());
        dev.berth.operator.model.BrokerState added = Clusters.broker(n + 1, "r0");
        brokers.add(added);
        ClusterSnapshot s = Clusters.snapshot(brokers, large.partitions());
        PlanIntent add = new PlanIntent.AddBrokers(List.of(added));
        int passes = 0;
        while (true) {
            ReassignmentPlan plan = new ReassignmentPlanner(new Random(Reshuffle.SEED)).plan(s, add);
            if (Reshuffle.settled(plan, s, Reshuffle.BALANCED_SHARE)) {
                break;
            }
            assertThat(++passes).as("converges").isLessThan(20);
            Map<String, List<Integer>> after = new java.util.HashMap<>();
            plan.moves().forEach(m -> after.put(m.name(), m.newReplicas()));
            s = Clusters.snapshot(brokers, s.partitions().stream().map(p -> after.containsKey(p.name())
                    ? new dev.berth.operator.model.PartitionState(p.topic(), p.partition(), after.get(p.name()),
                            after.get(p.name()).get(0), after.get(p.name()), p.sizeBytes(), 0) : p).toList());
        }
        assertThat(passes).as("started").isPositive();
        Map<Integer, Long> held = new java.util.HashMap<>();
        s.partitions().forEach(p -> p.replicas().forEach(r -> held.merge(r, p.sizeBytes(), Long::sum)));
        List<dev.berth.operator.model.BrokerState> rack = brokers.stream().filter(b -> "r0".equals(b.rack())).toList();
        double average = rack.stream().mapToLong(b -> held.getOrDefault(b.id(), 0L)).sum() / (double) rack.size();
        assertThat((double) held.getOrDefault(n + 1, 0L)).as("the new broker's bytes against its rack's average")
                .isGreaterThanOrEqualTo(0.9 * average);
        double others = rack.stream().filter(b -> b.id() != n + 1).mapToLong(b -> held.getOrDefault(b.id(), 0L)).sum()
                / (double) (rack.size() - 1);
        assertThat((double) held.getOrDefault(n + 1, 0L)).as("not filled past the other brokers of its rack")
                .isLessThanOrEqualTo(1.1 * others);
    }

    @Test
    void movedIsTheFirstPlansTotalMinusWhatIsLeftAndNeverGoesBack() {
        ClusterSnapshot s = Clusters.threeRacksSixBrokers();
        ReassignmentPlan first = new ReassignmentPlanner(new Random(1))
                .plan(s, new PlanIntent.RemoveBrokers(Set.of(6)));
        OperationStatus p1 = Reshuffle.progress(START, "Draining", first, null);
        assertThat(p1.bytesMoved()).isZero();
        assertThat(p1.bytesTotal()).isEqualTo(42 * Clusters.GB); // broker 6's replicas
        assertThat(p1.partitionsTotal()).isEqualTo(6);

        ReassignmentPlan smaller = new ReassignmentPlan(first.intent(), first.moves().subList(2, 6),
                new dev.berth.operator.plan.PlanStats(first.moves().subList(2, 6).stream()
                        .mapToLong(m -> m.bytesMoved()).sum(), 0, 4, 0,
                        first.stats().before(), first.stats().after()), first.brokers());
        OperationStatus p2 = Reshuffle.progress(p1, "Draining", smaller, null);
        long left = smaller.stats().bytesMoved();
        assertThat(p2.bytesMoved()).isEqualTo(42 * Clusters.GB - left);
        assertThat(p2.partitionsDone()).isEqualTo(2);

        OperationStatus p3 = Reshuffle.progress(p2, "Verifying", null, null); // plan empty: done
        assertThat(p3.bytesMoved()).isEqualTo(p3.bytesTotal()).isEqualTo(42 * Clusters.GB);
        assertThat(p3.partitionsDone()).isEqualTo(p3.partitionsTotal()).isEqualTo(6);
        assertThat(p3.phase()).isEqualTo("Verifying");

        // a topic created on the leaving broker meanwhile: the next plan has more left than the last. What moved
        // stays moved, and the totals grow by the new bytes and partitions
        OperationStatus grown = Reshuffle.progress(p2, "Draining", first, null);
        assertThat(grown.bytesMoved()).isEqualTo(p2.bytesMoved());
        assertThat(grown.bytesTotal()).isEqualTo(p2.bytesMoved() + 42 * Clusters.GB);
        assertThat(grown.partitionsDone()).isEqualTo(2);
        assertThat(grown.partitionsTotal()).isEqualTo(2 + 6);
    }

    @Test
    void whileKafkaRunsABatchEachPartitionThatLeavesItsListCountsAsDone() {
        OperationStatus planned = new OperationStatus("ScaleUp", "Reassigning", List.of(3), 1_000L, 5_000L, 1, 5,
                "2026-01-01T00:00:00Z", "m", Map.of("progressBaseBytesMoved", "1000", "progressBasePartitionsDone", "1"));
        Map<String, Long> sizes = Map.of("t-0", 1_000L, "t-1", 1_000L, "t-2", 500L, "t-3", 500L);
        Map<String, Integer> batch = Map.of("t-0", 1, "t-1", 1, "t-2", 2); // 3,000 bytes of 4,000 left running

        OperationStatus first = Reshuffle.inFlight(planned, batch, sizes);
        assertThat(first.bytesMoved()).isEqualTo(1_000L); // just submitted: nothing of the batch is done yet
        assertThat(first.partitionsDone()).isEqualTo(1);

        OperationStatus later = Reshuffle.inFlight(first, Map.of("t-1", 1), sizes); // t-0 and t-2 finished
        assertThat(later.bytesMoved()).isEqualTo(1_000L + 2_000L);
        assertThat(later.partitionsDone()).isEqualTo(3);
        assertThat(later.bytesTotal()).isEqualTo(5_000L);

        OperationStatus stale = Reshuffle.inFlight(later, batch, sizes); // an older view never moves it back
        assertThat(stale.bytesMoved()).isEqualTo(3_000L);
        assertThat(stale.partitionsDone()).isEqualTo(3);

        OperationStatus replanned = Reshuffle.progress(later, "Reassigning", null, null); // next plan: empty
        assertThat(replanned.bytesMoved()).isEqualTo(5_000L);
        assertThat(replanned.details()).doesNotContainKey("progressBatchBytes")
                .containsEntry("progressBaseBytesMoved", "5000");
        OperationStatus noPlanYet = new OperationStatus("ScaleDown", "Draining", List.of(6), 0L, null, 0, null,
                "2026-01-01T00:00:00Z", null, Map.of());
        assertThat(Reshuffle.inFlight(noPlanYet, batch, sizes)).isSameAs(noPlanYet); // no totals to count against
    }

    @Test
    void refusalReasonsBecomeCamelCaseConditionReasons() {
        assertThat(ScaleDownStep.camel("NOT_ENOUGH_BROKERS")).isEqualTo("NotEnoughBrokers");
        assertThat(ScaleDownStep.camel("NOT_ENOUGH_RACKS")).isEqualTo("NotEnoughRacks");
        assertThat(ScaleDownStep.camel("INVALID_INTENT")).isEqualTo("InvalidIntent");
    }

    @Test
    void aNarrowedOperationCountsOnlyWhatReallyMovesAfterTheCallOff() {
        // a batch of 4 partitions of 1,000 bytes adding one replica each, 2 of them moves off the broker called back
        OperationStatus running = new OperationStatus("ScaleDown", "Draining", List.of(3, 4), 0L, 4000L, 0, 4,
                "2026-01-01T00:00:00Z", null, Map.of());
        Map<String, Long> sizes = Map.of("t-0", 1000L, "t-1", 1000L, "t-2", 1000L, "t-3", 1000L);
        running = Reshuffle.inFlight(running, Map.of("t-0", 1, "t-1", 1, "t-2", 1, "t-3", 1), sizes);
        OperationStatus narrowed = Reshuffle.narrowed(running, "Draining", List.of(4), "m", running.details());
        assertThat(narrowed.bytesTotal()).as("unknown until the next plan").isNull();
        assertThat(narrowed.bytesMoved()).isZero();
        // t-0 and t-1 were cancelled: they leave Kafka's list without having moved
        OperationStatus after = Reshuffle.inFlight(narrowed, Map.of("t-2", 1, "t-3", 1), sizes);
        assertThat(after.bytesMoved()).isZero();
        // kept as it was, the batch bookkeeping counted the cancelled ones as moved
        OperationStatus kept = Reshuffle.inFlight(running, Map.of("t-2", 1, "t-3", 1), sizes);
        assertThat(kept.bytesMoved()).isEqualTo(2000L);
        // the next plan gives the totals again: 2,000 bytes left to move off broker 4
        assertThat(narrowed.details()).doesNotContainKeys(Reshuffle.BATCH_BYTES, Reshuffle.BATCH_PARTITIONS,
                MoveCancel.ORIGINS);
    }

    /**
     * What a call-off keeps (a scale-down narrowed, a scale set aside by {@link MakeWay}): the bytes and partitions
     * moved so far, also as the base the next plan's progress counts from; an operation with no progress yet
     * counts from zero. Details that are not the batch's stay.
     */
    @Test
    void aNarrowedOperationKeepsWhatMovedSoFarAsItsBase() {
        OperationStatus halfway = new OperationStatus("ScaleUp", "Reassigning", List.of(3), 1500L, 6000L, 2, 8,
                "2026-01-01T00:00:00Z", null, Map.of(Reshuffle.BATCH_BYTES, "3000", "keep", "me"));
        OperationStatus parked = Reshuffle.narrowed(halfway, "Suspended", List.of(3), "m", halfway.details());
        assertThat(parked.bytesMoved()).isEqualTo(1500L);
        assertThat(parked.partitionsDone()).isEqualTo(2);
        assertThat(parked.partitionsTotal()).isNull();
        assertThat(parked.phase()).isEqualTo("Suspended");
        assertThat(parked.startedAt()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(parked.details()).containsEntry(Reshuffle.BASE_BYTES, "1500").containsEntry(Reshuffle.BASE_PARTITIONS, "2")
                .containsEntry("keep", "me").doesNotContainKey(Reshuffle.BATCH_BYTES);

        OperationStatus fresh = new OperationStatus("ScaleUp", "Reassigning", List.of(3), null, null, null, null,
                "2026-01-01T00:00:00Z", null, Map.of());
        OperationStatus none = Reshuffle.narrowed(fresh, "Suspended", List.of(3), "m", Map.of());
        assertThat(none.bytesMoved()).isZero();
        assertThat(none.partitionsDone()).isZero();
        assertThat(none.details()).containsEntry(Reshuffle.BASE_BYTES, "0").containsEntry(Reshuffle.BASE_PARTITIONS, "0");
    }

    @Test
    void aNumberInADetailIsReadTrimmedAndAnythingElseGivesTheFallback() {
        Map<String, String> d = Map.of("a", " 12 ", "b", "x", "c", "99999999999");
        assertThat(Reshuffle.longDetail(d, "a", -1)).isEqualTo(12L);
        assertThat(Reshuffle.longDetail(d, "b", -1)).isEqualTo(-1L);
        assertThat(Reshuffle.longDetail(d, "none", 7)).isEqualTo(7L);
        assertThat(Reshuffle.intDetail(d, "c", 0)).as("capped, not wrapped").isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void theNewestReceiversStopWhenTheSpecWantsFewerBrokers() {
        assertThat(ScaleUpStep.surplus(List.of(3, 4), Set.of(), 1)).containsExactly(4);
        assertThat(ScaleUpStep.surplus(List.of(3, 4), Set.of(), 3)).containsExactly(3, 4);
        assertThat(ScaleUpStep.surplus(List.of(4, 3), Set.of(), 2)).containsExactly(3, 4);
        assertThat(ScaleUpStep.surplus(List.of(3), Set.of(), 0)).isEmpty();
        assertThat(ScaleUpStep.surplus(List.of(3), Set.of(), -1)).isEmpty();
        // the next pass, broker 4 dropped and still there: it covers the excess, 3 keeps receiving
        assertThat(ScaleUpStep.surplus(List.of(3), Set.of(4), 1)).isEmpty();
        assertThat(ScaleUpStep.surplus(List.of(3), Set.of(4), 2)).containsExactly(3);
        // a dropped broker lost meanwhile (no longer desired) is not passed: 3 goes
        assertThat(ScaleUpStep.surplus(List.of(3), Set.of(), 1)).containsExactly(3);
    }

    @Test
    void handEditedDetailsNeverStopAnOperation() {
        OperationStatus edited = new OperationStatus("ScaleDown", "Draining", List.of(3), 10L, 100L, 1, 4,
                "2026-01-01T00:00:00Z", null, Map.of(Reshuffle.SETTLING_SINCE, "x", Reshuffle.BASE_BYTES, "lots",
                        Reshuffle.BATCH_BYTES, "", MoveCancel.ORIGINS, "orders-0:3,1,2"));
        java.time.Instant now = java.time.Instant.parse("2026-01-01T00:10:00Z");
        assertThat(Reshuffle.lastBatch(edited, now)).as("a bad start reads as now").containsKey("orders-0");
        assertThat(Reshuffle.settling(edited, now).details()).containsEntry(Reshuffle.SETTLING_SINCE, "2026-01-01T00:10:00Z");
        OperationStatus next = Reshuffle.inFlight(edited, Map.of("t-0", 1), Map.of("t-0", 5L));
        assertThat(next.bytesMoved()).isEqualTo(10L);
    }

    /**
     * Passes wait up to 30 s of clock time for describeTopics to show the last batch's end, however many
     * come meanwhile; the start is kept from the first of them.
     */
    @Test
    void waitingForTheBatchsEndIsBoundedInTimeNotPasses() {
        java.time.Instant t0 = java.time.Instant.parse("2026-01-01T00:00:00Z");
        OperationStatus op = new OperationStatus("ScaleDown", "Draining", List.of(3), 0L, 100L, 0, 4,
                "2026-01-01T00:00:00Z", null, Map.of(MoveCancel.ORIGINS, "orders-0:3,1,2"));
        for (int pass = 0; pass < 20; pass++) { // twenty passes a second apart: all still wait
            java.time.Instant at = t0.plusSeconds(pass);
            assertThat(Reshuffle.lastBatch(op, at)).as("pass %d", pass).containsKey("orders-0");
            op = Reshuffle.settling(op, at);
            assertThat(op.details()).containsEntry(Reshuffle.SETTLING_SINCE, "2026-01-01T00:00:00Z");
        }
        assertThat(Reshuffle.lastBatch(op, t0.plusSeconds(29))).containsKey("orders-0");
        assertThat(Reshuffle.lastBatch(op, t0.plusSeconds(30))).as("gave up waiting").isEmpty();
        assertThat(Reshuffle.lastBatch(Reshuffle.withDetails(op, Map.of(Reshuffle.SETTLING_SINCE, "2027-01-01T00:00:00Z",
                MoveCancel.ORIGINS, "orders-0:3,1,2")), t0.plusSeconds(60))).as("a start in the future is now").isNotEmpty();
    }
}
