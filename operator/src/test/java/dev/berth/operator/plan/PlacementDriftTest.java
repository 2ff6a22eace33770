package dev.berth.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlacementDriftTest {
    private static PlacementDrift.Placed on(String node, String rack) {
        return new PlacementDrift.Placed("pod-" + node + "-" + rack, node, rack);
    }

    record Row(String why, Map<Integer, PlacementDrift.Placed> brokers, Map<String, String> nodeRacks, List<String> found) {}

    @Test
    void aBrokerDriftsWhenTheExtenderWouldRefuseItsNodeForAReasonAMoveCures() {
        Row[] rows = {
            new Row("every broker where it belongs", Map.of(0, on("n0", "a"), 1, on("n1", "b")),
                    Map.of("n0", "a", "n1", "b"), List.of()),
            new Row("a node relabelled into another rack", Map.of(0, on("n0", "a"), 1, on("n1", "b")),
                    Map.of("n0", "a", "n1", "x"), List.of("1: on node n1 of rack x, not its rack b (placement drift:"
                            + " broker rack mismatch)")),
            new Row("the class comment's example", Map.of(0, on("n0", "a"), 1, new PlacementDrift.Placed("p1", "n1", "b"),
                    2, new PlacementDrift.Placed("p2", "n1", "c")), Map.of("n0", "a", "n1", "c"),
                    List.of("1: on node n1 of rack c, not its rack b (placement drift: broker rack mismatch)",
                            "2: on node n1 with broker 1 of its cluster (placement drift: node already hosts a broker"
                                    + " of this cluster)")),
            new Row("two on one node: the lowest id stays", Map.of(3, new PlacementDrift.Placed("p3", "n1", "b"),
                    5, new PlacementDrift.Placed("p5", "n1", "b")), Map.of("n1", "b"),
                    List.of("5: on node n1 with broker 3 of its cluster (placement drift: node already hosts a broker"
                            + " of this cluster)")),
            new Row("a label that is gone is no drift", Map.of(0, on("n0", "a")), Map.of("n0", ""), List.of()),
            new Row("a node not known is not judged", Map.of(0, on("n0", "a")), Map.of("n9", "x"), List.of()),
            new Row("a pod not bound is not judged", Map.of(0, new PlacementDrift.Placed("p0", null, "a")),
                    Map.of("n0", "x"), List.of()),
            new Row("a broker whose rack is not pinned fits any rack", Map.of(0, on("n0", null)), Map.of("n0", "x"),
                    List.of()),
        };
        for (Row r : rows) {
            assertThat(PlacementDrift.judge("kafka", "demo", r.brokers(), r.nodeRacks()).values()).as(r.why())
                    .extracting(f -> f.broker() + ": " + f.describe()).containsExactlyElementsOf(r.found());
        }
    }
}
