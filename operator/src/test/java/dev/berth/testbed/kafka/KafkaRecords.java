package dev.berth.testbed.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes and reads records on a test cluster with real clients: {@code acks=all} producers and
 * group-less consumers (assign + seek, so no {@code __consumer_offsets} is created). Values are
 * {@code record-<i>}, optionally padded to a size, so tests can put a known number of bytes on a
 * partition (for planners that weigh partitions by size).
 */
public final class KafkaRecords {
    private KafkaRecords() {
    }

    public static KafkaProducer<String, String> producer(String bootstrapServers) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                // 60 s: a clean-clone run on the shared 2-core machine once sent no request for 20 s (MoveCancelTest's
                // set-up, "the request has not been sent"); a passing run takes milliseconds either way
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10000,
                ProducerConfig.LINGER_MS_CONFIG, 0),
                new StringSerializer(), new StringSerializer());
    }

    /** Writes records {@code record-first} .. {@code record-(first+count-1)} with acks=all; returns the last. */
    public static RecordMetadata produce(String bootstrapServers, String topic, int partition, int first, int count) {
        return produce(bootstrapServers, topic, partition, first, count, 0);
    }

    /** Same, each value padded with '.' to at least {@code valueBytes} bytes. */
    public static RecordMetadata produce(String bootstrapServers, String topic, int partition, int first, int count,
                                         int valueBytes) {
        try (KafkaProducer<String, String> producer = producer(bootstrapServers)) {
            RecordMetadata last = null;
            List<java.util.concurrent.Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = first; i < first + count; i++) {
                StringBuilder value = new StringBuilder("record-").append(i);
                while (value.length() < valueBytes) {
                    value.append('.');
                }
                sent.add(producer.send(new ProducerRecord<>(topic, partition, "k" + i, value.toString())));
            }
            for (java.util.concurrent.Future<RecordMetadata> future : sent) {
                last = future.get();
            }
            return last;
        } catch (ExecutionException e) {
            throw new IllegalStateException("producing to " + topic + "-" + partition + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Reads a partition from its beginning up to its current end offset. */
    public static List<ConsumerRecord<String, String>> consumeAll(String bootstrapServers, TopicPartition tp) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(10)).get(tp);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            KafkaAwait.polling("read " + tp + " up to offset " + end).until(() -> {
                consumer.poll(Duration.ofMillis(200)).records(tp).forEach(records::add);
                return consumer.position(tp) >= end;
            });
            return records;
        }
    }
}
