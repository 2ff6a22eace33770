package dev.berth.operator.model;

import java.util.Map;
import java.util.TreeMap;

/**
 * One observation of a Kafka cluster: the {@link ClusterSnapshot} every planner reads, plus the bytes
 * each broker holds on its log dirs as describeLogDirs reports them (replicas of one partition differ in
 * size, so per-broker bytes cannot be derived from {@link PartitionState#sizeBytes()} exactly).
 *
 * @param snapshot partitions, leaders, ISR, sizes and estimated bytes-in
 * @param bytesByBroker bytes on each broker's log dirs, by broker id
 * @param quorum the metadata quorum as its leader reports it ({@link QuorumState#UNKNOWN} when it
 *               could not be read)
 * @param ratesKnown false on the first observation of a cluster (after an operator start or a
 *               fail-over): a rate needs two sizes, so every partition's bytes-in reads 0 then, which is
 *               no news to publish ({@code FactsPublisher}, status rows keep what they said)
 */
public record KafkaObservation(ClusterSnapshot snapshot, Map<Integer, Long> bytesByBroker, QuorumState quorum,
        boolean ratesKnown) {
    public KafkaObservation {
        bytesByBroker = java.util.Collections.unmodifiableMap(new TreeMap<>(bytesByBroker));
        quorum = quorum == null ? QuorumState.UNKNOWN : quorum;
    }

    /** An observation whose rates are known. */
    public KafkaObservation(ClusterSnapshot snapshot, Map<Integer, Long> bytesByBroker, QuorumState quorum) {
        this(snapshot, bytesByBroker, quorum, true);
    }

    /** An observation without the quorum (planners and their tests do not need it). */
    public KafkaObservation(ClusterSnapshot snapshot, Map<Integer, Long> bytesByBroker) {
        this(snapshot, bytesByBroker, QuorumState.UNKNOWN);
    }
}
