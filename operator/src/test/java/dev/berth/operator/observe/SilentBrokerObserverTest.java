package dev.berth.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.model.BrokerFacts;
import dev.berth.operator.model.KafkaObservation;
import dev.berth.testbed.kafka.KafkaAwait;
import dev.berth.testbed.kafka.KafkaRecords;
import dev.berth.testbed.kafka.KafkaTestCluster;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One registered broker that nobody can reach (it advertises an address where nothing listens, as
 * behind a network partition), real KRaft brokers 0..2 beside it. Before, its describeLogDirs timeout
 * failed the whole observation: the operator saw "Kafka unreachable", published no facts and halted
 * every step, for a cluster whose other brokers answered.
 */
class SilentBrokerObserverTest {
    @Test
    void aBrokerThatDoesNotAnswerLeavesOnlyItsOwnSizesUnknown() throws Exception {
        try (KafkaTestCluster kafka = KafkaTestCluster.builder().broker(0, "a").broker(1, "b").broker(2, "c").start()) {
            kafka.addUnreachableBroker(3, "a");
            KafkaAwait.createTopic(kafka.admin(), "t", Map.of(0, List.of(0, 1, 2)));
            KafkaRecords.produce(kafka.bootstrapServers(), "t", 0, 0, 100, 1_000);
            kafka.awaitFullIsr("t");
            try (KafkaObserver observer = KafkaObserver.connect(kafka.bootstrapServers(), Clock.systemUTC())) {
                KafkaObservation o = observer.observe();
                assertThat(o.snapshot().brokers()).extracting(b -> b.id()).containsExactly(0, 1, 2, 3);
                assertThat(o.bytesByBroker()).containsOnlyKeys(0, 1, 2).allSatisfy((id, bytes) -> assertThat(bytes).isPositive());
                assertThat(o.snapshot().partitions()).singleElement()
                        .satisfies(p -> assertThat(p.sizeBytes()).isGreaterThan(100_000));
                assertThat(BrokerFacts.compute(o)).hasSize(4); // a row for the silent one too
            }
        }
    }
}
