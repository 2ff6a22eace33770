package dev.berth.operator.plan;

import static dev.berth.operator.plan.Clusters.GB;
import static dev.berth.operator.plan.Clusters.broker;
import static dev.berth.operator.plan.Clusters.partition;
import static dev.berth.operator.plan.Clusters.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.operator.model.BrokerState;
import dev.berth.operator.model.PartitionState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/**
 * The planner's phases one at a time, on a {@link WorkingModel}, with exact results: the replica
 * lists after the phase (as broker ids), and what the phase returns. The whole-planner tests check
 * goals over many partitions; these pin each phase's own rule, so a slip in one comparison shows
 * up here by name rather than as a slightly worse balance somewhere else.
 */
class PlanPhasesTest {

    // ---- LeaderPhase ---------------------------------------------------------------------------

    /**
     * Brokers 1..4 without racks lead 3, 3, 2, 0 (mean 2): the class comment's example. t-5 is
     * [1,4,2], the only partition broker 4 holds.
     */
    static List<PartitionState> leadersThreeThreeTwoZero() {
        return List.of(
                partition("t", 0, GB, 1, 2), partition("t", 1, GB, 1, 3), partition("t", 2, GB, 2, 1),
                partition("t", 3, GB, 2, 3), partition("t", 4, GB, 3, 1), partition("t", 5, GB, 1, 4, 2),
                partition("t", 6, GB, 2, 3), partition("t", 7, GB, 3, 2));
    }

    record LeaderRow(String why, List<PartitionState> parts, IntPredicate allowed, Set<Integer> mayGain,
            int swaps, String after) {}

    @Test
    void leaderPhaseHandsLeadershipOnlyWhereItEvensTheCounts() {
        List<BrokerState> four = List.of(broker(1, null), broker(2, null), broker(3, null), broker(4, null));
        LeaderRow[] rows = {
            new LeaderRow("the class comment's example: only t-5 may change", leadersThreeThreeTwoZero(), p -> p == 5,
                    Set.of(1, 2, 3, 4), 1, "[1,2] [1,3] [2,1] [2,3] [3,1] [4,1,2] [2,3] [3,2]"),
            new LeaderRow("all allowed: t-5 is still the only swap that lowers the spread, since 1 and 3 lead 2"
                    + " once it is made, and 2 + 1 < 3 fails for broker 2's partitions", leadersThreeThreeTwoZero(),
                    p -> true, Set.of(1, 2, 3, 4), 1, "[1,2] [1,3] [2,1] [2,3] [3,1] [4,1,2] [2,3] [3,2]"),
            new LeaderRow("broker 4 may not gain: nothing moves", leadersThreeThreeTwoZero(), p -> true,
                    Set.of(1, 2, 3), 0, "[1,2] [1,3] [2,1] [2,3] [3,1] [1,4,2] [2,3] [3,2]"),
            new LeaderRow("the lighter of two candidates takes it: 3 leads 0, 2 leads 1",
                    List.of(partition("u", 0, GB, 1, 2, 3), partition("u", 1, GB, 1, 2, 3), partition("u", 2, GB, 2, 1)),
                    p -> true, Set.of(1, 2, 3, 4), 1, "[3,2,1] [1,2,3] [2,1]"),
            new LeaderRow("one step apart is balanced enough: 2 leads, 1 leads 1, no swap", List.of(
                    partition("v", 0, GB, 2, 1), partition("v", 1, GB, 2, 1), partition("v", 2, GB, 1, 2)),
                    p -> true, Set.of(1, 2, 3, 4), 0, "[2,1] [2,1] [1,2]"),
            new LeaderRow("a single replica has no one to hand over to", List.of(
                    partition("w", 0, GB, 1), partition("w", 1, GB, 1), partition("w", 2, GB, 1)),
                    p -> true, Set.of(1, 2, 3, 4), 0, "[1] [1] [1]"),
            new LeaderRow("each swap reads the counts as they are now: 1 leads 4 (mean 1), gives one to 2 (0),"
                    + " one more to 2 (1), one to 3; its last stays, since it then leads 1", List.of(
                    partition("x", 0, GB, 1, 2), partition("x", 1, GB, 1, 2), partition("x", 2, GB, 1, 3),
                    partition("x", 3, GB, 1, 3)),
                    p -> true, Set.of(1, 2, 3, 4), 3, "[2,1] [2,1] [3,1] [1,3]"),
            new LeaderRow("a second pass takes what the first could not: 1 (3) to 2 (2) is blocked until 4 (0)"
                    + " has taken one of 2's; 3 holds nothing (mean 1.25)", List.of(
                    partition("y", 0, GB, 1, 2), partition("y", 1, GB, 1, 2), partition("y", 2, GB, 1, 2),
                    partition("y", 3, GB, 2, 4), partition("y", 4, GB, 2, 4)),
                    p -> true, Set.of(1, 2, 3, 4), 2, "[2,1] [1,2] [1,2] [4,2] [2,4]"),
        };
        for (LeaderRow row : rows) {
            WorkingModel m = new WorkingModel(snapshot(four, row.parts()), List.of(), Set.of());
            int swaps = new LeaderPhase(m).run(row.allowed(), b -> row.mayGain().contains(m.brokerId[b]));
            assertThat(lists(m)).as(row.why()).isEqualTo(row.after());
            assertThat(swaps).as(row.why()).isEqualTo(row.swaps());
            for (int p = 0; p < m.partitionCount(); p++) {
                assertThat(m.changed(p) ? m.reason[p] : null).as(row.why() + ", partition " + p)
                        .isEqualTo(m.changed(p) ? MoveReason.LEADER_BALANCE : null);
            }
        }
    }

