package dev.berth.operator.api;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The day-2 operation in flight. Long operations are state machines whose whole state lives here, so
 * a restarted operator resumes where the previous one stopped. The record is deliberately generic:
 * an operation keeps its own small state in {@link #details}.
 *
 * @param type the operation, e.g. {@value #SCALE_UP}, {@value #SCALE_DOWN}, {@code Restart}, {@code Rebalance}
 * @param phase its current step, e.g. {@code Draining}, {@code Verifying}
 * @param brokers the broker ids it is about (added ones for a scale up, leaving ones for a scale down)
 * @param bytesMoved bytes reassigned so far
 * @param bytesTotal bytes the plan moves in total
 * @param partitionsDone partitions whose reassignment completed
 * @param partitionsTotal partitions the plan reassigns
 * @param startedAt RFC 3339 start time
 * @param message a sentence for people
 * @param details operation-specific state (string keys and values), needed to resume
 */
public record OperationStatus(
        String type,
        String phase,
        List<Integer> brokers,
        Long bytesMoved,
        Long bytesTotal,
        Integer partitionsDone,
        Integer partitionsTotal,
        String startedAt,
        String message,
        Map<String, String> details) {

    public static final String SCALE_UP = "ScaleUp";
    /** While a ScaleDown runs, its {@link #brokers} are leaving: the healer does not recreate them. */
    public static final String SCALE_DOWN = "ScaleDown";

    public OperationStatus {
        brokers = brokers == null ? List.of() : List.copyOf(brokers);
        details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(details));
    }

    /** Broker ids this operation takes away: the healer must leave them alone. */
    public List<Integer> leavingBrokers() {
        return SCALE_DOWN.equals(type) ? brokers : List.of();
    }
}
