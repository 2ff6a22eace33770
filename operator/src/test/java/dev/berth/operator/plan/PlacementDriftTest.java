package dev.berth.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlacementDriftTest {
    private static PlacementDrift.Placed on(String node, String rack) {
        return new PlacementDrift.Placed("pod-" + node + "-" + rack, node, rack);
    }

    /** Each rack with a spare node no broker is on: a drifted broker has somewhere to go. */
    static final Map<String, Set<String>> SPARES = Map.of("a", Set.of("n0", "s0"), "b", Set.of("n1", "s1"),
            "c", Set.of("n2", "s2"));

    record Row(String why, Map<Integer, PlacementDrift.Placed> brokers, Map<String, String> nodeRacks,
            Map<String, Set<String>> rackNodes, List<String> found) {}

    @Test
    void aBrokerDriftsWhenTheExtenderWouldRefuseItsNodeForAReasonAMoveCures() {
        String stays = "; stays: no other schedulable node of rack b would take it";
        Row[] rows = {
            new Row("every broker where it belongs", Map.of(0, on("n0", "a"), 1, on("n1", "b")),
                    Map.of("n0", "a", "n1", "b"), SPARES, List.of()),
            new Row("a node relabelled into another rack", Map.of(0, on("n0", "a"), 1, on("n1", "b")),
                    Map.of("n0", "a", "n1", "x"), SPARES, List.of("1 MOVE: on node n1 of rack x, not its rack b"
                            + " (placement drift: broker rack mismatch)")),
            new Row("the class comment's example", Map.of(0, on("n0", "a"), 1, new PlacementDrift.Placed("p1", "n1", "b"),
                    2, new PlacementDrift.Placed("p2", "n1", "c")), Map.of("n0", "a", "n1", "c"),
                    Map.of("b", Set.of("n1", "s1"), "c", Set.of("n1")),
                    List.of("1 MOVE: on node n1 of rack c, not its rack b (placement drift: broker rack mismatch)",
                            "2 STAY_NO_OTHER_NODE: on node n1 with broker 1 of its cluster (placement drift: node"
                                    + " already hosts a broker of this cluster); stays: no other schedulable node of"
                                    + " rack c would take it")),
            new Row("two on one node: the lowest id stays", Map.of(3, new PlacementDrift.Placed("p3", "n1", "b"),
                    5, new PlacementDrift.Placed("p5", "n1", "b")), Map.of("n1", "b"), SPARES,
                    List.of("5 MOVE: on node n1 with broker 3 of its cluster (placement drift: node already hosts a"
                            + " broker of this cluster)")),
            new Row("a label that is gone is no drift", Map.of(0, on("n0", "a")), Map.of("n0", ""), SPARES, List.of()),
            new Row("a node not known is not judged", Map.of(0, on("n0", "a")), Map.of("n9", "x"), SPARES, List.of()),
            new Row("a pod not bound is not judged", Map.of(0, new PlacementDrift.Placed("p0", null, "a")),
                    Map.of("n0", "x"), SPARES, List.of()),
            new Row("a broker whose rack is not pinned fits any rack", Map.of(0, on("n0", null)), Map.of("n0", "x"),
                    SPARES, List.of()),
            new Row("its rack has no other node: it stays", Map.of(1, on("n1", "b")), Map.of("n1", "x"),
                    Map.of("b", Set.of()), List.of("1 STAY_NO_OTHER_NODE: on node n1 of rack x, not its rack b"
                            + " (placement drift: broker rack mismatch)" + stays)),
            new Row("its rack's nodes not known (not listed): it stays", Map.of(1, on("n1", "b")), Map.of("n1", "x"),
                    Map.of(), List.of("1 STAY_NO_OTHER_NODE: on node n1 of rack x, not its rack b (placement drift:"
                            + " broker rack mismatch)" + stays)),
            new Row("the only other node of its rack holds a broker of the cluster: it stays",
                    Map.of(0, on("s1", "b"), 1, on("n1", "b")), Map.of("s1", "b", "n1", "x"),
                    Map.of("b", Set.of("s1")), List.of("1 STAY_NO_OTHER_NODE: on node n1 of rack x, not its rack b"
                            + " (placement drift: broker rack mismatch)" + stays)),
            new Row("sharing a node, and its own node is the only one of its rack: it stays",
                    Map.of(3, on("n1", "b"), 5, new PlacementDrift.Placed("p5", "n1", "b")), Map.of("n1", "b"),
                    Map.of("b", Set.of("n1")), List.of("5 STAY_NO_OTHER_NODE: on node n1 with broker 3 of its cluster"
                            + " (placement drift: node already hosts a broker of this cluster)" + stays)),
            new Row("sharing a node with no pinned rack: moved, wherever the extender sends it",
                    Map.of(3, on("n1", null), 5, new PlacementDrift.Placed("p5", "n1", null)), Map.of("n1", "b"),
                    Map.of(), List.of("5 MOVE: on node n1 with broker 3 of its cluster (placement drift: node already"
                            + " hosts a broker of this cluster)")),
        };
        for (Row r : rows) {
            assertThat(PlacementDrift.judge("kafka", "demo", r.brokers(), r.nodeRacks(), r.rackNodes(), false).values())
                    .as(r.why()).extracting(f -> f.broker() + " " + f.verdict() + ": " + f.describe())
                    .containsExactlyElementsOf(r.found());
        }
        assertThat(PlacementDrift.judge("kafka", "demo", Map.of(0, on("n0", "a"), 1, on("n1", "b")),
                Map.of("n0", "a", "n1", "x"), SPARES, true).values())
                .as("local storage: found and said, never moved, whatever node is free")
                .extracting(f -> f.broker() + " " + f.verdict() + ": " + f.describe())
                .containsExactly("1 STAY_LOCAL_STORAGE: on node n1 of rack x, not its rack b (placement drift: broker rack"
                        + " mismatch); stays: its data is on the node's local disk");
    }

    @Test
    void aNodeItWasMovedOffFitsAgainOnlyWhenTheSameRulesTakeItThere() {
        // broker 1, pinned to rack b, unbound (its new pod waits), avoiding n1
        Map<Integer, PlacementDrift.Placed> brokers = Map.of(0, on("n0", "a"),
                1, new PlacementDrift.Placed("p1", null, "b"), 3, on("s1", "b"));
        record Fit(String why, Map<String, String> nodeRacks, String node, boolean fits) {}
        Fit[] rows = {
            new Fit("relabelled back into its rack", Map.of("n1", "b"), "n1", true),
            new Fit("still in another rack", Map.of("n1", "x"), "n1", false),
            new Fit("its rack label gone", Map.of("n1", ""), "n1", false),
            new Fit("not read", Map.of(), "n1", false),
            new Fit("its rack, but another broker of the cluster is there", Map.of("s1", "b"), "s1", false),
        };
        for (Fit r : rows) {
            assertThat(PlacementDrift.fits("kafka", "demo", brokers, r.nodeRacks(), 1, "b", r.node())).as(r.why())
                    .isEqualTo(r.fits());
        }
    }
}
