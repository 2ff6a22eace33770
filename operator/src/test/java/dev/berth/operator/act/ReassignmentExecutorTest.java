package dev.berth.operator.act;

import static dev.berth.testbed.kafka.KafkaAwait.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.operator.model.BrokerState;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.PartitionState;
import dev.berth.operator.model.TopicState;
import dev.berth.operator.plan.Move;
import dev.berth.operator.plan.MoveReason;
import dev.berth.operator.plan.PlanIntent;
import dev.berth.operator.plan.ReassignmentPlan;
import dev.berth.operator.plan.ReassignmentPlanner;
import dev.berth.testbed.kafka.KafkaAwait;
import dev.berth.testbed.kafka.KafkaBed;
import dev.berth.testbed.kafka.KafkaTestCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.PartitionReassignment;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The act layer against real KRaft brokers: controller 1000, brokers 0..3 in racks a, b, c, a.
 * Each test uses its own topics.
 */
class ReassignmentExecutorTest {
    @RegisterExtension
    static final KafkaBed KAFKA = new KafkaBed(KafkaTestCluster.builder().broker(0, "a").broker(1, "b").broker(2, "c")
                .broker(3, "a"));

    /**
     * [1,0] (racks b, a) to [3,2] (a, c): paired in the target's order the first step was [3,0], both
     * replicas in rack a while the copy ran. The executor reads the racks and replaces 0 first: [1,3].
     */
    @Test
    void noStepPutsTwoReplicasOfAPartitionInOneRack() throws Exception {
        KafkaAwait.createTopic(KAFKA.admin(), "racksafe", Map.of(0, List.of(1, 0)));
        produce("racksafe", 1, 2000);
        ReassignmentExecutor executor = new ReassignmentExecutor(KAFKA.admin(), new ExecutionPolicy(10_000, 2));

        executor.advance(List.of(new Move("racksafe", 0, List.of(1, 0), List.of(3, 2), MoveReason.SCALE_UP, 1000)));

        PartitionReassignment r = get(KAFKA.admin().listPartitionReassignments().reassignments())
                .get(new TopicPartition("racksafe", 0));
        assertThat(r).as("the first step runs, throttled").isNotNull();
        assertThat(r.addingReplicas()).containsExactly(3);
        assertThat(r.removingReplicas()).as("0 (rack a) leaves as 3 (rack a) comes").containsExactly(0);
        get(KAFKA.admin().alterPartitionReassignments(Map.of(new TopicPartition("racksafe", 0), java.util.Optional.empty()))
                .all());
    }

