package dev.berth.operator.act;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.ApiException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which refusals of a status patch mean "the object changed since it was read" ({@link KubeWriter#isStale}),
 * on the bodies a real apiserver sends. Its answer to a failed JSON-patch {@code test} names no path: a check
 * for "resourceVersion" in the body passed on the test bed only, and in a cluster every status write over a
 * spec edited mid-pass became a failed pass with a Warning.
 */
class StaleStatusTest {
    @Test
    void aPatchThatCouldNotBeAppliedOrAConflictIsStaleAFieldErrorIsNot() {
        record Row(String why, int code, String body, boolean stale) {}
        List<Row> rows = List.of(
                new Row("a failed test, as kube-apiserver words it", 422, "{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                        + "\"metadata\":{},\"status\":\"Failure\",\"message\":\"the server rejected our request due to an"
                        + " error in our request\",\"reason\":\"Invalid\",\"details\":{},\"code\":422}", true),
                new Row("the same without details", 422, "{\"kind\":\"Status\",\"status\":\"Failure\",\"reason\":\"Invalid\","
                        + "\"code\":422}", true),
                new Row("a status the schema refuses", 422, "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":"
                        + "\"KafkaCluster.berth.dev \\\"demo\\\" is invalid: status.phase: Unsupported value\",\"reason\":"
                        + "\"Invalid\",\"details\":{\"name\":\"demo\",\"group\":\"berth.dev\",\"kind\":\"KafkaCluster\","
                        + "\"causes\":[{\"reason\":\"FieldValueNotSupported\",\"field\":\"status.phase\"}]},\"code\":422}",
                        false),
                new Row("a conflict", 409, "{\"kind\":\"Status\",\"reason\":\"Conflict\",\"code\":409}", true),
                new Row("forbidden", 403, "{\"kind\":\"Status\",\"reason\":\"Forbidden\",\"code\":403}", false),
                new Row("a proxy's words, not a Status", 422, "unprocessable: resourceVersion", true),
                new Row("a proxy's words about something else", 422, "unprocessable", false));
        for (Row r : rows) {
            assertThat(KubeWriter.isStale(new ApiException(r.code(), Map.of(), r.body()))).as(r.why()).isEqualTo(r.stale());
        }
    }
}
