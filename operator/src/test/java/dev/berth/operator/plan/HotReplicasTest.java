package dev.berth.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.model.BrokerState;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.DiskSpace;
import dev.berth.operator.model.PartitionState;
import dev.berth.operator.model.TopicState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HotReplicasTest {
    private static final HotLeaders.Policy POLICY = new HotLeaders.Policy(0.25, 1, HotReplicas.MAX_MOVES);

    /** A partition {@code hot-n}: replicas (the first leads), ISR, bytes-in and size. */
    record P(List<Integer> replicas, List<Integer> isr, double rate, long size) {
        P(List<Integer> replicas, double rate) {
            this(replicas, replicas, rate, 100);
        }

        P(List<Integer> replicas, double rate, long size) {
            this(replicas, replicas, rate, size);
        }
    }

    /**
     * @param racks broker id to rack, in id order
     * @param leadership the first stage's moves, which come first and are not this stage's
     */
    record Row(String why, Map<Integer, String> racks, List<P> partitions, HotLeaders.Policy policy,
            List<String> leadership, List<String> moves, Map<Integer, Double> after) {}

    @Test
    void movesTheHotLeadersReplicaToTheCoolestBrokerOnlyWhereLeadershipCannotHelp() {
        Map<Integer, String> abc = Map.of(0, "a", 1, "b", 2, "c");
        Map<Integer, String> aabb = Map.of(0, "a", 1, "a", 2, "b", 3, "b");
        Row[] rows = {
            new Row("the class comment's example: RF 1, nothing for leadership to do", abc,
                    List.of(new P(List.of(0), 2), new P(List.of(0), 2), new P(List.of(0), 2)), POLICY,
                    List.of(), List.of("hot-0 [0] -> [1]", "hot-1 [0] -> [2]"), Map.of(0, 2.0, 1, 2.0, 2, 2.0)),
            new Row("leadership does what it can, and no replica move lowers 0's 3: hot-1 would only move the hot spot",
                    abc, List.of(new P(List.of(0, 1), 3), new P(List.of(0, 2), 3)), POLICY,
                    List.of("hot-0 [0, 1] -> [1, 0]"), List.of(), Map.of(0, 3.0, 1, 3.0, 2, 0.0)),
            new Row("leadership first, then a replica for what it leaves hot", abc,
                    List.of(new P(List.of(0, 1), 4), new P(List.of(0, 1), 2), new P(List.of(0, 1), 2)), POLICY,
                    List.of("hot-0 [0, 1] -> [1, 0]"), List.of("hot-1 [0, 1] -> [2, 1]"), Map.of(0, 2.0, 1, 4.0, 2, 2.0)),
            new Row("rack-aware: 3 is cooler, but shares rack b with the follower 2; 1 shares 0's rack a", aabb,
                    List.of(new P(List.of(0, 2), 4), new P(List.of(0, 2), 4), new P(List.of(2, 0), 8), new P(List.of(1, 3), 1)),
                    POLICY, List.of(), List.of("hot-0 [0, 2] -> [1, 2]"), Map.of(0, 4.0, 1, 5.0, 2, 8.0, 3, 0.0)),
            new Row("a partition not fully in sync keeps its replicas (hot-0 to 2 would tie with hot-1 and win, being smaller);"
                    + " hot-1 goes to 2, which holds fewer bytes than 1, hot-0's follower", abc,
                    List.of(new P(List.of(0, 1), List.of(0), 4, 100), new P(List.of(0), 2, 200)), POLICY,
                    List.of(), List.of("hot-1 [0] -> [2]"), Map.of(0, 4.0, 1, 0.0, 2, 2.0)),
            new Row("one partition is the whole load: moving it only moves the hot spot", abc,
                    List.of(new P(List.of(0), 9)), POLICY, List.of(), List.of(), Map.of(0, 9.0, 1, 0.0, 2, 0.0)),
            new Row("equal load either way: the broker with fewer replica bytes takes it", abc,
                    List.of(new P(List.of(0), 4, 10), new P(List.of(0), 4, 10), new P(List.of(1), 0, 500)), POLICY,
                    List.of(), List.of("hot-0 [0] -> [2]"), Map.of(0, 4.0, 1, 0.0, 2, 4.0)),
            new Row("equal load and bytes: the smaller partition moves", abc,
                    List.of(new P(List.of(0), 4, 900), new P(List.of(0), 4, 30)), POLICY,
                    List.of(), List.of("hot-1 [0] -> [1]"), Map.of(0, 4.0, 1, 4.0, 2, 0.0)),
            new Row("at most maxMoves replicas", abc,
                    List.of(new P(List.of(0), 2), new P(List.of(0), 2), new P(List.of(0), 2)),
                    new HotLeaders.Policy(0.25, 1, 1), List.of(), List.of("hot-0 [0] -> [1]"),
                    Map.of(0, 4.0, 1, 2.0, 2, 0.0)),
            new Row("a replica on a broker Kafka does not list keeps its partition where it is", Map.of(0, "a", 1, "b"),
                    List.of(new P(List.of(0, 7), 3), new P(List.of(0), 3)), POLICY,
                    List.of(), List.of("hot-1 [0] -> [1]"), Map.of(0, 3.0, 1, 3.0)),
            new Row("within the tolerance: nothing moves", abc,
                    List.of(new P(List.of(0), 5), new P(List.of(1), 4), new P(List.of(2), 3)), POLICY,
                    List.of(), List.of(), Map.of(0, 5.0, 1, 4.0, 2, 3.0)),
        };
        for (Row r : rows) {
            ClusterSnapshot s = snapshot(r.racks(), r.partitions());
            HotLeaders.Plan first = HotLeaders.plan(s, r.policy());
            HotReplicas.Plan plan = HotReplicas.plan(s, first, r.policy(), 10);
            assertThat(first.moves()).as(r.why()).extracting(Move::toString)
                    .containsExactlyElementsOf(r.leadership().stream().map(m -> m + " HOT_LEADER").toList());
            assertThat(plan.moves()).as(r.why()).extracting(Move::toString)
                    .containsExactlyElementsOf(r.moves().stream().map(m -> m + " HOT_REPLICA").toList());
            assertThat(plan.after()).as(r.why()).isEqualTo(r.after());
            assertThat(plan.moves()).as(r.why()).noneMatch(Move::leaderOnly);
        }
    }

    @Test
    void theBytesToCopyAndWhoStaysHotAfterBothStages() {
        ClusterSnapshot s = snapshot(Map.of(0, "a", 1, "b", 2, "c"),
                List.of(new P(List.of(0), 2, 1_000), new P(List.of(0), 2, 3_000), new P(List.of(0), 2, 5_000)));
        HotReplicas.Plan plan = HotReplicas.plan(s, HotLeaders.plan(s, POLICY), POLICY, 10);
        assertThat(plan.bytesMoved()).as("hot-0 and hot-1, one log each").isEqualTo(4_000);
        assertThat(plan.stuck()).isNull();

        ClusterSnapshot alone = snapshot(Map.of(0, "a", 1, "b", 2, "c"), List.of(new P(List.of(0), 9), new P(List.of(0), 1)));
        HotReplicas.Plan one = HotReplicas.plan(alone, HotLeaders.plan(alone, POLICY), POLICY, 10);
        assertThat(one.moves()).extracting(Move::toString).containsExactly("hot-1 [0] -> [1] HOT_REPLICA");
        // hot-0 to 1 would lower 0's 10 to 9 as well (loads 1 and 9): the one with less produce moves
        assertThat(one.stuck()).as("hot-0 alone keeps broker 0 hot").isEqualTo(new HotLeaders.Stuck(0, 9.0, "hot-0", 9.0));
    }

    /** Disks of 1000 bytes; each partition is 100 bytes, and 10 % of each disk stays free. */
    @Test
    void aDestinationTakesNoMoreThanItsDiskHasRoomFor() {
        record Disks(String why, Map<Integer, DiskSpace> disks, List<String> moves, String held) {}
        Map<Integer, String> racks = Map.of(0, "a", 1, "b", 2, "c", 3, "d");
        List<P> four = List.of(new P(List.of(0), 2), new P(List.of(0), 2), new P(List.of(0), 2), new P(List.of(0), 2));
        Disks[] rows = {
            new Disks("no disk known: every broker is trusted", Map.of(),
                    List.of("hot-0 [0] -> [1]", "hot-1 [0] -> [2]", "hot-2 [0] -> [3]"), null),
            new Disks("1 and 2 cannot keep 100 free after 100 more; 3 can; then the reserve holds the next back",
                    Map.of(1, new DiskSpace(1000, 199), 2, new DiskSpace(1000, 150), 3, new DiskSpace(1000, 200)),
                    List.of("hot-0 [0] -> [3]"), "hot-1 [0] -> [1]"),
            new Disks("room for one on 1, counted across the plan: its second would leave 99 free",
                    Map.of(1, new DiskSpace(1000, 299), 2, new DiskSpace(1000, 0), 3, new DiskSpace(1000, 0)),
                    List.of("hot-0 [0] -> [1]"), "hot-1 [0] -> [2]"),
            new Disks("room for two on 1, and none for a third anywhere", Map.of(1, new DiskSpace(1000, 300),
                    2, new DiskSpace(1000, 0), 3, new DiskSpace(1000, 0)), List.of("hot-0 [0] -> [1]",
                    "hot-1 [0] -> [1]"), "hot-2 [0] -> [2]"),
            new Disks("no room anywhere", Map.of(1, new DiskSpace(1000, 0), 2, new DiskSpace(1000, 0),
                    3, new DiskSpace(1000, 0)), List.of(), "hot-0 [0] -> [1]"),
        };
        for (Disks r : rows) {
            ClusterSnapshot s = snapshot(racks, four, r.disks());
            HotReplicas.Plan plan = HotReplicas.plan(s, HotLeaders.plan(s, POLICY), POLICY, 10);
            assertThat(plan.moves()).as(r.why()).extracting(Move::toString)
                    .containsExactlyElementsOf(r.moves().stream().map(m -> m + " HOT_REPLICA").toList());
            assertThat(plan.roomBlocked() == null ? null : plan.roomBlocked().toString()).as(r.why())
                    .isEqualTo(r.held() == null ? null : r.held() + " HOT_REPLICA");
            assertThat(plan.stuck() != null).as(r.why()).isEqualTo(r.held() != null);
        }
    }

    @Test
    void nothingIsPlannedWhenTheFirstStageLeavesNobodyHot() {
        ClusterSnapshot s = snapshot(Map.of(0, "a", 1, "b", 2, "c"),
                List.of(new P(List.of(0, 1, 2), 3), new P(List.of(0, 2, 1), 3), new P(List.of(0, 1, 2), 3)));
        HotLeaders.Plan first = HotLeaders.plan(s, POLICY);
        assertThat(first.stuck()).isNull();
        HotReplicas.Plan plan = HotReplicas.plan(s, first, POLICY, 10);
        assertThat(plan.moves()).isEmpty();
        assertThat(plan.after()).isEqualTo(first.after());
    }

    private static ClusterSnapshot snapshot(Map<Integer, String> racks, List<P> partitions) {
        return snapshot(racks, partitions, Map.of());
    }

    private static ClusterSnapshot snapshot(Map<Integer, String> racks, List<P> partitions,
            Map<Integer, DiskSpace> disks) {
        List<PartitionState> parts = new ArrayList<>();
        for (int i = 0; i < partitions.size(); i++) {
            P p = partitions.get(i);
            parts.add(new PartitionState("hot", i, p.replicas(), p.replicas().get(0), p.isr(), p.size(), p.rate()));
        }
        List<BrokerState> brokers = new java.util.TreeMap<>(racks).entrySet().stream()
                .map(e -> new BrokerState(e.getKey(), e.getValue(), "h", 9092)).toList();
        return new ClusterSnapshot(Instant.EPOCH, brokers, Map.of("hot", new TopicState("hot", 1, 1)), parts, disks);
    }
}
