package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.ApiException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When a failed pass is said as an Event, and in which words: one cluster's passes in a row. */
class PassFailuresTest {
    static final Duration API = Duration.ofSeconds(2);
    static final String FORBIDDEN_BODY = "{\"kind\":\"Status\",\"message\":\"kafkaclusters.berth.dev \\\"demo\\\" is "
            + "forbidden: no patch\",\"reason\":\"Forbidden\",\"code\":403}";
    static final String FORBIDDEN = "Reconcile pass failed, retried in 2 s: Kubernetes API answered 403: "
            + "kafkaclusters.berth.dev \"demo\" is forbidden: no patch";

    /** A pass: what it did ({@code error} null: ended well), and the Event it calls for (null: none). */
    record Pass(Exception error, Duration retry, String due) {}

    @Test
    void aFailureIsSaidOnceUntilAPassEndsWell() {
        Pass[] passes = {
            new Pass(new ApiException(403, null, FORBIDDEN_BODY), API, FORBIDDEN),
            new Pass(new ApiException(403, null, FORBIDDEN_BODY), API, null), // a retry: said already
            new Pass(new ApiException(409, null, "{\"message\":\"conflict\"}"), API, null), // no failure
            new Pass(new IllegalStateException("boom"), Duration.ofSeconds(5),
                    "Reconcile pass failed, retried in 5 s: IllegalStateException: boom"), // another failure
            new Pass(new ApiException(403, null, FORBIDDEN_BODY), API, FORBIDDEN), // back to the first: new again
            new Pass(null, null, null), // a good pass
            new Pass(new ApiException(403, null, FORBIDDEN_BODY), API, FORBIDDEN), // after it, new again
        };
        PassFailures failures = new PassFailures();
        for (int i = 0; i < passes.length; i++) {
            Pass p = passes[i];
            if (p.error() == null) {
                failures.succeeded("kafka/demo");
                continue;
            }
            String due = failures.due("kafka/demo", p.error(), p.retry());
            assertThat(due).as("pass %d", i).isEqualTo(p.due());
            if (due != null) {
                failures.posted("kafka/demo", due);
            }
        }
        assertThat(failures.due("kafka/other", new ApiException(403, null, FORBIDDEN_BODY), API))
                .as("each cluster on its own").isEqualTo(FORBIDDEN);
    }

    @Test
    void anEventNotPostedIsDueAgain() {
        PassFailures failures = new PassFailures();
        ApiException e = new ApiException(403, null, FORBIDDEN_BODY);
        assertThat(failures.due("kafka/demo", e, API)).isEqualTo(FORBIDDEN);
        assertThat(failures.due("kafka/demo", e, API)).as("the post failed: not remembered").isEqualTo(FORBIDDEN);
    }

    @Test
    void anInterruptIsNoFailure() {
        Thread.currentThread().interrupt();
        try {
            assertThat(new PassFailures().due("kafka/demo", new ApiException(500, "x"), API)).isNull();
        } finally {
            Thread.interrupted();
        }
    }
}
