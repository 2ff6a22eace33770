package dev.berth.extender.placement;

import static dev.berth.extender.placement.Fixtures.broker;
import static dev.berth.extender.placement.Fixtures.node;
import static dev.berth.extender.placement.Fixtures.placed;
import static dev.berth.extender.placement.Fixtures.plainPod;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PlacementEngineTest {
    private final PlacementEngine engine = new PlacementEngine(Weights.DEFAULT, LeaderMetric.LEADERS);

    @Test
    void classCommentExampleHoldsExactly() {
        BrokerPod pod = broker("orders", null, null, 100L);
        NodeFacts n1 = node("n1", "a", 1024L, placed("kafka/o0", "orders-other-rack-filler", 0, 0, 0),
                placed("kafka/e0", "events", 300, 200, 0));
        NodeFacts n2 = node("n2", "b", 500L);
        NodeFacts a0 = node("a0", "a", 10L, placed("kafka/o1", "orders", 0, 0, 0)); // racks a:1, b:0
        List<Candidate> candidates = List.of(Candidate.known(n1), Candidate.known(n2));
        RackCounts counts = RackCounts.of(pod, List.of(n1, n2, a0));
        PlacementEngine skew2 = new PlacementEngine(Weights.DEFAULT, LeaderMetric.LEADERS, 2);
        assertThat(skew2.filter(pod, candidates, () -> counts)).containsExactly(null, null);
        assertThat(skew2.prioritize(pod, candidates, () -> counts)).containsExactly(
                new NodeScore("n1", 4, 5, 0, 6, 200),
                new NodeScore("n2", 10, 10, 10, 8, 0));
        // the default maxSkew 1: rack a holds one broker more than b, n1 is refused
        assertThat(engine.maxRackSkew()).isEqualTo(1);
        assertThat(engine.filter(pod, candidates, () -> counts)).containsExactly(Reason.RACK_SKEW, null);
        assertThat(engine.prioritize(pod, candidates, () -> counts)).extracting(NodeScore::total).containsExactly(0, 10);
    }

    /**
     * The reason rack spread is a filter: an idle, empty node in the fuller rack outscores a busy one in the emptier
     * rack (15 rack points lost, 20 leadership and 3 disk points won), and the bind would pin the broker there for
     * good. With the rule off the soft scores pick a-9; with the default only b-1 passes.
     */
    @Test
    void rackSpreadIsNotTradedForLoad() {
        BrokerPod pod = broker("orders", null, null, 100L);
        NodeFacts a1 = node("a-1", "a", 1024L, placed("kafka/o1", "orders", 100, 0, 0));
        NodeFacts a9 = node("a-9", "a", 1024L);
        NodeFacts b1 = node("b-1", "b", 1024L, placed("kafka/e1", "events", 600, 500, 0));
        List<Candidate> candidates = List.of(Candidate.known(a9), Candidate.known(b1));
        RackCounts counts = RackCounts.of(pod, List.of(a1, a9, b1)); // a:1, b:0
        PlacementEngine off = new PlacementEngine(Weights.DEFAULT, LeaderMetric.LEADERS, 0);
        NodeScore[] soft = off.prioritize(pod, candidates, () -> counts);
        assertThat(off.filter(pod, candidates, () -> counts)).containsExactly(null, null);
        assertThat(soft[0].total()).isGreaterThan(soft[1].total());
        assertThat(engine.filter(pod, candidates, () -> counts)).containsExactly(Reason.RACK_SKEW, null);
        assertThat(Reason.RACK_SKEW.permanent()).isTrue();
    }

    /** The rule's class comment, exactly: c-1 is out for its own broker, so m = 1 comes from rack b alone. */
    @Test
    void rackSkewRuleClassCommentExample() {
        BrokerPod pod = broker("orders", null, null, null);
        List<NodeFacts> fillers = List.of(
                node("a-1", "a", null, placed("kafka/o1", "orders", 0, 0, 0)),
                node("a-2", "a", null, placed("kafka/o2", "orders", 0, 0, 0)),
                node("b-1", "b", null, placed("kafka/o3", "orders", 0, 0, 0)));
        NodeFacts a9 = node("a-9", "a", null);
        NodeFacts b3 = node("b-3", "b", null, placed("kafka/e1", "events", 0, 900, 0));
        NodeFacts c1 = node("c-1", "c", null, placed("kafka/o4", "orders", 0, 0, 0));
        List<NodeFacts> all = new java.util.ArrayList<>(fillers);
        all.addAll(List.of(a9, b3, c1));
        RackCounts counts = RackCounts.of(pod, all);
        assertThat(counts.asMap()).isEqualTo(java.util.Map.of("a", 2, "b", 1, "c", 1));
        List<Candidate> candidates = List.of(Candidate.known(a9), Candidate.known(b3), Candidate.known(c1));
        assertThat(engine.filter(pod, candidates, () -> counts))
                .containsExactly(Reason.RACK_SKEW, null, Reason.SAME_CLUSTER_BROKER);
        assertThat(new PlacementEngine(Weights.DEFAULT, LeaderMetric.LEADERS, 2).filter(pod, candidates, () -> counts))
                .containsExactly(null, null, Reason.SAME_CLUSTER_BROKER);
        // pinned to a, the rule does not apply (a-9 passes) and never asks for the counts
        BrokerPod pinned = broker("orders", "a", null, null);
        assertThat(engine.filter(pinned, candidates, () -> { throw new AssertionError("pinned pods need no rack counts"); }))
                .containsExactly(null, Reason.RACK_MISMATCH, Reason.RACK_MISMATCH);
    }

    /**
     * Rack balance compares the racks the broker can go to. Rack d has no broker of {@code orders}, but its one node
     * offers no local disk: with m taken over every rack (0, d's), racks a (3 brokers) and b (2) both scored 0 and
     * the spread stopped. Over the racks on offer m = 2: b scores 10 and a 5.
     */
    @Test
    void rackBalanceComparesOnlyTheRacksTheBrokerCanGoTo() {
        BrokerPod pod = broker("orders", null, null, 100L);
        List<NodeFacts> fillers = List.of(
                node("a-1", "a", 1024L, placed("kafka/o1", "orders", 100, 0, 0)),
                node("a-2", "a", 1024L, placed("kafka/o2", "orders", 100, 0, 0)),
                node("a-3", "a", 1024L, placed("kafka/o3", "orders", 100, 0, 0)),
                node("b-1", "b", 1024L, placed("kafka/o4", "orders", 100, 0, 0)),
                node("b-2", "b", 1024L, placed("kafka/o5", "orders", 100, 0, 0)));
        NodeFacts a = node("a-9", "a", 1024L);
        NodeFacts b = node("b-9", "b", 1024L);
        NodeFacts d = node("d-gpu", "d", null); // another pool's zone: no berth.dev/disk-capacity
        List<NodeFacts> all = new java.util.ArrayList<>(fillers);
        all.addAll(List.of(a, b, d));
        List<Candidate> candidates = List.of(Candidate.known(a), Candidate.known(b), Candidate.known(d));
        PlacementEngine skew2 = new PlacementEngine(Weights.DEFAULT, LeaderMetric.LEADERS, 2);
        assertThat(skew2.filter(pod, candidates, () -> RackCounts.of(pod, all))).containsExactly(null, null, Reason.NO_LOCAL_DISK);
        NodeScore[] scores = skew2.prioritize(pod, candidates, () -> RackCounts.of(pod, all));
        assertThat(scores).extracting(NodeScore::rack).containsExactly(5, 10, 0);
        assertThat(scores[1].total()).isGreaterThan(scores[0].total());
        // the rack skew rule takes its m from the same racks: a (3) is refused against b (2), not d (0)
        assertThat(engine.filter(pod, candidates, () -> RackCounts.of(pod, all)))
                .containsExactly(Reason.RACK_SKEW, null, Reason.NO_LOCAL_DISK);
    }

    @Test
    void podsWithoutClusterLabelPassEveryNodeWithScoreZero() {
        List<Candidate> candidates = List.of(Candidate.known(node("n1", null, null)), Candidate.failed("ghost", Reason.UNKNOWN_NODE));
        assertThat(engine.filter(plainPod(), candidates, () -> { throw new AssertionError("not needed"); })).containsExactly(null, null);
        assertThat(engine.prioritize(plainPod(), candidates, () -> { throw new AssertionError("not needed"); }))
                .containsExactly(NodeScore.zero("n1"), NodeScore.zero("ghost"));
    }

    @Test
    void everyCandidateIsAccountedForInOrder() {
        BrokerPod pod = broker("orders", "a", null, 100L);
        List<Candidate> candidates = List.of(
                Candidate.failed("ghost", Reason.UNKNOWN_NODE),
                Candidate.known(node("b1", "b", 500L)),
                Candidate.known(node("a1", "a", 500L)),
                Candidate.known(node("a2", "a", 500L, placed("kafka/o1", "orders", 1, 0, 0))));
        assertThat(engine.filter(pod, candidates, () -> { throw new AssertionError("pinned pods need no rack counts"); })).containsExactly(
                Reason.UNKNOWN_NODE, Reason.RACK_MISMATCH, null, Reason.SAME_CLUSTER_BROKER);
        NodeScore[] scores = engine.prioritize(pod, candidates, () -> { throw new AssertionError("pinned pods need no rack counts"); });
        assertThat(scores).extracting(NodeScore::node).containsExactly("ghost", "b1", "a1", "a2");
        assertThat(scores).extracting(NodeScore::total).containsExactly(0, 0, 10, 0); // rack 10, leaders 10, disk 8 -> 58/6 = 9.67 -> 10
    }

    @Test
    void bytesInMetricChangesWhichNodeIsLighter() {
        BrokerPod pod = broker("orders", "a", null, null);
        NodeFacts manyLeaders = node("many", "a", null, placed("kafka/e0", "events", 0, 900, 1_000));
        NodeFacts hotBytes = node("hot", "a", null, placed("kafka/e1", "events", 0, 10, 90_000_000));
        List<Candidate> c = List.of(Candidate.known(manyLeaders), Candidate.known(hotBytes));
        assertThat(engine.prioritize(pod, c, null)).extracting(NodeScore::leaders).containsExactly(0, 9);
        PlacementEngine byBytes = new PlacementEngine(Weights.DEFAULT, LeaderMetric.BYTES_IN);
        assertThat(byBytes.prioritize(pod, c, null)).extracting(NodeScore::leaders).containsExactly(9, 0);
    }
}
