package dev.berth.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.plan.PodAction.Kind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PodPlannerTest {
    record Row(List<Integer> desired, Set<Integer> present, Map<Integer, String> remembered, List<PodAction> expected) {}

    static Map<Integer, String> racks(Object... kv) {
        Map<Integer, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((Integer) kv[i], (String) kv[i + 1]);
        }
        return m;
    }

    static PodAction a(int id, Kind k, String rack) {
        return new PodAction("broker", id, k, rack);
    }

    @Test
    void createsMissingPodsAndRecreatesRememberedOnesWithTheirRack() {
        Row[] rows = {
            new Row(List.of(0, 1, 2), Set.of(), Map.of(), List.of(a(0, Kind.Create, null), a(1, Kind.Create, null),
                    a(2, Kind.Create, null))), // new cluster
            new Row(List.of(0, 1, 2), Set.of(0, 1, 2), racks(0, "a", 1, "b", 2, "c"), List.of()), // steady
            new Row(List.of(0, 1, 2), Set.of(0, 2), racks(0, "a", 1, "b", 2, "c"), List.of(a(1, Kind.Recreate, "b"))), // healing
            new Row(List.of(0, 1), Set.of(0), racks(0, "a", 1, null), List.of(a(1, Kind.Recreate, null))), // known, never placed
            new Row(List.of(0, 3), Set.of(0), racks(0, "a"), List.of(a(3, Kind.Create, null))), // scale up
            new Row(List.of(0), Set.of(0, 5), racks(0, "a", 5, "c"), List.of()), // extra pod is not touched
        };
        for (Row r : rows) {
            assertThat(PodPlanner.plan("broker", r.desired(), r.present(), r.remembered())).as("%s", r)
                    .containsExactlyElementsOf(r.expected());
        }
    }

    @Test
    void aBrokerBeingMovedOffANodeIsRecreatedAvoidingIt() {
        assertThat(PodPlanner.plan("broker", List.of(0, 1, 2), Set.of(0, 2), racks(0, "a", 1, "b", 2, "c"), Map.of(1, "n7")))
                .containsExactly(new PodAction("broker", 1, Kind.Recreate, "b", "n7"));
        assertThat(PodPlanner.plan("broker", List.of(0, 1, 2), Set.of(0, 1, 2), racks(0, "a", 1, "b", 2, "c"),
                Map.of(1, "n7"))).as("its pod exists: nothing to create").isEmpty();
        assertThat(PodPlanner.plan("broker", List.of(0, 1), Set.of(0), racks(0, "a", 1, "b"), Map.of(5, "n7")))
                .as("another broker's node is not avoided").containsExactly(a(1, Kind.Recreate, "b"));
    }
}
