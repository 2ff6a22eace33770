package dev.berth.operator.act;

import java.util.concurrent.ExecutionException;

/** An Admin call failed or timed out; the step is retried on the next pass. */
public final class KafkaCallException extends RuntimeException {
    public KafkaCallException(String call, Exception cause) {
        super(call + " failed: " + message(cause), cause);
    }

    private static String message(Exception e) {
        Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
