package dev.berth.extender.state.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import dev.berth.extender.http.ExtenderServer;
import dev.berth.extender.placement.Keys;
import dev.berth.extender.placement.PlacedBroker;
import dev.berth.extender.placement.Reason;
import dev.berth.extender.state.kube.KubeBackendFactory.KubeBackend;
import dev.berth.testbed.k8s.KubeApiTestBed;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole extender against the in-process API server: informers, ledger and binder behind the real
 * HTTP server, called exactly as kube-scheduler calls it (filter, prioritize, bind), while the pod
 * informer is held back so that it has not seen the previous bind.
 */
class KubeSchedulingFlowTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final List<String> NODES = List.of("flow-a", "flow-b", "flow-c");

    @AutoClose
    private static GatedBed env;
    private static KubeApiTestBed bed;
    private static CoreV1Api core;
    private static KubeBackend backend;
    private static SchedulerClient scheduler;

    @BeforeAll
    static void start() {
        env = new GatedBed();
        bed = env.bed;
        core = env.core;
        for (int i = 0; i < NODES.size(); i++) {
            node(NODES.get(i), "zone-" + (char) ('a' + i), "1Ti");
        }
        backend = env.own(KubeBackendFactory.start(env.informerClient(), bed.apiClient(), Keys.DEFAULT_RACK_LABEL,
                Clock.systemUTC(), "flow-test"));
        ExtenderServer server = env.own(ExtenderServer.builder().state(backend.state()).binder(backend.binder()).port(0).start());
        scheduler = new SchedulerClient("http://127.0.0.1:" + server.port() + "/scheduler");
        await().atMost(WAIT).until(() -> backend.state().synced()
                && NODES.stream().allMatch(n -> backend.state().node(n).isPresent()));
    }

    @AfterEach
    void openGate() {
        env.gate.open();
    }

    private static void node(String name, String zone, String disk) {
        bed.loadYaml("""
                apiVersion: v1
                kind: Node
                metadata:
                  name: %s
                  labels: {topology.kubernetes.io/zone: %s}
                  annotations: {berth.dev/disk-capacity: %s}
                """.formatted(name, zone, disk));
    }

    private static JsonObject broker(String cluster, int id) {
        return bed.loadYaml("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %1$s-broker-%2$d
                  namespace: kafka
                  labels: {berth.dev/cluster: %1$s, berth.dev/broker-id: "%2$d", berth.dev/role: broker}
                  annotations: {berth.dev/local-storage: 100Gi}
                spec:
                  schedulerName: berth-scheduler
                  containers: [{name: kafka, image: apache/kafka:4.1.0}]
                """.formatted(cluster, id)).get(0);
    }

    private static V1Pod read(JsonObject pod) throws Exception {
        JsonObject meta = pod.getAsJsonObject("metadata");
        return core.readNamespacedPod(meta.get("name").getAsString(), meta.get("namespace").getAsString()).execute();
    }

    @Test
    void brokersOfOneClusterScheduledBackToBackWhileTheInformerLagsNeverShareANode() throws Exception {
        List<JsonObject> brokers = List.of(broker("orders", 0), broker("orders", 1), broker("orders", 2));
        // the other tests' binds end their reservations only once the informer shows them: let that
        // happen first, so the reservations counted below are this test's alone
        await().atMost(WAIT).until(() -> backend.informerState().ledger().size() == 0);
        env.gate.close(); // the informer sees none of the binds below until the end

        List<String> chosen = new ArrayList<>();
        for (JsonObject pod : brokers) {
            SchedulerClient.Attempt attempt = scheduler.schedule(pod, NODES);
            assertThat(attempt.bindError()).isEmpty();
            // every node taken so far is refused, for the one-broker-per-cluster rule
            for (String taken : chosen) {
                assertThat(attempt.filtered().failed()).containsEntry(taken, Reason.SAME_CLUSTER_BROKER.text());
            }
            chosen.add(attempt.chosen());
        }
        assertThat(new HashSet<>(chosen)).hasSize(3);
        // and it was the ledger that knew: the informer has shown none of them on a node yet
        for (int i = 0; i < 3; i++) {
            String key = "kafka/orders-broker-" + i;
            assertThat(backend.state().node(chosen.get(i)).orElseThrow().brokers())
                    .filteredOn(b -> b.podKey().equals(key)).extracting(PlacedBroker::reserved).containsExactly(true);
        }
        assertThat(scheduler.get("/metrics").body()).contains("berth_extender_cache_brokers{state=\"reserved\",} 3.0");

        // a fourth broker finds every node taken: FailedNodes, no bind
        JsonObject fourth = broker("orders", 3);
        SchedulerClient.Attempt none = scheduler.schedule(fourth, NODES);
        assertThat(none.chosen()).isNull();
        assertThat(none.filtered().failed()).hasSize(3).containsValue(Reason.SAME_CLUSTER_BROKER.text());

        env.gate.open();
        for (int i = 0; i < 3; i++) {
            V1Pod pod = read(brokers.get(i));
            String node = chosen.get(i);
            assertThat(pod.getSpec().getNodeName()).isEqualTo(node);
            assertThat(pod.getMetadata().getAnnotations())
                    .containsEntry(Keys.RACK, backend.state().node(node).orElseThrow().rack());
        }
        await().atMost(WAIT).until(() -> chosen.stream() // the informer caught up: no reservation left
                .allMatch(n -> backend.informerState().ledger().reservedOn(n).isEmpty()));
        for (int i = 0; i < 3; i++) {
            String key = "kafka/orders-broker-" + i;
            assertThat(backend.state().node(chosen.get(i)).orElseThrow().brokers())
                    .filteredOn(b -> b.podKey().equals(key)).extracting(PlacedBroker::reserved).containsExactly(false);
        }
    }

    /**
     * Two brokers of a new cluster, back to back while the informer lags: the first goes to rack a, whose nodes
     * have the disk headroom and no leader load; the second must go to rack b, although rack b's one node is
     * busier (a broker of another cluster leading 500 partitions) and smaller, and the other node of rack a would outscore it
     * (rack 5, leaders 10, disk 9: 7.33 against b's 10, 0, 5: 5.83). It is the first broker's reservation that
     * makes rack a the fuller one, and the rack skew rule that keeps the second out of it.
     */
    @Test
    void theSecondBrokerOfANewClusterGoesToTheEmptierRackEvenWhenItsNodeScoresWorse() throws Exception {
        List<String> nodes = List.of("spread-a1", "spread-a2", "spread-b1");
        node("spread-a1", "zone-a", "2Ti");
        node("spread-a2", "zone-a", "2Ti");
        node("spread-b1", "zone-b", "200Gi");
        bed.loadYaml("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: busy-broker-0
                  namespace: kafka
                  labels: {berth.dev/cluster: busy, berth.dev/broker-id: "0", berth.dev/role: broker}
                  annotations: {berth.dev/leaders: "500"}
                spec:
                  nodeName: spread-b1
                  containers: [{name: kafka, image: apache/kafka:4.1.0}]
                """);
        await().atMost(WAIT).until(() -> nodes.stream().allMatch(n -> backend.state().node(n).isPresent())
                && !backend.state().node("spread-b1").orElseThrow().brokers().isEmpty()
                && backend.informerState().ledger().size() == 0);
        env.gate.close();

        JsonObject first = broker("spread", 0);
        SchedulerClient.Attempt a = scheduler.schedule(first, nodes);
        assertThat(a.chosen()).startsWith("spread-a");
        JsonObject second = broker("spread", 1);
        SchedulerClient.Attempt b = scheduler.schedule(second, nodes);
        String otherA = a.chosen().equals("spread-a1") ? "spread-a2" : "spread-a1";
        assertThat(b.filtered().unresolvable()).containsEntry(otherA, Reason.RACK_SKEW.text());
        assertThat(b.filtered().failed()).containsEntry(a.chosen(), Reason.SAME_CLUSTER_BROKER.text());
        assertThat(b.chosen()).isEqualTo("spread-b1");

        env.gate.open();
        assertThat(read(first).getMetadata().getAnnotations()).containsEntry(Keys.RACK, "zone-a");
        assertThat(read(second).getMetadata().getAnnotations()).containsEntry(Keys.RACK, "zone-b");
    }

    /**
     * The operator deletes a broker pod and recreates it under the same name; the new incarnation is
     * bound while the informer still lags behind the old one's DELETED. That late event must not end
     * the new incarnation's reservation, or a second broker of the cluster passes the new one's node.
     */
    @Test
    void aLateEventOfARecreatedBrokersOldIncarnationDoesNotFreeTheNewOnesNode() throws Exception {
        JsonObject first = broker("again", 0);
        String oldUid = first.getAsJsonObject("metadata").get("uid").getAsString();
        SchedulerClient.Attempt placedFirst = scheduler.schedule(first, NODES);
        assertThat(placedFirst.bindError()).isEmpty();
        await().atMost(WAIT).until(() -> !shownBound("kafka/again-broker-0").isEmpty());

        env.gate.holdFrom(line -> line.contains(oldUid) && line.contains("\"DELETED\""));
        core.deleteNamespacedPod("again-broker-0", "kafka").execute();
        JsonObject second = broker("again", 0);
        String newUid = second.getAsJsonObject("metadata").get("uid").getAsString();
        assertThat(newUid).isNotEqualTo(oldUid);
        SchedulerClient.Attempt placedSecond = scheduler.schedule(second, NODES);
        assertThat(placedSecond.bindError()).isEmpty();

        // the informer catches up to the old incarnation's DELETED, not yet to the new one's bind
        env.gate.holdFrom(line -> line.contains(newUid) && line.contains("\"nodeName\""));
        await().atMost(WAIT).until(() -> shownBound("kafka/again-broker-0").isEmpty());
        assertThat(backend.state().node(placedSecond.chosen()).orElseThrow().brokers())
                .filteredOn(b -> b.podKey().equals("kafka/again-broker-0")).extracting(PlacedBroker::reserved).containsExactly(true);
        SchedulerClient.Attempt next = scheduler.schedule(broker("again", 1), NODES);
        assertThat(next.filtered().failed()).containsEntry(placedSecond.chosen(), Reason.SAME_CLUSTER_BROKER.text());
        assertThat(next.chosen()).isNotEqualTo(placedSecond.chosen());
    }

    /** The nodes on which the informer (not the ledger) shows pod {@code key}. */
    private static List<String> shownBound(String key) {
        return backend.state().nodes().stream()
                .filter(n -> n.brokers().stream().anyMatch(b -> b.podKey().equals(key) && !b.reserved()))
                .map(n -> n.name()).toList();
    }

    @Test
    void bindPostsAnEventThatSaysWhereTheBrokerWentAndWhy() throws Exception {
        JsonObject pod = broker("events", 0);
        SchedulerClient.Attempt attempt = scheduler.schedule(pod, NODES);
        assertThat(attempt.bindError()).isEmpty();
        String rack = backend.state().node(attempt.chosen()).orElseThrow().rack();
        await().atMost(WAIT).until(() -> !events("events-broker-0").isEmpty());
        CoreV1Event event = events("events-broker-0").get(0);
        assertThat(event.getReason()).isEqualTo(KubePodBinder.EVENT_REASON);
        assertThat(event.getMessage()).matches(java.util.regex.Pattern.quote("Placed on node " + attempt.chosen() + " (rack " + rack + "): score ")
                + "\\d+/10 \\(rack balance \\d+, leadership load \\d+, disk headroom \\d+\\), among 3 scored node\\(s\\)\\.");
        assertThat(event.getInvolvedObject().getUid()).isEqualTo(read(pod).getMetadata().getUid());
    }

    private static List<CoreV1Event> events(String podName) throws Exception {
        return core.listNamespacedEvent("kafka").execute().getItems().stream()
                .filter(e -> podName.equals(e.getInvolvedObject().getName()))
                .toList();
    }

    @Test
    void aRetriedBindIsIdempotentOnTheSameNodeAndAnErrorOnAnother() throws Exception {
        JsonObject pod = broker("retry", 0);
        SchedulerClient.Attempt attempt = scheduler.schedule(pod, NODES);
        assertThat(attempt.bindError()).isEmpty();
        assertThat(scheduler.bind(pod, attempt.chosen())).isEmpty(); // the first reply was lost
        String other = NODES.stream().filter(n -> !n.equals(attempt.chosen())).findFirst().orElseThrow();
        assertThat(scheduler.bind(pod, other)).isEqualTo(KubePodBinder.BOUND_ELSEWHERE);
        assertThat(read(pod).getSpec().getNodeName()).isEqualTo(attempt.chosen());
    }

    @Test
    void aNodeTheCacheHasNotSeenGetsAFailedNodesReasonNotAnError() throws Exception {
        JsonObject pod = broker("unknown", 0);
        SchedulerClient.Answer raw = scheduler.post("filter",
                SchedulerClient.args(pod, List.of("flow-a", "node-added-a-moment-ago")));
        assertThat(raw.status()).isEqualTo(200);
        SchedulerClient.Filtered f = scheduler.filter(pod, List.of("flow-a", "node-added-a-moment-ago"));
        assertThat(f.nodeNames()).containsExactly("flow-a");
        assertThat(f.failed()).containsExactly(java.util.Map.entry("node-added-a-moment-ago", Reason.UNKNOWN_NODE.text()));
        assertThat(f.unresolvable()).isEmpty();
        assertThat(f.error()).isEmpty();
    }

    @Test
    void readyOnlyAfterTheInformersHaveSynced() throws Exception {
        // A second extender whose informers have not started: not ready, and filter refuses with 503.
        InformerClusterState unsynced = new InformerClusterState(bed.informerClient(), Keys.DEFAULT_RACK_LABEL,
                new dev.berth.extender.state.ReservationLedger(Clock.systemUTC()));
        try (ExtenderServer second = ExtenderServer.builder().state(unsynced)
                        .binder(new KubePodBinder(core, unsynced.ledger(), unsynced::node, Clock.systemUTC(), "unsynced"))
                        .port(0).start();
                unsynced) {
            SchedulerClient client = new SchedulerClient("http://127.0.0.1:" + second.port() + "/scheduler");
            assertThat(client.get("/readyz").status()).isEqualTo(503);
            SchedulerClient.Answer refused = client.post("filter", SchedulerClient.args(broker("ready", 0), NODES));
            assertThat(refused.status()).isEqualTo(503);
            assertThat(KubeApiTestBed.json(refused.body()).get("Error").getAsString()).isNotEmpty();

            unsynced.start();
            await().atMost(WAIT).until(() -> client.get("/readyz").status() == 200);
            Set<String> seen = new HashSet<>();
            unsynced.nodes().forEach(n -> seen.add(n.name()));
            assertThat(seen).containsAll(NODES);
        }
    }
}
