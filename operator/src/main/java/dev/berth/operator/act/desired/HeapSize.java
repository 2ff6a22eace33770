package dev.berth.operator.act.desired;

import dev.berth.operator.api.ResourcesSpec;
import io.kubernetes.client.custom.Quantity;
import java.math.BigDecimal;

/**
 * The Kafka JVM's heap, from the memory the spec gives the container ({@code KAFKA_HEAP_OPTS}).
 *
 * <p><b>Goal:</b> {@code kafka-server-start.sh} sets {@code -Xmx1G -Xms1G} when {@code KAFKA_HEAP_OPTS} is not
 * set, whatever the container has. A controller with a 1Gi memory limit then has its whole limit as heap,
 * and metaspace, thread stacks and GC structures on top of it get the container OOM-killed under load; a
 * broker given 32Gi still runs a 1 GiB heap. <b>Constraints:</b> Kafka wants a modest heap and the rest of
 * the memory as page cache for its logs; the JVM's own container sizing only helps with a limit set. An
 * explicit setting must win, so none is given without a memory figure in the spec.
 *
 * <p><b>Algorithm:</b> half the memory limit, in whole MiB, at most {@link #MAX_MIB} (the heap Kafka's
 * operations guide runs its large brokers with). With no limit, half the memory request, but not below
 * Kafka's own 1 GiB: nothing caps the container then, and a request is only what the node reserves (a
 * {@code memory: 1Gi} request kept the 1 GiB heap it had before berth set one). The same for {@code -Xms},
 * so the heap is committed at start rather than grown into an OOM kill later. No memory in the spec:
 * {@code null}, and Kafka's own 1 GiB default applies.
 *
 * <p><b>Example:</b> limits {@code memory: 1Gi} → {@code -Xmx512m -Xms512m}; requests {@code memory: 8Gi}
 * with no limit → {@code -Xmx4096m -Xms4096m}; requests {@code memory: 1Gi} with no limit →
 * {@code -Xmx1024m -Xms1024m}; limits {@code memory: 64Gi} → {@code -Xmx6144m -Xms6144m}.
 */
public final class HeapSize {
    /** The largest heap set: Kafka's documented production brokers run with 6 GiB. */
    static final long MAX_MIB = 6 * 1024;
    /** Kafka's own default heap, the least set from a request alone. */
    static final long KAFKA_DEFAULT_MIB = 1024;
    private static final BigDecimal MIB = BigDecimal.valueOf(1024L * 1024);

    private HeapSize() {}

    /** {@code KAFKA_HEAP_OPTS} for a container with {@code res}, or {@code null} when the spec sets no memory. */
    public static String opts(ResourcesSpec res) {
        String memory = res.limits().get("memory");
        boolean limited = memory != null;
        if (memory == null) {
            memory = res.requests().get("memory");
        }
        if (memory == null) {
            return null;
        }
        BigDecimal bytes;
        try {
            bytes = Quantity.fromString(memory).getNumber();
        } catch (RuntimeException e) {
            return null; // the spec validator refuses it with a condition; nothing to size here
        }
        long mib = Math.min(MAX_MIB, bytes.divide(MIB, 0, java.math.RoundingMode.DOWN).longValue() / 2);
        if (!limited) {
            mib = Math.max(mib, KAFKA_DEFAULT_MIB);
        }
        if (mib <= 0) {
            return null;
        }
        return "-Xmx" + mib + "m -Xms" + mib + "m";
    }
}
