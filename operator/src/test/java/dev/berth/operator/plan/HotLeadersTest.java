package dev.berth.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.model.BrokerState;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.PartitionState;
import dev.berth.operator.model.TopicState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HotLeadersTest {
    private static final HotLeaders.Policy POLICY = new HotLeaders.Policy(0.25, 1, 50);

    /** A partition {@code hot-n}: its replicas, leader (the first replica), ISR and bytes-in. */
    record P(List<Integer> replicas, List<Integer> isr, double rate) {
        P(List<Integer> replicas, double rate) {
            this(replicas, replicas, rate);
        }
    }

    record Row(String why, List<Integer> brokers, List<P> partitions, HotLeaders.Policy policy, List<String> moves,
            Map<Integer, Double> after) {}

    @Test
    void handsLeadershipFromTheHottestBrokerToInSyncReplicasUntilNearTheMean() {
        List<Integer> three = List.of(0, 1, 2);
        Row[] rows = {
            new Row("the class comment's example", three,
                    List.of(new P(List.of(0, 1, 2), 6), new P(List.of(0, 2, 1), 3), new P(List.of(0, 1, 2), 3)), POLICY,
                    List.of("hot-0 [0, 1, 2] -> [1, 0, 2]", "hot-1 [0, 2, 1] -> [2, 0, 1]"), Map.of(0, 3.0, 1, 6.0, 2, 3.0)),
            new Row("within the tolerance: 5 is not above 4 × 1.25", three,
                    List.of(new P(List.of(0, 1, 2), 5), new P(List.of(1, 2, 0), 4), new P(List.of(2, 0, 1), 3)), POLICY,
                    List.of(), Map.of(0, 5.0, 1, 4.0, 2, 3.0)),
            new Row("hot, but less than the minimum above the mean", three,
                    List.of(new P(List.of(0, 1, 2), 6), new P(List.of(0, 2, 1), 6)), new HotLeaders.Policy(0.25, 9, 50),
                    List.of(), Map.of(0, 12.0, 1, 0.0, 2, 0.0)),
            new Row("a replica out of sync does not take leadership", three,
                    List.of(new P(List.of(0, 1, 2), List.of(0, 2), 6), new P(List.of(0, 1), 6)), POLICY,
                    List.of("hot-0 [0, 1, 2] -> [2, 0, 1]"), Map.of(0, 6.0, 1, 0.0, 2, 6.0)),
            new Row("a move that leaves the pair's max as it was is no move: 0 and 2 stay at 6", three,
                    List.of(new P(List.of(0, 2, 1), 6), new P(List.of(0, 1, 2), 6)), POLICY,
                    List.of("hot-0 [0, 2, 1] -> [2, 0, 1]"), Map.of(0, 6.0, 1, 0.0, 2, 6.0)),
            new Row("no other replica in sync: nothing can move", three,
                    List.of(new P(List.of(0, 1), List.of(0), 6), new P(List.of(0), 6)), POLICY,
                    List.of(), Map.of(0, 12.0, 1, 0.0, 2, 0.0)),
            new Row("one partition holds all the load: moving it only moves the hot spot", three,
                    List.of(new P(List.of(0, 1, 2), 12)), POLICY, List.of(), Map.of(0, 12.0, 1, 0.0, 2, 0.0)),
            new Row("at most maxMoves moves", three,
                    List.of(new P(List.of(0, 1, 2), 3), new P(List.of(0, 1, 2), 3), new P(List.of(0, 2, 1), 3)),
                    new HotLeaders.Policy(0.25, 1, 1), List.of("hot-0 [0, 1, 2] -> [1, 0, 2]"),
                    Map.of(0, 6.0, 1, 3.0, 2, 0.0)),
            new Row("a replica on a broker Kafka does not list (down) is no candidate", List.of(0, 1),
                    List.of(new P(List.of(0, 2, 1), 4), new P(List.of(0, 2, 1), 4)), POLICY,
                    List.of("hot-0 [0, 2, 1] -> [1, 0, 2]"), Map.of(0, 4.0, 1, 4.0)),
            new Row("partitions without produce never move", three,
                    List.of(new P(List.of(0, 1, 2), 0), new P(List.of(0, 1, 2), 9), new P(List.of(1, 2, 0), 0)), POLICY,
                    List.of(), Map.of(0, 9.0, 1, 0.0, 2, 0.0)),
            new Row("a tie on the resulting max: the first partition, then the first replica in its list", three,
                    List.of(new P(List.of(0, 2, 1), 2), new P(List.of(0, 1, 2), 2), new P(List.of(0, 1, 2), 2)), POLICY,
                    List.of("hot-0 [0, 2, 1] -> [2, 0, 1]", "hot-1 [0, 1, 2] -> [1, 0, 2]"), Map.of(0, 2.0, 1, 2.0, 2, 2.0)),
            new Row("two hot brokers: the hottest first, then the next", List.of(0, 1, 2, 3),
                    List.of(new P(List.of(0, 2), 4), new P(List.of(0, 3), 4), new P(List.of(1, 2), 4), new P(List.of(1, 3), 2)),
                    POLICY, List.of("hot-0 [0, 2] -> [2, 0]", "hot-3 [1, 3] -> [3, 1]"),
                    Map.of(0, 4.0, 1, 4.0, 2, 4.0, 3, 2.0)),
        };
        for (Row r : rows) {
            HotLeaders.Plan plan = HotLeaders.plan(snapshot(r.brokers(), r.partitions()), r.policy());
            assertThat(plan.moves()).as(r.why()).extracting(Move::toString)
                    .containsExactlyElementsOf(r.moves().stream().map(m -> m + " HOT_LEADER").toList());
            assertThat(plan.after()).as(r.why()).isEqualTo(r.after());
            assertThat(plan.moves()).as(r.why()).allMatch(Move::leaderOnly);
        }
    }

    @Test
    void thePlanKeepsTheLoadsBeforeTheMeanAndTheHottestBroker() {
        HotLeaders.Plan plan = HotLeaders.plan(snapshot(List.of(0, 1, 2),
                List.of(new P(List.of(1, 0, 2), 6), new P(List.of(1, 2, 0), 3), new P(List.of(2, 0, 1), 3))), POLICY);
        assertThat(plan.before()).isEqualTo(Map.of(0, 0.0, 1, 9.0, 2, 3.0));
        assertThat(plan.mean()).isEqualTo(4.0);
        assertThat(plan.hottest()).isEqualTo(1);
        assertThat(plan.moves()).extracting(Move::toString).containsExactly("hot-0 [1, 0, 2] -> [0, 1, 2] HOT_LEADER");
        assertThat(plan.after()).isEqualTo(Map.of(0, 6.0, 1, 3.0, 2, 3.0));
    }

    @Test
    void aLeaderThatIsNotTheFirstReplicaCountsWhereItLeadsNow() {
        // hot-0 lists 1 first but 0 leads (1 was away, still out of sync): 0 is the loaded one, and 2 takes it
        ClusterSnapshot s = new ClusterSnapshot(Instant.EPOCH, brokers(List.of(0, 1, 2)), Map.of("hot", new TopicState("hot", 3, 1)),
                List.of(new PartitionState("hot", 0, List.of(1, 0, 2), 0, List.of(0, 2), 10, 6),
                        new PartitionState("hot", 1, List.of(0, 1, 2), 0, List.of(0, 1, 2), 10, 6)));
        HotLeaders.Plan plan = HotLeaders.plan(s, POLICY);
        assertThat(plan.before()).isEqualTo(Map.of(0, 12.0, 1, 0.0, 2, 0.0));
        assertThat(plan.moves()).extracting(Move::toString)
                .containsExactly("hot-0 [1, 0, 2] -> [2, 1, 0] HOT_LEADER");
        assertThat(plan.after()).isEqualTo(Map.of(0, 6.0, 1, 0.0, 2, 6.0));
    }

    @Test
    void aBrokerStillHotAfterThePlanIsNamedWithItsBusiestPartition() {
        List<Integer> three = List.of(0, 1, 2);
        HotLeaders.Plan example = HotLeaders.plan(snapshot(three,
                List.of(new P(List.of(0, 1, 2), 6), new P(List.of(0, 2, 1), 3), new P(List.of(0, 1, 2), 3))), POLICY);
        assertThat(example.stuck()).as("the class comment's example: 1 ends at 6 > 5, all of it hot-0")
                .isEqualTo(new HotLeaders.Stuck(1, 6.0, "hot-0", 6.0));
        HotLeaders.Plan alone = HotLeaders.plan(snapshot(three, List.of(new P(List.of(0, 1, 2), 12))), POLICY);
        assertThat(alone.moves()).isEmpty();
        assertThat(alone.stuck()).as("no move at all").isEqualTo(new HotLeaders.Stuck(0, 12.0, "hot-0", 12.0));
        HotLeaders.Plan movedOnto = HotLeaders.plan(snapshot(three,
                List.of(new P(List.of(0, 1, 2), List.of(0, 2), 6), new P(List.of(0, 1), 2), new P(List.of(0, 1), 4))),
                POLICY);
        assertThat(movedOnto.moves()).extracting(Move::toString).containsExactly("hot-0 [0, 1, 2] -> [2, 0, 1] HOT_LEADER",
                "hot-1 [0, 1] -> [1, 0] HOT_LEADER");
        assertThat(movedOnto.stuck()).as("loads 4, 2, 6: 2 is still hot, leading only hot-0")
                .isEqualTo(new HotLeaders.Stuck(2, 6.0, "hot-0", 6.0));
        HotLeaders.Plan evened = HotLeaders.plan(snapshot(three,
                List.of(new P(List.of(0, 1, 2), 3), new P(List.of(0, 2, 1), 3), new P(List.of(0, 1, 2), 3))), POLICY);
        assertThat(evened.after()).isEqualTo(Map.of(0, 3.0, 1, 3.0, 2, 3.0));
        assertThat(evened.stuck()).as("evened: nobody is hot").isNull();
        HotLeaders.Plan calm = HotLeaders.plan(snapshot(three, List.of(new P(List.of(0, 1, 2), 5),
                new P(List.of(1, 2, 0), 4), new P(List.of(2, 0, 1), 3))), POLICY);
        assertThat(calm.stuck()).as("never hot").isNull();
    }

    @Test
    void ratesReadAsPeopleWriteThem() {
        assertThat(HotLeaders.rate(0)).isEqualTo("0 B/s");
        assertThat(HotLeaders.rate(1023.4)).isEqualTo("1023 B/s");
        assertThat(HotLeaders.rate(1024)).isEqualTo("1.0 KiB/s");
        assertThat(HotLeaders.rate(321_433)).isEqualTo("313.9 KiB/s");
        assertThat(HotLeaders.rate(3 * 1024 * 1024 + 104_858)).isEqualTo("3.1 MiB/s");
    }

    private static ClusterSnapshot snapshot(List<Integer> brokers, List<P> partitions) {
        List<PartitionState> parts = new ArrayList<>();
        for (int i = 0; i < partitions.size(); i++) {
            P p = partitions.get(i);
            parts.add(new PartitionState("hot", i, p.replicas(), p.replicas().get(0), p.isr(), 100, p.rate()));
        }
        return new ClusterSnapshot(Instant.EPOCH, brokers(brokers), Map.of("hot", new TopicState("hot", 3, 1)), parts);
    }

    private static List<BrokerState> brokers(List<Integer> ids) {
        return ids.stream().map(id -> new BrokerState(id, "r" + id, "h", 9092)).toList();
    }
}
