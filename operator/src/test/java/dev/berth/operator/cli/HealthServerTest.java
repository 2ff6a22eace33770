package dev.berth.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.operator.metrics.OperatorMetrics;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HealthServerTest {
    static HttpResponse<String> get(HealthServer s, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aTakenPortIsABindExceptionNotAWrappedRuntimeException() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> HealthServer.start("0.0.0.0", taken.getLocalPort(), () -> null))
                    .isInstanceOf(BindException.class).hasMessageContaining("in use");
        }
    }

    @Test
    void healthReadinessAndMetricsAnswer() throws Exception {
        AtomicReference<String> notReady = new AtomicReference<>("caches not synced: pods list refused: HTTP 403");
        OperatorMetrics.RECONCILES.labels("ok").inc();
        try (HealthServer s = HealthServer.start("127.0.0.1", 0, notReady::get)) {
            assertThat(get(s, "/healthz").statusCode()).isEqualTo(200);
            HttpResponse<String> waiting = get(s, "/readyz");
            assertThat(waiting.statusCode()).isEqualTo(503);
            assertThat(waiting.body()).as("the reason, where the kubelet's probe event shows it")
                    .isEqualTo("caches not synced: pods list refused: HTTP 403\n");
            notReady.set(null);
            assertThat(get(s, "/readyz").statusCode()).isEqualTo(200);
            HttpResponse<String> m = get(s, "/metrics");
            assertThat(m.statusCode()).isEqualTo(200);
            assertThat(m.body()).contains("berth_operator_reconciles_total{outcome=\"ok\",}");
            assertThat(m.body()).as("the per-cluster gauges' families, before any cluster is seen")
                    .contains("# TYPE berth_operator_cluster_ready gauge", "# TYPE berth_operator_broker_leaders gauge",
                            "# TYPE berth_operator_operation_in_flight gauge",
                            "# TYPE berth_operator_operation_suspended gauge");
            assertThat(get(s, "/nope").statusCode()).isEqualTo(404);
        }
    }
}