    // ---- WorkingModel.canMove -----------------------------------------------------------------

    record MoveRow(String why, List<BrokerState> brokers, Set<Integer> removed, int from, int to, boolean allowed) {}

    @Test
    void aReplicaMayMoveOnlyToAnActiveBrokerOutsideItsSetAndItsOtherReplicasRacks() {
        List<BrokerState> sixOnThreeRacks = List.of(broker(1, "a"), broker(2, "b"), broker(3, "c"),
                broker(4, "a"), broker(5, "b"), broker(6, "c"));
        List<BrokerState> fourOnTwoRacks = List.of(broker(1, "a"), broker(2, "b"), broker(3, "b"), broker(4, "a"));
        MoveRow[] rows = {
            // partition [1,2,3] on racks a,b,c: rack-aware, so a target's rack must hold none of the others
            new MoveRow("same rack as the leaving replica", sixOnThreeRacks, Set.of(), 1, 4, true),
            new MoveRow("a rack another replica is in", sixOnThreeRacks, Set.of(), 1, 5, false),
            new MoveRow("a broker that already holds it", sixOnThreeRacks, Set.of(), 1, 2, false),
            new MoveRow("a broker being removed", sixOnThreeRacks, Set.of(4), 1, 4, false),
            // [1,2,3] on racks a,b,b: two racks for RF 3, so not rack-aware; no rack may end up fuller
            // than the leaving replica's rack was
            new MoveRow("two racks, from b (2 there) to a (1 there): a gets 2", fourOnTwoRacks, Set.of(), 3, 4, true),
            new MoveRow("two racks, from a (1 there) to a: a keeps 1", fourOnTwoRacks, Set.of(), 1, 4, true),
        };
        for (MoveRow row : rows) {
            WorkingModel m = new WorkingModel(snapshot(row.brokers(), List.of(partition("t", 0, GB, 1, 2, 3))),
                    List.of(), row.removed());
            assertThat(m.canMove(0, m.index(row.from()), m.index(row.to()))).as(row.why()).isEqualTo(row.allowed());
        }
        // RF 4 on three racks a,b,c,a: not rack-aware; b's replica may not go to c, which would then
        // hold two where b held one, but a's may (a held two)
        List<BrokerState> five = List.of(broker(1, "a"), broker(2, "b"), broker(3, "c"), broker(4, "a"), broker(5, "c"));
        WorkingModel rf4 = new WorkingModel(snapshot(five, List.of(partition("t", 0, GB, 1, 2, 3, 4))), List.of(), Set.of());
        assertThat(rf4.rackAware(0)).isFalse();
        assertThat(rf4.canMove(0, rf4.index(2), rf4.index(5))).as("b to c").isFalse();
        assertThat(rf4.canMove(0, rf4.index(4), rf4.index(5))).as("a to c").isTrue();
    }

