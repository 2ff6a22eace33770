package dev.berth.operator.reconcile;

import dev.berth.testbed.kafka.KafkaRecords;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Steady produce for tests of rate-driven behaviour (hot partitions): every 50 ms, a set number of 1 KB
 * records into a partition, so {@code n} records a tick is about n × 20 KB/s, as the operator's
 * describeLogDirs readings then estimate it.
 *
 * <pre>{@code
 * loop = new ProduceLoop(rig.bootstrap()).write("clicks", 0, 5);   // about 100 KB/s into clicks-0
 * @AfterAll ... OperatorFixture.closeAll(loop, rig);
 * }</pre>
 */
final class ProduceLoop implements AutoCloseable {
    private static final String VALUE = "x".repeat(1000);
    private final KafkaProducer<String, String> producer;
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();

    ProduceLoop(String bootstrap) {
        producer = KafkaRecords.producer(bootstrap);
    }

    /** From now on, {@code records} records of 1 KB into {@code topic}-{@code partition} every 50 ms. */
    ProduceLoop write(String topic, int partition, int records) {
        writer.scheduleAtFixedRate(() -> {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, partition, null, VALUE));
            }
        }, 0, 50, TimeUnit.MILLISECONDS);
        return this;
    }

    @Override
    public void close() throws InterruptedException {
        writer.shutdownNow();
        writer.awaitTermination(5, TimeUnit.SECONDS);
        producer.close(Duration.ofSeconds(2));
    }
}
