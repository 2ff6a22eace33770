package dev.berth.extender.state.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.extender.placement.Keys;
import dev.berth.extender.placement.NodeFacts;
import dev.berth.extender.placement.PlacedBroker;
import dev.berth.extender.state.MutableClock;
import dev.berth.extender.state.ReservationLedger;
import dev.berth.testbed.k8s.KubeApiTestBed;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The informer-backed state against the in-process API server: real HTTP, real informers. */
class InformerClusterStateTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static KubeApiTestBed bed;
    private static InformerClusterState state;
    private static ReservationLedger ledger;

    @BeforeAll
    static void start() {
        bed = KubeApiTestBed.start();
        bed.load("testbed/three-racks.yaml");
        ledger = new ReservationLedger(new MutableClock(Instant.parse("2026-01-01T00:00:00Z")));
        state = new InformerClusterState(bed.informerClient(), Keys.DEFAULT_RACK_LABEL, ledger);
        state.start();
        await().atMost(WAIT).until(state::synced);
    }

    @AfterAll
    static void stop() {
        if (state != null) {
            state.close();
        }
        if (bed != null) {
            bed.close();
        }
    }

    private static List<String> brokersOn(String node) {
        return state.node(node).map(n -> n.brokers().stream().map(PlacedBroker::podKey).toList()).orElse(List.of());
    }

    @Test
    void notSyncedBeforeStartAndSyncedAfterBothInformersListed() {
        try (InformerClusterState fresh = new InformerClusterState(bed.informerClient(), Keys.DEFAULT_RACK_LABEL,
                new ReservationLedger(new MutableClock(Instant.EPOCH)))) {
            assertThat(fresh.synced()).isFalse();
            assertThat(fresh.nodes()).isEmpty();
            fresh.start();
            await().atMost(WAIT).until(fresh::synced);
            assertThat(fresh.node("node-a")).isPresent(); // a synced cache holds what was listed
        }
    }

    @Test
    void nodesCarryRackFromTheZoneLabelAndDiskFromTheAnnotation() {
        assertThat(state.node("node-a")).contains(new NodeFacts("node-a", "rack-a", 536_870_912_000L, List.of()));
        assertThat(state.node("node-b").orElseThrow().diskCapacityBytes()).isEqualTo(1_099_511_627_776L);
        assertThat(state.node("node-c").orElseThrow().diskCapacityBytes()).isNull(); // no annotation
        assertThat(state.nodes()).extracting(NodeFacts::name).contains("node-a", "node-b", "node-c");
    }

    @Test
    void theInformerCacheKeepsOnlyWhatPlacementReads() {
        // node-a was created with status.allocatable; the cache keeps the rack label and the disk
        var cached = state.cachedNode("node-a");
        assertThat(cached.getStatus()).isNull();
        assertThat(cached.getMetadata().getLabels()).isEqualTo(java.util.Map.of(Keys.DEFAULT_RACK_LABEL, "rack-a"));
        assertThat(cached.getMetadata().getAnnotations()).isEqualTo(java.util.Map.of(Keys.DISK_CAPACITY, "500Gi"));
        assertThat(cached.getMetadata().getResourceVersion()).isNotBlank();
    }

    @Test
    void aNodeTheCacheHasNotSeenIsEmpty() {
        assertThat(state.node("node-nobody-made")).isEmpty();
    }

    @Test
    void unboundBrokerPodOccupiesNoNode() {
        assertThat(brokersOn("node-a")).doesNotContain("kafka/demo-broker-0");
        assertThat(state.nodes()).allSatisfy(n -> assertThat(n.brokers())
                .extracting(PlacedBroker::podKey).doesNotContain("kafka/demo-broker-0"));
    }

    @Test
    void boundBrokerAppearsOnItsNodeAndUnlabelledPodsAreNeverSeen() throws Exception {
        bed.loadYaml("""
                apiVersion: v1
                kind: Pod
                metadata: {name: web-0, namespace: shop}
                spec: {nodeName: node-b, containers: [{name: web, image: nginx}]}
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: orders-broker-1
                  namespace: kafka
                  labels: {berth.dev/cluster: orders, berth.dev/broker-id: "1"}
                  annotations: {berth.dev/local-storage: 200Gi, berth.dev/leaders: "17"}
                spec: {nodeName: node-b, containers: [{name: kafka, image: apache/kafka}]}
                """);
        await().atMost(WAIT).until(() -> brokersOn("node-b").contains("kafka/orders-broker-1"));
        // web-0 was created first, so a pod informer without the berth.dev/cluster selector would hold it by now:
        // in a huge cluster every other pod would sit in this process's memory
        assertThat(state.cachedPod("shop/web-0")).as("never listed nor watched").isNull();
        assertThat(state.cachedPod("kafka/orders-broker-1")).isNotNull();
        assertThat(state.node("node-b").orElseThrow().brokers()).containsExactly(
                new PlacedBroker("kafka/orders-broker-1", "orders", 1, 214_748_364_800L, 17, 0, false));

        new CoreV1Api(bed.apiClient()).deleteNamespacedPod("orders-broker-1", "kafka").execute();
        await().atMost(WAIT).until(() -> brokersOn("node-b").isEmpty()); // web-0 never counted
    }

    @Test
    void theOperatorsControllerPodsAreNoBrokers() throws Exception {
        // the operator labels its KRaft controllers with the cluster too, role controller
        bed.loadYaml("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: pay-controller-0
                  namespace: kafka
                  labels: {berth.dev/cluster: pay, berth.dev/broker-id: "1000", berth.dev/role: controller}
                spec: {nodeName: node-c, containers: [{name: kafka, image: apache/kafka}]}
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: pay-broker-0
                  namespace: kafka
                  labels: {berth.dev/cluster: pay, berth.dev/broker-id: "0", berth.dev/role: broker}
                spec: {nodeName: node-c, containers: [{name: kafka, image: apache/kafka}]}
                """);
        await().atMost(WAIT).until(() -> brokersOn("node-c").contains("kafka/pay-broker-0"));
        assertThat(brokersOn("node-c")).containsExactly("kafka/pay-broker-0");
        assertThat(state.cachedPod("kafka/pay-controller-0").getMetadata().getLabels())
                .as("the slim cache keeps the role").containsEntry("berth.dev/role", "controller");
        assertThat(state.table().brokersOf("kafka/pay")).extracting(p -> p.broker().podKey()).containsExactly("kafka/pay-broker-0");
        new CoreV1Api(bed.apiClient()).deleteNamespacedPod("pay-broker-0", "kafka").execute();
        await().atMost(WAIT).until(() -> brokersOn("node-c").isEmpty());
    }

    @Test
    void malformedDiskAnnotationIsReportedAndMarksTheNodeInvalid() {
        bed.loadYaml("""
                apiVersion: v1
                kind: Node
                metadata:
                  name: node-typo
                  labels: {topology.kubernetes.io/zone: rack-a}
                  annotations: {berth.dev/disk-capacity: 2TB}
                """);
        await().atMost(WAIT).until(() -> state.node("node-typo").isPresent());
        NodeFacts typo = state.node("node-typo").orElseThrow();
        assertThat(typo.rack()).isEqualTo("rack-a");
        assertThat(typo.diskCapacityBytes()).isEqualTo(NodeFacts.INVALID_CAPACITY); // fails the disk rule
        assertThat(state.problems()).containsEntry("node/node-typo",
                List.of("berth.dev/disk-capacity: not a Kubernetes quantity: 2TB"));
        assertThat(state.synced()).isTrue(); // one bad node does not take the cache down
    }

    @Test
    void aNodeThatJoinsIsSlimAndANodeThatLeavesIsGoneFromTheTable() throws Exception {
        bed.loadYaml("""
                apiVersion: v1
                kind: Node
                metadata:
                  name: node-late
                  labels: {topology.kubernetes.io/zone: rack-b, kubernetes.io/os: linux}
                  annotations: {berth.dev/disk-capacity: 1Ti, node.alpha.kubernetes.io/ttl: "0"}
                status: {allocatable: {cpu: "8"}}
                """);
        await().atMost(WAIT).until(() -> state.node("node-late").isPresent());
        // a watch event, not the first list: slimmed by the informer's transform
        var cached = state.cachedNode("node-late");
        assertThat(cached.getStatus()).isNull();
        assertThat(cached.getMetadata().getLabels()).isEqualTo(java.util.Map.of(Keys.DEFAULT_RACK_LABEL, "rack-b"));
        assertThat(state.table().idOf("node-late")).isNotNegative();

        new CoreV1Api(bed.apiClient()).deleteNode("node-late").execute();
        await().atMost(WAIT).until(() -> state.node("node-late").isEmpty());
        assertThat(state.nodes()).extracting(NodeFacts::name).doesNotContain("node-late");
        assertThat(state.table().idOf("node-late")).as("the next filter says: not in berth cache").isNegative();
    }

    @Test
    void aReservedPodThatIsDeletedGivesItsNodeBack() throws Exception {
        String uid = bed.loadYaml("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: reserved-broker-0
                  namespace: kafka
                  labels: {berth.dev/cluster: payments, berth.dev/broker-id: "0"}
                spec: {containers: [{name: kafka, image: apache/kafka}]}
                """).get(0).getAsJsonObject("metadata").get("uid").getAsString();
        await().atMost(WAIT).until(() -> state.cachedPod("kafka/reserved-broker-0") != null);
        ledger.reserve(uid, "node-c", new PlacedBroker("kafka/reserved-broker-0", "payments", 0, 0, 0, 0, true));
        assertThat(state.node("node-c").orElseThrow().brokers()).extracting(PlacedBroker::podKey)
                .contains("kafka/reserved-broker-0");

        new CoreV1Api(bed.apiClient()).deleteNamespacedPod("reserved-broker-0", "kafka").execute();
        await().atMost(WAIT).until(() -> ledger.reservedOn("node-c").isEmpty());
        assertThat(state.node("node-c").orElseThrow().brokers()).extracting(PlacedBroker::podKey)
                .doesNotContain("kafka/reserved-broker-0");
    }
}
