package dev.berth.operator.reconcile;

import static org.awaitility.Awaitility.await;

import dev.berth.operator.api.BrokersSpec;
import dev.berth.operator.api.Condition;
import dev.berth.operator.api.ConditionType;
import dev.berth.operator.api.ControllersSpec;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.api.KafkaClusterSpec;
import dev.berth.operator.api.RebalanceSpec;
import dev.berth.testbed.k8s.KubeApiTestBed;
import dev.berth.testbed.kafka.KafkaAwait;
import dev.berth.testbed.kafka.KafkaRecords;
import dev.berth.testbed.kafka.KafkaTestCluster;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;

/**
 * What the day-2 tests on real brokers share: KRaft brokers on loopback, the Kubernetes API bed with
 * the real CRD, {@link BrokerPodGlue} playing kubelet and extender, and an operator running both
 * scale steps on one KafkaCluster. Two stages, because topics are created and filled between them:
 *
 * <pre>{@code
 * rig = DayTwoRig.brokers("fresh", RACKS, 3)      // brokers 0..2, racks from RACKS
 *         .orders(6, 200);                          // topic orders, RF 3, 200 records of 500 B a partition
 * rig.operate(3, 50_000_000L);                     // operator + KafkaCluster of 3 brokers, pods exist
 * @AfterAll static void stop() { OperatorFixture.closeAll(rig); }
 * }</pre>
 */
final class DayTwoRig implements AutoCloseable {
    static final String NS = "kafka";
    static final Duration WAIT = Duration.ofSeconds(90);

    final String name;
    final Map<Integer, String> racks;
    final KafkaTestCluster kafka;
    KubeApiTestBed bed;
    CoreV1Api core;
    private BrokerPodGlue glue;
    private Operator operator;
    /** The operators' clock: system time, moved ahead by {@link #advance} (an alarm after minutes, in a second). */
    private final ShiftedClock clock = new ShiftedClock();

