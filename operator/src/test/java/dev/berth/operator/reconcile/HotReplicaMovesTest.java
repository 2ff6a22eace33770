package dev.berth.operator.reconcile;

import static dev.berth.operator.reconcile.DayTwoRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.metrics.OperatorMetrics;
import dev.berth.testbed.kafka.KafkaAwait;
import dev.berth.testbed.kafka.KafkaRecords;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Hot partitions, second stage ({@link HotReplicaPhase}), on real KRaft brokers, the Kubernetes API bed
 * and the operator ({@link DayTwoRig}). Topic {@code solo} has replication factor 1 and its three
 * partitions on broker 0, each written to at about 100 KB/s: leadership has nowhere to go, only moving
 * replicas can cool broker 0.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HotReplicaMovesTest {
    static final Map<Integer, List<Integer>> ASSIGNMENT = Map.of(0, List.of(0), 1, List.of(0), 2, List.of(0));
    static DayTwoRig rig;
    static ProduceLoop loop;

    @BeforeAll
    static void start() throws Exception {
        rig = DayTwoRig.brokers("hotrep", RollingRestartTest.RACKS, 3);
        // an idle topic on brokers 1 and 2: a broker that holds no replica while others do is a new one, and the
        // scale-up would even the bytes of solo over it before any of this is seen
        KafkaAwait.createTopic(rig.admin(), "quiet", Map.of(0, List.of(1), 1, List.of(2)));
        KafkaAwait.createTopic(rig.admin(), "solo", ASSIGNMENT);
        rig.kafka.awaitFullIsr("solo");
        // 4 MB a partition: a follower's first fetch takes up to 1 MB (replica.fetch.max.bytes) before the
        // throttle counts it, so a smaller log would be copied whole at once, even at 1 KB/s. Written before the
        // operator starts, so that no rate it reads holds this burst
        for (int p = 0; p < 3; p++) {
            KafkaRecords.produce(rig.bootstrap(), "solo", p, 0, 4000, 1000);
        }
        rig.placeOn(id -> List.of("n" + id, "s" + id)); // node n<i> for broker i, a spare s<i> for a cordon move
        rig.operate(3, 50_000_000L).settled();
        for (int id = 0; id < 3; id++) {
            for (String n : List.of("n" + id, "s" + id)) {
                rig.core.createNode(new io.kubernetes.client.openapi.models.V1Node().metadata(
                        new io.kubernetes.client.openapi.models.V1ObjectMeta().name(n))).execute();
            }
        }
        loop = new ProduceLoop(rig.bootstrap()).write("solo", 0, 5).write("solo", 1, 5).write("solo", 2, 5);
    }

    @AfterAll
    static void stop() throws Exception {
        OperatorFixture.closeAll(loop, rig);
    }

    @Test
    @Order(1)
    void leadershipAloneCannotHelpAndTheWarningSaysModeReplicasWould() throws Exception {
        // Off until every solo partition's rate shows: a first reading may see only some of them grow
        rig.patch("{\"spec\":{\"rebalance\":{\"hotPartitions\":{\"mode\":\"Off\",\"minBytesInPerSec\":10000}}}}");
        await("broker 0's status shows the produce it leads").atMost(WAIT).until(() -> bytesIn(0) > 200_000);
        rig.patch("{\"spec\":{\"rebalance\":{\"hotPartitions\":{\"mode\":\"Leadership\"}}}}");
        await("a Warning").atMost(WAIT).until(() -> !messages(HotPartitionStep.Event.INSUFFICIENT.reason).isEmpty());
        assertThat(messages(HotPartitionStep.Event.INSUFFICIENT.reason)).singleElement().asString()
                .startsWith("Broker 0 leads ").contains("and no leadership move lowers it: solo-")
                .endsWith("Moving replicas would lower it: set spec.rebalance.hotPartitions.mode to Replicas.");
        assertThat(rig.eventReasons()).doesNotContain(HotPartitionStep.Event.STARTED.reason);
        assertThat(rig.replicas("solo")).isEqualTo(ASSIGNMENT);
    }

    @Test
    @Order(2)
    void settingModeOffCancelsTheRunningMovesAndPutsTheirPartitionsBack() throws Exception {
        // 1 KB/s against 100 KB/s of produce: the new replicas can never catch up. No clock advance: the
        // Warning of case 1 does not hold back a rebalance that can help
        rig.patch("{\"spec\":{\"rebalance\":{\"throttleBytesPerSec\":1000,\"hotPartitions\":{\"mode\":\"Replicas\"}}}}");
        await("replica moves run in Kafka, throttled").atMost(WAIT).until(() -> {
            OperationStatus op = rig.cluster().getStatus().operation();
            return op != null && HotReplicaPhase.PHASE.equals(op.phase()) && !running().isEmpty()
                    && !rig.throttles().isEmpty();
        });
        assertThat(messages(HotPartitionStep.Event.STARTED.reason)).singleElement().asString()
                .startsWith("Broker 0 leads ").containsPattern("\\(tolerance 25%\\): moving [12] replicas \\(")
                .contains(") to cooler brokers, throttled. Moves: solo-");
        assertThat(rig.throttles()).anyMatch(t -> t.endsWith("follower.replication.throttled.rate=1000"));

        rig.patch("{\"spec\":{\"rebalance\":{\"hotPartitions\":{\"mode\":\"Off\"}}}}");
        await("cancelled, put back, ended").atMost(WAIT).until(() -> rig.cluster().getStatus().operation() == null
                && !messages(HotReplicaPhase.MOVED).isEmpty());
        assertThat(messages(HotReplicaPhase.MOVED)).singleElement().asString()
                .startsWith("Stopped: spec.rebalance.hotPartitions.mode is Off; the moves Kafka was running are cancelled");
        assertThat(running()).isEmpty();
        assertThat(rig.replicas("solo")).as("every partition back on broker 0 alone").isEqualTo(ASSIGNMENT);
        await("throttles off").atMost(WAIT).until(() -> rig.throttles().isEmpty());
    }

    /**
     * Moves that can never finish (1 KB/s against 100 KB/s of produce: the new replicas never catch up) are
     * called off at the phase's deadline, three times their bytes at the throttle counted from its first pass,
     * and the Warning says what to change.
     */
    @Test
    @Order(3)
    void movesThatCannotCatchUpAreCalledOffAtTheirDeadline() throws Exception {
        int ended = messages(HotReplicaPhase.MOVED).size();
        throttledMovesRun();
        await("the deadline in status").atMost(WAIT).until(() -> rig.cluster().getStatus().operation() != null
                && rig.cluster().getStatus().operation().details().containsKey(HotReplicaPhase.DEADLINE));
        java.time.Instant deadline = java.time.Instant.parse(
                rig.cluster().getStatus().operation().details().get(HotReplicaPhase.DEADLINE));
        // at least 4 MB a move at 1 KB/s, three times over: hours, not the 15 min floor
        assertThat(java.time.Duration.between(rig.now(), deadline)).isGreaterThan(java.time.Duration.ofHours(3));
        rig.advance(java.time.Duration.ofMinutes(10));
        assertThat(rig.cluster().getStatus().operation()).as("well before the deadline: still moving").isNotNull();

        rig.advance(java.time.Duration.between(rig.now(), deadline).plusMinutes(1));
        until("called off at the deadline, put back, ended", () -> rig.cluster().getStatus().operation() == null
                && messages(HotReplicaPhase.MOVED).size() == ended + 1);
        assertThat(messages(HotReplicaPhase.MOVED).get(ended)).isEqualTo("Stopped: " + HotReplicaPhase.OVERDUE
                + dev.berth.operator.api.Conditions.rfc3339(deadline) + HotReplicaPhase.OVERDUE_WHY
                + "; the moves Kafka was running are cancelled and their partitions put back; what moved before stays"
                + " moved.");
        assertThat(rig.core.listNamespacedEvent(DayTwoRig.NS).execute().getItems().stream()
                .filter(e -> HotReplicaPhase.MOVED.equals(e.getReason()) && e.getMessage().contains(HotReplicaPhase.OVERDUE))
                .map(e -> e.getType()).toList()).containsExactly("Warning");
        assertThat(running()).isEmpty();
        assertThat(rig.replicas("solo")).as("every partition back on broker 0 alone").isEqualTo(ASSIGNMENT);
        await("throttles off").atMost(WAIT).until(() -> rig.throttles().isEmpty());
    }

    /**
     * A drain waits for the leader-aware move of the brokers on the node (their disruption budget holds
     * the evictions), so throttled replica moves that would take hours make way: cancelled, put back, and
     * the broker moved off its cordoned node.
     */
    @Test
    @Order(4)
    void aCordonStopsTheRunningMovesAndTheBrokerMovesOff() throws Exception {
        int ended = messages(HotReplicaPhase.MOVED).size();
        throttledMovesRun();
        assertThat(node(2)).isEqualTo("n2");

        rig.cordon("n2", true);
        until("the moves stopped, broker 2 moved to s2, the restart over", () ->
                "s2".equals(node(2)) && rig.cluster().getStatus().operation() == null
                        && messages(HotReplicaPhase.MOVED).size() == ended + 1);
        assertThat(messages(HotReplicaPhase.MOVED).get(ended)).isEqualTo("Stopped: broker 2 is on cordoned node n2; the"
                + " moves Kafka was running are cancelled and their partitions put back; what moved before stays moved.");
        assertThat(running()).isEmpty();
        assertThat(rig.replicas("solo")).as("every partition back on broker 0 alone").isEqualTo(ASSIGNMENT);
        assertThat(rig.glue().stops.get(2)).as("broker 2 went once").hasSize(1);
        await("throttles off").atMost(WAIT).until(() -> rig.throttles().isEmpty());
        rig.cordon("n2", false);
    }

    @Test
    @Order(5)
    void replicasLeaveTheHotBrokerForCoolOnesWhichLeadThem() throws Exception {
        double moves = OperatorMetrics.HOT_REPLICA_MOVES.get();
        Map<Integer, List<String>> stops = new TreeMap<>();
        rig.glue().stops.forEach((id, seen) -> stops.put(id, List.copyOf(seen)));
        rig.patch("{\"spec\":{\"rebalance\":{\"throttleBytesPerSec\":50000000,\"hotPartitions\":{\"mode\":\"Replicas\"}}}}");
        rig.advance(HotPartitionStep.COOL_DOWN.plusMinutes(1));
        int ended = messages(HotReplicaPhase.MOVED).size();
        until("the moves done, the operation ended", () -> messages(HotReplicaPhase.MOVED).size() == ended + 1
                && rig.cluster().getStatus().operation() == null);
        // two moves with even rates; one when a reading makes a partition look twice as busy as the others (it
        // then goes alone, and its new broker becomes the hottest): the count comes from the Event
        String end = messages(HotReplicaPhase.MOVED).stream().filter(m -> m.startsWith("Moved ")).findFirst().orElseThrow();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Moved ([0-9]+) of ([0-9]+) partitions \\(").matcher(end);
        assertThat(m.find()).as(end).isTrue();
        int n = Integer.parseInt(m.group(1));
        assertThat(n).as(end).isBetween(1, 2).isEqualTo(Integer.parseInt(m.group(2)));
        assertThat(end).endsWith(") to cooler brokers, which lead them; broker 0 was the hottest.");
        Map<Integer, List<Integer>> r = rig.replicas("solo");
        assertThat(r.values()).as("replication factor kept").allMatch(l -> l.size() == 1);
        assertThat(r.values().stream().filter(l -> l.get(0) == 0).count()).as("broker 0 gave %d away: %s", n, r)
                .isEqualTo(3 - n);
        Map<Integer, Integer> led = leaders();
        r.forEach((p, l) -> assertThat(led.get(p)).as("solo-%d led by its one replica", p).isEqualTo(l.get(0)));
        assertThat(OperatorMetrics.HOT_REPLICA_MOVES.get() - moves).isEqualTo((double) n);
        assertThat(rig.throttles()).as("cleared when done").isEmpty();
        assertThat(rig.glue().stops).as("no broker stopped").isEqualTo(stops);
    }

    /**
     * Both stages in one operation: topic {@code pair} (RF 2, every partition on [0, 1]) at about 200 KB/s a
     * partition makes broker 0 hot again (about 700 KB/s against a mean of 300). Leadership of one partition
     * goes to 1, which leaves 0 at about 500, still well above the 375 that makes it hot; then a replica
     * moves, to 2.
     */
    @Test
    @Order(6)
    void leadershipMovesFirstThenReplicasInTheSameOperation() throws Exception {
        KafkaAwait.createTopic(rig.admin(), "pair", Map.of(0, List.of(0, 1), 1, List.of(0, 1), 2, List.of(0, 1)));
        rig.kafka.awaitFullIsr("pair");
        Map<Integer, List<Integer>> solo = rig.replicas("solo");
        loop.write("pair", 0, 10).write("pair", 1, 10).write("pair", 2, 10);
        await("status shows broker 0 leading pair's produce").atMost(WAIT).until(() -> bytesIn(0) > 450_000);
        int leadershipDone = messages(HotPartitionStep.Event.DONE.reason).size();
        int replicasDone = messages(HotReplicaPhase.MOVED).size();

        rig.advance(HotPartitionStep.COOL_DOWN.plusMinutes(1));
        until("leadership moved, then replicas, and the operation ended", () ->
                messages(HotReplicaPhase.MOVED).size() == replicasDone + 1 && rig.cluster().getStatus().operation() == null);
        assertThat(messages(HotPartitionStep.Event.DONE.reason)).hasSize(leadershipDone + 1);
        assertThat(messages(HotPartitionStep.Event.STARTED.reason)).anySatisfy(m -> assertThat(m)
                .containsPattern("moving leadership of [0-9]+ partitions to in-sync replicas, then moving [0-9]+ replicas"));
        assertThat(leaders("pair").values()).as("a pair partition led by its follower").contains(1);
        Map<Integer, List<Integer>> pair = rig.replicas("pair");
        boolean moved = !rig.replicas("solo").equals(solo)
                || pair.values().stream().anyMatch(r -> !new TreeSet<>(r).equals(Set.of(0, 1)));
        assertThat(moved).as("some replica left broker 0: solo %s, pair %s", rig.replicas("solo"), pair).isTrue();
        assertThat(rig.throttles()).as("cleared when done").isEmpty();
    }

    /**
     * Mode Replicas at 1 KB/s, against 100 KB/s of produce (the new replicas never catch up), once the
     * cool-down the last case's stop started is over: returns once the phase runs its moves in Kafka.
     */
    private static void throttledMovesRun() throws Exception {
        rig.patch("{\"spec\":{\"rebalance\":{\"throttleBytesPerSec\":1000,\"hotPartitions\":{\"mode\":\"Replicas\"}}}}");
        rig.advance(HotPartitionStep.COOL_DOWN.plusMinutes(1));
        await("replica moves run in Kafka, throttled").atMost(WAIT).until(() -> {
            OperationStatus op = rig.cluster().getStatus().operation();
            return op != null && HotReplicaPhase.PHASE.equals(op.phase()) && !running().isEmpty();
        });
    }

    /** Awaits {@code condition}; on a timeout, the failure says where the operation and Kafka stood. */
    private static void until(String alias, java.util.concurrent.Callable<Boolean> condition) throws Exception {
        try {
            await(alias).atMost(WAIT).until(condition);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(alias + " timed out; operation " + rig.cluster().getStatus().operation()
                    + "; Events " + messages(HotPartitionStep.Event.STARTED.reason) + " "
                    + messages(HotPartitionStep.Event.INSUFFICIENT.reason) + " " + messages(HotReplicaPhase.MOVED)
                    + "; solo " + rig.replicas("solo") + " led by " + leaders() + "; running " + running()
                    + "; throttles " + rig.throttles() + "; broker bytes-in " + bytesIn(0) + ", " + bytesIn(1) + ", "
                    + bytesIn(2), e);
        }
    }

    /** The node broker {@code id}'s pod is bound to; null while it has no pod (deleted, not yet recreated) or none. */
    private static String node(int id) throws Exception {
        io.kubernetes.client.openapi.models.V1Pod p = rig.brokerPod(id);
        return p == null ? null : p.getSpec().getNodeName();
    }

    /** Broker {@code id}'s leader bytes-in as its status row shows it. */
    private static long bytesIn(int id) throws Exception {
        return rig.cluster().getStatus().brokers().stream().filter(b -> b.id() == id)
                .mapToLong(dev.berth.operator.api.BrokerStatus::bytesInPerSec).findFirst().orElse(-1);
    }

    private static List<String> messages(String reason) throws Exception {
        return RollingRestartTest.messagesOf(rig, reason);
    }

    private static Set<String> running() throws Exception {
        Set<String> out = new TreeSet<>();
        rig.admin().listPartitionReassignments().reassignments().get().keySet()
                .forEach(tp -> out.add(tp.toString()));
        return out;
    }

    /** Partition of {@code solo} to its leader. */
    private static Map<Integer, Integer> leaders() {
        return leaders("solo");
    }

    private static Map<Integer, Integer> leaders(String topic) {
        Map<Integer, Integer> out = new TreeMap<>();
        for (TopicPartitionInfo p : KafkaAwait.describeTopic(rig.admin(), topic).partitions()) {
            out.put(p.partition(), p.leader() == null ? -1 : p.leader().id());
        }
        return out;
    }
}
