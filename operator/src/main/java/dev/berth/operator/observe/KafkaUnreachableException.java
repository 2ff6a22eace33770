package dev.berth.operator.observe;

/** Kafka did not answer an Admin call in time, or answered with an error: the cluster is Degraded. */
public final class KafkaUnreachableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KafkaUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
