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
