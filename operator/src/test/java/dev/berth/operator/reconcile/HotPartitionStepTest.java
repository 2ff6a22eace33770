package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.model.BrokerState;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.DiskSpace;
import dev.berth.operator.model.PartitionState;
import dev.berth.operator.plan.HotLeaders;
import dev.berth.operator.plan.HotReplicas;
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

    /**
     * The Warning's last sentence, for broker 0 leading solo-0..3 (RF 1, 100 bytes and 2 B/s each) with
     * brokers 1..3 idle: which advice it gives, by mode and by the destinations' disks.
     */
    @Test
    void theStuckWarningSaysWhatWouldHelpAndWhetherTheDiskReserveHoldsItBack() {
        record Row(String why, dev.berth.operator.api.HotPartitionsSpec.Mode mode, Map<Integer, DiskSpace> disks,
                String ending) {}
        Map<Integer, DiskSpace> full = Map.of(1, new DiskSpace(1000, 0), 2, new DiskSpace(1000, 0),
                3, new DiskSpace(1000, 0));
        Row[] rows = {
            new Row("Leadership, and replica moves would help", dev.berth.operator.api.HotPartitionsSpec.Mode.Leadership,
                    Map.of(), "Moving replicas would lower it: set spec.rebalance.hotPartitions.mode to Replicas."),
            new Row("Leadership, but every destination's disk is full",
                    dev.berth.operator.api.HotPartitionsSpec.Mode.Leadership, full, "Moving solo-0 (100 B) to broker 1"
                            + " would lower it, but no broker that could take it has the disk room with"
                            + " spec.rebalance.minFreeDiskPercent (10%) kept free."),
            new Row("Replicas, every destination's disk full", dev.berth.operator.api.HotPartitionsSpec.Mode.Replicas,
                    full, "Moving solo-0 (100 B) to broker 1 would lower it, but no broker that could take it has"
                            + " the disk room with spec.rebalance.minFreeDiskPercent (10%) kept free."),
        };
        List<BrokerState> brokers = List.of(new BrokerState(0, "a", "h", 1), new BrokerState(1, "b", "h", 1),
                new BrokerState(2, "c", "h", 1), new BrokerState(3, "d", "h", 1));
        List<PartitionState> parts = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            parts.add(new PartitionState("solo", i, List.of(0), 0, List.of(0), 100, 2));
        }
        for (Row r : rows) {
            ClusterSnapshot s = new ClusterSnapshot(Instant.EPOCH, brokers, Map.of(), parts, r.disks());
            dev.berth.operator.api.HotPartitionsSpec hot = new dev.berth.operator.api.HotPartitionsSpec(r.mode(), 25, 1L);
            HotLeaders.Policy policy = new HotLeaders.Policy(0.25, 1, HotLeaders.MAX_MOVES);
            HotLeaders.Plan first = HotLeaders.plan(s, policy);
            HotReplicas.Plan possible = HotReplicas.plan(s, first, policy, 10);
            HotReplicas.Plan replicas = r.mode() == dev.berth.operator.api.HotPartitionsSpec.Mode.Replicas ? possible
                    : new HotReplicas.Plan(List.of(), first.after(), first.stuck());
            assertThat(HotPartitionStep.stuck(first, replicas, possible, hot, 10)).as(r.why())
                    .startsWith("Broker 0 leads 8 B/s of produce against a mean of 2 B/s (tolerance 25%), and no ")
                    .endsWith(r.ending());
        }
    }

    /**
     * The whole Warning when moves are planned but do not suffice: broker 0 leads big-0 at 90 B/s and small-0..1 at
     * 6 B/s each, every partition on brokers 0..2. big-0's leadership goes to broker 1, which then leads it alone
     * over the mean; the message counts the move planned, says "no other", and names the partition. With three
     * brokers holding every replica, no replica move exists in either mode.
     */
    @Test
    void theStuckWarningCountsTheMovesPlannedAndNamesThePartitionThatKeepsTheBrokerHot() {
        List<BrokerState> brokers = List.of(new BrokerState(0, "a", "h", 1), new BrokerState(1, "b", "h", 1),
                new BrokerState(2, "c", "h", 1));
        List<PartitionState> parts = List.of(new PartitionState("big", 0, List.of(0, 1, 2), 0, List.of(0, 1, 2), 100, 90),
                new PartitionState("small", 0, List.of(0, 1, 2), 0, List.of(0, 1, 2), 100, 6),
                new PartitionState("small", 1, List.of(0, 1, 2), 0, List.of(0, 1, 2), 100, 6));
        ClusterSnapshot s = new ClusterSnapshot(Instant.EPOCH, brokers, Map.of(), parts, Map.of());
        HotLeaders.Policy policy = new HotLeaders.Policy(0.25, 1, HotLeaders.MAX_MOVES);
        HotLeaders.Plan first = HotLeaders.plan(s, policy);
        HotReplicas.Plan possible = HotReplicas.plan(s, first, policy, 10);
        assertThat(first.moves()).hasSize(1);
        assertThat(possible.moves()).isEmpty();
        HotReplicas.Plan none = new HotReplicas.Plan(List.of(), first.after(), first.stuck());
        assertThat(HotPartitionStep.stuck(first, none, possible, new dev.berth.operator.api.HotPartitionsSpec(
                dev.berth.operator.api.HotPartitionsSpec.Mode.Leadership, 25, 1L), 10)).isEqualTo("Broker 1 will still"
                        + " lead 90 B/s of produce after the 1 leadership move planned, against a mean of 34 B/s"
                        + " (tolerance 25%), and no other leadership move lowers it: big-0 alone carries 90 B/s. More"
                        + " partitions would spread it (the topic owner's call).");
        assertThat(HotPartitionStep.stuck(first, possible, possible, new dev.berth.operator.api.HotPartitionsSpec(
                dev.berth.operator.api.HotPartitionsSpec.Mode.Replicas, 25, 1L), 10)).isEqualTo("Broker 1 will still"
                        + " lead 90 B/s of produce after the 1 leadership or replica move planned, against a mean of 34"
                        + " B/s (tolerance 25%), and no other leadership or replica move lowers it: big-0 alone carries"
                        + " 90 B/s. More partitions would spread it (the topic owner's call).");
    }
    /**
     * Mode Replicas, where both stages plan moves and a broker stays hot: broker 0 leads p-0 ([0, 2], 10 B/s) and
     * s-0..3 (RF 1, 30 B/s each), broker 1 leads big-0 (RF 1, 80 B/s), brokers 2 and 3 lead nothing; mean 52.5 B/s.
     * p-0's leadership goes to broker 2, then s-0 and s-1 move off broker 0, after which broker 1 is the hottest and
     * big-0 cannot be split. The message counts the moves of both stages.
     */
    @Test
    void theStuckWarningCountsTheMovesOfBothStages() {
        List<BrokerState> brokers = List.of(new BrokerState(0, "a", "h", 1), new BrokerState(1, "b", "h", 1),
                new BrokerState(2, "c", "h", 1), new BrokerState(3, "d", "h", 1));
        List<PartitionState> parts = new java.util.ArrayList<>(List.of(
                new PartitionState("p", 0, List.of(0, 2), 0, List.of(0, 2), 100, 10),
                new PartitionState("big", 0, List.of(1), 1, List.of(1), 100, 80)));
        for (int i = 0; i < 4; i++) {
            parts.add(new PartitionState("s", i, List.of(0), 0, List.of(0), 100, 30));
        }
        ClusterSnapshot s = new ClusterSnapshot(Instant.EPOCH, brokers, Map.of(), parts, Map.of());
        HotLeaders.Policy policy = new HotLeaders.Policy(0.25, 1, HotLeaders.MAX_MOVES);
        HotLeaders.Plan first = HotLeaders.plan(s, policy);
        HotReplicas.Plan replicas = HotReplicas.plan(s, first, policy, 10);
        assertThat(first.moves()).extracting(m -> m.name()).containsExactly("p-0");
        assertThat(replicas.moves()).extracting(m -> m.name()).containsExactly("s-0", "s-1");
        assertThat(HotPartitionStep.stuck(first, replicas, replicas, new dev.berth.operator.api.HotPartitionsSpec(
                dev.berth.operator.api.HotPartitionsSpec.Mode.Replicas, 25, 1L), 10)).isEqualTo("Broker 1 will still"
                        + " lead 80 B/s of produce after the 3 leadership or replica moves planned, against a mean of 53"
                        + " B/s (tolerance 25%), and no other leadership or replica move lowers it: big-0 alone carries"
                        + " 80 B/s. More partitions would spread it (the topic owner's call).");
    }
}
