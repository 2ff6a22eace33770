package dev.berth.operator.api;

import java.util.List;

/**
 * What the operator observed, written to the status subresource only (by merge patch).
 *
 * @param observedGeneration the {@code metadata.generation} this status describes
 * @param phase one word for the printer column: see {@link Phase}
 * @param ready {@code readyBrokers/desiredBrokers}, e.g. {@code 2/3}, for the printer column
 * @param conditions Kubernetes-style conditions, see {@link ConditionType}
 * @param brokers one row per broker id, sorted by id; it also remembers each broker's rack
 * @param controllers one row per controller, sorted by id; it remembers their racks as well
 * @param operation the day-2 operation in flight, or {@code null}
 * @param suspended a scale that made way for a move off a cordoned node, or {@code null}: it
 *     resumes, from where it stood, once no such move is wanted and no operation is in flight
 */
public record KafkaClusterStatus(
        Long observedGeneration,
        String phase,
        String ready,
        List<Condition> conditions,
        List<BrokerStatus> brokers,
        List<NodeStatus> controllers,
        OperationStatus operation,
        OperationStatus suspended) {

    /** Values of {@code status.phase}. */
    public enum Phase {
        /** Pods are being created or are not all ready yet. */
        Creating,
        /** Every pod is ready and Kafka answers with every broker registered. */
        Running,
        /**
         * Something is wrong that the operator cannot fix by itself: Kafka does not answer (the
         * Degraded condition), or a cluster that ran misses a broker whose pod is ready (Ready).
         */
        Degraded,
        /** The spec cannot be applied (see the SpecValid condition); nothing is changed. */
        Invalid
    }

    public KafkaClusterStatus {
        observedGeneration = observedGeneration == null ? 0L : observedGeneration;
        conditions = conditions == null ? List.of() : List.copyOf(conditions);
        brokers = brokers == null ? List.of() : List.copyOf(brokers);
        controllers = controllers == null ? List.of() : List.copyOf(controllers);
    }

    public static KafkaClusterStatus empty() {
        return new KafkaClusterStatus(0L, null, null, null, null, null, null, null);
    }

    /** The condition of that type, or {@code null}. */
    public Condition condition(ConditionType type) {
        return conditions.stream().filter(c -> type.name().equals(c.type())).findFirst().orElse(null);
    }
}
