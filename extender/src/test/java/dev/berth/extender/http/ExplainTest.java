package dev.berth.extender.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.extender.placement.BrokerPod;
import dev.berth.extender.placement.LeaderMetric;
import dev.berth.extender.placement.NodeFacts;
import dev.berth.extender.placement.NodeTable;
import dev.berth.extender.placement.PlacementEngine;
import dev.berth.extender.placement.Scores;
import dev.berth.extender.placement.Weights;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bind Event's sentence, from the prioritize decision of the pod's cycle when there was one. */
class ExplainTest {
    private static final BrokerPod POD = new BrokerPod("kafka", "orders-0", "u0", "orders", 0, null, null, 1L << 30);
    private static final NodeTable TABLE = NodeTable.of(List.of(
            new NodeFacts("n1", "a", 1L << 40, List.of()),
            new NodeFacts("n2", "b", 1L << 40, List.of())));

    @Test
    void theSentenceNamesTheNodeItsRackAndItsScoreAmongTheScoredOnes() {
        Scores scores = new PlacementEngine(Weights.DEFAULT, LeaderMetric.LEADERS).prioritize(POD, TABLE, new int[] {0, 1},
                () -> TABLE.rackCounts(POD));
        Decision scored = new Decision(Instant.EPOCH, "prioritize", POD.key(), POD.uid(), POD.cluster(), POD.brokerId(), "scored",
                List.of("n1", "n2"), null, scores, null, null, 1, POD);
        record Row(String node, String rack, Decision scored, String sentence) {}
        String n2 = "score " + scores.total(1) + "/10 (rack balance " + scores.rack(1) + ", leadership load " + scores.leaders(1)
                + ", disk headroom " + scores.disk(1) + "), among 2 scored node(s).";
        for (Row row : List.of(
                new Row("n2", "b", scored, "Placed on node n2 (rack b): " + n2),
                new Row("n2", null, scored, "Placed on node n2: " + n2),
                // kube-scheduler skips prioritize when one node is left, and binds where the filter allowed
                new Row("n9", "c", scored, "Placed on node n9 (rack c): it passed every berth placement rule."),
                new Row("n1", "a", null, "Placed on node n1 (rack a): it passed every berth placement rule."))) {
            assertThat(Explain.bind(row.node(), row.rack(), row.scored())).as("%s", row).isEqualTo(row.sentence());
        }
    }
}