    @Test
    void aPlanExecutesToCompletionWithThrottlesDuringAndClearedAfter() {
        KafkaAwait.createTopic(KAFKA.admin(), "exec", Map.of(0, List.of(0, 1), 1, List.of(1, 2),
                2, List.of(2, 0)));
        produce("exec", 3, 300);
        List<Move> moves = List.of(
                new Move("exec", 0, List.of(0, 1), List.of(3, 2), MoveReason.SCALE_UP, 1000),
                new Move("exec", 1, List.of(1, 2), List.of(1, 3), MoveReason.SCALE_UP, 1000),
                new Move("exec", 2, List.of(2, 0), List.of(0, 2), MoveReason.LEADER_BALANCE, 1000));
        ReassignmentExecutor executor =
                new ReassignmentExecutor(KAFKA.admin(), new ExecutionPolicy(10_000_000, 2));

        ReassignmentProgress first = executor.advance(moves);

        assertThat(first.complete()).isFalse();
        assertThat(first.bytesTotal()).isEqualTo(3000); // 2 + 1 added replicas of 1000 bytes
        assertThat(first.inFlight()).as("two of three submitted, the most in flight").isEqualTo(2);
        await("throttles set").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (int b = 0; b <= 3; b++) {
                assertThat(config(ConfigResource.Type.BROKER, "" + b,
                        Throttles.LEADER_RATE)).isEqualTo("10000000");
                assertThat(config(ConfigResource.Type.BROKER, "" + b,
                        Throttles.FOLLOWER_RATE)).isEqualTo("10000000");
            }
            assertThat(config(ConfigResource.Type.TOPIC, "exec", Throttles.LEADER_REPLICAS))
                    .isEqualTo("0:0,0:1,1:1,1:2");
            assertThat(config(ConfigResource.Type.TOPIC, "exec", Throttles.FOLLOWER_REPLICAS))
                    .isEqualTo("0:3,0:2,1:3");
        });
        AtomicInteger maxAdding = new AtomicInteger();
        AtomicReference<ReassignmentProgress> last = new AtomicReference<>(first);
        await("plan complete").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    for (PartitionReassignment r : get(KAFKA.admin().listPartitionReassignments()
                            .reassignments()).values()) {
                        maxAdding.accumulateAndGet(r.addingReplicas().size(), Math::max);
                    }
                    last.set(executor.advance(moves));
                    return last.get().complete();
                });

        assertThat(maxAdding.get()).isLessThanOrEqualTo(1);
        ReassignmentProgress done = last.get();
        assertThat(done.bytesDone()).isEqualTo(done.bytesTotal()).isEqualTo(3000);
        assertThat(done.partitionsDone()).isEqualTo(done.partitionsTotal()).isEqualTo(3);
        TopicDescription exec = KafkaAwait.describeTopic(KAFKA.admin(), "exec");
        assertThat(exec.partitions()).extracting(p -> KafkaAwait.ids(p.replicas()))
                .containsExactly(List.of(3, 2), List.of(1, 3), List.of(0, 2));
        assertThat(exec.partitions()).extracting(p -> p.leader().id()).containsExactly(3, 1, 0);
        await("throttles cleared").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (int b = 0; b <= 3; b++) {
                assertThat(config(ConfigResource.Type.BROKER, "" + b, Throttles.LEADER_RATE))
                        .isNull();
            }
            assertThat(config(ConfigResource.Type.TOPIC, "exec", Throttles.LEADER_REPLICAS))
                    .isNull();
            assertThat(config(ConfigResource.Type.TOPIC, "exec", Throttles.FOLLOWER_REPLICAS))
                    .isNull();
        });
    }

    /**
     * A plan made from a replica list that still showed a finished move's old and new replicas (the
     * answering broker's metadata lags a moment) asks for one replica more than the partition has; the
     * executor's steps would have added it, raising the partition's RF for good. Such a move is not
     * submitted; the others are, and each is recorded with its list from before (what a call-off puts
     * back).
     */
    /**
     * [0,1,2] to [3,1,2] while broker 2, a follower the move does not touch, is down: once 3 is in sync and leads,
     * the move is done. It waited for 2 to be back in the ISR, holding the operation (and every restart behind it)
     * until the phase's deadline called off a move that had finished.
     */
    @Test
    void aMoveIsDoneOnceItsAddedReplicasAreInSyncWhateverAnUntouchedFollowerDoes() throws Exception {
        KafkaAwait.createTopic(KAFKA.admin(), "lagging", Map.of(0, List.of(0, 1, 2)));
        produce("lagging", 1, 200);
        KafkaAwait.awaitFullIsr(KAFKA.admin(), "lagging");
        KAFKA.cluster().stopBroker(2);
        try {
            await("broker 2 out of the ISR").atMost(Duration.ofSeconds(30)).until(() ->
                    !KafkaAwait.ids(KafkaAwait.describeTopic(KAFKA.admin(), "lagging").partitions().get(0).isr()).contains(2));
            ReassignmentExecutor executor = new ReassignmentExecutor(KAFKA.admin(), new ExecutionPolicy(0, 1));
            ReassignmentProgress p = executor.runToCompletion(List.of(
                    new Move("lagging", 0, List.of(0, 1, 2), List.of(3, 1, 2), MoveReason.DRAIN, 1000)),
                    Duration.ofSeconds(30), Duration.ofMillis(200));
            assertThat(p.complete()).as("done with broker 2 still down: " + p).isTrue();
            TopicPartitionInfo info = KafkaAwait.describeTopic(KAFKA.admin(), "lagging").partitions().get(0);
            assertThat(KafkaAwait.ids(info.replicas())).containsExactly(3, 1, 2);
            assertThat(info.leader().id()).isEqualTo(3);
        } finally {
            KAFKA.cluster().restartBroker(2);
        }
    }

    /**
     * A submission whose answer timed out may still be carried out by Kafka (here it is: the call went through
     * before the answer was given up). It is recorded with its list from before, as an accepted one is, so a
     * call-off finds it in berth's batch and puts it back; before, it was left out, and a call-off left it
     * running (a move onto a lost broker then held the operation for good).
     */
    @Test
    void aSubmissionThatTimedOutIsRecordedAsSubmittedForACallOff() throws Exception {
        KafkaAwait.createTopic(KAFKA.admin(), "timedout", Map.of(0, List.of(0, 1)));
        KafkaAwait.awaitFullIsr(KAFKA.admin(), "timedout");
        List<Move> moves = List.of(new Move("timedout", 0, List.of(0, 1), List.of(2, 1), MoveReason.SCALE_UP, 100));
        try (Admin late = new LateAnswers(KAFKA.cluster().bootstrapServers())) {
            ReassignmentProgress p = new ReassignmentExecutor(late, new ExecutionPolicy(0, 5)).advance(moves);

            assertThat(p.errors()).containsExactly("timedout-0: reassign timed out");
            assertThat(p.submittedFrom()).isEqualTo(Map.of("timedout-0", List.of(0, 1)));
            assertThat(p.inFlight()).isEqualTo(1);
        }
        await("Kafka carried it out all the same").atMost(Duration.ofSeconds(30)).until(() ->
                KafkaAwait.ids(KafkaAwait.describeTopic(KAFKA.admin(), "timedout").partitions().get(0).replicas())
                        .equals(List.of(2, 1)));
    }

    /**
     * The test brokers' Admin whose reassignment answers time out: each call is carried out first, then
     * asked again with no time left, so its futures fail with Kafka's TimeoutException.
     */
    static final class LateAnswers extends org.apache.kafka.clients.admin.ForwardingAdmin {
        LateAnswers(String bootstrap) {
            super(Map.of(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        }

        @Override
        public org.apache.kafka.clients.admin.AlterPartitionReassignmentsResult alterPartitionReassignments(
                Map<TopicPartition, java.util.Optional<org.apache.kafka.clients.admin.NewPartitionReassignment>> moves,
                org.apache.kafka.clients.admin.AlterPartitionReassignmentsOptions options) {
            get(super.alterPartitionReassignments(moves, options).all());
            return super.alterPartitionReassignments(moves,
                    new org.apache.kafka.clients.admin.AlterPartitionReassignmentsOptions().timeoutMs(0));
        }
    }

    @Test
    void aMoveThatWouldChangeAReplicaCountIsNotSubmittedAndTheOthersAreRecorded() {
        KafkaAwait.createTopic(KAFKA.admin(), "stale", Map.of(0, List.of(0, 1, 2), 1, List.of(1, 2, 0)));
        List<Move> moves = List.of(
                new Move("stale", 0, List.of(0, 1, 2, 3), List.of(0, 1, 2, 3), MoveReason.SCALE_UP, 0),
                new Move("stale", 1, List.of(1, 2, 0), List.of(3, 2, 0), MoveReason.SCALE_UP, 0));
        ReassignmentProgress p = new ReassignmentExecutor(KAFKA.admin(), new ExecutionPolicy(0, 10)).advance(moves);

        assertThat(p.errors()).containsExactly("stale-0: planned 4 replicas, Kafka lists 3; not submitted");
        assertThat(p.submittedFrom()).isEqualTo(Map.of("stale-1", List.of(1, 2, 0)));
        assertThat(p.inFlight()).as("the refused move is no submission, and takes none away").isEqualTo(1);
        await("the good move ends").atMost(Duration.ofSeconds(30)).until(() ->
                KafkaAwait.ids(KafkaAwait.describeTopic(KAFKA.admin(), "stale").partitions().get(1).replicas())
                        .equals(List.of(3, 2, 0)));
        assertThat(KafkaAwait.ids(KafkaAwait.describeTopic(KAFKA.admin(), "stale").partitions().get(0).replicas()))
                .as("RF 3 stays 3").containsExactly(0, 1, 2);
    }

    /**
     * At most {@code maxPartitionsInFlight} reassignments run at once, counting those Kafka already lists; a
     * throttle of 0 means none, so no broker or topic gets a throttle setting.
     */
    @Test
    void oneInFlightAtATimeAndNoThrottleSetWhenThePolicySaysNone() {
        KafkaAwait.createTopic(KAFKA.admin(), "single", Map.of(0, List.of(0, 1), 1, List.of(1, 2), 2, List.of(2, 0)));
        produce("single", 3, 50);
        List<Move> moves = List.of(
                new Move("single", 0, List.of(0, 1), List.of(3, 1), MoveReason.SCALE_UP, 100),
                new Move("single", 1, List.of(1, 2), List.of(1, 3), MoveReason.SCALE_UP, 100),
                new Move("single", 2, List.of(2, 0), List.of(3, 0), MoveReason.SCALE_UP, 100));
        ReassignmentExecutor executor = new ReassignmentExecutor(KAFKA.admin(), new ExecutionPolicy(0, 1));

        ReassignmentProgress first = executor.advance(moves);

        assertThat(first.inFlight()).isEqualTo(1);
        assertThat(first.submittedFrom()).hasSize(1);
        AtomicInteger maxRunning = new AtomicInteger();
        await("plan complete").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            maxRunning.accumulateAndGet(get(KAFKA.admin().listPartitionReassignments().reassignments()).size(), Math::max);
            ReassignmentProgress p = executor.advance(moves);
            assertThat(p.inFlight()).isLessThanOrEqualTo(1);
            return p.complete();
        });
        assertThat(maxRunning.get()).isLessThanOrEqualTo(1);
        for (int b = 0; b <= 3; b++) {
            assertThat(config(ConfigResource.Type.BROKER, "" + b, Throttles.LEADER_RATE)).isNull();
        }
        assertThat(config(ConfigResource.Type.TOPIC, "single", Throttles.FOLLOWER_REPLICAS)).isNull();
        assertThat(KafkaAwait.describeTopic(KAFKA.admin(), "single").partitions()).extracting(p -> KafkaAwait.ids(p.replicas()))
                .containsExactly(List.of(3, 1), List.of(1, 3), List.of(3, 0));
    }

    /**
     * A reassignment Kafka still runs counts toward {@code maxPartitionsInFlight}: throttled to 1 KB/s over
     * about 3 MB, the first move is still running on the second pass, which then submits nothing.
     */
    @Test
    void aReassignmentStillRunningCountsTowardTheLimit() {
        KafkaAwait.createTopic(KAFKA.admin(), "held", Map.of(0, List.of(0, 1), 1, List.of(1, 2)));
        produce("held", 1, 30_000);
        List<Move> moves = List.of(
                new Move("held", 0, List.of(0, 1), List.of(3, 1), MoveReason.SCALE_UP, 3_000_000),
                new Move("held", 1, List.of(1, 2), List.of(1, 3), MoveReason.SCALE_UP, 0));
        ReassignmentExecutor executor = new ReassignmentExecutor(KAFKA.admin(), new ExecutionPolicy(1_000, 1));
        try {
            ReassignmentProgress first = executor.advance(moves);
            assertThat(first.submittedFrom()).containsOnlyKeys("held-0");

            ReassignmentProgress second = executor.advance(moves);

            assertThat(get(KAFKA.admin().listPartitionReassignments().reassignments())).containsOnlyKeys(tp("held", 0));
            assertThat(second.inFlight()).isEqualTo(1);
            assertThat(second.submittedFrom()).as("held-1 waits for held-0").isEmpty();
            assertThat(second.bytesDone()).as("neither added replica is in place").isZero();
            assertThat(second.bytesTotal()).isEqualTo(3_000_000);
        } finally {
            get(KAFKA.admin().alterPartitionReassignments(Map.of(tp("held", 0), java.util.Optional.empty())).all());
            await("the held move called off").atMost(Duration.ofSeconds(30))
                    .until(() -> get(KAFKA.admin().listPartitionReassignments().reassignments()).isEmpty());
            new Throttles(KAFKA.admin()).clearThrottles(dev.berth.operator.plan.ThrottlePlan.of(moves), List.of("held"));
        }
    }

    /** A plan's topic deleted meanwhile has nothing left to move: its moves count as done, and the plan ends. */
    @Test
    void aMoveOfATopicDeletedMeanwhileCountsAsDone() {
        KafkaAwait.createTopic(KAFKA.admin(), "kept", Map.of(0, List.of(0, 1)));
        KafkaAwait.awaitFullIsr(KAFKA.admin(), "kept");
        List<Move> moves = List.of(
                new Move("deleted", 0, List.of(0, 1), List.of(3, 1), MoveReason.SCALE_UP, 100),
                new Move("kept", 0, List.of(0, 1), List.of(0, 1), MoveReason.LEADER_BALANCE, 0));

        ReassignmentProgress p = new ReassignmentExecutor(KAFKA.admin(), new ExecutionPolicy(0, 5)).advance(moves);

        assertThat(p.errors()).isEmpty();
        assertThat(p.partitionsDone()).isEqualTo(2);
        assertThat(p.bytesDone()).isEqualTo(p.bytesTotal()).isEqualTo(100);
        assertThat(p.complete()).isTrue();
    }

    /**
     * A throttled plan whose topic was deleted meanwhile: the throttle is set on what is left. Before, the
     * deleted topic's entry made Kafka refuse the whole incrementalAlterConfigs, so the pass submitted
     * nothing; an executor that keeps its moves across passes, as here, failed on every pass. (The
     * operator plans afresh each pass, so it met this only for a deletion since that pass's snapshot.)
     */
    @Test
    void aThrottledPlanWithATopicDeletedMeanwhileThrottlesAndMovesTheRest() {
        KafkaAwait.createTopic(KAFKA.admin(), "survivor", Map.of(0, List.of(0, 1)));
        KafkaAwait.awaitFullIsr(KAFKA.admin(), "survivor");
        List<Move> moves = List.of(
                new Move("gone", 0, List.of(0, 1), List.of(3, 1), MoveReason.SCALE_UP, 100),
                new Move("survivor", 0, List.of(0, 1), List.of(2, 1), MoveReason.SCALE_UP, 100));
        ReassignmentExecutor executor = new ReassignmentExecutor(KAFKA.admin(), new ExecutionPolicy(10_000_000, 5));

        ReassignmentProgress first = executor.advance(moves);

        assertThat(first.errors()).isEmpty();
        assertThat(first.submittedFrom()).containsOnlyKeys("survivor-0");
        assertThat(config(ConfigResource.Type.TOPIC, "survivor", Throttles.FOLLOWER_REPLICAS)).isEqualTo("0:2");
        await("plan complete").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> executor.advance(moves).complete());
        await("throttles cleared").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(config(ConfigResource.Type.TOPIC, "survivor", Throttles.FOLLOWER_REPLICAS)).isNull();
            for (int b = 0; b <= 3; b++) {
                assertThat(config(ConfigResource.Type.BROKER, "" + b, Throttles.FOLLOWER_RATE)).isNull();
            }
        });
    }

    /** Kafka refusing a submission is an error of that partition: not in flight, nothing recorded to put back. */
    @Test
    void aSubmissionKafkaRefusesIsAnErrorAndNotInFlight() {
        KafkaAwait.createTopic(KAFKA.admin(), "nowhere", Map.of(0, List.of(0, 1)));
        List<Move> moves = List.of(new Move("nowhere", 0, List.of(0, 1), List.of(9, 1), MoveReason.SCALE_UP, 0));

        ReassignmentProgress p = new ReassignmentExecutor(KAFKA.admin(), new ExecutionPolicy(0, 5)).advance(moves);

        assertThat(p.errors()).singleElement().asString().startsWith("nowhere-0: reassign ");
        assertThat(p.inFlight()).isZero();
        assertThat(p.submittedFrom()).isEmpty();
        assertThat(p.complete()).isFalse();
        assertThat(KafkaAwait.ids(KafkaAwait.describeTopic(KAFKA.admin(), "nowhere").partitions().get(0).replicas()))
                .containsExactly(0, 1);
    }

    @Test
    void aDrainedBrokerVerifiesEmptyAndAPartitionCreatedOnItAfterwardsFailsVerification()
            throws Exception {
        KafkaAwait.createTopic(KAFKA.admin(), "drain", Map.of(0, List.of(3, 0), 1, List.of(1, 3),
                2, List.of(2, 3)));
        produce("drain", 3, 100);
        commitOffsets("drain-readers", tp("drain", 0)); // creates __consumer_offsets, RF 3 of 4
        DrainVerifier verifier = new DrainVerifier(KAFKA.admin());
        assertThat(verifier.verify(3).findings()).contains("replica drain-0", "replica drain-1");

        ClusterSnapshot snapshot = snapshot(KAFKA.admin());
        ReassignmentPlan plan = new ReassignmentPlanner(new Random(1))
                .plan(snapshot, new PlanIntent.RemoveBrokers(Set.of(3)));
        assertThat(plan.moves()).extracting(Move::name).contains("drain-0", "drain-1", "drain-2");
        assertThat(snapshot.topics()).containsKey("__consumer_offsets");
        new ReassignmentExecutor(KAFKA.admin(), new ExecutionPolicy(10_000_000, 5))
                .runToCompletion(plan.moves(), Duration.ofSeconds(60), Duration.ofMillis(200));

        await("broker 3 verifies empty").atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(verifier.verify(3).findings()).isEmpty());
        assertThat(verifier.verify(3).empty()).isTrue();

        KafkaAwait.createTopic(KAFKA.admin(), "late", Map.of(0, List.of(3, 1)));
        await("late partition caught").atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            DrainVerifier.DrainReport report = verifier.verify(3);
            assertThat(report.empty()).isFalse();
            assertThat(report.findings()).contains("replica late-0")
                    .anyMatch(f -> f.startsWith("log late-0 ("));
        });
    }

    /** What the observe layer reads, minimally: brokers with racks and every partition. */
    static ClusterSnapshot snapshot(Admin admin) {
        List<BrokerState> brokers = new ArrayList<>();
        KafkaAwait.racks(admin).forEach((id, rack) -> brokers.add(new BrokerState(id, rack, "", 0)));
        brokers.sort((a, b) -> Integer.compare(a.id(), b.id()));
        Set<String> names = get(admin.listTopics(new ListTopicsOptions().listInternal(true)).names());
        Map<String, TopicState> topics = new TreeMap<>();
        List<PartitionState> parts = new ArrayList<>();
        for (TopicDescription t : get(admin.describeTopics(names).allTopicNames()).values()) {
            topics.put(t.name(), new TopicState(t.name(), t.partitions().get(0).replicas().size(), 1));
            for (TopicPartitionInfo p : t.partitions()) {
                parts.add(new PartitionState(t.name(), p.partition(), KafkaAwait.ids(p.replicas()),
                        p.leader() == null ? -1 : p.leader().id(), KafkaAwait.ids(p.isr()), 1000, 0));
            }
        }
        return new ClusterSnapshot(Instant.now(), brokers, topics, parts);
    }

    private static String config(ConfigResource.Type type, String name, String key) {
        ConfigResource r = new ConfigResource(type, name);
        Config c = get(KAFKA.admin().describeConfigs(List.of(r)).all()).get(r);
        ConfigEntry e = c.get(key);
        return e == null || e.source() == ConfigEntry.ConfigSource.DEFAULT_CONFIG
                || e.value() == null || e.value().isEmpty() ? null : e.value();
    }

    private static void produce(String topic, int partitions, int perPartition) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int part = 0; part < partitions; part++) {
                for (int i = 0; i < perPartition; i++) {
                    producer.send(new ProducerRecord<>(topic, part, "k" + i, "v".repeat(100) + i));
                }
            }
            producer.flush();
        }
    }

    /** A committed group offset: Kafka creates its internal __consumer_offsets topic for it. */
    private static void commitOffsets(String group, TopicPartition tp) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        try (KafkaConsumer<String, String> c =
                new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            c.assign(List.of(tp));
            c.commitSync(Map.of(tp, new OffsetAndMetadata(1)), Duration.ofSeconds(20));
        }
    }

    static TopicPartition tp(String topic, int p) {
        return new TopicPartition(topic, p);
    }
}
