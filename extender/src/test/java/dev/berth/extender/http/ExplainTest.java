package dev.berth.extender.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.extender.placement.BrokerPod;
import dev.berth.extender.placement.LeaderMetric;
import dev.berth.extender.placement.NodeFacts;
import dev.berth.extender.placement.NodeTable;
import dev.berth.extender.placement.PlacedBroker;
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
            new NodeFacts("n2", "b", 1L << 40, List.of(new PlacedBroker("kafka/other-0", "other", 0, 1L << 39, 300, 0, false))),
            new NodeFacts("n3", "b", 1L << 40, List.of(new PlacedBroker("kafka/other-1", "other", 1, 0, 100, 0, false)))));

    @Test
    void theSentenceNamesTheNodeItsRackAndItsScoreAmongTheScoredOnes() {
        Scores scores = new PlacementEngine(Weights.DEFAULT, LeaderMetric.LEADERS).prioritize(POD, TABLE, new int[] {0, 1, 2},
                () -> TABLE.rackCounts(POD));
        Decision scored = new Decision(Instant.EPOCH, "prioritize", POD.key(), POD.uid(), POD.cluster(), POD.brokerId(), "scored",
                List.of("n1", "n2", "n3"), null, scores, null, null, 1, POD);
        record Row(String node, String rack, Decision scored, String sentence) {}
        // n2's parts differ (its broker leads 300 of the 400 leaders, and holds half its disk), so a part
        // written in another's place shows
        String n2 = "score 6/10 (rack balance 10, leadership load 0, disk headroom 4), among 3 scored node(s).";
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
