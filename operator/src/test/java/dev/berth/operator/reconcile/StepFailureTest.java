package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.act.KafkaCallException;
import dev.berth.operator.api.Condition;
import dev.berth.operator.api.ConditionType;
import dev.berth.operator.api.KafkaClusterStatus;
import dev.berth.operator.api.OperationStatus;
import io.kubernetes.client.openapi.ApiException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.junit.jupiter.api.Test;

class StepFailureTest {
    /** A step of a plain name, as the operator's own steps are. */
    static final class ScaleUpStep implements OperationStep {
        @Override
        public StepResult step(StepContext ctx) {
            return StepResult.NOTHING;
        }
    }

    static final OperationStatus REASSIGNING = new OperationStatus("ScaleUp", "Reassigning", List.of(3), 0L, null, 0, 4,
            "2026-11-27T10:00:00Z", "moving 4 partitions", Map.of());

    record Row(String why, OperationStep step, OperationStatus op, Exception error, String message) {}

    @Test
    void theMessageNamesTheStepTheOperationAndTheErrorsOwnWords() {
        OperationStep lambda = ctx -> StepResult.NOTHING;
        Row[] rows = {
            new Row("a Kafka call refused: the call and Kafka's error, without the wrapper's name", new ScaleUpStep(),
                    REASSIGNING, new KafkaCallException("incrementalAlterConfigs (throttles)",
                            new ExecutionException(new ClusterAuthorizationException("Cluster authorization failed."))),
                    "ScaleUpStep failed (operation ScaleUp, phase Reassigning), retried on the next pass: "
                            + "incrementalAlterConfigs (throttles) failed: ClusterAuthorizationException: "
                            + "Cluster authorization failed."),
            new Row("the apiserver's Status message", new ScaleUpStep(), null,
                    new ApiException(403, null, "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":"
                            + "\"pods \\\"demo-broker-3\\\" is forbidden: no delete\",\"code\":403}"),
                    "ScaleUpStep failed, retried on the next pass: Kubernetes API answered 403: pods \"demo-broker-3\" is "
                            + "forbidden: no delete"),
            new Row("a body that is no Status: the code alone", new ScaleUpStep(), null,
                    new ApiException(500, null, "<html>bad gateway</html>"),
                    "ScaleUpStep failed, retried on the next pass: Kubernetes API answered 500"),
            new Row("a Status without a message: the code alone", new ScaleUpStep(), null,
                    new ApiException(500, null, "{\"kind\":\"Status\"}"),
                    "ScaleUpStep failed, retried on the next pass: Kubernetes API answered 500"),
            new Row("no answer: client-java's code 0, and the cause in its own words", new ScaleUpStep(), null,
                    new ApiException(new java.net.SocketTimeoutException("Read timed out")),
                    "ScaleUpStep failed, retried on the next pass: Kubernetes API did not answer: SocketTimeoutException:"
                            + " Read timed out"),
            new Row("no body", new ScaleUpStep(), null, new ApiException(503, null, null),
                    "ScaleUpStep failed, retried on the next pass: Kubernetes API answered 503"),
            new Row("a bug: the exception's class; a lambda step by its class", lambda,
                    new OperationStatus("Restart", null, List.of(), null, null, 0, null, null, null, Map.of()),
                    new NullPointerException(),
                    "StepFailureTest step failed (operation Restart), retried on the next pass: NullPointerException"),
            new Row("an exception with a blank message", new ScaleUpStep(), null, new IllegalStateException(" "),
                    "ScaleUpStep failed, retried on the next pass: IllegalStateException"),
        };
        for (Row r : rows) {
            StepFailure f = StepFailure.of(r.step(), r.op(), r.error());
            assertThat(f.message()).as(r.why()).isEqualTo(r.message());
            assertThat(f.condition()).as(r.why())
                    .isEqualTo(Condition.of(ConditionType.Degraded, true, "StepFailed", r.message()));
        }
    }

    @Test
    void aLongErrorIsCutToTheMaximumWithAnEllipsis() {
        String prefix = "ScaleUpStep failed, retried on the next pass: IllegalStateException: ";
        String fits = "x".repeat(StepFailure.MAX_MESSAGE - prefix.length());
        assertThat(StepFailure.of(new ScaleUpStep(), null, new IllegalStateException(fits)).message())
                .isEqualTo(prefix + fits).hasSize(StepFailure.MAX_MESSAGE);
        String cut = StepFailure.of(new ScaleUpStep(), null, new IllegalStateException(fits + "y")).message();
        assertThat(cut).hasSize(StepFailure.MAX_MESSAGE).endsWith("xxx...").startsWith(prefix);
    }

    @Test
    void theFailureIsWrittenWhileKafkaAnswersAndLeftToKafkaUnreachableOtherwise() {
        Condition blocked = Condition.of(ConditionType.ScaleUpBlocked, true, "NotEnoughDisk", "no room");
        StepFailure f = StepFailure.of(new ScaleUpStep(), null, new IllegalStateException("boom"));
        assertThat(StepFailure.written(List.of(blocked), f, true)).containsExactly(blocked, f.condition());
        assertThat(StepFailure.written(List.of(blocked), f, false)).containsExactly(blocked);
        assertThat(StepFailure.written(List.of(blocked), null, true)).containsExactly(blocked);
        assertThat(StepFailure.written(List.of(), null, false)).isEmpty();
    }

    @Test
    void onlyAConflictDropsThePass() {
        assertThat(StepFailure.isConflict(new ApiException(409, "Conflict"))).isTrue();
        assertThat(StepFailure.isConflict(new ApiException(422, "Unprocessable"))).isFalse();
        assertThat(StepFailure.isConflict(new ApiException(403, "Forbidden"))).isFalse();
        assertThat(StepFailure.isConflict(new IllegalStateException("409"))).isFalse();
        assertThat(StepFailure.dropsThePass(new ApiException(409, "Conflict"))).isTrue();
        assertThat(StepFailure.dropsThePass(new ApiException(403, "Forbidden"))).isFalse();
    }

    @Test
    void anInterruptDropsThePassWhetherThrownOrOnlyFlagged() {
        assertThat(StepFailure.dropsThePass(new InterruptedException())).isTrue();
        Thread.currentThread().interrupt();
        try {
            assertThat(StepFailure.dropsThePass(new IllegalStateException("a call cut short"))).isTrue();
        } finally {
            assertThat(Thread.interrupted()).as("the flag is only read").isTrue();
        }
        assertThat(StepFailure.dropsThePass(new IllegalStateException("a call cut short"))).isFalse();
    }

    @Test
    void theWarningIsDueOnlyWhenTheWrittenStatusDoesNotSayStepFailedYet() {
        assertThat(StepFailure.newSince(status())).as("no Degraded written yet").isTrue();
        assertThat(StepFailure.newSince(status(Condition.of(ConditionType.Degraded, false, "KafkaReachable", "ok"))))
                .isTrue();
        assertThat(StepFailure.newSince(status(Condition.of(ConditionType.Degraded, true, "KafkaUnreachable", "down"))))
                .isTrue();
        assertThat(StepFailure.newSince(status(Condition.of(ConditionType.Degraded, true, "StepFailed", "an older one"))))
                .as("said already, whatever the message").isFalse();
        assertThat(StepFailure.newSince(null)).isTrue();
    }

    static KafkaClusterStatus status(Condition... conditions) {
        return new KafkaClusterStatus(1L, "Running", "1/1", List.of(conditions), List.of(), List.of(), null, null);
    }
}
