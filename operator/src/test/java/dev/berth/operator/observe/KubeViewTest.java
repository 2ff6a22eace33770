package dev.berth.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class KubeViewTest {
    static V1Pod pod(V1PodStatus status) {
        return new V1Pod().metadata(new V1ObjectMeta().name("p")).status(status);
    }

    static V1PodCondition cond(String type, String status) {
        return new V1PodCondition().type(type).status(status);
    }

    /** Ready decides when a restart may take the next broker: only the Ready condition at True counts. */
    @Test
    void aPodIsReadyOnlyWhenItsReadyConditionIsTrue() {
        record Row(String why, V1Pod pod, boolean ready) {}
        Row[] rows = {
            new Row("no status yet", pod(null), false),
            new Row("no conditions yet", pod(new V1PodStatus()), false),
            new Row("scheduled and started, not ready", pod(new V1PodStatus().conditions(List.of(cond("PodScheduled", "True"),
                    cond("ContainersReady", "True"), cond("Ready", "False")))), false),
            new Row("readiness unknown (its node stopped reporting)", pod(new V1PodStatus().conditions(List.of(
                    cond("Ready", "Unknown")))), false),
            new Row("ready", pod(new V1PodStatus().conditions(List.of(cond("PodScheduled", "True"), cond("Ready", "True")))),
                    true),
        };
        for (Row r : rows) {
            assertThat(KubeView.isReady(r.pod())).as(r.why()).isEqualTo(r.ready());
        }
    }
}
