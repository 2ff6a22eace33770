package dev.berth.operator.reconcile;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import dev.berth.operator.api.Condition;
import dev.berth.operator.api.ConditionType;
import dev.berth.operator.api.KafkaClusterStatus;
import dev.berth.operator.api.OperationStatus;
import io.kubernetes.client.openapi.ApiException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A day-2 step that threw on this pass, said where a person looks.
 *
 * <p><b>Goal:</b> a step that fails on every pass (Kafka refuses a call for want of an ACL, a call times
 * out, the API server forbids a delete) shows in {@code kubectl describe}, not only in the operator's
 * log. Before, such a pass was dropped whole: the status stayed as the last good pass left it,
 * {@code observedGeneration} included, and nothing on the KafkaCluster said why its operation did not
 * move.
 *
 * <p><b>Constraints</b> (kept by {@link KafkaClusterReconciler}): nothing the failed step decided counts.
 * Its operation is not written and its queued Events are dropped, as a dropped pass's were. The steps
 * after it do not run on that pass: they come after it in priority, and with its operation not started
 * they could start one of their own. A conflict (409) is no failure: the pass is dropped and comes back
 * soon, as before.
 *
 * <p><b>Algorithm:</b> the message names the step, the operation in flight and the error's own short
 * text (a Kafka call's name and Kafka's error; a Kubernetes API code and the apiserver's message), at
 * most {@value #MAX_MESSAGE} characters. While Kafka answers, the pass writes {@code Degraded=True} with
 * reason {@value #REASON}. While it does not, {@code Degraded=True KafkaUnreachable} already says why a
 * step fails, and stays. A Warning Event with the same reason is posted when the condition turns to
 * {@value #REASON}, not on every retry.
 *
 * <p><b>Example:</b> {@code ScaleUpStep} throws during {@code ScaleUp/Reassigning} with
 * {@code incrementalAlterConfigs (throttles) failed: ClusterAuthorizationException: Cluster
 * authorization failed.} The status gets {@code Degraded=True StepFailed "ScaleUpStep failed (operation
 * ScaleUp, phase Reassigning), retried on the next pass: incrementalAlterConfigs (throttles) failed:
 * ClusterAuthorizationException: Cluster authorization failed."}, with the rest of the status as fresh
 * as on any pass.
 */
record StepFailure(String message) {
    static final String REASON = "StepFailed";
    static final int MAX_MESSAGE = 600;
    /** The latest a pass with a failed step comes back (as a failed pass did before); a wake-up brings it sooner. */
    static final Duration RETRY = Duration.ofSeconds(5);

    static StepFailure of(OperationStep step, OperationStatus op, Exception e) {
        String name = name(step);
        String where = op == null ? "" : " (operation " + op.type() + (op.phase() == null ? "" : ", phase " + op.phase())
                + ")";
        return new StepFailure(capped(name + " failed" + where + ", retried on the next pass: " + describe(e)));
    }

    /** A condition message of at most {@value #MAX_MESSAGE} characters. */
    static String capped(String text) {
        return text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE - 3) + "...";
    }

    /**
     * Whether the pass must be dropped rather than written with this failure: a conflict is retried soon,
     * and an interrupt means the operator is stopping.
     */
    static boolean dropsThePass(Exception e) {
        return e instanceof InterruptedException || Thread.currentThread().isInterrupted() || isConflict(e);
    }

    /** A 409: the object changed since it was read, or exists already. */
    static boolean isConflict(Exception e) {
        return e instanceof ApiException a && a.getCode() == 409;
    }

    /** {@code Degraded=True StepFailed} with the message. */
    Condition condition() {
        return Condition.of(ConditionType.Degraded, true, REASON, message);
    }

    /**
     * The conditions a pass writes: the steps' own, with {@code failure}'s {@code Degraded} (which stands in for
     * the computed one) while Kafka answers; as they are with no failure, or while Kafka does not answer.
     */
    static List<Condition> written(List<Condition> steps, StepFailure failure, boolean kafkaReachable) {
        if (failure == null || !kafkaReachable) {
            return steps;
        }
        List<Condition> out = new ArrayList<>(steps);
        out.add(failure.condition());
        return List.copyOf(out);
    }

    /** Whether the status written before this pass did not say a step failed yet: the Warning is due. */
    static boolean newSince(KafkaClusterStatus previous) {
        return degradedReasonIsNot(previous, REASON);
    }

    /** Whether the {@code Degraded} condition written before this pass has a reason other than {@code reason}, or is absent. */
    static boolean degradedReasonIsNot(KafkaClusterStatus previous, String reason) {
        Condition c = previous == null ? null : previous.condition(ConditionType.Degraded);
        return c == null || !reason.equals(c.reason());
    }

    private static String name(OperationStep step) {
        String n = step.getClass().getSimpleName();
        int lambda = n.indexOf("$$Lambda");
        return n.isEmpty() ? "a step" : lambda >= 0 ? n.substring(0, lambda) + " step" : n;
    }

    /** The error's own words: what a person can act on, without a stack trace. */
    static String describe(Exception e) {
        if (e instanceof ApiException a) {
            if (a.getCode() == 0) {
                // client-java's code for a call that got no answer (refused, timed out): its cause says which
                Throwable c = a.getCause() == null ? a : a.getCause();
                return "Kubernetes API did not answer: " + c.getClass().getSimpleName()
                        + (c.getMessage() == null || c.getMessage().isBlank() ? "" : ": " + c.getMessage());
            }
            return "Kubernetes API answered " + a.getCode() + apiMessage(a.getResponseBody());
        }
        String m = e.getMessage();
        if (e instanceof dev.berth.operator.act.KafkaCallException && m != null) {
            return m; // already "<call> failed: <Kafka's error>"
        }
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    /** The {@code message} of the apiserver's Status body, or nothing when the body holds none. */
    private static String apiMessage(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        try {
            JsonElement json = JsonParser.parseString(body);
            if (json.isJsonObject() && json.getAsJsonObject().has("message")) {
                return ": " + json.getAsJsonObject().get("message").getAsString();
            }
        } catch (RuntimeException notJson) {
            // not a Status: the code alone
        }
        return "";
    }
}
