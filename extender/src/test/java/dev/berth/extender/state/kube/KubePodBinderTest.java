package dev.berth.extender.state.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.berth.extender.placement.Keys;
import dev.berth.extender.placement.PlacedBroker;
import dev.berth.extender.state.MutableClock;
import dev.berth.extender.state.PodBinder.BindException;
import dev.berth.extender.state.PodBinder.BindTarget;
import dev.berth.extender.state.ReservationLedger;
import dev.berth.testbed.k8s.KubeApiTestBed;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Binding through the in-process API server, with the informer state watching. */
class KubePodBinderTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String NS = "kafka";

    @AutoClose
    private static GatedBed env;
    private static KubeApiTestBed bed;
    private static CoreV1Api core;
    private static ReservationLedger ledger;
    private static InformerClusterState state;
    private static KubePodBinder binder;

    @BeforeAll
    static void start() {
        env = new GatedBed();
        bed = env.bed;
        core = env.core;
        bed.load("testbed/three-racks.yaml");
        ledger = new ReservationLedger(new MutableClock(Instant.parse("2026-01-01T00:00:00Z")));
        state = env.own(new InformerClusterState(env.informerClient(), Keys.DEFAULT_RACK_LABEL, ledger));
        state.start();
        await().atMost(WAIT).until(state::synced);
        binder = new KubePodBinder(core, ledger, Clock.systemUTC(), "berth-extender-test");
    }

    @AfterEach
    void openGate() {
        env.gate.open();
    }

    private static String createBroker(String name, String cluster, String rack) {
        String annotations = rack == null ? "{berth.dev/local-storage: 100Gi}"
                : "{berth.dev/local-storage: 100Gi, berth.dev/rack: " + rack + "}";
        return bed.loadYaml("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                  namespace: kafka
                  labels: {berth.dev/cluster: %s, berth.dev/broker-id: "7"}
                  annotations: %s
                spec: {schedulerName: berth-scheduler, containers: [{name: kafka, image: apache/kafka}]}
                """.formatted(name, cluster, annotations)).get(0)
                .getAsJsonObject("metadata").get("uid").getAsString();
    }

    private static V1Pod read(String name) throws Exception {
        return core.readNamespacedPod(name, NS).execute();
    }

    private static List<CoreV1Event> eventsOf(String pod) throws Exception {
        return core.listNamespacedEvent(NS).execute().getItems().stream()
                .filter(e -> pod.equals(e.getInvolvedObject().getName()))
                .toList();
    }

    private static BindTarget target(String pod, String uid, String node, String rack) {
        return new BindTarget(NS, pod, uid, node, rack, pod + " placed on " + node + " (" + rack + "): best score");
    }

    @Test
    void bindSetsTheNodeStampsTheRackAndPostsAnEvent() throws Exception {
        String uid = createBroker("bind-fresh", "c1", null);
        binder.bind(target("bind-fresh", uid, "node-a", "rack-a"));

        V1Pod pod = read("bind-fresh");
        assertThat(pod.getSpec().getNodeName()).isEqualTo("node-a");
        assertThat(pod.getMetadata().getAnnotations()).containsEntry("berth.dev/rack", "rack-a");
        await().atMost(WAIT).until(() -> !eventsOf("bind-fresh").isEmpty());
        CoreV1Event event = eventsOf("bind-fresh").get(0);
        assertThat(event.getReason()).isEqualTo("BrokerPlaced");
        assertThat(event.getType()).isEqualTo("Normal");
        assertThat(event.getMessage()).isEqualTo("bind-fresh placed on node-a (rack-a): best score");
        assertThat(event.getInvolvedObject().getUid()).isEqualTo(uid);
        assertThat(event.getInvolvedObject().getKind()).isEqualTo("Pod");
        assertThat(event.getReportingComponent()).isEqualTo("berth-extender");
    }

    @Test
    void nodeWithoutARackBindsWithoutStampingOne() throws Exception {
        String uid = createBroker("bind-norack", "c2", null);
        binder.bind(target("bind-norack", uid, "node-c", null));
        V1Pod pod = read("bind-norack");
        assertThat(pod.getSpec().getNodeName()).isEqualTo("node-c");
        assertThat(pod.getMetadata().getAnnotations()).doesNotContainKey("berth.dev/rack");
    }

    @Test
    void retriedBindIsIdempotentOnTheSameNodeAndRefusedOnAnother() throws Exception {
        String uid = createBroker("bind-twice", "c3", null);
        binder.bind(target("bind-twice", uid, "node-b", "rack-b"));
        binder.bind(target("bind-twice", uid, "node-b", "rack-b")); // the scheduler's reply was lost: success

        assertThatThrownBy(() -> binder.bind(target("bind-twice", uid, "node-a", "rack-a")))
                .isInstanceOf(BindException.class)
                .hasMessage(KubePodBinder.BOUND_ELSEWHERE);
        assertThat(read("bind-twice").getSpec().getNodeName()).isEqualTo("node-b");
        await().atMost(WAIT).until(() -> !eventsOf("bind-twice").isEmpty());
        assertThat(eventsOf("bind-twice")).hasSize(1); // the retry posts no second Event
    }

    @Test
    void pinnedRackIsKeptAndAnotherRackIsRefused() throws Exception {
        String uid = createBroker("bind-pinned", "c4", "rack-b");
        assertThatThrownBy(() -> binder.bind(target("bind-pinned", uid, "node-a", "rack-a")))
                .isInstanceOf(BindException.class)
                .hasMessage(KubePodBinder.RACK_MISMATCH);
        assertThat(read("bind-pinned").getSpec().getNodeName()).isNull();

        binder.bind(target("bind-pinned", uid, "node-b", "rack-b"));
        V1Pod pod = read("bind-pinned");
        assertThat(pod.getSpec().getNodeName()).isEqualTo("node-b");
        assertThat(pod.getMetadata().getAnnotations()).containsEntry("berth.dev/rack", "rack-b");
    }

    @Test
    void aRecreatedPodIsNotBoundOnTheOldUid() throws Exception {
        createBroker("bind-olduid", "c5", null);
        assertThatThrownBy(() -> binder.bind(target("bind-olduid", "uid-of-a-deleted-pod", "node-a", "rack-a")))
                .isInstanceOf(BindException.class)
                .hasMessage(KubePodBinder.POD_UID_CHANGED);
        assertThat(read("bind-olduid").getSpec().getNodeName()).isNull();
        assertThat(read("bind-olduid").getMetadata().getAnnotations()).doesNotContainKey("berth.dev/rack");
    }

    @Test
    void aRefusedBindingLeavesNoReservationBehind() throws Exception {
        String uid = bed.loadYaml("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: bind-terminating
                  namespace: kafka
                  labels: {berth.dev/cluster: c7}
                  finalizers: [test.berth.dev/hold]
                spec: {containers: [{name: kafka, image: apache/kafka}]}
                """).get(0).getAsJsonObject("metadata").get("uid").getAsString();
        core.deleteNamespacedPod("bind-terminating", NS).execute(); // the finalizer keeps it, terminating
        await().atMost(WAIT).until(() -> read("bind-terminating").getMetadata().getDeletionTimestamp() != null);

        assertThatThrownBy(() -> binder.bind(target("bind-terminating", uid, "node-a", "rack-a")))
                .isInstanceOf(BindException.class)
                .hasMessage(KubePodBinder.BINDING_CONFLICT);
        assertThat(ledger.reservedOn("node-a")).extracting(PlacedBroker::podKey)
                .doesNotContain("kafka/bind-terminating");
        assertThat(read("bind-terminating").getSpec().getNodeName()).isNull();
        // The rack stamped for node-a is taken back: the pod never ran there.
        assertThat(read("bind-terminating").getMetadata().getAnnotations()).doesNotContainKey("berth.dev/rack");
    }

    @Test
    void aBindingThatFailsOnceDoesNotPinTheRack() throws Exception {
        String uid = createBroker("bind-transient", "c8", null);
        FaultyBinding fault = FaultyBinding.refuseOnce(503);
        KubePodBinder flaky = new KubePodBinder(fault.api(bed.url()), ledger, Clock.systemUTC(), "berth-extender-test");

        assertThatThrownBy(() -> flaky.bind(target("bind-transient", uid, "node-a", "rack-a")))
                .isInstanceOf(BindException.class)
                .hasMessage("binding rejected: HTTP 503");
        V1Pod after = read("bind-transient");
        assertThat(after.getSpec().getNodeName()).isNull();
        assertThat(after.getMetadata().getAnnotations()).doesNotContainKey("berth.dev/rack");

        // The scheduler's next attempt may pick another rack, and it is stamped then.
        flaky.bind(target("bind-transient", uid, "node-b", "rack-b"));
        assertThat(read("bind-transient").getSpec().getNodeName()).isEqualTo("node-b");
        assertThat(read("bind-transient").getMetadata().getAnnotations()).containsEntry("berth.dev/rack", "rack-b");
    }

    @Test
    void aBindingThatLosesARaceToItsOwnTwinIsSuccess() throws Exception {
        String uid = createBroker("bind-twin", "c10", null);
        FaultyBinding fault = FaultyBinding.raceOnce();
        KubePodBinder racing = new KubePodBinder(fault.api(bed.url()), ledger, Clock.systemUTC(), "berth-extender-test");

        racing.bind(target("bind-twin", uid, "node-c", "rack-c")); // the 409 re-reads: bound here, so success
        V1Pod after = read("bind-twin");
        assertThat(after.getSpec().getNodeName()).isEqualTo("node-c");
        assertThat(after.getMetadata().getAnnotations()).containsEntry("berth.dev/rack", "rack-c");
        await().atMost(WAIT).until(() -> !eventsOf("bind-twin").isEmpty());
    }

    @Test
    void aBindingThatLandedDespiteTheErrorKeepsItsRack() throws Exception {
        String uid = createBroker("bind-lost-reply", "c9", null);
        FaultyBinding fault = FaultyBinding.loseReplyOnce();
        KubePodBinder flaky = new KubePodBinder(fault.api(bed.url()), ledger, Clock.systemUTC(), "berth-extender-test");

        assertThatThrownBy(() -> flaky.bind(target("bind-lost-reply", uid, "node-a", "rack-a")))
                .isInstanceOf(BindException.class)
                .hasMessage(KubePodBinder.API_UNREACHABLE);
        // The Binding reached the apiserver, so the pod changed after the stamp: it keeps its rack.
        V1Pod after = read("bind-lost-reply");
        assertThat(after.getSpec().getNodeName()).isEqualTo("node-a");
        assertThat(after.getMetadata().getAnnotations()).containsEntry("berth.dev/rack", "rack-a");
    }

    @Test
    void aMissingPodIsRefused() {
        assertThatThrownBy(() -> binder.bind(target("bind-ghost", "u-ghost", "node-a", "rack-a")))
                .isInstanceOf(BindException.class)
                .hasMessage(KubePodBinder.POD_NOT_FOUND);
    }

    @Test
    void whileTheInformerLagsTheLedgerShowsTheBrokerOnItsNode() throws Exception {
        String uid = createBroker("bind-lag", "c6", null);
        await().atMost(WAIT).until(() -> state.node("node-a").isPresent());
        env.gate.close(); // from here the informer does not see pod changes
        binder.bind(target("bind-lag", uid, "node-a", "rack-a"));

        assertThat(state.node("node-a").orElseThrow().brokers())
                .filteredOn(b -> b.podKey().equals("kafka/bind-lag"))
                .containsExactly(new PlacedBroker("kafka/bind-lag", "c6", 7, 107_374_182_400L, 0, 0, true));

        env.gate.open(); // the informer catches up: it shows the broker itself and the reservation ends
        await().atMost(WAIT).until(() -> ledger.reservedOn("node-a").stream()
                .noneMatch(b -> b.podKey().equals("kafka/bind-lag")));
        assertThat(state.node("node-a").orElseThrow().brokers())
                .filteredOn(b -> b.podKey().equals("kafka/bind-lag"))
                .containsExactly(new PlacedBroker("kafka/bind-lag", "c6", 7, 107_374_182_400L, 0, 0, false));
    }
}
