package dev.berth.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.plan.CordonMoves.Finding;
import dev.berth.operator.plan.CordonMoves.Verdict;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CordonMovesTest {
    record Row(String why, Map<Integer, String> nodes, Set<String> cordoned, boolean local, List<Finding> expected) {}

    @Test
    void brokersOnCordonedNodesMoveUnlessTheirDataIsOnTheNode() {
        Map<Integer, String> withUnbound = new HashMap<>(Map.of(0, "n1", 1, "n2"));
        withUnbound.put(2, null);
        Row[] rows = {
            new Row("nothing cordoned", Map.of(0, "n1", 1, "n2"), Set.of(), false, List.of()),
            new Row("the class comment's example, network storage", withUnbound, Set.of("n2", "n9"), false,
                    List.of(new Finding(1, "n2", Verdict.MOVE))),
            new Row("the same with local storage: it stays", withUnbound, Set.of("n2", "n9"), true,
                    List.of(new Finding(1, "n2", Verdict.STAY_LOCAL_STORAGE))),
            new Row("an unbound pod is never on a cordoned node", withUnbound, Set.of("n9"), false, List.of()),
            new Row("two brokers on one cordoned node (no extender), by id", Map.of(3, "n1", 1, "n1", 2, "n2"),
                    Set.of("n1"), false, List.of(new Finding(1, "n1", Verdict.MOVE), new Finding(3, "n1", Verdict.MOVE))),
            new Row("node names compare exactly", Map.of(0, "N1"), Set.of("n1"), false, List.of()),
        };
        for (Row row : rows) {
            assertThat(List.copyOf(CordonMoves.judge(row.nodes(), row.cordoned(), row.local()).values()))
                    .as(row.why()).isEqualTo(row.expected());
        }
    }

    record RackRow(String why, Map<String, Set<String>> rackNodes, Verdict expected) {}

    /**
     * The class comment's rack example: broker 1 on cordoned n2, pinned to rack b; broker 0 on n1. It moves only
     * when a schedulable node of rack b, other than n2 and without a broker of the cluster, would take it.
     */
    @Test
    void aBrokerMovesOnlyWhenAnotherNodeOfItsRackWouldTakeIt() {
        Map<Integer, String> nodes = Map.of(0, "n1", 1, "n2");
        for (RackRow row : List.of(
                new RackRow("a free node of rack b", Map.of("b", Set.of("n2", "n3")), Verdict.MOVE),
                new RackRow("its own node only", Map.of("b", Set.of("n2")), Verdict.STAY_NO_OTHER_NODE),
                new RackRow("the other node holds broker 0", Map.of("b", Set.of("n1", "n2")), Verdict.STAY_NO_OTHER_NODE),
                new RackRow("the other node is cordoned too", Map.of("b", Set.of("n2", "n4")), Verdict.STAY_NO_OTHER_NODE),
                new RackRow("rack b not listed: not known, it moves as before", Map.of("a", Set.of("n7")), Verdict.MOVE))) {
            assertThat(CordonMoves.judge(nodes, Set.of("n2", "n4"), false, Map.of(1, "b"), row.rackNodes()).get(1).verdict())
                    .as(row.why()).isEqualTo(row.expected());
        }
        assertThat(CordonMoves.judge(nodes, Set.of("n2"), true, Map.of(1, "b"), Map.of("b", Set.of("n2"))).get(1).verdict())
                .as("local storage stays for its own reason").isEqualTo(Verdict.STAY_LOCAL_STORAGE);
        assertThat(CordonMoves.judge(nodes, Set.of("n2"), false, Map.of(), Map.of("b", Set.of("n2"))).get(1).verdict())
                .as("a broker with no rack yet").isEqualTo(Verdict.MOVE);
        assertThat(new Finding(1, "n2", Verdict.STAY_NO_OTHER_NODE).describe())
                .isEqualTo("on cordoned node n2, stays (no other schedulable node of its rack)");
    }

    @Test
    void findingsAreDescribedForConditionsAndTheRestartReason() {
        assertThat(new Finding(1, "n2", Verdict.MOVE).describe()).isEqualTo("on cordoned node n2");
        assertThat(new Finding(1, "n2", Verdict.STAY_LOCAL_STORAGE).describe())
                .isEqualTo("on cordoned node n2, stays (local storage)");
        Map<Integer, Finding> both = Map.of(1, new Finding(1, "n2", Verdict.MOVE),
                4, new Finding(4, "n5", Verdict.STAY_LOCAL_STORAGE));
        assertThat(CordonMoves.describe(new java.util.TreeMap<>(both), Verdict.MOVE)).isEqualTo("broker 1 on cordoned node n2");
        assertThat(CordonMoves.describe(both, Verdict.STAY_LOCAL_STORAGE))
                .isEqualTo("broker 4 on cordoned node n5, stays (local storage)");
    }
}
