package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.api.Condition;
import dev.berth.operator.api.ConditionType;
import io.kubernetes.client.openapi.ApiException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ApplyFailureTest {
    record Row(String why, String writing, Exception error, String message, Duration retry) {}

    @Test
    void theMessageNamesWhatWasBeingWrittenAndTheErrorsOwnWords() {
        Row[] rows = {
            new Row("RBAC without create on pods: the apiserver's message", "pods",
                    new ApiException(403, null, "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":\"pods is "
                            + "forbidden: User \\\"system:serviceaccount:berth:berth-operator\\\" cannot create resource "
                            + "\\\"pods\\\"\",\"reason\":\"Forbidden\",\"code\":403}"),
                    "Creating or updating pods failed, retried on the next pass: Kubernetes API answered 403: pods is "
                            + "forbidden: User \"system:serviceaccount:berth:berth-operator\" cannot create resource \"pods\"",
                    Duration.ofSeconds(2)),
            new Row("a quota or webhook refusal", "PersistentVolumeClaims",
                    new ApiException(422, null, "{\"kind\":\"Status\",\"message\":\"exceeded quota: storage\"}"),
                    "Creating or updating PersistentVolumeClaims failed, retried on the next pass: Kubernetes API "
                            + "answered 422: exceeded quota: storage",
                    Duration.ofSeconds(2)),
            new Row("not an API error: the class and message, and the longer wait a failed pass had",
                    "the Kafka facts on broker pods", new IllegalStateException("no pod cache"),
                    "Creating or updating the Kafka facts on broker pods failed, retried on the next pass: "
                            + "IllegalStateException: no pod cache",
                    Duration.ofSeconds(5)),
        };
        for (Row r : rows) {
            ApplyFailure f = ApplyFailure.of(r.writing(), r.error());
            assertThat(f.message()).as(r.why()).isEqualTo(r.message());
            assertThat(f.retry()).as(r.why()).isEqualTo(r.retry());
            assertThat(f.condition()).as(r.why())
                    .isEqualTo(Condition.of(ConditionType.Degraded, true, "ApplyFailed", r.message()));
        }
    }

    @Test
    void aLongApiMessageIsCutToTheConditionMaximum() {
        String body = "{\"kind\":\"Status\",\"message\":\"" + "w".repeat(2000) + "\"}";
        String m = ApplyFailure.of("pods", new ApiException(403, null, body)).message();
        assertThat(m).hasSize(StepFailure.MAX_MESSAGE).startsWith("Creating or updating pods failed").endsWith("www...");
    }

    @Test
    void theWarningIsDueOnlyWhenTheWrittenStatusDoesNotSayApplyFailedYet() {
        assertThat(ApplyFailure.newSince(null)).isTrue();
        assertThat(ApplyFailure.newSince(StepFailureTest.status())).isTrue();
        assertThat(ApplyFailure.newSince(StepFailureTest.status(
                Condition.of(ConditionType.Degraded, true, "StepFailed", "a step")))).as("another failure").isTrue();
        assertThat(ApplyFailure.newSince(StepFailureTest.status(
                Condition.of(ConditionType.Degraded, true, "ApplyFailed", "an older one")))).isFalse();
    }
}
