package dev.berth.extender.placement;

import static dev.berth.extender.placement.Fixtures.broker;
import static dev.berth.extender.placement.Fixtures.node;
import static dev.berth.extender.placement.Fixtures.placed;
import static dev.berth.extender.placement.Fixtures.plainPod;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HardRulesTest {

    static Stream<Arguments> rows() {
        return Stream.of(
                // pod, node, expected reason (null = passes)
                Arguments.of(broker("orders", null, null, 100L), node("n1", "a", 500L), null),
                Arguments.of(plainPod(), node("n1", null, null, placed("kafka/x", "orders", 1, 0, 0)), null), // non-broker passes anything
                Arguments.of(broker("orders", null, "n1", null), node("n1", "a", 500L), Reason.AVOID_NODE),
                Arguments.of(broker("orders", null, "n2", null), node("n1", "a", 500L), null), // avoid-node names another node
                Arguments.of(broker("orders", null, "n1", null), node("n1", null, 500L), Reason.AVOID_NODE), // avoid-node wins over other permanent facts
                Arguments.of(broker("orders", null, null, null), node("n1", null, 500L), Reason.NO_RACK_LABEL), // unpinned broker, node without rack
                Arguments.of(broker("orders", "a", null, null), node("n1", null, 500L), Reason.NO_RACK_LABEL), // pinned broker, node without rack
                Arguments.of(broker("orders", "a", null, null), node("n1", "", 500L), Reason.NO_RACK_LABEL), // empty label value is no rack
                Arguments.of(broker("orders", "a", null, null), node("n1", "b", 500L), Reason.RACK_MISMATCH),
                Arguments.of(broker("orders", "a", null, null), node("n1", "a", 500L), null),
                Arguments.of(broker("orders", "a", null, 100L), node("n1", "a", null), Reason.NO_LOCAL_DISK),
                Arguments.of(broker("orders", "a", null, null), node("n1", "a", null), null), // network storage ignores disk
                Arguments.of(broker("orders", "a", null, 100L), node("n1", "a", NodeFacts.INVALID_CAPACITY), Reason.BAD_DISK_CAPACITY),
                Arguments.of(broker("orders", "a", null, null), node("n1", "a", NodeFacts.INVALID_CAPACITY), null), // invalid capacity irrelevant without local storage
                Arguments.of(broker("orders", "a", null, 100L), node("n1", "a", 99L), Reason.DISK_TOO_SMALL), // one GiB short even when empty
                Arguments.of(broker("orders", "a", null, 100L), node("n1", "a", 100L), null), // exactly fits: capacity == request
                Arguments.of(broker("orders", "a", null, 100L), node("n1", "a", 500L, placed("kafka/o1", "orders", 10, 0, 0)), Reason.SAME_CLUSTER_BROKER),
                Arguments.of(broker("orders", "a", null, 100L), node("n1", "a", 500L, placed("kafka/e1", "events", 10, 0, 0)), null), // other cluster may share
                Arguments.of(broker("orders", "a", null, 100L), node("n1", "a", 500L, placed("team-b/orders-broker-1", "orders", 10, 0, 0)), null), // a cluster of the same name in another namespace is another cluster
                Arguments.of(broker("orders", "a", null, 100L), node("n1", "a", 500L, placed("kafkax/orders-broker-1", "orders", 10, 0, 0)), null), // a namespace that only starts like the pod's
                Arguments.of(broker("orders", "a", null, 100L), node("n1", "a", 500L, placed("kafka/orders-broker-9", "orders", 100, 0, 0)), null), // its own reservation never blocks it
                Arguments.of(broker("orders", "a", null, 100L), node("n1", "a", 500L, placed("kafka/e1", "events", 400, 0, 0)), null), // free == request exactly
                Arguments.of(broker("orders", "a", null, 100L), node("n1", "a", 500L, placed("kafka/e1", "events", 401, 0, 0)), Reason.DISK_FULL), // free one GiB short
                Arguments.of(broker("orders", "a", null, 100L), node("n1", "a", 500L, placed("kafka/e1", "events", 200, 0, 0), placed("kafka/e2", "logs", 250, 0, 0)), Reason.DISK_FULL), // usage sums over brokers
                Arguments.of(broker("orders", "a", null, null), node("n1", "a", 500L, placed("kafka/e1", "events", 600, 0, 0)), null), // full node is fine for network storage
                Arguments.of(broker("orders", "a", null, 100L), node("n1", "a", 10_240L, placed("kafka/e1", "events", 3L << 30, 0, 0),
                        placed("kafka/e2", "logs", 3L << 30, 0, 0), placed("kafka/e3", "web", 3L << 30, 0, 0)), Reason.DISK_FULL), // 3 x 3Ei held, not wrapped
                Arguments.of(broker("orders", "b", null, 100L), node("n1", "a", 500L, placed("kafka/o1", "orders", 10, 0, 0)), Reason.RACK_MISMATCH)); // permanent reason reported first
    }

    @ParameterizedTest
    @MethodSource("rows")
    void firstBrokenRuleIsTheReason(BrokerPod pod, NodeFacts node, Reason expected) {
        assertThat(HardRules.check(pod, node)).isEqualTo(expected);
        // the node table (names mode) decides the same
        NodeTable table = NodeTable.of(java.util.List.of(node));
        assertThat(new PlacementEngine(new Weights(1, 1, 1), LeaderMetric.LEADERS).filter(pod, table, new int[] {0},
                () -> table.rackCounts(pod))[0])
                .isEqualTo(expected);
    }

    static Stream<Arguments> permanence() {
        return Stream.of(
                Arguments.of(Reason.UNKNOWN_NODE, false), // the cache will learn the node
                Arguments.of(Reason.SAME_CLUSTER_BROKER, false), // the other broker may move
                Arguments.of(Reason.DISK_FULL, false), // disk may be freed
                Arguments.of(Reason.NO_RACK_LABEL, true),
                Arguments.of(Reason.RACK_MISMATCH, true),
                Arguments.of(Reason.AVOID_NODE, true),
                Arguments.of(Reason.NO_LOCAL_DISK, true),
                Arguments.of(Reason.BAD_DISK_CAPACITY, true),
                Arguments.of(Reason.DISK_TOO_SMALL, true));
    }

    @ParameterizedTest
    @MethodSource("permanence")
    void permanentFactsAreUnresolvable(Reason reason, boolean permanent) {
        assertThat(reason.permanent()).isEqualTo(permanent);
        assertThat(reason.text()).hasSizeLessThan(50).doesNotContainPattern("[0-9]");
    }
}
