package dev.berth.operator.observe;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Reads of topics that an earlier {@code listTopics} named, where a topic deleted in between is left out
 * rather than failing the read.
 *
 * <p><b>Goal:</b> a cluster whose applications create and delete topics all day (stream processors'
 * internal topics, tests) is observed like any other. Before, {@code describeTopics(names).allTopicNames()}
 * failed whole when one name had been deleted since the list, and the observation with it: the cluster
 * read as {@code KafkaUnreachable} until the next one, and a drain's verification failed its pass.
 * <b>Constraint:</b> only Kafka's own "no such topic" answer leaves a topic out; any other failure is
 * the caller's, as before. A topic that is gone holds no replica, so leaving it out hides nothing.
 *
 * <p><b>Example:</b> names {@code [orders, tmp-1]}, {@code tmp-1} deleted a moment after the list:
 * {@code describeTopics} answers {@code orders} and {@code UnknownTopicOrPartitionException} for
 * {@code tmp-1}; the result is {@code {orders=...}}.
 */
public final class DeletedTopics {
    private DeletedTopics() {}

    /**
     * Waits for each future (keyed by topic name, or by a topic's {@code ConfigResource}) and keeps the
     * answers, in the futures' order, without the topics Kafka says do not exist.
     *
     * @throws ExecutionException any other failure, as the future failed
     * @throws TimeoutException a future not done within {@code timeoutMs} of when it was waited for
     */
    public static <K, T> Map<K, T> without(Map<K, KafkaFuture<T>> futures, long timeoutMs)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<K, T> out = new LinkedHashMap<>();
        for (Map.Entry<K, KafkaFuture<T>> e : futures.entrySet()) {
            try {
                out.put(e.getKey(), e.getValue().get(timeoutMs, TimeUnit.MILLISECONDS));
            } catch (ExecutionException failed) {
                if (!(failed.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw failed;
                }
            }
        }
        return out;
    }
}