    // ---- DrainPhase ---------------------------------------------------------------------------

    @Test
    void drainPlacesTheLargestReplicaFirstOnTheLightestBrokerItMayUse() {
        // the class comment's example: 4 (rack a) leaves with a 9 GB and a 1 GB replica, listed small
        // first; 1 (5 GB) and 5 (3 GB) stay in rack a. Largest first: 9 GB to 5, then 1 GB to 1.
        List<BrokerState> brokers = List.of(broker(1, "a"), broker(2, "b"), broker(3, "c"), broker(4, "a"), broker(5, "a"));
        List<PartitionState> parts = List.of(
                partition("t", 0, GB, 2, 4, 3), partition("t", 1, 9 * GB, 4, 2, 3),
                partition("u", 0, 5 * GB, 1, 2, 3), partition("u", 1, 3 * GB, 5, 2, 3));
        WorkingModel m = new WorkingModel(snapshot(brokers, parts), List.of(), Set.of(4));
        long moved = new DrainPhase(m, new Random(1)).drainRemoved();
        assertThat(lists(m)).isEqualTo("[2,1,3] [5,2,3] [1,2,3] [5,2,3]");
        assertThat(moved).isEqualTo(10 * GB);
        assertThat(m.bytes[m.index(1)]).isEqualTo(6 * GB);
        assertThat(m.bytes[m.index(5)]).isEqualTo(12 * GB);
        assertThat(m.bytes[m.index(4)]).isZero();
        assertThat(m.count[m.index(4)]).isZero();
        assertThat(m.reason[1]).isEqualTo(MoveReason.DRAIN);
        assertThat(m.reason[2]).isNull();
    }

    @Test
    void drainBreaksAByteTieByReplicaCountThenBySeed() {
        // 1 and 5 both hold 4 GB, 1 in one replica and 5 in two: the leaving replica goes to 1
        List<BrokerState> brokers = List.of(broker(1, "a"), broker(2, "b"), broker(3, "c"), broker(4, "a"), broker(5, "a"));
        List<PartitionState> parts = List.of(partition("t", 0, GB, 4, 2, 3), partition("u", 0, 4 * GB, 1, 2, 3),
                partition("u", 1, 2 * GB, 5, 2, 3), partition("u", 2, 2 * GB, 2, 5, 3));
        WorkingModel m = new WorkingModel(snapshot(brokers, parts), List.of(), Set.of(4));
        new DrainPhase(m, new Random(1)).drainRemoved();
        assertThat(lists(m)).startsWith("[1,2,3]");

        // a full tie (4 GB in two replicas each): the seed picks, and every seed picks one of the two
        List<PartitionState> even = List.of(partition("t", 0, GB, 4, 2, 3), partition("u", 0, 2 * GB, 1, 2, 3),
                partition("u", 1, 2 * GB, 2, 1, 3), partition("u", 2, 2 * GB, 5, 2, 3), partition("u", 3, 2 * GB, 2, 5, 3));
        Set<String> picked = new java.util.TreeSet<>();
        Random seeds = new Random(7); // not 0..31: java.util.Random's first draws from small seeds barely differ
        for (int i = 0; i < 32; i++) {
            WorkingModel t = new WorkingModel(snapshot(brokers, even), List.of(), Set.of(4));
            new DrainPhase(t, new Random(seeds.nextLong())).drainRemoved();
            picked.add(lists(t).substring(0, 7));
        }
        assertThat(picked).containsExactly("[1,2,3]", "[5,2,3]");
    }

