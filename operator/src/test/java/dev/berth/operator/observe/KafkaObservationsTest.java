package dev.berth.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.testbed.kafka.KafkaTestCluster;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link KafkaObservations} opens a cluster's Admin client on an observation, not when it starts tracking
 * it: until the bootstrap address resolves, the view says why it cannot connect and the next observation
 * tries again; once it resolves, observations run and the Admin client is there for the steps.
 */
class KafkaObservationsTest {
    /** A client library that does not load (a LinkageError) is recorded as the reason, not thrown away. */
    @Test
    void anErrorOpeningTheClientIsRecordedAsTheReason() throws Exception {
        try (KafkaObservations observations = new KafkaObservations(Clock.systemUTC(), Duration.ofMillis(200),
                b -> {
                    throw new NoClassDefFoundError("org/apache/kafka/clients/admin/Admin");
                }, key -> { })) {
            observations.track("kafka/broken", "broken-bootstrap.kafka.svc:9092");
            await().atMost(Duration.ofSeconds(10)).until(() -> observations.latest("kafka/broken").unreachable() != null);
            assertThat(observations.latest("kafka/broken").unreachable()).isEqualTo("no Admin client for"
                    + " broken-bootstrap.kafka.svc:9092 yet: org/apache/kafka/clients/admin/Admin");
        }
    }

    @Test
    void aBootstrapThatDoesNotResolveYetIsUnreachableUntilItDoes() throws Exception {
        try (KafkaTestCluster kafka = KafkaTestCluster.builder().broker(0, "a").start()) {
            Clock clock = Clock.systemUTC();
            // the Service's DNS name, which resolves once the Service exists (here: once the test says so)
            AtomicReference<String> resolvesTo = new AtomicReference<>("demo-bootstrap.kafka.svc.invalid:9092");
            try (KafkaObservations observations = new KafkaObservations(clock, Duration.ofMillis(200),
                    b -> KafkaObserver.connect(resolvesTo.get(), clock), key -> { })) {
                observations.track("kafka/demo", "demo-bootstrap.kafka.svc:9092"); // does not throw

                await().atMost(Duration.ofSeconds(10)).until(() -> observations.latest("kafka/demo").unreachable() != null);
                assertThat(observations.latest("kafka/demo").unreachable())
                        .startsWith("no Admin client for demo-bootstrap.kafka.svc:9092 yet: ");
                assertThat(observations.admin("kafka/demo")).isNull();

                resolvesTo.set(kafka.bootstrapServers());
                await().atMost(Duration.ofSeconds(30)).until(() -> observations.latest("kafka/demo").reachable());
                assertThat(observations.latest("kafka/demo").observation().snapshot().brokers()).hasSize(1);
                assertThat(observations.admin("kafka/demo")).isNotNull();
            }
        }
    }
    /**
     * A refresh asked for while an observation runs is not lost: another starts when it ends. The reconciler
     * waits for an observation newer than an operation's end, so a refresh merged into the one under way
     * (which started before the end) delayed the next operation by a whole observe interval.
     */
    @Test
    void aRefreshDuringAnObservationStartsAnotherAfterIt() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger connects = new java.util.concurrent.atomic.AtomicInteger();
        try (KafkaObservations observations = new KafkaObservations(Clock.systemUTC(), Duration.ofHours(1), b -> {
            if (connects.incrementAndGet() == 1) {
                try {
                    release.await(10, java.util.concurrent.TimeUnit.SECONDS); // the first observation is under way
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            throw new IllegalStateException("no such host");
        }, key -> { })) {
            observations.track("kafka/busy", "busy-bootstrap.kafka.svc:9092");
            await().atMost(Duration.ofSeconds(10)).until(() -> connects.get() == 1);
            observations.refresh("kafka/busy");
            release.countDown();
            await("the asked-for observation after the one under way").atMost(Duration.ofSeconds(10))
                    .until(() -> connects.get() == 2);
            await("and no more: the interval is an hour").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                    .until(() -> connects.get() == 2);
        }
    }
}
