package dev.berth.extender.state.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.ApiException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class ListFailuresTest {
    record Row(Throwable error, String text) {}

    @Test
    void eachFailureSaysWhatToFixWhereItCan() {
        Row[] rows = {
            new Row(new ApiException(403, "Forbidden"), "nodes list refused: HTTP 403 (RBAC: list, watch nodes)"),
            new Row(new ApiException(404, "NotFound"),
                    "nodes list failed: HTTP 404 (the API server does not serve nodes: its API group or CRD is missing)"),
            new Row(new ApiException(500, "Internal"), "nodes list failed: HTTP 500"),
            new Row(new ApiException(new ConnectException("Connection refused")), "nodes list failed: ConnectException: Connection refused"),
            new Row(new IllegalStateException(), "nodes list failed: IllegalStateException"),
        };
        for (Row r : rows) {
            assertThat(ListFailures.describe("nodes", r.error())).isEqualTo(r.text());
        }
    }

    @Test
    void theLatestFailureOfEachResourceStandsUntilItsInformerSyncs() {
        ListFailures f = new ListFailures();
        assertThat(f.reason()).isNull();
        f.failed("pods", new ApiException(500, "Internal"));
        f.failed("nodes", new ApiException(500, "Internal"));
        f.failed("pods", new ApiException(403, "Forbidden"));
        assertThat(f.reason()).isEqualTo("nodes list failed: HTTP 500; pods list refused: HTTP 403 (RBAC: list, watch pods)");
        f.synced("nodes");
        assertThat(f.reason()).isEqualTo("pods list refused: HTTP 403 (RBAC: list, watch pods)");
        f.synced("pods");
        assertThat(f.reason()).isNull();
    }
}
