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
