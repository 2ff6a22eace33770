package dev.berth.extender.state.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.berth.extender.placement.Keys;
import dev.berth.extender.placement.PlacedBroker;
import dev.berth.extender.placement.Reason;
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
        binder = new KubePodBinder(core, ledger, state::node, Clock.systemUTC(), "berth-extender-test");
    }

    @AfterEach
    void openGate() {
        env.gate.open();
    }

    private static String createBroker(String name, String cluster, String rack) {
        return createBrokerAnnotated(name, cluster, rack == null ? "{berth.dev/local-storage: 100Gi}"
                : "{berth.dev/local-storage: 100Gi, berth.dev/rack: " + rack + "}");
    }

    private static String createBrokerAnnotated(String name, String cluster, String annotations) {
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
        // no filter of this process saw the pod (target without facts): the decision line gets the pod's
        // facts from what bind read
        dev.berth.extender.placement.BrokerPod facts = binder.bind(target("bind-fresh", uid, "node-a", "rack-a"));
        assertThat(facts).isNotNull();
        assertThat(List.of(facts.cluster(), facts.brokerId(), facts.localStorageBytes())).containsExactly("c1", 7, 100L << 30);

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
    void aNodeWithoutARackTakesNoBrokerAndStampsNoRackOnOtherPods() throws Exception {
        bed.loadYaml("""
                apiVersion: v1
                kind: Node
                metadata: {name: node-norack, annotations: {berth.dev/disk-capacity: 1Ti}}
                """);
        await().atMost(WAIT).until(() -> state.node("node-norack").isPresent());
        String broker = createBrokerAnnotated("bind-norack", "c2", "{}"); // network storage: refused
        assertThatThrownBy(() -> binder.bind(target("bind-norack", broker, "node-norack", null)))
                .isInstanceOf(BindException.class)
                .hasMessage(Reason.NO_RACK_LABEL.text());
        assertThat(read("bind-norack").getSpec().getNodeName()).isNull();

        String other = bed.loadYaml("""
                apiVersion: v1
                kind: Pod
                metadata: {name: bind-norack-tool, namespace: kafka}
                spec: {schedulerName: berth-scheduler, containers: [{name: tool, image: busybox}]}
                """).get(0).getAsJsonObject("metadata").get("uid").getAsString();
        binder.bind(target("bind-norack-tool", other, "node-norack", null));
        V1Pod pod = read("bind-norack-tool");
        assertThat(pod.getSpec().getNodeName()).isEqualTo("node-norack");
        assertThat(pod.getMetadata().getAnnotations()).isNullOrEmpty();
    }

    @Test
    void retriedBindIsIdempotentOnTheSameNodeAndRefusedOnAnother() throws Exception {
        String uid = createBroker("bind-twice", "c3", null);
        binder.bind(target("bind-twice", uid, "node-b", "rack-b"));
        // the scheduler's reply was lost: success, with the facts all the same
        assertThat(binder.bind(target("bind-twice", uid, "node-b", "rack-b")).cluster()).isEqualTo("c3");

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

    /** A node of its own for a test that counts what is on it. */
    private static void createNode(String name, String rack, String disk) {
        bed.loadYaml("""
                apiVersion: v1
                kind: Node
                metadata:
                  name: %s
                  labels: {topology.kubernetes.io/zone: %s}
                  annotations: {berth.dev/disk-capacity: %s}
                """.formatted(name, rack, disk));
        await().atMost(WAIT).until(() -> state.node(name).isPresent());
    }

    @Test
    void aSecondBrokerOfTheClusterIsRefusedOnTheNodeItsFirstWasJustBoundTo() throws Exception {
        // kube-scheduler binds asynchronously: both filters passed node-d before either bind
        createNode("node-d", "rack-d", "1Ti");
        String first = createBrokerAnnotated("bind-first", "c11", "{}"); // network storage
        String second = createBrokerAnnotated("bind-second", "c11", "{}");
        binder.bind(target("bind-first", first, "node-d", "rack-d"));

        assertThatThrownBy(() -> binder.bind(target("bind-second", second, "node-d", "rack-d")))
                .isInstanceOf(BindException.class)
                .hasMessage(Reason.SAME_CLUSTER_BROKER.text());
        V1Pod refused = read("bind-second");
        assertThat(refused.getSpec().getNodeName()).isNull();
        assertThat(refused.getMetadata().getAnnotations()).doesNotContainKey("berth.dev/rack");
        assertThat(ledger.reservedOn("node-d")).extracting(PlacedBroker::podKey).doesNotContain("kafka/bind-second");
        assertThat(read("bind-first").getSpec().getNodeName()).isEqualTo("node-d");
    }

    /**
     * A broker with local storage is bound although a rule broke since its filter: PreBind has by
     * then bound its volume, if node-local, to this node, and a refusal would leave it Pending for
     * good. A Warning Event names the rule instead.
     */
    @Test
    void aLocalStorageBrokerIsBoundWithAWarningWhenARuleBrokeSinceItsFilter() throws Exception {
        createNode("node-e", "rack-e", "1Ti");
        String first = createBrokerAnnotated("bind-disk-1", "c12", "{berth.dev/local-storage: 600Gi}");
        String second = createBrokerAnnotated("bind-disk-2", "c13", "{berth.dev/local-storage: 600Gi}");
        binder.bind(target("bind-disk-1", first, "node-e", "rack-e"));

        binder.bind(target("bind-disk-2", second, "node-e", "rack-e"));
        assertThat(read("bind-disk-2").getSpec().getNodeName()).isEqualTo("node-e");
        await().atMost(WAIT).untilAsserted(() -> assertThat(eventsOf("bind-disk-2"))
                .anySatisfy(e -> {
                    assertThat(e.getReason()).isEqualTo(KubePodBinder.RULE_BROKEN_REASON);
                    assertThat(e.getType()).isEqualTo("Warning");
                    assertThat(e.getMessage()).contains("not enough free local disk");
                })
                .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("BrokerPlaced")));
        assertThat(eventsOf("bind-disk-1")).noneMatch(e -> e.getReason().equals(KubePodBinder.RULE_BROKEN_REASON));
        // a node the cache has not seen is refused even so: a retry fixes that
        String third = createBrokerAnnotated("bind-disk-3", "c14", "{berth.dev/local-storage: 1Gi}");
        assertThatThrownBy(() -> binder.bind(target("bind-disk-3", third, "node-unseen", "rack-e")))
                .isInstanceOf(BindException.class).hasMessage(Reason.UNKNOWN_NODE.text());
    }

    @Test
    void ofEightBindsOfOneClusterToOneNodeAtOnceExactlyOneLands() throws Exception {
        createNode("node-f", "rack-f", "10Ti");
        List<String> uids = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            uids.add(createBrokerAnnotated("bind-rush-" + i, "c14", "{}")); // network storage: refused, not warned
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<String>> outcomes = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                String name = "bind-rush-" + i;
                String uid = uids.get(i);
                outcomes.add(pool.submit(() -> {
                    go.await();
                    try {
                        binder.bind(target(name, uid, "node-f", "rack-f"));
                        return "bound";
                    } catch (BindException e) {
                        return e.getMessage();
                    }
                }));
            }
            go.countDown();
            List<String> results = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<String> f : outcomes) {
                results.add(f.get(30, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertThat(results).filteredOn("bound"::equals).hasSize(1);
            assertThat(results).filteredOn(Reason.SAME_CLUSTER_BROKER.text()::equals).hasSize(7);
        } finally {
            pool.shutdownNow();
        }
        long onNode = core.listNamespacedPod(NS).execute().getItems().stream()
                .filter(p -> p.getMetadata().getName().startsWith("bind-rush-"))
                .filter(p -> "node-f".equals(p.getSpec().getNodeName()))
                .count();
        assertThat(onNode).isEqualTo(1);
    }

    @Test
    void aNodeTheBrokerIsMovingOffOrThatTheCacheLacksIsRefused() throws Exception {
        String leaving = createBrokerAnnotated("bind-avoid", "c15", "{berth.dev/avoid-node: node-a}");
        assertThatThrownBy(() -> binder.bind(target("bind-avoid", leaving, "node-a", "rack-a")))
                .isInstanceOf(BindException.class)
                .hasMessage(Reason.AVOID_NODE.text());
        assertThatThrownBy(() -> binder.bind(target("bind-avoid", leaving, "node-gone", "rack-a")))
                .isInstanceOf(BindException.class)
                .hasMessage(Reason.UNKNOWN_NODE.text());
        assertThat(read("bind-avoid").getSpec().getNodeName()).isNull();
        assertThat(read("bind-avoid").getMetadata().getAnnotations()).doesNotContainKey("berth.dev/rack");
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

    /**
     * A role without one of the rules the bind needs: the reason names the rule (it reaches the pod's
     * FailedScheduling event), nothing is reserved, and no rack stays stamped on a pod that did not bind.
     */
    @Test
    void aCallTheRoleIsNotAllowedNamesTheRuleAndLeavesNothingBehind() throws Exception {
        record Row(String verb, String resource, String reason) {}
        Row[] rows = {
            new Row("get", "pods", "read pod forbidden: HTTP 403 (RBAC: get pods)"),
            new Row("patch", "pods", "stamp rack forbidden: HTTP 403 (RBAC: patch pods)"),
            new Row("create", "pods/binding", "binding forbidden: HTTP 403 (RBAC: create pods/binding)"),
        };
        for (Row r : rows) {
            String pod = "bind-forbidden-" + r.verb();
            String uid = createBroker(pod, "c-" + r.verb(), null);
            try (AutoCloseable refused = bed.forbid(r.verb(), r.resource(), NS)) {
                assertThatThrownBy(() -> binder.bind(target(pod, uid, "node-a", "rack-a")))
                        .as(r.resource()).isInstanceOf(BindException.class).hasMessage(r.reason());
            }
            assertThat(ledger.reservedOn("node-a")).extracting(PlacedBroker::podKey).as(r.resource())
                    .doesNotContain("kafka/" + pod);
            V1Pod after = read(pod);
            assertThat(after.getSpec().getNodeName()).as(r.resource()).isNull();
            assertThat(after.getMetadata().getAnnotations()).as(r.resource()).doesNotContainKey("berth.dev/rack");
        }
    }

    @Test
    void aBindingThatFailsOnceDoesNotPinTheRack() throws Exception {
        String uid = createBroker("bind-transient", "c8", null);
        FaultyBinding fault = FaultyBinding.refuseOnce(503);
        KubePodBinder flaky = new KubePodBinder(fault.api(bed.url()), ledger, state::node, Clock.systemUTC(), "berth-extender-test");

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
        KubePodBinder racing = new KubePodBinder(fault.api(bed.url()), ledger, state::node, Clock.systemUTC(), "berth-extender-test");

        racing.bind(target("bind-twin", uid, "node-b", "rack-b")); // the 409 re-reads: bound here, so success
        assertThat(fault.fired()).as("the twin landed first: this bind took the 409 path").isTrue();
        V1Pod after = read("bind-twin");
        assertThat(after.getSpec().getNodeName()).isEqualTo("node-b");
        assertThat(after.getMetadata().getAnnotations()).containsEntry("berth.dev/rack", "rack-b");
        await().atMost(WAIT).until(() -> !eventsOf("bind-twin").isEmpty());
    }

    /**
     * The pod's earlier attempt to node-a, whose reply never came, lands while this attempt to node-b runs:
     * this one gets 409 and fails, and the pod is on node-a. node-a keeps a reservation for it until the
     * informer shows it there. Before, this attempt's reservation had replaced node-a's, and its failure
     * dropped that one: node-a looked free of the broker until the informer caught up.
     */
    @Test
    void aBindingThatLosesToAnEarlierAttemptElsewhereReservesWhereThePodLanded() throws Exception {
        String uid = createBroker("bind-elsewhere", "c13", null);
        ReservationLedger own = new ReservationLedger(Clock.systemUTC()); // no informer settles it here
        own.reserve(uid, "node-a", new PlacedBroker("kafka/bind-elsewhere", "c13", 0, 100L << 30, 0, 0, false));
        KubePodBinder racing = new KubePodBinder(FaultyBinding.raceElsewhereOnce("node-a").api(bed.url()), own,
                state::node, Clock.systemUTC(), "berth-extender-test");

        assertThatThrownBy(() -> racing.bind(target("bind-elsewhere", uid, "node-b", "rack-b")))
                .isInstanceOf(BindException.class).hasMessage(KubePodBinder.BOUND_ELSEWHERE);

        assertThat(read("bind-elsewhere").getSpec().getNodeName()).isEqualTo("node-a");
        assertThat(own.reservedOn("node-a")).extracting(PlacedBroker::podKey).containsExactly("kafka/bind-elsewhere");
        assertThat(own.reservedOn("node-b")).isEmpty();
    }

    @Test
    void aBindingThatLandedDespiteTheErrorKeepsItsRack() throws Exception {
        String uid = createBroker("bind-lost-reply", "c9", null);
        FaultyBinding fault = FaultyBinding.loseReplyOnce();
        KubePodBinder flaky = new KubePodBinder(fault.api(bed.url()), ledger, state::node, Clock.systemUTC(), "berth-extender-test");

        assertThatThrownBy(() -> flaky.bind(target("bind-lost-reply", uid, "node-a", "rack-a")))
                .isInstanceOf(BindException.class)
                .hasMessage(KubePodBinder.API_UNREACHABLE);
        // The Binding reached the apiserver, so the pod changed after the stamp: it keeps its rack.
        V1Pod after = read("bind-lost-reply");
        assertThat(after.getSpec().getNodeName()).isEqualTo("node-a");
        assertThat(after.getMetadata().getAnnotations()).containsEntry("berth.dev/rack", "rack-a");
    }

    /**
     * A Binding whose outcome the binder cannot know (here it never arrived; a lost reply looks the same)
     * keeps its reservation until the informer shows the pod or it expires: had it landed, releasing it
     * would leave the node looking free of this broker until the informer caught up. Another broker of
     * the cluster is kept off the node meanwhile; the pod's own next attempt still binds there.
     */
    @Test
    void aBindingWhoseOutcomeIsUnknownKeepsItsReservation() throws Exception {
        String uid = createBroker("bind-unknown", "c12", null);
        KubePodBinder flaky = new KubePodBinder(FaultyBinding.dropRequestOnce().api(bed.url()), ledger, state::node,
                Clock.systemUTC(), "berth-extender-test");

        assertThatThrownBy(() -> flaky.bind(target("bind-unknown", uid, "node-a", "rack-a")))
                .isInstanceOf(BindException.class)
                .hasMessage(KubePodBinder.API_UNREACHABLE);
        assertThat(read("bind-unknown").getSpec().getNodeName()).isNull();
        assertThat(ledger.reservedOn("node-a")).extracting(PlacedBroker::podKey).contains("kafka/bind-unknown");

        String twin = createBrokerAnnotated("bind-unknown-twin", "c12", "{}");
        assertThatThrownBy(() -> binder.bind(target("bind-unknown-twin", twin, "node-a", "rack-a")))
                .isInstanceOf(BindException.class)
                .hasMessage(dev.berth.extender.placement.Reason.SAME_CLUSTER_BROKER.text());

        flaky.bind(target("bind-unknown", uid, "node-a", "rack-a"));
        assertThat(read("bind-unknown").getSpec().getNodeName()).isEqualTo("node-a");
    }

    /**
     * The stamp's PATCH lands but its reply is cut off: the binder cannot know the resourceVersion the
     * stamp left, and before, it kept the stamp, pinning a broker that never ran to that rack. Now it
     * takes the stamp back if the annotation still holds the rack it stamped.
     */
    @Test
    void aStampWhoseReplyWasCutOffIsTakenBack() throws Exception {
        String uid = createBroker("bind-cut-stamp", "c11", null);
        FaultyBinding fault = FaultyBinding.cutStampReplyOnce();
        KubePodBinder flaky = new KubePodBinder(fault.api(bed.url()), ledger, state::node, Clock.systemUTC(), "berth-extender-test");

        assertThatThrownBy(() -> flaky.bind(target("bind-cut-stamp", uid, "node-a", "rack-a")))
                .isInstanceOf(BindException.class)
                .hasMessage(KubePodBinder.API_UNREACHABLE);
        V1Pod after = read("bind-cut-stamp");
        assertThat(after.getSpec().getNodeName()).isNull();
        assertThat(after.getMetadata().getAnnotations()).doesNotContainKey("berth.dev/rack");
        assertThat(ledger.reservedOn("node-a")).extracting(PlacedBroker::podKey).doesNotContain("kafka/bind-cut-stamp");
    }

    /**
     * The stamp's PATCH lands and the connection breaks before any reply (client-java reports it as code 0):
     * the stamp was kept, pinning a broker that never ran to that rack. It is taken back too.
     */
    @Test
    void aStampWhoseReplyNeverCameIsTakenBack() throws Exception {
        String uid = createBroker("bind-lost-stamp", "c31", null);
        FaultyBinding fault = FaultyBinding.loseStampReplyOnce();
        KubePodBinder flaky = new KubePodBinder(fault.api(bed.url()), ledger, state::node, Clock.systemUTC(), "berth-extender-test");

        assertThatThrownBy(() -> flaky.bind(target("bind-lost-stamp", uid, "node-a", "rack-a")))
                .isInstanceOf(BindException.class)
                .hasMessage(KubePodBinder.API_UNREACHABLE);
        assertThat(fault.fired()).isTrue();
        V1Pod after = read("bind-lost-stamp");
        assertThat(after.getSpec().getNodeName()).isNull();
        assertThat(after.getMetadata().getAnnotations()).doesNotContainKey("berth.dev/rack");
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
