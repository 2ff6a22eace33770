package dev.berth.operator.reconcile;

import dev.berth.operator.api.Condition;
import dev.berth.operator.api.ConditionType;
import dev.berth.operator.api.KafkaClusterStatus;
import io.kubernetes.client.openapi.ApiException;
import java.time.Duration;

/**
 * A write of the pass's apply stage ({@link ApplyStage}: Services, budgets, ConfigMap, PVCs, pods, the
 * Kafka facts on broker pods) that failed, said where a person looks.
 *
 * <p><b>Goal:</b> a write refused on every pass shows in {@code kubectl describe}, not only in the
 * operator's log. The usual cause is a role that lacks a rule: a hand-made ClusterRole without
 * {@code create} on pods or on PVCs, an admission webhook or quota that refuses a pod, a namespace
 * being deleted. Before, the pass was dropped whole: a new cluster stayed without status, a running
 * one kept the last good pass's, {@code observedGeneration} stopped following the spec, and the log
 * alone said why nothing happened.
 *
 * <p><b>Constraints:</b> nothing that depends on the apply stage runs after it fails. The day-2 steps
 * do not run on that pass, as they did not when the pass was dropped: they act on Kafka around pods
 * this pass could not make right. The operation in flight is written as it was read. A conflict (409)
 * and an interrupt are not failures: the pass is dropped and comes back soon, as before. A refused
 * PodDisruptionBudget create is the one write the stage goes on after: a budget is protection around the
 * cluster, so the pods are still created and healed, and the failure is said once the stage is done (the
 * day-2 moves, which rely on the budgets, still wait).
 *
 * <p><b>Algorithm:</b> the message names what was being written and the error's own short text
 * ({@link StepFailure#describe}), at most {@value StepFailure#MAX_MESSAGE} characters. The pass writes
 * {@code Degraded=True} with reason {@value #REASON}, even while Kafka does not answer: a refused pod is
 * the likely reason why it does not, so this reason says more than {@code KafkaUnreachable}. A Warning
 * Event with the same reason is posted when the condition turns to it, not on every retry. The pass
 * comes back as a failed pass did before: after {@value #API_RETRY_SECONDS} s for a Kubernetes API error,
 * {@value #OTHER_RETRY_SECONDS} s for anything else.
 *
 * <p><b>Example:</b> the role cannot create pods, and a new cluster {@code demo} is applied. The pass
 * creates its Services, ConfigMap and budgets, then the first broker's pod is refused. The status gets
 * {@code Degraded=True ApplyFailed "Creating or updating pods failed, retried on the next pass:
 * Kubernetes API answered 403: pods is forbidden: User \"system:serviceaccount:berth:berth-operator\"
 * cannot create resource \"pods\" in API group \"\" in the namespace \"kafka\""}, phase
 * {@code Creating}, {@code Ready=False PodsNotReady}. Once the rule is added, the next pass creates
 * the pods and {@code Degraded} goes back to what Kafka says.
 */
record ApplyFailure(String message, Duration retry) {
    static final String REASON = "ApplyFailed";
    static final int API_RETRY_SECONDS = 2;
    static final int OTHER_RETRY_SECONDS = 5;

    /** @param what the objects being written, e.g. {@code pods} */
    static ApplyFailure of(String what, Exception e) {
        String text = "Creating or updating " + what + " failed, retried on the next pass: " + StepFailure.describe(e);
        return new ApplyFailure(StepFailure.capped(text),
                Duration.ofSeconds(e instanceof ApiException ? API_RETRY_SECONDS : OTHER_RETRY_SECONDS));
    }

    /** {@code Degraded=True ApplyFailed} with the message. */
    Condition condition() {
        return Condition.of(ConditionType.Degraded, true, REASON, message);
    }

    /** Whether the status written before this pass did not say so yet: the Warning is due. */
    static boolean newSince(KafkaClusterStatus previous) {
        return StepFailure.degradedReasonIsNot(previous, REASON);
    }
}
