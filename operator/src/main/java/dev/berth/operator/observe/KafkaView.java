package dev.berth.operator.observe;

import dev.berth.operator.model.KafkaObservation;
import java.time.Instant;

/**
 * The latest Kafka observation of a cluster: either an observation or the reason Kafka could not be
 * read. Before the first attempt both are {@code null}.
 *
 * @param observation the last successful observation, or {@code null}
 * @param unreachable why the last attempt failed, or {@code null} when it succeeded
 * @param at when the last attempt started (what it saw is at least that recent), or {@code null}
 */
public record KafkaView(KafkaObservation observation, String unreachable, Instant at) {
    public static final KafkaView NOT_YET = new KafkaView(null, null, null);

    public boolean reachable() {
        return observation != null && unreachable == null;
    }
}
