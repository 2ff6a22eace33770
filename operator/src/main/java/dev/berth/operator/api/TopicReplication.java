package dev.berth.operator.api;

import dev.berth.operator.model.KafkaObservation;
import dev.berth.operator.model.TopicState;
import java.util.Map;
import java.util.TreeMap;

/** Replication factor of every topic of an observation, the input of the spec check on broker count. */
public final class TopicReplication {
    private TopicReplication() {}

    /** By topic name, or {@code null} when Kafka was not observed (the check is then skipped). */
    public static Map<String, Integer> of(KafkaObservation o) {
        if (o == null) {
            return null;
        }
        Map<String, Integer> out = new TreeMap<>();
        for (TopicState t : o.snapshot().topics().values()) {
            out.put(t.name(), t.replicationFactor());
        }
        return out;
    }
}
