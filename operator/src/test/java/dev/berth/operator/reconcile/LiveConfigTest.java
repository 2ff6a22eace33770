package dev.berth.operator.reconcile;

import static dev.berth.operator.reconcile.DayTwoRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.operator.act.desired.DesiredConfigMap;
import dev.berth.operator.act.desired.Names;
import dev.berth.operator.act.desired.RecordedConfig;
import dev.berth.operator.api.Condition;
import dev.berth.operator.api.ConditionType;
import dev.berth.operator.metrics.OperatorMetrics;
import dev.berth.testbed.kafka.KafkaAwait;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code spec.config} edits that Kafka takes at run time ({@link LiveConfig}) on real KRaft brokers,
 * the Kubernetes API bed and the operator ({@link DayTwoRig}): no pod goes for them, Kafka refusing
 * a value stops everything (but a thread count it only bounds at run time rolls), and an edit that
 * needs a restart still restarts, with the cluster-wide defaults kept true to the spec.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveConfigTest {
    static DayTwoRig rig;

    @BeforeAll
    static void start() throws Exception {
        rig = DayTwoRig.brokers("live", RollingRestartTest.RACKS, 3).orders(3, 20).operate(3, 50_000_000L).settled();
    }

    @AfterAll
    static void stop() {
        OperatorFixture.closeAll(rig);
    }

    @Test
    @Order(1)
    void aRunTimeKeyReachesEveryBrokerWithoutARestart() throws Exception {
        Map<String, String> uids = uids();
        double updates = OperatorMetrics.LIVE_CONFIG_UPDATES.get();
        // log.cleaner.io.max.bytes.per.second is a double: brokers show 50000000 as 5.0E7
        rig.patch("{\"spec\":{\"config\":{\"log.retention.ms\":\"3600000\",\"log.cleaner.backoff.ms\":\"20000\","
                + "\"log.cleaner.io.max.bytes.per.second\":\"50000000\"}}}");

        await("the pods record the edit").atMost(WAIT).until(() -> recorded().values().stream()
                .allMatch(c -> c.equals(Map.of("log.retention.ms", "3600000", "log.cleaner.backoff.ms", "20000",
                        "log.cleaner.io.max.bytes.per.second", "50000000"))));
        await("nothing out of date").atMost(WAIT).until(() -> !isTrue(ConditionType.PodsOutOfDate));
        for (int b = 0; b < 3; b++) {
            assertThat(seen(b, "log.retention.ms")).as("broker " + b)
                    .isEqualTo("3600000 DYNAMIC_DEFAULT_BROKER_CONFIG");
            assertThat(seen(b, "log.cleaner.backoff.ms")).isEqualTo("20000 DYNAMIC_DEFAULT_BROKER_CONFIG");
            assertThat(seen(b, "log.cleaner.io.max.bytes.per.second")).isEqualTo("5.0E7 DYNAMIC_DEFAULT_BROKER_CONFIG");
        }
        assertThat(hashes()).as("every broker pod carries the spec's hash").containsOnly(
                DesiredConfigMap.configHash(rig.cluster(), Names.ROLE_BROKER));
        assertThat(uids()).as("no pod replaced").isEqualTo(uids);
        assertThat(rig.glue().stops).as("no broker stopped").isEmpty();
        assertThat(rig.eventReasons()).doesNotContain(RestartStep.Event.RESTART_STARTED.reason);
        DayTwoRig.eventsSay(() -> assertThat(RollingRestartTest.messagesOf(rig, LiveConfig.CONFIG_APPLIED)).containsExactly(
                "Brokers [0, 1, 2] took log.cleaner.backoff.ms, log.cleaner.io.max.bytes.per.second, log.retention.ms"
                        + " at run time; no restart."));
        assertThat(OperatorMetrics.LIVE_CONFIG_UPDATES.get() - updates).isEqualTo(3.0);
    }

    @Test
    @Order(2)
    void aValueKafkaRefusesBlocksTheEditAndRestartsNothing() throws Exception {
        Map<String, String> uids = uids();
        rig.patch("{\"spec\":{\"config\":{\"compression.type\":\"brotli\"}}}");

        await("RestartBlocked says why").atMost(WAIT).untilAsserted(() -> {
            Condition c = rig.cluster().getStatus().condition(ConditionType.RestartBlocked);
            assertThat(c.isTrue()).isTrue();
            assertThat(c.reason()).isEqualTo(LiveConfig.CONFIG_REFUSED);
            assertThat(c.message()).startsWith("Kafka refuses spec.config ([compression.type]): ")
                    .contains("brotli").endsWith("No broker is restarted for it; fix spec.config.");
        });
        await("no restart for a while").during(Duration.ofSeconds(4)).atMost(WAIT).until(() ->
                rig.cluster().getStatus().operation() == null && rig.glue().stops.isEmpty());
        assertThat(uids()).isEqualTo(uids);
        assertThat(RollingRestartTest.messagesOf(rig, LiveConfig.CONFIG_REFUSED)).hasSize(1);
        assertThat(isTrue(ConditionType.PodsOutOfDate)).as("the pods do not run the spec").isTrue();

        rig.restartOperator(rig.bootstrap()); // a successor reads the refusal from status, not from Kafka again
        await("the successor keeps it blocked, and restarts nothing").during(Duration.ofSeconds(4)).atMost(WAIT).until(() ->
                isTrue(ConditionType.RestartBlocked) && rig.cluster().getStatus().operation() == null
                        && rig.glue().stops.isEmpty());
        assertThat(rig.eventCount(LiveConfig.CONFIG_REFUSED)).as("no second Warning").isEqualTo(1);

        rig.patch("{\"spec\":{\"config\":{\"compression.type\":null}}}");
        await("the undone edit takes its refusal back").atMost(WAIT).until(() -> !isTrue(ConditionType.RestartBlocked)
                && !isTrue(ConditionType.PodsOutOfDate));

        rig.patch("{\"spec\":{\"config\":{\"compression.type\":\"zstd\"}}}");
        // the conditions read as wanted before the edit too: wait for a status of the edited spec
        await("the fixed value applied").atMost(WAIT).until(() -> observedEdit()
                && "zstd".equals(recordedBy(1).get("compression.type"))
                && !isTrue(ConditionType.PodsOutOfDate) && !isTrue(ConditionType.RestartBlocked));
        assertThat(seen(1, "compression.type")).isEqualTo("zstd DYNAMIC_DEFAULT_BROKER_CONFIG");
        assertThat(uids()).isEqualTo(uids);
        assertThat(rig.glue().stops).isEmpty();
    }

    @Test
    @Order(3)
    void aDefaultThatSaysOtherwiseThanTheSpecIsPutBackWithNoPodOutOfDate() throws Exception {
        // what an edit undone before its pods recorded it leaves behind (the roll then finds nothing
        // to restart), or a hand-set default: berth's defaults follow the spec, level-based
        ConfigResource defaults = new ConfigResource(ConfigResource.Type.BROKER, "");
        KafkaAwait.get(rig.admin().incrementalAlterConfigs(Map.of(defaults, List.of(new AlterConfigOp(
                new ConfigEntry("log.retention.ms", "7200000"), AlterConfigOp.OpType.SET)))).all());
        await("the spec's value is back").atMost(WAIT).until(() -> seen(2, "log.retention.ms")
                .equals("3600000 DYNAMIC_DEFAULT_BROKER_CONFIG"));
        assertThat(rig.glue().stops).isEmpty();
        assertThat(rig.eventReasons()).doesNotContain(RestartStep.Event.RESTART_STARTED.reason);
    }

    @Test
    @Order(4)
    void aBrokerThatIsDownTakesARunTimeEditWhenItIsBackWithoutItsPodGoing() throws Exception {
        String uid2 = uids().get(rig.name + "-broker-2");
        rig.glue().lose(2);
        await("Kafka no longer lists broker 2").atMost(WAIT).until(() -> KafkaAwait.get(rig.admin().describeCluster()
                .nodes()).stream().noneMatch(n -> n.id() == 2));
        rig.patch("{\"spec\":{\"config\":{\"log.cleaner.backoff.ms\":\"25000\"}}}");

        await("brokers 0 and 1 record it").atMost(WAIT).until(() -> "25000".equals(recordedBy(0).get("log.cleaner.backoff.ms"))
                && "25000".equals(recordedBy(1).get("log.cleaner.backoff.ms")));
        await("no operation for broker 2, its pod kept").during(Duration.ofSeconds(4)).atMost(WAIT).until(() ->
                rig.cluster().getStatus().operation() == null && uid2.equals(uids().get(rig.name + "-broker-2")));
        assertThat(recordedBy(2)).containsEntry("log.cleaner.backoff.ms", "20000");

        rig.glue().recover(2);
        await("broker 2 back, and its pod records the edit").atMost(WAIT).until(() ->
                "25000".equals(recordedBy(2).get("log.cleaner.backoff.ms")) && !isTrue(ConditionType.PodsOutOfDate));
        assertThat(uids().get(rig.name + "-broker-2")).isEqualTo(uid2);
        assertThat(seen(2, "log.cleaner.backoff.ms")).isEqualTo("25000 DYNAMIC_DEFAULT_BROKER_CONFIG");
        assertThat(rig.glue().stops).isEmpty();
        assertThat(rig.eventReasons()).doesNotContain(RestartStep.Event.RESTART_STARTED.reason);
    }

    @Test
    @Order(5)
    void anEditThatNeedsARestartRollsAndKeepsTheDefaultsTrueToTheSpec() throws Exception {
        // log.retention.hours is read at start only; compression.type changes at run time (its default
        // says zstd since case 2, and the restarted brokers' files will say lz4); log.retention.ms is
        // removed, so the default berth set for it must go
        rig.patch("{\"spec\":{\"config\":{\"log.retention.hours\":\"48\",\"compression.type\":\"lz4\","
                + "\"log.retention.ms\":null}}}");
        await("a Restart operation that names the key").atMost(WAIT).untilAsserted(() ->
                assertThat(RollingRestartTest.messagesOf(rig, RestartStep.Event.RESTART_STARTED.reason)).singleElement()
                        .asString().contains("log.retention.hours: read at start only"));
        await("every broker restarted").atMost(WAIT).until(() -> rig.cluster().getStatus().operation() == null
                && !isTrue(ConditionType.PodsOutOfDate) && rig.eventReasons().contains(RestartStep.Event.RESTART_DONE.reason));
        assertThat(rig.glue().stops.keySet()).containsExactlyInAnyOrder(0, 1, 2);
        for (int b = 0; b < 3; b++) {
            assertThat(seen(b, "compression.type")).as("broker " + b).isEqualTo("lz4 DYNAMIC_DEFAULT_BROKER_CONFIG");
            assertThat(seen(b, "log.retention.ms")).as("broker " + b).doesNotContain("DYNAMIC_DEFAULT");
        }
        assertThat(recorded().values()).containsOnly(Map.of("log.retention.hours", "48", "compression.type", "lz4",
                "log.cleaner.backoff.ms", "25000", "log.cleaner.io.max.bytes.per.second", "50000000"));
    }

    @Test
    @Order(6)
    void anImageEditBesideARunTimeKeyRestartsEachBrokerOnceAndAnnouncesNoRunTimeChange() throws Exception {
        double updates = OperatorMetrics.LIVE_CONFIG_UPDATES.get();
        long applied = rig.eventCount(LiveConfig.CONFIG_APPLIED);
        rig.patch("{\"spec\":{\"image\":\"apache/kafka:9.9.9\",\"config\":{\"log.cleaner.backoff.ms\":\"30000\"}}}");
        await("the roll is over").atMost(WAIT).until(() -> rig.eventCount(RestartStep.Event.RESTART_DONE.reason) == 2
                && rig.cluster().getStatus().operation() == null);
        assertThat(rig.glue().stops.values()).as("each broker once more").allSatisfy(s -> assertThat(s).hasSize(2));
        assertThat(rig.glue().controllerStops.get(1000)).as("the only controller took the image first, once").hasSize(1);
        assertThat(rig.core.listNamespacedEvent(DayTwoRig.NS).execute().getItems().stream()
                .filter(e -> ControllerRollStep.Event.RESTART_UNPROTECTED.reason.equals(e.getReason())
                        && "Warning".equals(e.getType())).map(e -> e.getMessage()).toList())
                .as("it cannot be protected, and says so").containsExactly("Controller 1000 is the cluster's only"
                        + " controller: while it restarts, metadata stops (no leader elections, topic changes or broker"
                        + " registrations). Run 3 controllers to roll them without that.");
        assertThat(recorded().values()).allSatisfy(c -> assertThat(c).containsEntry("log.cleaner.backoff.ms", "30000"));
        assertThat(seen(0, "log.cleaner.backoff.ms")).isEqualTo("30000 DYNAMIC_DEFAULT_BROKER_CONFIG");
        assertThat(rig.eventCount(LiveConfig.CONFIG_APPLIED)).as("no broker took it without a restart").isEqualTo(applied);
        assertThat(OperatorMetrics.LIVE_CONFIG_UPDATES.get() - updates).isEqualTo(0.0);
    }

    @Test
    @Order(7)
    void aThreadCountBeyondDoubleIsTakenByARollNotRefused() throws Exception {
        // the bed's brokers run num.io.threads=2 from their files. Kafka resizes a thread pool at run time
        // only to between half and double its size, while a file takes any size: 3 is a default, and 16
        // is a restart, not a refusal. The default 3 must go first: it would outrank the files' 16
        rig.patch("{\"spec\":{\"config\":{\"num.io.threads\":\"3\"}}}");
        await("3 taken at run time").atMost(WAIT).until(() -> observedEdit() && recorded().values().stream()
                .allMatch(c -> "3".equals(c.get("num.io.threads"))) && !isTrue(ConditionType.PodsOutOfDate));
        assertThat(seen(0, "num.io.threads")).isEqualTo("3 DYNAMIC_DEFAULT_BROKER_CONFIG");
        long rolls = rig.eventCount(RestartStep.Event.RESTART_STARTED.reason);
        long done = rig.eventCount(RestartStep.Event.RESTART_DONE.reason);
        long warnings = rig.eventCount(LiveConfig.CONFIG_REFUSED);
        Map<String, String> uids = uids();

        rig.patch("{\"spec\":{\"config\":{\"num.io.threads\":\"16\"}}}");
        await("a roll starts, or the edit is refused").atMost(WAIT).until(() ->
                rig.eventCount(RestartStep.Event.RESTART_STARTED.reason) > rolls || refusal() != null);
        assertThat(refusal()).as("RestartBlocked=ConfigRefused").isNull();
        assertThat(RollingRestartTest.messagesOf(rig, RestartStep.Event.RESTART_STARTED.reason))
                .filteredOn(m -> m.contains("num.io.threads")).singleElement().asString()
                .contains("num.io.threads: beyond half to double of its running value");
        await("every broker restarted").atMost(WAIT).untilAsserted(() -> assertThat(rig.cluster().getStatus().operation() == null
                && rig.eventCount(RestartStep.Event.RESTART_DONE.reason) > done && !isTrue(ConditionType.PodsOutOfDate))
                .as("the roll over; status: %s", rig.cluster().getStatus()).isTrue());
        Map<String, String> after = uids();
        uids.forEach((pod, uid) -> assertThat(after.get(pod)).as(pod + " replaced").isNotEqualTo(uid));
        assertThat(clusterDefaults()).as("no default outranks the files").doesNotContainKey("num.io.threads");
        assertThat(hashes()).containsOnly(DesiredConfigMap.configHash(rig.cluster(), Names.ROLE_BROKER));
        assertThat(recorded().values()).allSatisfy(c -> assertThat(c).containsEntry("num.io.threads", "16"));
        assertThat(rig.eventCount(LiveConfig.CONFIG_REFUSED)).as("no Warning").isEqualTo(warnings);
        assertThat(isTrue(ConditionType.RestartBlocked)).isFalse();
    }

    @Test
    @Order(8)
    void aDefaultWhoseKeyLeftTheSpecWhileNoPodRememberedItIsDeleted() throws Exception {
        assertThat(defaultsWritten()).as("the record, written ahead of Kafka").contains("log.cleaner.backoff.ms");
        long rolls = rig.eventCount(RestartStep.Event.RESTART_STARTED.reason);
        // the key dropped while berth acts on nothing (the same edit makes the spec invalid), and every
        // broker pod recreated meanwhile: no pod remembers the key when berth looks again
        rig.patch("{\"spec\":{\"config\":{\"log.cleaner.backoff.ms\":null,\"num.partitions\":\"x\"}}}");
        await("the spec refused").atMost(WAIT).until(() -> !isTrue(ConditionType.SpecValid));
        for (V1Pod p : brokerPods()) {
            rig.core.deleteNamespacedPod(p.getMetadata().getName(), DayTwoRig.NS).execute();
        }
        rig.patch("{\"spec\":{\"config\":{\"num.partitions\":null}}}");

        await("the pods back, recording a spec without the key").atMost(WAIT).until(() -> brokerPods().size() == 3
                && recorded().values().stream().allMatch(c -> c != null && !c.containsKey("log.cleaner.backoff.ms")));
        await("its default deleted, and the record forgets it").atMost(WAIT).until(() ->
                !clusterDefaults().containsKey("log.cleaner.backoff.ms")
                        && !defaultsWritten().contains("log.cleaner.backoff.ms"));
        await("every broker back").atMost(WAIT).until(() -> rig.registered(0) && rig.registered(1) && rig.registered(2)
                && KafkaAwait.get(rig.admin().describeCluster().nodes()).size() == 3);
        for (int b = 0; b < 3; b++) {
            assertThat(seen(b, "log.cleaner.backoff.ms")).as("broker " + b).isEqualTo("15000 DEFAULT_CONFIG");
        }
        assertThat(clusterDefaults()).as("the spec's other keys keep theirs")
                .containsEntry("compression.type", "lz4").containsKey("log.cleaner.io.max.bytes.per.second");
        assertThat(defaultsWritten()).isEqualTo("compression.type,log.cleaner.io.max.bytes.per.second");
        assertThat(rig.eventCount(RestartStep.Event.RESTART_STARTED.reason)).as("no roll for it").isEqualTo(rolls);
    }

    /** The message of a True {@code RestartBlocked=ConfigRefused}, or null. */
    private static String refusal() throws Exception {
        Condition c = rig.cluster().getStatus().condition(ConditionType.RestartBlocked);
        return c != null && c.isTrue() && LiveConfig.CONFIG_REFUSED.equals(c.reason()) ? c.message() : null;
    }

    /** Whether status describes the spec as last edited. */
    private static boolean observedEdit() throws Exception {
        var c = rig.cluster();
        return c.getStatus() != null && java.util.Objects.equals(c.getStatus().observedGeneration(),
                c.getMetadata().getGeneration());
    }

    /** The cluster-wide broker defaults Kafka has, key to value. */
    private static Map<String, String> clusterDefaults() {
        ConfigResource r = new ConfigResource(ConfigResource.Type.BROKER, "");
        Map<String, String> out = new TreeMap<>();
        KafkaAwait.get(rig.admin().describeConfigs(List.of(r)).all()).get(r).entries().stream()
                .filter(e -> e.source() == ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG)
                .forEach(e -> out.put(e.name(), e.value()));
        return out;
    }

    /** The ConfigMap's record of the defaults berth wrote. */
    private static String defaultsWritten() throws Exception {
        var cm = rig.core.readNamespacedConfigMap(Names.configMap(rig.name), DayTwoRig.NS).execute();
        return cm.getMetadata().getAnnotations() == null ? ""
                : cm.getMetadata().getAnnotations().getOrDefault(Names.ANN_DEFAULTS_WRITTEN, "");
    }

    /** Broker {@code id}'s value of {@code key} and where it comes from, e.g. "3600000 DYNAMIC_DEFAULT_BROKER_CONFIG". */
    private static String seen(int id, String key) {
        ConfigResource r = new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(id));
        ConfigEntry e = KafkaAwait.get(rig.admin().describeConfigs(List.of(r)).all()).get(r).get(key);
        return e.value() + " " + e.source();
    }

    private static List<V1Pod> brokerPods() throws Exception {
        return OperatorFixture.pods(rig.bed, DayTwoRig.NS, rig.name).stream()
                .filter(p -> p.getMetadata().getName().contains("-broker-")).toList();
    }

    private static Map<String, String> uids() throws Exception {
        return brokerPods().stream().collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p.getMetadata().getUid()));
    }

    private static Map<String, Map<String, String>> recorded() throws Exception {
        Map<String, Map<String, String>> out = new TreeMap<>();
        brokerPods().forEach(p -> out.put(p.getMetadata().getName(),
                RecordedConfig.read(p.getMetadata().getAnnotations().get(Names.ANN_CONFIG))));
        return out;
    }

    private static Map<String, String> recordedBy(int id) throws Exception {
        return recorded().get(rig.name + "-broker-" + id);
    }

    private static List<String> hashes() throws Exception {
        return brokerPods().stream().map(p -> p.getMetadata().getAnnotations().get(Names.ANN_CONFIG_HASH)).toList();
    }

    private static boolean isTrue(ConditionType type) throws Exception {
        return rig.isTrue(type);
    }
}
