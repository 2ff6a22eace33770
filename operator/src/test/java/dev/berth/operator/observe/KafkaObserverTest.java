package dev.berth.operator.observe;

import static dev.berth.testbed.kafka.KafkaAwait.get;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.act.ExecutionPolicy;
import dev.berth.operator.act.ReassignmentExecutor;
import dev.berth.operator.api.KafkaClusterSpec;
import dev.berth.operator.api.SpecValidator;
import dev.berth.operator.api.TopicReplication;
import dev.berth.operator.model.KafkaObservation;
import dev.berth.operator.model.PartitionState;
import dev.berth.operator.plan.Move;
import dev.berth.operator.plan.MoveReason;
import dev.berth.testbed.kafka.KafkaAwait;
import dev.berth.testbed.kafka.KafkaBed;
import dev.berth.testbed.kafka.KafkaRecords;
import dev.berth.testbed.kafka.KafkaTestCluster;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The observe layer against real KRaft brokers: controller 1000, brokers 0..3 in racks a, b, c, a. */
class KafkaObserverTest {
    @RegisterExtension
    static final KafkaBed KAFKA = new KafkaBed(KafkaTestCluster.builder().broker(0, "a").broker(1, "b").broker(2, "c").broker(3, "a"));

    /**
     * While a reassignment adds a replica, describeTopics lists 4 replicas for an RF 3 partition. The
     * observed replication factor must stay 3, or the spec check pauses every step for the whole move.
     */
    @Test
    void aReplicaBeingAddedDoesNotRaiseTheObservedReplicationFactor() {
        KafkaAwait.createTopic(KAFKA.admin(), "moving", Map.of(0, List.of(0, 1, 2)));
        // 3 MB: more than one replica fetch (1 MB) can copy before the 1 byte/s throttle holds it back.
        KafkaRecords.produce(KAFKA.bootstrapServers(), "moving", 0, 0, 3_000, 1_000);
        TopicPartition tp = new TopicPartition("moving", 0);
        new ReassignmentExecutor(KAFKA.admin(), new ExecutionPolicy(1, 1)).advance(List.of(
                new Move("moving", 0, List.of(0, 1, 2), List.of(3, 1, 2), MoveReason.SCALE_UP, 3_000_000)));

        AtomicReference<KafkaObservation> seen = new AtomicReference<>();
        try (KafkaObserver observer = KafkaObserver.connect(KAFKA.bootstrapServers(), Clock.systemUTC())) {
            KafkaAwait.polling("the move shows as in flight").untilAsserted(() -> {
                assertThat(get(KAFKA.admin().listPartitionReassignments(Set.of(tp)).reassignments())).containsKey(tp);
                seen.set(observer.observe());
                PartitionState p = seen.get().snapshot().partitions().stream()
                        .filter(x -> x.name().equals("moving-0")).findFirst().orElseThrow();
                assertThat(p.replicas()).hasSize(4); // the adding replica is listed: the case under test
            });
        } finally {
            get(KAFKA.admin().alterPartitionReassignments(Map.of(tp, Optional.empty())).all()); // cancel
        }

        assertThat(seen.get().snapshot().topics().get("moving").replicationFactor()).isEqualTo(3);
        KafkaClusterSpec threeBrokers = KafkaClusterSpec.defaults(); // brokers.replicas 3
        assertThat(SpecValidator.validate(threeBrokers, TopicReplication.of(seen.get()), null)).isEmpty();
    }
    /**
     * A broker restart is no produce: while the broker is down its partitions have no size, and that
     * unknown size was fed to the rate estimator as 0, so the first size after the restart read as the
     * whole log written in one interval (273 KB/s for a partition that got nothing, in the probe).
     */
    /**
     * A broker planned with although Kafka does not list it (down, dropped) keeps the rack Kafka registered it
     * with, else the one status remembers: Kafka before 4.0 lists no fenced broker, and such a broker in a rack
     * of its own let a scale-up put a second replica of a partition into the rack it really is in.
     */
    @Test
    void anOfflineBrokerKafkaDoesNotListTakesTheRackStatusRemembers() {
        KafkaObserver observer = new KafkaObserver(KAFKA.admin(), java.time.Clock.systemUTC());
        dev.berth.operator.model.ClusterSnapshot s = observer.snapshotWith(java.util.Set.of(7), Map.of(7, "a", 0, "z"));
        // (only brokers 0 and 7 looked at: another test of this class restarts broker 2, which may not be back)
        assertThat(s.brokers()).filteredOn(b -> b.id() == 7).singleElement().satisfies(b -> assertThat(b.rack()).isEqualTo("a"));
        assertThat(s.brokers()).as("a listed broker keeps Kafka's rack").filteredOn(b -> b.id() == 0).singleElement()
                .satisfies(b -> assertThat(b.rack()).isEqualTo("a"));
        assertThat(observer.snapshotWith(java.util.Set.of(7), Map.of()).brokers())
                .filteredOn(b -> b.id() == 7).singleElement().satisfies(b -> assertThat(b.rack()).isNull());
    }

