package dev.berth.operator.reconcile;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A reconcile pass that failed where its own status cannot say so, said as one Warning Event on the
 * KafkaCluster.
 *
 * <p><b>Goal:</b> {@link ApplyFailure} and {@link StepFailure} write their reasons into the pass's status.
 * When the status write itself fails (a role without {@code patch} on {@code kafkaclusters/status}, a
 * status the API server refuses), or the KafkaCluster cannot be read (no {@code get} on
 * {@code kafkaclusters}), or berth has a bug that throws, there is no status to write. Before, only the
 * operator's log said why {@code kubectl get kafkacluster} showed no status, or a stale one.
 *
 * <p><b>Constraints:</b> Events are a permission of their own ({@code create} on events), usually still
 * granted; a refused post is logged and nothing more. A failing pass comes back every few seconds, so an
 * Event is posted for a new failure, not for every retry: the message last posted for each cluster is
 * kept, in memory, until a pass of that cluster ends without failing. A conflict (409) or an interrupt is
 * no failure ({@link StepFailure#dropsThePass}): the pass is dropped and comes back soon. An operator that
 * restarts while the failure goes on posts it once more, which is what a person would want to see anyway.
 *
 * <p><b>Algorithm:</b> the message is {@value #PREFIX}, the retry delay, and the error's own short text
 * ({@link StepFailure#describe}), at most {@value StepFailure#MAX_MESSAGE} characters. It is due when it
 * differs from the message posted last for the cluster since its last good pass.
 *
 * <p><b>Example:</b> the role lacks {@code patch} on {@code kafkaclusters/status}, and cluster
 * {@code demo} is applied. Its first pass creates the objects and its status write is refused: Warning
 * {@value #REASON} {@code "Reconcile pass failed, retried in 2 s: Kubernetes API answered 403:
 * kafkaclusters.berth.dev \"demo\" is forbidden: User ... cannot patch resource \"kafkaclusters/status\"
 * ..."}. The passes every 2 s after it post nothing. Once the rule is granted, a pass writes the status and
 * the failure is forgotten: the same refusal later is posted again.
 */
final class PassFailures {
    static final String REASON = "ReconcileFailed";
    static final String PREFIX = "Reconcile pass failed, retried in ";

    private final Map<String, String> posted = new ConcurrentHashMap<>();

    /**
     * The message of the Event that {@code error} calls for on cluster {@code key}, or {@code null}: the same
     * was posted since its last good pass, or the error is no failure.
     */
    String due(String key, Exception error, Duration retry) {
        if (StepFailure.dropsThePass(error)) {
            return null;
        }
        String message = StepFailure.capped(PREFIX + retry.toSeconds() + " s: " + StepFailure.describe(error));
        return message.equals(posted.get(key)) ? null : message;
    }

    /** The Event with {@code message} is posted for {@code key}. */
    void posted(String key, String message) {
        posted.put(key, message);
    }

    /** A pass of {@code key} ended without failing, or the cluster is gone: a later failure is new. */
    void succeeded(String key) {
        posted.remove(key);
    }
}