    @Test
    void drainWithNowhereToGoIsRefusedNamingThePartitionAndTheRacks() {
        // 3 (the only broker of rack c) leaves: RF 3 now spans two racks, and 4 would put a second
        // replica of t-0 in rack a, more than rack c held: refused, nothing moved
        List<BrokerState> brokers = List.of(broker(1, "a"), broker(2, "b"), broker(3, "c"), broker(4, "a"));
        WorkingModel m = new WorkingModel(snapshot(brokers, List.of(partition("t", 0, GB, 1, 2, 3))), List.of(), Set.of(3));
        assertThatThrownBy(() -> new DrainPhase(m, new Random(1)).drainRemoved())
                .isInstanceOfSatisfying(PlanRefusedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(RefusalReason.NO_ELIGIBLE_TARGET);
                    assertThat(e.getMessage()).isEqualTo("partition t-0 cannot leave broker 3: 1 remaining brokers"
                            + " outside its replica set, none in a rack other than [a, b]");
                });
        assertThat(lists(m)).isEqualTo("[1,2,3]");
    }

    @Test
    void rackRepairMovesTheLaterOfTwoReplicasSharingARackToAFreeRack() {
        // t-0 = [1,4,2] has 1 and 4 both in rack a; 3 (rack c) is the only broker of a free rack
        List<BrokerState> brokers = List.of(broker(1, "a"), broker(2, "b"), broker(3, "c"), broker(4, "a"));
        List<PartitionState> parts = List.of(partition("t", 0, 2 * GB, 1, 4, 2), partition("t", 1, GB, 1, 2, 3));
        WorkingModel m = new WorkingModel(snapshot(brokers, parts), List.of(), Set.of());
        long moved = new DrainPhase(m, new Random(1)).repairRacks(b -> true);
        assertThat(lists(m)).isEqualTo("[1,3,2] [1,2,3]");
        assertThat(moved).isEqualTo(2 * GB);
        assertThat(m.reason[0]).isEqualTo(MoveReason.RACK_REPAIR);

        WorkingModel barred = new WorkingModel(snapshot(brokers, parts), List.of(), Set.of());
        assertThat(new DrainPhase(barred, new Random(1)).repairRacks(b -> barred.brokerId[b] != 3)).isZero();
        assertThat(lists(barred)).as("no allowed target: left as it is").isEqualTo("[1,4,2] [1,2,3]");
    }

    // ---- FillPhase ----------------------------------------------------------------------------

    @Test
    void fillTakesReplicasNearTheWantedSizeFromTheMostLoadedDonorUntilTheNewBrokerIsFull() {
        // the class comment's example with RF 1: brokers 1,2,3 hold 10,1,8,2,5,4 GB (30 GB, 6 leaders)
        // each; 4 is new. Mean 22.5 GB and 4.5 leaders; want 22.5 / 4.5 = 5 GB.
        // 5 GB from 1, 2 and 3 in turn (each leads most); need 7.5, count short 1.5: want 5, but a
        // donor's excess is now 2.5, so the 2 GB ones follow, from 1, 2, 3. Need 1.5 is left, and no
        // replica fits under a donor's 0.5 GB excess, nor under twice it: broker 4 is full at 21 GB.
        List<BrokerState> brokers = List.of(broker(1, null), broker(2, null), broker(3, null), broker(4, null));
        long[] sizes = {10, 1, 8, 2, 5, 4};
        List<PartitionState> parts = new ArrayList<>();
        for (int b = 1; b <= 3; b++) {
            for (int i = 0; i < sizes.length; i++) {
                parts.add(partition("b" + b, i, sizes[i] * GB, b));
            }
        }
        WorkingModel m = new WorkingModel(snapshot(brokers, parts), List.of(), Set.of());
        int four = m.index(4);
        boolean[] donate = {true, true, true, false};
        long minimum = new FillPhase(m).run(new int[] {four}, donate, MoveReason.SCALE_UP);
        assertThat(minimum).isEqualTo(22_500_000_000L);
        assertThat(lists(m)).isEqualTo(
                "[1] [1] [1] [4] [4] [1] " + "[2] [2] [2] [4] [4] [2] " + "[3] [3] [3] [4] [4] [3]");
        assertThat(m.bytes).containsExactly(23 * GB, 23 * GB, 23 * GB, 21 * GB);
        assertThat(m.leaders).containsExactly(4, 4, 4, 6);
        assertThat(m.reason[4]).isEqualTo(MoveReason.SCALE_UP);
    }

    /** Every partition's replica list as broker ids, e.g. {@code [1,2] [3,1]}. */
    private static String lists(WorkingModel m) {
        List<String> out = new ArrayList<>();
        for (int[] r : m.replicas) {
            out.add(Arrays.toString(Arrays.stream(r).map(i -> m.brokerId[i]).toArray()).replace(" ", ""));
        }
        return String.join(" ", out);
    }
}
