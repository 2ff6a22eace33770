package dev.berth.extender.state.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.extender.placement.BrokerPod;
import dev.berth.extender.placement.NodeFacts;
import dev.berth.extender.placement.PlacedBroker;
import dev.berth.extender.state.PodBinder;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterFileTest {

    @Test
    void severalDocumentsAndListsAreReadAndOtherKindsIgnored() {
        ClusterFile f = ClusterFile.parse("""
                apiVersion: v1
                kind: Node
                metadata: {name: n1, labels: {zone: a, size: 3}, annotations: {berth.dev/disk-capacity: 1Ti}}
                ---
                apiVersion: v1
                kind: List
                items:
                - {kind: Node, metadata: {name: n2}}
                - {kind: Service, metadata: {name: svc}}
                - kind: Pod
                  metadata: {name: b0, labels: {berth.dev/cluster: c, berth.dev/broker-id: 0}, annotations: {berth.dev/local-storage: 10Gi, berth.dev/leaders: 7}}
                  spec: {nodeName: n1}
                ---
                """, "t");
        assertThat(f.nodes()).extracting(ClusterFile.Obj::name).containsExactly("n1", "n2");
        assertThat(f.nodes().get(0).labels()).containsEntry("size", "3"); // YAML numbers become label strings
        assertThat(f.pods()).singleElement().satisfies(p -> {
            assertThat(p.namespace()).isEqualTo("default");
            assertThat(p.nodeName()).isEqualTo("n1");
        });
        FileClusterState state = new FileClusterState(f, "zone");
        NodeFacts n1 = state.node("n1").orElseThrow();
        assertThat(n1.rack()).isEqualTo("a");
        assertThat(n1.diskCapacityBytes()).isEqualTo(1L << 40);
        assertThat(n1.brokers()).containsExactly(new PlacedBroker("default/b0", "c", 0, 10L << 30, 7, 0, false));
        assertThat(state.node("n2").orElseThrow().rack()).isNull();
    }

    @Test
    void controllersAndFinishedPodsTakeNoBrokerSlot() {
        FileClusterState state = new FileClusterState(ClusterFile.parse("""
                kind: List
                items:
                - {kind: Node, metadata: {name: n1, labels: {zone: a}, annotations: {berth.dev/disk-capacity: 1Ti}}}
                - kind: Pod
                  metadata: {name: c-controller-0, namespace: k, labels: {berth.dev/cluster: c, berth.dev/role: controller}}
                  spec: {nodeName: n1}
                - kind: Pod
                  metadata: {name: c-broker-0, namespace: k, labels: {berth.dev/cluster: c, berth.dev/role: broker},
                             annotations: {berth.dev/local-storage: 900Gi}}
                  spec: {nodeName: n1}
                  status: {phase: Failed}
                - kind: Pod
                  metadata: {name: c-broker-1, namespace: k, labels: {berth.dev/cluster: c}, annotations: {berth.dev/local-storage: 900Gi}}
                  spec: {nodeName: n1}
                  status: {phase: Succeeded}
                - kind: Pod
                  metadata: {name: d-broker-0, namespace: k, labels: {berth.dev/cluster: d}, annotations: {berth.dev/local-storage: 1Gi}}
                  spec: {nodeName: n1}
                  status: {phase: Running}
                """, "t"), "zone");
        assertThat(state.node("n1").orElseThrow().brokers()).extracting(PlacedBroker::podKey).containsExactly("k/d-broker-0");
    }

    /**
     * {@code kubectl get nodes,pods -o yaml} of a few hundred nodes passes SnakeYAML's default limit
     * of 3 MiB (Nodes carry large annotations, and the pods come on top): 400 Nodes of 10 KB each.
     */
    @Test
    void aListOfHundredsOfNodesPastSnakeYamlsDefaultLimitIsRead() {
        StringBuilder yaml = new StringBuilder("apiVersion: v1\nkind: List\nitems:\n");
        String big = "x".repeat(10_000);
        for (int i = 0; i < 400; i++) {
            yaml.append("- kind: Node\n  metadata:\n    name: node-").append(i)
                    .append("\n    annotations: {berth.dev/disk-capacity: 1Ti, example.com/big: ").append(big).append("}\n");
        }
        assertThat(yaml.length()).isGreaterThan(4_000_000);
        ClusterFile f = ClusterFile.parse(yaml.toString(), "t");
        assertThat(f.nodes()).hasSize(400);
        assertThat(f.nodes().get(399).annotations()).containsEntry("example.com/big", big);
    }

    @Test
    void brokenFilesNameTheProblem() {
        assertThatThrownBy(() -> ClusterFile.parse("kind: Node\nmetadata: {labels: {}}\n", "f.yaml")).hasMessageContaining("f.yaml document 1: metadata.name is missing");
        assertThatThrownBy(() -> ClusterFile.parse("kind: [\n", "f.yaml")).hasMessageContaining("f.yaml: not valid YAML");
    }

    @Test
    void bindToAnUnknownNodeFails() {
        FileClusterState state = new FileClusterState(ClusterFile.parse("kind: Node\nmetadata: {name: n1}\n", "t"), "zone");
        BrokerPod seen = new BrokerPod("ns", "p", "u", "c", 0, null, null, null);
        assertThatThrownBy(() -> state.bind(new PodBinder.BindTarget("ns", "p", "u", "n9", null, "x", seen))).hasMessage("node not found");
    }

    private static final String TWO_NODES_ONE_PENDING_BROKER = """
            kind: List
            items:
            - {kind: Node, metadata: {name: n1, labels: {zone: a}}}
            - {kind: Node, metadata: {name: n2, labels: {zone: b}}}
            - kind: Pod
              metadata: {name: b1, namespace: kafka, uid: uid-b1, labels: {berth.dev/cluster: c, berth.dev/broker-id: 1}}
            """;

    @Test
    void aPodOfTheFileIsBoundOnlyWithItsUidAndThenCountsOnItsNode() throws Exception {
        FileClusterState state = new FileClusterState(ClusterFile.parse(TWO_NODES_ONE_PENDING_BROKER, "t"), "zone");
        assertThatThrownBy(() -> state.bind(new PodBinder.BindTarget("kafka", "b1", "uid-other", "n1", "a", "x")))
                .hasMessage("pod UID changed");
        assertThat(state.boundNode("kafka/b1")).isEmpty();

        // bound without a filter of this process before it (facts null): the file's labels say what it is,
        // and the decision line gets them from what bind returns
        BrokerPod known = state.bind(new PodBinder.BindTarget("kafka", "b1", "uid-b1", "n1", "a", "x"));
        assertThat(known).isNotNull();
        assertThat(known.cluster()).isEqualTo("c");
        assertThat(known.brokerId()).isEqualTo(1);
        assertThat(state.node("n1").orElseThrow().brokers())
                .containsExactly(new PlacedBroker("kafka/b1", "c", 1, 0, 0, 0, false));
        assertThat(state.table().brokersOf("kafka/c")).as("the next filter's table sees it").extracting(p -> p.broker().podKey())
                .containsExactly("kafka/b1");
        assertThat(state.stampedRack("kafka/b1")).contains("a");
    }

    @Test
    void aPodOfTheFileWithoutAUidIsBoundWithTheUidTheSchedulerGives() throws Exception {
        // kubectl get -o yaml always prints a uid, but a hand-written file often has none: nothing to compare
        FileClusterState state = new FileClusterState(ClusterFile.parse(TWO_NODES_ONE_PENDING_BROKER + """
                - kind: Pod
                  metadata: {name: b3, namespace: kafka, labels: {berth.dev/cluster: c, berth.dev/broker-id: 3}}
                """, "t"), "zone");
        state.bind(new PodBinder.BindTarget("kafka", "b3", "uid-from-the-scheduler", "n2", "b", "x"));
        assertThat(state.boundNode("kafka/b3")).contains("n2");
    }

    @Test
    void aNodeOrAPodListedTwiceIsRefusedWithItsName() {
        assertThatThrownBy(() -> ClusterFile.parse("""
                kind: Node
                metadata: {name: n1}
                ---
                kind: List
                items:
                - {kind: Node, metadata: {name: n1, labels: {zone: b}}}
                """, "cluster.yaml")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cluster.yaml: node n1 is listed twice");
        assertThatThrownBy(() -> ClusterFile.parse("""
                kind: List
                items:
                - {kind: Pod, metadata: {name: b0, namespace: kafka}}
                - {kind: Pod, metadata: {name: b0, namespace: kafka}}
                """, "cluster.yaml")).hasMessage("cluster.yaml: pod kafka/b0 is listed twice");
        assertThat(ClusterFile.parse("""
                kind: List
                items:
                - {kind: Pod, metadata: {name: b0, namespace: kafka}}
                - {kind: Pod, metadata: {name: b0, namespace: other}}
                """, "cluster.yaml").pods()).as("one name in two namespaces is two pods").hasSize(2);
    }

    @Test
    void aPodNeitherInTheFileNorSeenByAFilterIsNotFound() throws Exception {
        FileClusterState state = new FileClusterState(ClusterFile.parse(TWO_NODES_ONE_PENDING_BROKER, "t"), "zone");
        assertThatThrownBy(() -> state.bind(new PodBinder.BindTarget("kafka", "ghost", "u", "n1", "a", "x")))
                .hasMessage("pod not found");
        assertThat(state.boundNode("kafka/ghost")).isEmpty();

        // the pod a filter decoded (the usual demo: the example broker pod is not in the cluster file)
        BrokerPod seen = new BrokerPod("kafka", "b2", "uid-b2", "c", 2, null, null, null);
        state.bind(new PodBinder.BindTarget("kafka", "b2", "uid-b2", "n2", "b", "x", seen));
        assertThat(state.node("n2").orElseThrow().brokers()).extracting(PlacedBroker::podKey).containsExactly("kafka/b2");
    }

    /**
     * The bind checks the hard rules again, with every earlier bind: kube-scheduler binds
     * asynchronously, so two filters may pass one node before either bind. Each row binds
     * {@code second} after {@code first} (same node n1: zone a, 1Ti) and expects its refusal.
     */
    @Test
    void aBindThatBreaksAHardRuleNowIsRefusedAndChangesNothing() throws Exception {
        record Row(String why, BrokerPod second, String refusal) {}
        BrokerPod first = new BrokerPod("kafka", "a0", "u-a0", "a", 0, null, null, 600L << 30);
        List<Row> rows = List.of(
                new Row("same cluster as the first", new BrokerPod("kafka", "a1", "u-a1", "a", 1, null, null, null),
                        "node already hosts a broker of this cluster"),
                new Row("disk: 600Gi + 600Gi > 1Ti", new BrokerPod("kafka", "b0", "u-b0", "b", 0, null, null, 600L << 30),
                        "not enough free local disk"),
                new Row("pinned to another rack", new BrokerPod("kafka", "c0", "u-c0", "c", 0, "b", null, null),
                        "pod rack differs from node rack"),
                new Row("moving off n1", new BrokerPod("kafka", "d0", "u-d0", "d", 0, null, "n1", null),
                        "broker is moving off this node"));
        for (Row row : rows) {
            FileClusterState state = new FileClusterState(ClusterFile.parse("""
                    kind: Node
                    metadata: {name: n1, labels: {zone: a}, annotations: {berth.dev/disk-capacity: 1Ti}}
                    """, "t"), "zone");
            state.bind(new PodBinder.BindTarget("kafka", "a0", "u-a0", "n1", "a", "x", first));
            BrokerPod p = row.second();
            assertThatThrownBy(() -> state.bind(new PodBinder.BindTarget("kafka", p.name(), p.uid(), "n1", "a", "x", p)))
                    .as(row.why()).hasMessage(row.refusal());
            assertThat(state.boundNode("kafka/" + p.name())).as(row.why()).isEmpty();
            assertThat(state.stampedRack("kafka/" + p.name())).as(row.why()).isEmpty();
            assertThat(state.node("n1").orElseThrow().brokers()).as(row.why())
                    .extracting(PlacedBroker::podKey).containsExactly("kafka/a0");
        }
    }

    @Test
    void aPodAFilterDecodedIsBoundOnlyWithTheUidItHadThen() throws Exception {
        FileClusterState state = new FileClusterState(ClusterFile.parse(TWO_NODES_ONE_PENDING_BROKER, "t"), "zone");
        BrokerPod seen = new BrokerPod("kafka", "b2", "uid-b2", "c", 2, null, null, null);
        assertThatThrownBy(() -> state.bind(new PodBinder.BindTarget("kafka", "b2", "uid-new", "n2", "b", "x", seen)))
                .hasMessage("pod UID changed");
        assertThat(state.boundNode("kafka/b2")).isEmpty();
    }
}
