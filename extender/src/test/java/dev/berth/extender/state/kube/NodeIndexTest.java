package dev.berth.extender.state.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.extender.placement.NodeFacts;
import dev.berth.extender.placement.PlacedBroker;
import dev.berth.extender.state.kube.KubeFacts.NodeBase;
import dev.berth.extender.state.kube.KubeFacts.PodPlacement;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeIndexTest {

    private static NodeBase node(String name) {
        return new NodeBase(name, "zone-" + name, 1000L, List.of());
    }

    private static PodPlacement pod(String key, String cluster, String node) {
        return new PodPlacement(key, "uid-" + key, node, new PlacedBroker(key, cluster, 1, 10, 0, 0, false), List.of());
    }

    private static List<String> brokersOn(NodeIndex index, String node) {
        return index.node(node).orElseThrow().brokers().stream().map(PlacedBroker::podKey).toList();
    }

    /**
     * The change counter tells {@link dev.berth.extender.state.TableCache} to rebuild: it must move
     * on every event that changes a node's facts (else filters read a stale table: a second broker
     * of a cluster could land beside the first), and stay on churn that changes none (else every
     * pod status update costs a 5,000-node rebuild). Each row is one event after the same start:
     * n1 and n2, broker b1 on n1.
     */
    @Test
    void theChangeCounterMovesExactlyWhenFactsChange() {
        record Row(String event, java.util.function.Consumer<NodeIndex> apply, boolean moves) {}
        List<Row> rows = List.of(
                new Row("same broker seen again (status churn)", i -> i.upsertPod(pod("ns/b1", "orders", "n1")), false),
                new Row("same node seen again", i -> i.upsertNode(node("n1")), false),
                new Row("unbound broker of another pod", i -> i.upsertPod(pod("ns/b9", "orders", null)), false),
                new Row("pod that is not a broker", i -> i.upsertPod(pod("ns/web", "", "n2")), false),
                new Row("removal of a pod never seen", i -> i.removePod("ns/ghost"), false),
                new Row("a broker bound to n2", i -> i.upsertPod(pod("ns/b2", "orders", "n2")), true),
                new Row("b1 moves to n2", i -> i.upsertPod(pod("ns/b1", "orders", "n2")), true),
                new Row("b1 deleted", i -> i.removePod("ns/b1"), true),
                new Row("b1 finished (no node)", i -> i.upsertPod(pod("ns/b1", "orders", null)), true),
                new Row("b1's leaders change", i -> i.upsertPod(new PodPlacement("ns/b1", "uid-ns/b1", "n1",
                        new PlacedBroker("ns/b1", "orders", 1, 10, 7, 0, false), List.of())), true),
                new Row("n1's disk changes", i -> i.upsertNode(new NodeBase("n1", "zone-n1", 2000L, List.of())), true),
                new Row("n1's rack changes", i -> i.upsertNode(new NodeBase("n1", "zone-x", 1000L, List.of())), true),
                new Row("a new node", i -> i.upsertNode(node("n3")), true),
                new Row("n2 deleted", i -> i.removeNode("n2"), true));
        for (Row row : rows) {
            NodeIndex index = new NodeIndex();
            index.upsertNode(node("n1"));
            index.upsertNode(node("n2"));
            index.upsertPod(pod("ns/b1", "orders", "n1"));
            long before = index.changes();
            row.apply().accept(index);
            assertThat(index.changes() > before).as(row.event()).isEqualTo(row.moves());
        }
    }

    @Test
    void boundBrokerAppearsOnItsNodeOnly() {
        NodeIndex index = new NodeIndex();
        index.upsertNode(node("n1"));
        index.upsertNode(node("n2"));
        index.upsertPod(pod("ns/b1", "orders", "n1"));
        assertThat(brokersOn(index, "n1")).containsExactly("ns/b1");
        assertThat(brokersOn(index, "n2")).isEmpty();
    }

    @Test
    void rescheduledBrokerMovesBetweenNodes() {
        NodeIndex index = new NodeIndex();
        index.upsertNode(node("n1"));
        index.upsertNode(node("n2"));
        index.upsertPod(pod("ns/b1", "orders", "n1"));
        index.upsertPod(pod("ns/b1", "orders", "n2"));
        assertThat(brokersOn(index, "n1")).isEmpty();
        assertThat(brokersOn(index, "n2")).containsExactly("ns/b1");
    }

    @Test
    void unboundFinishedOrDeletedBrokersLeaveTheirNode() {
        NodeIndex index = new NodeIndex();
        index.upsertNode(node("n1"));
        index.upsertPod(pod("ns/b1", "orders", "n1"));
        index.upsertPod(pod("ns/b2", "orders", "n1"));
        index.upsertPod(pod("ns/b3", "orders", "n1"));
        index.upsertPod(pod("ns/b1", "orders", null)); // finished: KubeFacts reports no node
        index.removePod("ns/b2");
        assertThat(brokersOn(index, "n1")).containsExactly("ns/b3");
    }

    @Test
    void podWithAnEmptyClusterValueIsNotABroker() {
        NodeIndex index = new NodeIndex();
        index.upsertNode(node("n1"));
        index.upsertPod(pod("ns/x", "", "n1"));
        assertThat(brokersOn(index, "n1")).isEmpty();
    }

    @Test
    void brokersSeenBeforeTheirNodeAppearWithIt() {
        NodeIndex index = new NodeIndex();
        index.upsertPod(pod("ns/b1", "orders", "late"));
        assertThat(index.node("late")).isEmpty();
        index.upsertNode(node("late"));
        assertThat(brokersOn(index, "late")).containsExactly("ns/b1");
    }

    @Test
    void nodeUpdateKeepsItsBrokersAndDeleteForgetsTheNode() {
        NodeIndex index = new NodeIndex();
        index.upsertNode(node("n1"));
        index.upsertPod(pod("ns/b1", "orders", "n1"));
        index.upsertNode(new NodeBase("n1", "zone-b", 2000L, List.of()));
        NodeFacts facts = index.node("n1").orElseThrow();
        assertThat(facts.rack()).isEqualTo("zone-b");
        assertThat(facts.diskCapacityBytes()).isEqualTo(2000L);
        assertThat(facts.brokers()).extracting(PlacedBroker::podKey).containsExactly("ns/b1");
        index.removeNode("n1");
        assertThat(index.node("n1")).isEmpty();
        assertThat(index.nodes()).isEmpty();
    }

    @Test
    void fiveThousandNodesAndFifteenThousandBrokersIndexExactly() {
        NodeIndex index = new NodeIndex();
        for (int i = 0; i < 5000; i++) {
            index.upsertNode(node("n" + i));
        }
        for (int i = 0; i < 15_000; i++) {
            index.upsertPod(pod("ns/b" + i, "c" + (i % 50), "n" + (i % 5000)));
        }
        assertThat(index.size()).isEqualTo(5000);
        assertThat(brokersOn(index, "n7")).containsExactly("ns/b10007", "ns/b5007", "ns/b7");
        long brokers = index.nodes().stream().mapToLong(n -> n.brokers().size()).sum();
        assertThat(brokers).isEqualTo(15_000);
    }
}