    private static final class ShiftedClock extends Clock {
        private volatile Duration ahead = Duration.ZERO;

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return java.time.Instant.now().plus(ahead);
        }
    }

    private DayTwoRig(String name, Map<Integer, String> racks, KafkaTestCluster kafka) {
        this.name = name;
        this.racks = racks;
        this.kafka = kafka;
    }

    /** Brokers 0 .. {@code count}-1, each in its rack from {@code racks} (which also names later brokers' racks). */
    static DayTwoRig brokers(String name, Map<Integer, String> racks, int count) {
        return brokers(name, racks, count, 1);
    }

    /**
     * As {@link #brokers(String, Map, int)}, with a quorum of {@code controllers} controllers
     * (1000, 1001, ...), which the KafkaCluster asks for too: the glue plays their pods.
     */
    static DayTwoRig brokers(String name, Map<Integer, String> racks, int count, int controllers) {
        dev.berth.testbed.kafka.KafkaClusterBuilder b = KafkaTestCluster.builder().controllers(controllers);
        for (int id = 0; id < count; id++) {
            b.broker(id, racks.get(id));
        }
        DayTwoRig rig = new DayTwoRig(name, racks, b.start());
        rig.controllers = controllers;
        return rig;
    }

    private int controllers = 1;

    /**
     * Topic {@code orders}: RF 3, {@code min.insync.replicas=2}, {@code records} records of 500 B in
     * each partition (0: empty), every replica in sync.
     */
    DayTwoRig orders(int partitions, int records) {
        KafkaAwait.get(kafka.admin().createTopics(List.of(new NewTopic("orders", partitions, (short) 3)
                .configs(Map.of("min.insync.replicas", "2")))).all());
        kafka.awaitFullIsr("orders");
        for (int p = 0; p < partitions && records > 0; p++) {
            KafkaRecords.produce(kafka.bootstrapServers(), "orders", p, 0, records, 500);
        }
        return this;
    }

    private BrokerPodGlue.Placement placement;
    private Map<String, Map<String, String>> nodes = Map.of();
    /** The manifest whose role the operator runs as (null: the bed's unrestricted clients); see {@link #runAs}. */
    private java.nio.file.Path roleManifest;
    /** The operator's service account once it runs as one. */
    KubeApiTestBed.ServiceAccount serviceAccount;

    /**
     * Before {@link #operate}: the operator runs as service account {@code berth-system/berth-operator} with
     * exactly the rules {@code manifest} binds to it, watching every namespace with its Lease in
     * {@code berth-system}, as deploy/ installs it. What the role does not allow is refused with 403 and
     * recorded in {@link #serviceAccount}.
     */
    DayTwoRig runAs(java.nio.file.Path manifest) {
        roleManifest = manifest;
        return this;
    }

    /** Before {@link #operate}: the glue binds broker pods to nodes, the first that fits of {@code p}'s. */
    DayTwoRig placeOn(BrokerPodGlue.Placement p) {
        placement = p;
        return this;
    }

    /**
     * Before {@link #operate}: Node objects created on the bed before the operator starts, name to labels. Made
     * later, a node the operator looked up in vain (a pod bound to it first) stays unknown to it for
     * {@code NodeLabels.MAX_AGE}, as a node a real cluster could not read would.
     */
    DayTwoRig nodes(Map<String, Map<String, String>> labelsByNode) {
        nodes = Map.copyOf(labelsByNode);
        return this;
    }

    /** Starts the bed, the glue and the operator, creates the KafkaCluster, and waits for its broker pods. */
    DayTwoRig operate(int brokers, long throttleBytesPerSec) throws ApiException {
        return operate(brokers, throttleBytesPerSec, null);
    }

    /** As {@link #operate(int, long)}, with the brokers' storage as given (say local; null: the default). */
    DayTwoRig operate(int brokers, long throttleBytesPerSec, dev.berth.operator.api.StorageSpec storage)
            throws ApiException {
        bed = KubeApiTestBed.start();
        bed.load(OperatorFixture.CRD);
        core = new CoreV1Api(bed.apiClient());
        for (Map.Entry<String, Map<String, String>> n : nodes.entrySet()) {
            core.createNode(new io.kubernetes.client.openapi.models.V1Node().metadata(
                    new io.kubernetes.client.openapi.models.V1ObjectMeta().name(n.getKey()).labels(n.getValue()))).execute();
        }
        glue = new BrokerPodGlue(bed, kafka, NS, name, racks, placement);
        if (roleManifest == null) {
            operator = new Operator(bed.informerClient(), bed.apiClient(),
                    OperatorFixture.config(NS, kafka.bootstrapServers(), "berth-operator", "op-" + name),
                    Operator.dayTwoSteps(), clock);
        } else {
            serviceAccount = bed.serviceAccount("berth-system", "berth-operator",
                    dev.berth.testbed.k8s.RbacGrant.boundIn(roleManifest, "berth-system", "berth-operator", "berth-system"));
            OperatorConfig base = OperatorFixture.config(NS, kafka.bootstrapServers(), "berth-operator", "op-" + name);
            operator = new Operator(serviceAccount.informerClient(), serviceAccount.apiClient(),
                    new OperatorConfig(null, base.bootstrapOverride(), base.observeInterval(), "berth-operator",
                            "berth-system", base.identity(), base.leaseDuration(), base.renewDeadline(), base.retryPeriod(),
                            base.placementHold()),
                    Operator.dayTwoSteps(), clock);
        }
        operator.start();
        OperatorFixture.create(bed, NS, name, new KafkaClusterSpec(null, null, null, new ControllersSpec(controllers, null),
                new BrokersSpec(brokers, storage, null, null), null,
                new RebalanceSpec(throttleBytesPerSec, RebalanceSpec.OnScale.Rebalance)));
        await(brokers + " broker pods").atMost(WAIT).until(() -> OperatorFixture.pods(bed, NS, name).stream()
                .filter(p -> p.getMetadata().getName().contains("-broker-")).count() == brokers);
        return this;
    }

    /**
     * Stops the operator and starts a successor (same Lease, new identity) that reaches Kafka at
     * {@code bootstrap}: a restart or fail-over, optionally onto an address that does not answer.
     */
    void restartOperator(String bootstrap) {
        operator.close();
        operator = new Operator(bed.informerClient(), bed.apiClient(),
                OperatorFixture.config(NS, bootstrap, "berth-operator", "op-" + name + "-next"),
                Operator.dayTwoSteps(), clock);
        operator.start();
    }

    /** The operators' clock now. */
    java.time.Instant now() {
        return clock.instant();
    }

    /** Writes {@code op} as the KafkaCluster's operation, as a status from an earlier operator (or a person) left it. */
    void writeOperation(dev.berth.operator.api.OperationStatus op) throws ApiException {
        KafkaCluster c = cluster();
        dev.berth.operator.api.KafkaClusterStatus s = c.getStatus();
        new dev.berth.operator.act.KubeWriter(bed.apiClient(), Clock.systemUTC()).patchStatus(c,
                new dev.berth.operator.api.KafkaClusterStatus(s.observedGeneration(), s.phase(), s.ready(), s.conditions(),
                        s.brokers(), s.controllers(), op, s.suspended()));
    }

    /** Moves the operators' clock {@code by} ahead of the system's (cumulative). */
    void advance(Duration by) {
        clock.ahead = clock.ahead.plus(by);
    }

    Admin admin() {
        return kafka.admin();
    }

    String bootstrap() {
        return kafka.bootstrapServers();
    }

    BrokerPodGlue glue() {
        return glue;
    }

    /** A JSON merge patch of the KafkaCluster, such as {@code {"spec":{"brokers":{"replicas":4}}}}. */
    void patch(String json) throws ApiException {
        OperatorFixture.clusters(bed).patch(NS, name, V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, new V1Patch(json))
                .throwsApiException();
    }

    KafkaCluster cluster() throws ApiException {
        return OperatorFixture.get(bed, NS, name);
    }

    /** Whether the KafkaCluster's condition {@code type} is True now. */
    boolean isTrue(ConditionType type) throws ApiException {
        Condition c = cluster().getStatus().condition(type);
        return c != null && c.isTrue();
    }

    /** Waits until the cluster is Ready with nothing to do: no operation, no pod out of date. */
    DayTwoRig settled() {
        await("the cluster is up, nothing to do").atMost(WAIT).until(() -> cluster().getStatus().operation() == null
                && isTrue(ConditionType.Ready) && !isTrue(ConditionType.PodsOutOfDate));
        return this;
    }

    /** Cordons node {@code node} ({@code spec.unschedulable}, as {@code kubectl cordon} does), or uncordons it. */
    void cordon(String node, boolean on) throws ApiException {
        io.kubernetes.client.util.PatchUtils.patch(io.kubernetes.client.openapi.models.V1Node.class,
                () -> core.patchNode(node, new V1Patch("{\"spec\":{\"unschedulable\":" + on + "}}")).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, bed.apiClient());
    }

    /** Broker {@code id}'s pod that is not being deleted, or null. */
    io.kubernetes.client.openapi.models.V1Pod brokerPod(int id) throws ApiException {
        return core.listNamespacedPod(NS).labelSelector("berth.dev/cluster=" + name + ",berth.dev/broker-id=" + id)
                .execute().getItems().stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .findFirst().orElse(null);
    }

    /** The reason of the KafkaCluster's condition {@code type}, or "" when it has none. */
    String reason(ConditionType type) throws ApiException {
        Condition c = cluster().getStatus().condition(type);
        return c == null ? "" : c.reason();
    }

    /** Partition number to its replica list, as Kafka has it now. */
    Map<Integer, List<Integer>> replicas(String topic) {
        Map<Integer, List<Integer>> out = new TreeMap<>();
        for (TopicPartitionInfo p : KafkaAwait.describeTopic(kafka.admin(), topic).partitions()) {
            out.put(p.partition(), KafkaAwait.ids(p.replicas()));
        }
        return out;
    }

    /** Partitions of {@code topic} whose leader is not their first (preferred) replica. */
    List<Integer> notLedByPreferred(String topic) {
        return KafkaAwait.describeTopic(kafka.admin(), topic).partitions().stream()
                .filter(p -> p.leader() == null || p.replicas().isEmpty() || p.leader().id() != p.replicas().get(0).id())
                .map(TopicPartitionInfo::partition).toList();
    }

    /** Broker id to the number of replicas of {@code topic} it holds. */
    Map<Integer, Integer> replicasPerBroker(String topic) {
        Map<Integer, Integer> out = new TreeMap<>();
        replicas(topic).values().forEach(r -> r.forEach(b -> out.merge(b, 1, Integer::sum)));
        return out;
    }

    boolean reassigning() throws Exception {
        return !kafka.admin().listPartitionReassignments().reassignments().get().isEmpty();
    }

    /** Whether Kafka lists broker {@code id} at all, fenced or not. */
    boolean registered(int id) {
        return KafkaAwait.registrationsIncludingFenced(kafka.admin()).containsKey(id);
    }

    Set<String> eventReasons() throws ApiException {
        Set<String> out = new TreeSet<>();
        core.listNamespacedEvent(NS).execute().getItems().forEach(e -> out.add(e.getReason()));
        return out;
    }

    /**
     * Asserts on Events once they are there: a pass posts its Events just after its status write
     * ({@link StepEvents}), so an await that saw the status can return before they are posted.
     */
    static void eventsSay(org.awaitility.core.ThrowingRunnable assertion) {
        await("the pass's Events, posted after its status write").atMost(Duration.ofSeconds(15)).untilAsserted(assertion);
    }

    /** How many times an Event with {@code reason} was posted (an Event's count included). */
    long eventCount(String reason) throws ApiException {
        return core.listNamespacedEvent(NS).execute().getItems().stream()
                .filter(e -> reason.equals(e.getReason()))
                .mapToLong(e -> e.getCount() == null ? 1 : e.getCount()).sum();
    }

    /** Every replication throttle set on a broker or a topic, as "resource name=value". */
    List<String> throttles() throws Exception {
        return throttlesOf(kafka.admin());
    }

    /** Every throttle config set on a topic or a registered broker, as {@code name key=value}. */
    static List<String> throttlesOf(org.apache.kafka.clients.admin.Admin admin) throws Exception {
        List<ConfigResource> resources = new ArrayList<>();
        for (String t : admin.listTopics().names().get()) {
            resources.add(new ConfigResource(ConfigResource.Type.TOPIC, t));
        }
        for (int b : KafkaAwait.registeredBrokers(admin)) {
            resources.add(new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(b)));
        }
        List<String> out = new ArrayList<>();
        admin.describeConfigs(resources).all().get().forEach((r, config) -> config.entries().forEach(e -> {
            if (e.name().contains("throttled") && e.value() != null && !e.value().isEmpty()
                    && e.source() != ConfigEntry.ConfigSource.DEFAULT_CONFIG) {
                out.add(r.name() + " " + e.name() + "=" + e.value());
            }
        }));
        return out;
    }

    /**
     * Closes everything, then fails the class if the glue's loop ever threw: a glue whose sync kept failing
     * records no stop, and a test that asserts nothing stopped would pass on it.
     */
    @Override
    public void close() {
        System.out.println("glue: " + (glue == null ? "-" : glue.log));
        OperatorFixture.closeAll(operator, glue, bed, kafka);
        List<String> errors = glue == null ? List.of() : glue.log.stream().filter(l -> l.startsWith("glue error")).toList();
        if (!errors.isEmpty()) {
            throw new AssertionError("the broker pod glue failed: " + errors);
        }
    }
}