    @Test
    void aRestartedBrokersLogIsNotCountedAsBytesIn() {
        KafkaAwait.createTopic(KAFKA.admin(), "solo", Map.of(0, List.of(2)));
        StepClock clock = new StepClock();
        try (KafkaObserver observer = KafkaObserver.connect(KAFKA.bootstrapServers(), clock)) {
            assertThat(observer.observe().ratesKnown()).as("first sight: rate unknown (0), and said so").isFalse();
            KafkaRecords.produce(KAFKA.bootstrapServers(), "solo", 0, 0, 200, 1_000);
            clock.advance(10);
            KafkaObservation second = observer.observe();
            assertThat(second.ratesKnown()).isTrue();
            assertThat(solo(second).bytesInPerSec()).as("200 KB in 10 s").isBetween(15_000.0, 30_000.0);

            KAFKA.cluster().stopBroker(2);
            KafkaAwait.polling("broker 2 fenced").until(() -> !KafkaAwait.registeredBrokers(KAFKA.admin()).contains(2));
            clock.advance(10);
            observer.observe(); // nobody reports solo-0's size
            KAFKA.cluster().restartBroker(2);
            // its log loaded and reported again (a clean-clone run observed it a moment before: size 0)
            KafkaAwait.polling("broker 2 reports solo-0's log").until(() -> soloSizeOnBroker2() > 200_000);
            clock.advance(10);
            KafkaObservation after = observer.observe();
            assertThat(solo(after).sizeBytes()).isGreaterThan(200_000);
            assertThat(solo(after).bytesInPerSec()).as("nothing produced since").isZero();
        } finally {
            if (!KAFKA.cluster().runningBrokerIds().contains(2)) {
                KAFKA.cluster().restartBroker(2);
            }
        }
    }

    private static PartitionState solo(KafkaObservation o) {
        return o.snapshot().partitions().stream().filter(p -> p.name().equals("solo-0")).findFirst().orElseThrow();
    }

    /** A clock that moves only when told to, in whole seconds. */
    private static final class StepClock extends Clock {
        private volatile java.time.Instant now = java.time.Instant.parse("2026-01-01T00:00:00Z");

        void advance(int seconds) {
            now = now.plusSeconds(seconds);
        }

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
            return now;
        }
    }

    /** solo-0's size in broker 2's log dirs, as describeLogDirs reports it now (0 while it does not). */
    private static long soloSizeOnBroker2() throws Exception {
        long size = 0;
        for (var dir : get(KAFKA.admin().describeLogDirs(List.of(2)).allDescriptions()).getOrDefault(2, Map.of()).values()) {
            var info = dir.replicaInfos().get(new TopicPartition("solo", 0));
            size += info == null ? 0 : info.size();
        }
        return size;
    }
}
