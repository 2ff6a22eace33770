package dev.berth.operator.reconcile;

import static dev.berth.operator.reconcile.DayTwoRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.operator.api.Condition;
import dev.berth.operator.api.ConditionType;
import dev.berth.operator.api.OperationStatus;
import dev.berth.testbed.kafka.KafkaRecords;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Leader-aware rolling restarts ({@link RestartStep}) on real KRaft brokers, the Kubernetes API bed
 * and the operator ({@link DayTwoRig}). The glue restarts a broker whenever its pod is replaced, and
 * notes what Kafka showed at that moment: how many partitions the broker still led, and how many
 * partitions missed an in-sync replica.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RollingRestartTest {
    static final Map<Integer, String> RACKS = Map.of(0, "a", 1, "b", 2, "c", 3, "c", 4, "c");

    static DayTwoRig rig;

    @BeforeAll
    static void start() throws Exception {
        rig = DayTwoRig.brokers("roll", RACKS, 3).orders(6, 200).operate(3, 50_000_000L).settled();
    }

    @AfterAll
    static void stop() {
        OperatorFixture.closeAll(rig);
    }

    @Test
    @Order(1)
    void aConfigurationEditRollsOneBrokerAtATimeWithItsLeadershipMovedOffFirst() throws Exception {
        Map<Integer, List<Integer>> before = rig.replicas("orders");
        double restarts = dev.berth.operator.metrics.OperatorMetrics.BROKER_RESTARTS.get();
        Producing producing = new Producing(rig.bootstrap());
        try {
            rig.patch("{\"spec\":{\"config\":{\"log.retention.hours\":\"72\"}}}");
            await("a Restart operation").atMost(WAIT).until(() -> rig.eventReasons()
                    .contains(RestartStep.Event.RESTART_STARTED.reason));
            await("every broker restarted, the operation over").atMost(WAIT).until(() ->
                    rig.cluster().getStatus().operation() == null && !isTrue(ConditionType.PodsOutOfDate)
                            && rig.eventReasons().contains(RestartStep.Event.RESTART_DONE.reason));
        } finally {
            producing.close();
        }
        assertThat(rig.glue().stops).as("each broker's pod went once, leading nothing, every other replica in sync")
                .isEqualTo(Map.of(0, List.of("led 0, under-replicated 0"), 1, List.of("led 0, under-replicated 0"),
                        2, List.of("led 0, under-replicated 0")));
        List<String> order = rig.glue().log.stream().filter(l -> l.contains("restart broker") || l.contains("stop broker")
                || l.contains("again on its data directory")).toList();
        assertThat(order.get(0)).as("lowest id first: " + order).contains("broker 0");
        assertThat(order.get(order.size() - 1)).as(order.toString()).contains("broker 2");
        assertThat(rig.eventCount(RestartStep.Event.BROKER_RESTARTED.reason)).isEqualTo(3);
        assertThat(dev.berth.operator.metrics.OperatorMetrics.BROKER_RESTARTS.get() - restarts).isEqualTo(3.0);
        assertThat(rig.eventCount(RestartStep.Event.RESTART_STARTED.reason)).isEqualTo(1);
        assertThat(rig.replicas("orders")).as("every replica order as it was").isEqualTo(before);
        await("preferred leaders lead again").atMost(WAIT).until(() -> rig.notLedByPreferred("orders").isEmpty());
        assertThat(producing.failures).as("acks=all writes during the roll").isEmpty();
        assertThat(producing.sent.get()).isGreaterThan(0);
        java.util.Set<String> read = new java.util.HashSet<>();
        for (int p = 0; p < 6; p++) {
            var records = KafkaRecords.consumeAll(rig.bootstrap(), new TopicPartition("orders", p));
            assertThat(records).hasSizeGreaterThanOrEqualTo(200);
            for (var r : records) {
                read.add(p + "/" + r.value());
            }
        }
        assertThat(read).as("every write acknowledged during the roll is there").containsAll(producing.acked);
    }

    @Test
    @Order(2)
    void aRestartThatWouldTakePartitionsBelowMinInsyncWaitsAndGoesOnOnceSafe() throws Exception {
        rig.glue().lose(2); // every orders partition is now at ISR [0,1] = min.insync 2
        String uid = pod(0).getMetadata().getUid();
        requestRestart(0, "please");
        await("the restart waits, and says why").atMost(WAIT).until(() -> {
            OperationStatus op = rig.cluster().getStatus().operation();
            Condition c = rig.cluster().getStatus().condition(ConditionType.RestartBlocked);
            return op != null && RestartStep.WAITING_SAFE.equals(op.phase()) && c != null && c.isTrue()
                    && "IsrAtMinInsync".equals(c.reason());
        });
        assertThat(rig.cluster().getStatus().condition(ConditionType.RestartBlocked).message())
                .startsWith("Waiting to restart broker 0: stopping it now would take partitions below min.insync.replicas:"
                        + " orders-0 (ISR 2, min.insync 2: ISR at min.insync.replicas, broker in it)");
        DayTwoRig.eventsSay(() -> assertThat(rig.eventReasons()).contains(RestartStep.Event.RESTART_WAITING.reason));
        await("broker 0 is never stopped while unsafe").during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10))
                .until(() -> uid.equals(pod(0).getMetadata().getUid()) && rig.glue().stops.get(0).size() == 1);

        // taking the request back calls the waiting restart off: nothing restarts
        requestRestart(0, null);
        await("the restart is called off").atMost(WAIT).until(() -> rig.cluster().getStatus().operation() == null
                && !isTrue(ConditionType.RestartBlocked));
        assertThat(pod(0).getMetadata().getUid()).isEqualTo(uid);
        assertThat(rig.glue().stops.get(0)).hasSize(1);
        DayTwoRig.eventsSay(() -> assertThat(messages(RestartStep.Event.BROKER_RESTARTED.reason))
                .contains("Broker 0 not restarted: it no longer needs it (an edit undone, a request taken back, its node"
                        + " uncordoned); 0 partitions' leadership given back."));

        requestRestart(0, "please");
        await("waiting again").atMost(WAIT).until(() -> isTrue(ConditionType.RestartBlocked));
        rig.glue().recover(2);
        await("safe again: broker 0 restarted, the operation over").atMost(WAIT).until(() ->
                rig.cluster().getStatus().operation() == null && !uid.equals(pod(0).getMetadata().getUid())
                        && !isTrue(ConditionType.RestartBlocked));
        assertThat(rig.glue().stops.get(0)).containsExactly("led 0, under-replicated 0", "led 0, under-replicated 0");
        assertThat(pod(0).getMetadata().getAnnotations()).doesNotContainKey("berth.dev/restart");
        assertThat(rig.glue().stops).doesNotContainKey(3);
    }

    /**
     * With {@code min.insync.replicas=1} the safety rule lets a broker stop while another is still
     * catching up (ISR 2 > 1), so only the wait for the ISR keeps two copies in sync. The glue here
     * reports a restarted pod Ready 3 s before its broker runs, as a probe on the listener would.
     */
    @Test
    @Order(3)
    void theNextBrokerStopsOnlyOnceThePreviousOneIsBackInEveryIsr() throws Exception {
        dev.berth.testbed.kafka.KafkaAwait.get(rig.admin().deleteTopics(List.of("orders")).all());
        dev.berth.testbed.kafka.KafkaAwait.get(rig.admin().createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(
                "relaxed", 6, (short) 3).configs(Map.of("min.insync.replicas", "1")))).all());
        rig.kafka.awaitFullIsr("relaxed");
        for (int p = 0; p < 6; p++) {
            KafkaRecords.produce(rig.bootstrap(), "relaxed", p, 0, 200, 500);
        }
        rig.glue().slowReturn(3000);
        String uid0 = pod(0).getMetadata().getUid();
        String uid1 = pod(1).getMetadata().getUid();
        for (int id : new int[] {0, 1}) {
            requestRestart(id, "yes");
        }
        await("brokers 0 and 1 restarted").atMost(WAIT).until(() -> rig.cluster().getStatus().operation() == null
                && !uid0.equals(pod(0).getMetadata().getUid()) && !uid1.equals(pod(1).getMetadata().getUid())
                && !isTrue(ConditionType.PodsOutOfDate));
        List<String> ones = rig.glue().stops.get(1);
        assertThat(ones.get(ones.size() - 1)).as("broker 0 was back in every ISR when broker 1 stopped: "
                + rig.glue().log).isEqualTo("led 0, under-replicated 0");
        assertThat(rig.glue().stops.get(0)).hasSize(3);
    }

    /** A reassignment under way (someone's own, throttled): the restart waits instead of replacing its target. */
    @Test
    @Order(4)
    void aRestartWaitsWhileAPartitionReassignmentRuns() throws Exception {
        rig.glue().slowReturn(0);
        var admin = rig.admin();
        dev.berth.testbed.kafka.KafkaAwait.get(admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(
                "moving", Map.of(0, List.of(0, 1))))).all());
        KafkaRecords.produce(rig.bootstrap(), "moving", 0, 0, 2400, 500); // 1.2 MB at 20 KB/s: about a minute
        List<org.apache.kafka.common.config.ConfigResource> brokers = List.of(broker(0), broker(1), broker(2));
        for (var r : brokers) {
            alter(r, Map.of("leader.replication.throttled.rate", "20000", "follower.replication.throttled.rate", "20000"));
        }
        var topic = new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC, "moving");
        alter(topic, Map.of("leader.replication.throttled.replicas", "0:0,0:1", "follower.replication.throttled.replicas", "0:2"));
        TopicPartition tp = new TopicPartition("moving", 0);
        dev.berth.testbed.kafka.KafkaAwait.get(admin.alterPartitionReassignments(Map.of(tp, java.util.Optional.of(
                new org.apache.kafka.clients.admin.NewPartitionReassignment(List.of(0, 2))))).all());
        String uid = pod(1).getMetadata().getUid();
        requestRestart(1, "now");
        await("the restart waits for the move").atMost(WAIT).until(() -> {
            Condition c = rig.cluster().getStatus().condition(ConditionType.RestartBlocked);
            return c != null && c.isTrue() && "ReassignmentsRunning".equals(c.reason());
        });
        await("broker 1 keeps running, the move keeps its target").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> uid.equals(pod(1).getMetadata().getUid()) && rig.reassigning());
        assertThat(admin.listPartitionReassignments().reassignments().get().get(tp).addingReplicas()).containsExactly(2);

        dev.berth.testbed.kafka.KafkaAwait.get(admin.alterPartitionReassignments(Map.of(tp, java.util.Optional.empty())).all());
        await("the move over, broker 1 restarted").atMost(WAIT).until(() -> rig.cluster().getStatus().operation() == null
                && !uid.equals(pod(1).getMetadata().getUid()) && !isTrue(ConditionType.RestartBlocked));
        assertThat(rig.glue().stops.get(1).get(rig.glue().stops.get(1).size() - 1)).startsWith("led 0,");
        for (var r : brokers) {
            alter(r, Map.of("leader.replication.throttled.rate", "", "follower.replication.throttled.rate", ""));
        }
    }

    /**
     * A restart that waits on a lost broker, and the spec then replaces that broker: the scale steps
     * wait for the operation in flight, so the restart makes way (it would otherwise wait for ever, and
     * the replacement with it), and resumes once the scale-down is over.
     */
    @Test
    @Order(5)
    void aWaitingRestartMakesWayForTheReplacementOfALostBroker() throws Exception {
        dev.berth.testbed.kafka.KafkaAwait.get(rig.admin().createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(
                "strict", 3, (short) 3).configs(Map.of("min.insync.replicas", "2")))).all());
        rig.kafka.awaitFullIsr("strict");
        for (int p = 0; p < 3; p++) {
            KafkaRecords.produce(rig.bootstrap(), "strict", p, 0, 100, 500);
        }
        rig.glue().lose(2);
        String uid = pod(0).getMetadata().getUid();
        requestRestart(0, "after-the-move");
        await("the restart waits on the lost broker").atMost(WAIT).until(() -> isTrue(ConditionType.RestartBlocked));

        rig.patch("{\"spec\":{\"brokers\":{\"remove\":[2]}}}");
        await("broker 2 replaced, then broker 0 restarted").atMost(Duration.ofMinutes(3)).until(() ->
                rig.eventReasons().contains(ScaleEvent.SCALE_DOWN_COMPLETE.reason()) && rig.cluster().getStatus().operation() == null
                        && !uid.equals(pod(0).getMetadata().getUid()));
        assertThat(messages(RestartStep.Event.RESTART_PAUSED.reason)).containsExactly("Restart paused before broker 0"
                + " (restarted so far: []): the spec adds or removes brokers, which goes first; the restarts resume afterwards.");
        assertThat(rig.registered(2)).isFalse();
        List<String> zeros = rig.glue().stops.get(0);
        assertThat(zeros.get(zeros.size() - 1)).startsWith("led 0,");
        for (int p = 0; p < 3; p++) {
            assertThat(KafkaRecords.consumeAll(rig.bootstrap(), new TopicPartition("strict", p))).hasSize(100);
        }
    }

    /**
     * The broker being restarted is lost (its new pod never gets a broker), and the spec then removes
     * it. No pod comes back for it, and the scale-down that removes it waits for the operation in
     * flight: before, the restart waited for ever "for broker 3's new pod" (found by a probe).
     */
    @Test
    @Order(6)
    void aRestartingBrokerThatTheSpecRemovesEndsItsTurn() throws Exception {
        rig.glue().lose(3);
        requestRestart(3, "yes");
        await("broker 3's pod deleted, the restart waiting for it").atMost(WAIT).until(() -> {
            OperationStatus op = rig.cluster().getStatus().operation();
            return op != null && RestartStep.RESTARTING.equals(op.phase()) && "3".equals(op.details().get(RestartStep.CURRENT));
        });
        rig.patch("{\"spec\":{\"brokers\":{\"remove\":[3]}}}");
        await("broker 3 removed, the restart over").atMost(Duration.ofMinutes(3)).until(() ->
                rig.eventCount(ScaleEvent.SCALE_DOWN_COMPLETE.reason()) == 2 && rig.cluster().getStatus().operation() == null);
        assertThat(messages(RestartStep.Event.RESTART_PAUSED.reason)).contains("Restart paused before broker 3"
                + " (restarted so far: []): the spec adds or removes brokers, which goes first; the restarts resume afterwards.");
        assertThat(rig.registered(3)).isFalse();
        for (int p = 0; p < 3; p++) {
            assertThat(KafkaRecords.consumeAll(rig.bootstrap(), new TopicPartition("strict", p))).hasSize(100);
        }
    }

    /**
     * The operator stops after deleting broker 0's pod but before status says so, and the pod is
     * recreated before a successor that sees Kafka takes over. That successor finds a pod that runs the
     * spec: before, it took that for an edit undone, skipped the wait for the ISR, and stopped broker 1
     * while broker 0 was still down ("under-replicated 6", with min.insync 1 the safety rule allows it).
     * Now the pod's UID, recorded when broker 0's turn began, says it was replaced (found by a probe).
     */
    @Test
    @Order(7)
    void aSuccessorThatFindsTheRestartedPodStillWaitsForTheBroker() throws Exception {
        rig.glue().slowReturn(0);
        int stopsOf1 = rig.glue().stops.get(1).size();
        long skipsBefore = count("Broker 0 not restarted");
        requestRestart(0, "one");
        requestRestart(1, "two");
        await("leadership moving off broker 0").atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> {
            OperationStatus op = rig.cluster().getStatus().operation();
            return op != null && RestartStep.MOVING.equals(op.phase()) && "0".equals(op.details().get(RestartStep.CURRENT));
        });
        String uid = pod(0).getMetadata().getUid();
        rig.restartOperator("127.0.0.1:1"); // a successor that cannot see Kafka: steps wait, pods are healed
        rig.core.deleteNamespacedPod(rig.name + "-broker-0", DayTwoRig.NS).execute(); // the lost delete
        rig.glue().lose(0); // and broker 0 is slow to come back
        await("pod 0 recreated").atMost(WAIT).until(() -> OperatorFixture.pods(rig.bed, DayTwoRig.NS, rig.name).stream()
                .anyMatch(p -> p.getMetadata().getName().equals(rig.name + "-broker-0") && !uid.equals(p.getMetadata().getUid())));
        rig.restartOperator(rig.bootstrap());
        await("the restart waits for broker 0").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> rig.glue().stops.get(1).size() == stopsOf1);
        rig.glue().recover(0);
        await("brokers 0 and 1 restarted").atMost(WAIT).until(() -> rig.cluster().getStatus().operation() == null
                && !isTrue(ConditionType.PodsOutOfDate));
        List<String> ones = rig.glue().stops.get(1);
        assertThat(ones).hasSize(stopsOf1 + 1);
        assertThat(ones.get(stopsOf1)).as("broker 0 back in every ISR when broker 1 stopped").isEqualTo("led 0, under-replicated 0");
        assertThat(count("Broker 0 not restarted")).as("not taken for an edit undone").isEqualTo(skipsBefore);
    }

    /**
     * Broker 0's turn waits (broker 4, which replaced 3, lost: strict at min.insync), and then broker 0's pod is deleted by
     * other hands with its broker not coming back. Before, the turn took the missing pod for a scale
     * request, paused the roll while broker 0 was down, and forgot it; and a restart waiting for a pod
     * it had not deleted itself never raised BrokerNotBack (both found by a second probe).
     */
    @Test
    @Order(8)
    void aPodDeletedByOthersDuringItsTurnIsWaitedForAndAlarmsWhenLate() throws Exception {
        long pausedBefore = rig.eventCount(RestartStep.Event.RESTART_PAUSED.reason);
        rig.glue().lose(4);
        requestRestart(0, "eight");
        await("broker 0's turn waits").atMost(WAIT).until(() -> {
            OperationStatus op = rig.cluster().getStatus().operation();
            return op != null && RestartStep.WAITING_SAFE.equals(op.phase()) && "0".equals(op.details().get(RestartStep.CURRENT));
        });
        rig.glue().lose(0);
        rig.core.deleteNamespacedPod(rig.name + "-broker-0", DayTwoRig.NS).execute();
        await("waiting for broker 0 to come back").atMost(WAIT).until(() -> {
            OperationStatus op = rig.cluster().getStatus().operation();
            return op != null && RestartStep.RESTARTING.equals(op.phase()) && op.details().containsKey(RestartStep.DELETED_AT);
        });
        assertThat(rig.eventCount(RestartStep.Event.RESTART_PAUSED.reason)).as("no pause for a scale nobody asked for")
                .isEqualTo(pausedBefore);

        rig.advance(Duration.ofMinutes(6));
        await("RestartBlocked says the broker is not back").atMost(WAIT).until(() -> {
            Condition c = rig.cluster().getStatus().condition(ConditionType.RestartBlocked);
            return c != null && c.isTrue() && "BrokerNotBack".equals(c.reason());
        });
        // the pass writes status first and posts its Events after: the Warning may come a moment later
        await("and a Warning says it").atMost(WAIT).until(() -> messages(RestartStep.Event.RESTART_WAITING.reason)
                .stream().anyMatch(m -> m.contains("the roll, and every other operation, waits for it")));

        rig.glue().recover(0);
        rig.glue().recover(4);
        await("broker 0 back, the restart over").atMost(WAIT).until(() -> rig.cluster().getStatus().operation() == null
                && !isTrue(ConditionType.RestartBlocked));
        assertThat(rig.registered(0)).isTrue();
    }

    /**
     * Only min.insync 1 topics left and broker 4 lost: the safety rule lets broker 1 stop (ISR 2 > 1),
     * which would leave one copy of everything. One broker down at a time, checked against Kafka, holds
     * the restart until broker 4 is back.
     */
    @Test
    @Order(9)
    void noBrokerStopsWhileAnotherIsDown() throws Exception {
        dev.berth.testbed.kafka.KafkaAwait.get(rig.admin().deleteTopics(List.of("strict", "moving")).all());
        rig.glue().lose(4);
        String uid = pod(1).getMetadata().getUid();
        int stopsOf1 = rig.glue().stops.get(1).size();
        requestRestart(1, "nine");
        await("the restart waits for broker 4").atMost(WAIT).until(() -> {
            Condition c = rig.cluster().getStatus().condition(ConditionType.RestartBlocked);
            return c != null && c.isTrue() && "OtherBrokersBehind".equals(c.reason());
        });
        await("broker 1 keeps running").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> uid.equals(pod(1).getMetadata().getUid()));
        rig.glue().recover(4);
        await("broker 1 restarted once broker 4 is back").atMost(WAIT).until(() ->
                rig.cluster().getStatus().operation() == null && !uid.equals(pod(1).getMetadata().getUid()));
        assertThat(rig.glue().stops.get(1)).hasSize(stopsOf1 + 1);
        assertThat(rig.glue().stops.get(1).get(stopsOf1)).isEqualTo("led 0, under-replicated 0");
    }

    /** What the safety rule cannot protect is said in a Warning before the pod goes, and the restart goes on. */
    @Test
    @Order(10)
    void aRestartNamesThePartitionsNoOrderProtectsBeforeThePodGoes() throws Exception {
        dev.berth.testbed.kafka.KafkaAwait.createTopic(rig.admin(), "single", Map.of(0, List.of(1)));
        dev.berth.testbed.kafka.KafkaAwait.createTopic(rig.admin(), new org.apache.kafka.clients.admin.NewTopic("pair",
                Map.of(0, List.of(1, 4))).configs(Map.of("min.insync.replicas", "2")));
        String uid = pod(1).getMetadata().getUid();
        requestRestart(1, "ten");
        await("broker 1 restarted").atMost(WAIT).until(() -> rig.cluster().getStatus().operation() == null
                && !uid.equals(pod(1).getMetadata().getUid()));
        assertThat(messages(RestartStep.Event.RESTART_UNPROTECTED.reason)).singleElement().asString()
                .startsWith("Restarting broker 1 takes 2 partitions below min.insync.replicas until it is back: ")
                .contains("pair-0 (2 replicas, min.insync 2: acks=all writes fail)")
                .contains("single-0 (1 replica: unavailable)")
                .endsWith(". Their replication factor is at most min.insync.replicas, which no restart order protects.");
    }

    @Test
    @Order(11)
    void aRollStuckOnAPodThatCannotStartGoesOnOnceTheSpecIsFixed() throws Exception {
        Map<Integer, Integer> before = new java.util.TreeMap<>();
        rig.glue().stops.forEach((id, at) -> before.put(id, at.size()));

        // 1 MiB of memory: the glue, like a kubelet, runs nothing for such a pod and never marks it ready
        rig.patch("{\"spec\":{\"brokers\":{\"resources\":{\"limits\":{\"memory\":\"1Mi\"}}}}}");

        await("broker 0's new pod cannot start; the roll waits for it").atMost(WAIT).until(() -> {
            OperationStatus op = rig.cluster().getStatus().operation();
            return op != null && RestartStep.RESTARTING.equals(op.phase()) && "0".equals(op.details().get(RestartStep.CURRENT))
                    && limited(podOrNull(0));
        });
        await("broker 0 stays down, and no other broker goes meanwhile").during(Duration.ofSeconds(4))
                .atMost(Duration.ofSeconds(10)).until(() -> !rig.kafka.runningBrokerIds().contains(0)
                        && rig.glue().stops.entrySet().stream().allMatch(e -> e.getKey() == 0
                        || e.getValue().size() == before.getOrDefault(e.getKey(), 0)));

        // fixed: a limit it starts with (taking the key out would not do: a limit the spec does not set
        // is not compared, so the pod would still count as up to date)
        rig.patch("{\"spec\":{\"brokers\":{\"resources\":{\"limits\":{\"memory\":\"2Gi\"}}}}}");

        await("its pod replaced with the fixed spec, every broker rolled, the roll over").atMost(WAIT.multipliedBy(2))
                .until(() -> rig.cluster().getStatus().operation() == null && !isTrue(ConditionType.PodsOutOfDate)
                        && "2Gi".equals(memoryLimit(podOrNull(0))) && rig.registered(0));
        assertThat(rig.glue().stops.get(0)).as("broker 0 went once: its stuck pod was replaced, not waited for")
                .hasSize(before.getOrDefault(0, 0) + 1);
    }

    /**
     * A broker already down whose pod needs the restart goes first. Every other broker's restart waits for
     * it to be back in the ISRs (one broker down at a time), and only its own restart can bring it back when
     * its pod crash-loops on the old spec; lowest id first waited behind it for good.
     */
    @Test
    @Order(12)
    void aBrokerAlreadyDownTakesTheFirstTurn() throws Exception {
        List<Integer> ids = rig.cluster().getStatus().brokers().stream().map(dev.berth.operator.api.BrokerStatus::id)
                .sorted().toList();
        int first = ids.get(0);
        int down = ids.get(ids.size() - 1);
        String firstUid = pod(first).getMetadata().getUid();
        String downUid = pod(down).getMetadata().getUid();
        rig.glue().lose(down);
        rig.glue().unready("broker", down, true); // as a kubelet says of a pod that crash-loops
        try {
            await("broker " + down + "'s pod reads not Ready").atMost(WAIT)
                    .until(() -> !dev.berth.operator.observe.KubeView.isReady(pod(down)));
            rig.patch("{\"spec\":{\"brokers\":{\"resources\":{\"limits\":{\"memory\":\"3Gi\"}}}}}");

            await("the roll replaces broker " + down + "'s pod first").atMost(WAIT).until(() -> {
                String uid = uidOrNull(down);
                return uid != null && !uid.equals(downUid);
            });
            assertThat(pod(first).getMetadata().getUid()).as("broker " + first + " not restarted yet").isEqualTo(firstUid);
        } finally {
            rig.glue().unready("broker", down, false);
            rig.glue().recover(down);
        }
        await("every broker rolled, the roll over").atMost(WAIT.multipliedBy(2)).until(() ->
                rig.cluster().getStatus().operation() == null && !isTrue(ConditionType.PodsOutOfDate)
                        && "3Gi".equals(memoryLimit(podOrNull(first))) && rig.registered(down));
    }

    /**
     * Two brokers down at once, their pods crash-looping (memory set too low, say): the fix must reach both.
     * Each one's restart used to wait for the other (below min.insync with the other's ISR gone, and
     * "brokers behind"), and neither pod was ever replaced. A broker already down now goes: one at a time,
     * the second once the first is back.
     */
    @Test
    @Order(13)
    void twoBrokersDownAtOnceAreEachReplacedInTurn() throws Exception {
        List<Integer> ids = rig.cluster().getStatus().brokers().stream().map(dev.berth.operator.api.BrokerStatus::id)
                .sorted().toList();
        List<Integer> down = ids.subList(ids.size() - 2, ids.size());
        Map<Integer, String> uids = new java.util.TreeMap<>();
        for (int id : down) {
            uids.put(id, pod(id).getMetadata().getUid());
            rig.glue().lose(id);
            rig.glue().unready("broker", id, true);
        }
        try {
            await("both pods read not Ready").atMost(WAIT).until(() -> !dev.berth.operator.observe.KubeView.isReady(pod(down.get(0)))
                    && !dev.berth.operator.observe.KubeView.isReady(pod(down.get(1))));
            rig.patch("{\"spec\":{\"brokers\":{\"resources\":{\"limits\":{\"memory\":\"5Gi\"}}}}}");
            java.util.List<Integer> order = new java.util.ArrayList<>();
            for (int turn = 0; turn < 2; turn++) {
                await("a down broker's pod replaced (turn " + turn + ")").atMost(WAIT).until(() -> down.stream()
                        .anyMatch(id -> !order.contains(id) && replaced(id, uids.get(id))));
                int first = down.stream().filter(id -> !order.contains(id) && replaced(id, uids.get(id))).findFirst().orElseThrow();
                order.add(first);
                rig.glue().unready("broker", first, false); // the fixed spec lets it start
                rig.glue().recover(first);
            }
            assertThat(order).as("each replaced once, one after the other").containsExactlyInAnyOrderElementsOf(down);
        } finally {
            for (int id : down) {
                rig.glue().unready("broker", id, false);
                rig.glue().recover(id);
            }
        }
        await("every broker rolled, the roll over").atMost(WAIT.multipliedBy(2)).until(() ->
                rig.cluster().getStatus().operation() == null && !isTrue(ConditionType.PodsOutOfDate)
                        && "5Gi".equals(memoryLimit(podOrNull(ids.get(0)))) && rig.registered(down.get(0)) && rig.registered(down.get(1)));
    }

    /** Whether broker {@code id} has a live pod other than the one of {@code uid}. */
    private static boolean replaced(int id, String uid) {
        try {
            String now = uidOrNull(id);
            return now != null && !now.equals(uid);
        } catch (Exception e) {
            return false;
        }
    }

    /** Broker {@code id}'s pod's UID, or null while it has none. */
    private static String uidOrNull(int id) throws Exception {
        return OperatorFixture.pods(rig.bed, DayTwoRig.NS, rig.name).stream()
                .filter(p -> p.getMetadata().getName().equals(rig.name + "-broker-" + id)
                        && p.getMetadata().getDeletionTimestamp() == null)
                .map(p -> p.getMetadata().getUid()).findFirst().orElse(null);
    }

    /**
     * Broker {@code id}'s pod not being deleted, or null: in a wait's condition, where the roll deletes the pod
     * and the next pass creates it, {@link #pod} would throw in between and end the wait (a clean-clone run).
     */
    private static V1Pod podOrNull(int id) throws Exception {
        return OperatorFixture.pods(rig.bed, DayTwoRig.NS, rig.name).stream()
                .filter(p -> p.getMetadata().getName().equals(rig.name + "-broker-" + id)
                        && p.getMetadata().getDeletionTimestamp() == null)
                .findFirst().orElse(null);
    }

    /** The pod's memory limit, or null (also for no pod). */
    private static String memoryLimit(V1Pod pod) {
        if (pod == null) {
            return null;
        }
        var r = pod.getSpec().getContainers().get(0).getResources();
        return r == null || r.getLimits() == null || r.getLimits().get("memory") == null ? null
                : r.getLimits().get("memory").toSuffixedString();
    }

    /** Whether the pod carries the 1 MiB memory limit that keeps it from starting. */
    private static boolean limited(V1Pod pod) {
        return "1Mi".equals(memoryLimit(pod));
    }

    private static org.apache.kafka.common.config.ConfigResource broker(int id) {
        return new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.BROKER,
                Integer.toString(id));
    }

    /** Sets (or, for an empty value, deletes) configs of one resource. */
    private static void alter(org.apache.kafka.common.config.ConfigResource r, Map<String, String> values) {
        List<org.apache.kafka.clients.admin.AlterConfigOp> ops = values.entrySet().stream().map(e ->
                new org.apache.kafka.clients.admin.AlterConfigOp(new org.apache.kafka.clients.admin.ConfigEntry(e.getKey(), e.getValue()),
                        e.getValue().isEmpty() ? org.apache.kafka.clients.admin.AlterConfigOp.OpType.DELETE
                                : org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET)).toList();
        dev.berth.testbed.kafka.KafkaAwait.get(rig.admin().incrementalAlterConfigs(Map.of(r, ops)).all());
    }

    /** Sets broker {@code id}'s {@code berth.dev/restart} annotation to {@code value} ({@code null} takes it off). */
    static void requestRestart(int id, String value) throws Exception {
        OperatorFixture.patchPod(rig.bed, DayTwoRig.NS, pod(id).getMetadata().getName(), "{\"metadata\":{\"annotations\":"
                + "{\"berth.dev/restart\":" + (value == null ? "null" : "\"" + value + "\"") + "}}}");
    }

    static V1Pod pod(int id) throws Exception {
        return OperatorFixture.pods(rig.bed, DayTwoRig.NS, rig.name).stream()
                .filter(p -> p.getMetadata().getName().equals(rig.name + "-broker-" + id)).findFirst().orElseThrow();
    }

    static List<String> messages(String reason) throws Exception {
        return messagesOf(rig, reason);
    }

    /** The messages of {@code rig}'s Events with {@code reason}. */
    static List<String> messagesOf(DayTwoRig rig, String reason) throws Exception {
        return rig.core.listNamespacedEvent(DayTwoRig.NS).execute().getItems().stream()
                .filter(e -> reason.equals(e.getReason())).map(e -> e.getMessage()).toList();
    }

    /** Events whose message starts with {@code prefix}, an Event's count included. */
    static long count(String prefix) throws Exception {
        return rig.core.listNamespacedEvent(DayTwoRig.NS).execute().getItems().stream()
                .filter(e -> e.getMessage() != null && e.getMessage().startsWith(prefix))
                .mapToLong(e -> e.getCount() == null ? 1 : e.getCount()).sum();
    }

    static boolean isTrue(ConditionType type) throws Exception {
        return rig.isTrue(type);
    }

    /** acks=all writes, one at a time round the partitions, until closed; failed sends are kept. */
    static final class Producing implements AutoCloseable {
        final List<String> failures = new CopyOnWriteArrayList<>();
        final AtomicInteger sent = new AtomicInteger();
        /** Each acknowledged record, as partition/value. */
        final java.util.Set<String> acked = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;

        Producing(String bootstrap) {
            thread = new Thread(() -> {
                try (KafkaProducer<String, String> p = KafkaRecords.producer(bootstrap)) {
                    for (int i = 0; !stop.get(); i++) {
                        try {
                            var md = p.send(new ProducerRecord<>("orders", i % 6, "k", "during-roll-" + i)).get(30, TimeUnit.SECONDS);
                            acked.add(md.partition() + "/during-roll-" + i);
                            sent.incrementAndGet();
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                    }
                }
            }, "producing");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(60_000);
        }
    }
}
