package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.extended.controller.reconciler.Request;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which clusters a node's cordon or uncordon wakes: each case names the one thing that ties a cluster to n0. */
class NodeWakeTest {
    static V1Pod pod(String ns, String cluster, String node, String avoid) {
        V1ObjectMeta meta = new V1ObjectMeta().namespace(ns).name(cluster + "-broker-0")
                .labels(cluster == null ? Map.of() : Map.of("berth.dev/cluster", cluster));
        if (avoid != null) {
            meta.annotations(Map.of("berth.dev/avoid-node", avoid));
        }
        return new V1Pod().metadata(meta).spec(new V1PodSpec().nodeName(node));
    }

    static V1PersistentVolumeClaim pvc(String ns, String cluster, String selected) {
        return new V1PersistentVolumeClaim().metadata(new V1ObjectMeta().namespace(ns).name("data-" + cluster + "-broker-0")
                .labels(Map.of("berth.dev/cluster", cluster))
                .annotations(selected == null ? null : Map.of("volume.kubernetes.io/selected-node", selected)));
    }

    @Test
    void aClusterIsWokenByItsPodsOnTheNodeItsPodsAvoidingItAndItsClaimsThere() {
        record Row(String why, List<V1Pod> pods, List<V1PersistentVolumeClaim> pvcs, List<Request> expected) {}
        Row[] rows = {
            new Row("a pod runs on n0", List.of(pod("kafka", "a", "n0", null)), List.of(), List.of(new Request("kafka", "a"))),
            new Row("a pod runs elsewhere", List.of(pod("kafka", "a", "n1", null)), List.of(), List.of()),
            new Row("an unbound pod avoids n0", List.of(pod("kafka", "b", null, "n0")), List.of(),
                    List.of(new Request("kafka", "b"))),
            new Row("an unbound pod avoids n1", List.of(pod("kafka", "b", null, "n1")), List.of(), List.of()),
            new Row("a claim's volume is on n0", List.of(pod("kafka", "c", null, null)), List.of(pvc("kafka", "c", "n0")),
                    List.of(new Request("kafka", "c"))),
            new Row("a claim's volume is on n1", List.of(), List.of(pvc("kafka", "c", "n1")), List.of()),
            new Row("a claim not yet placed", List.of(), List.of(pvc("kafka", "c", null)), List.of()),
            new Row("a pod of no cluster", List.of(pod("kafka", null, "n0", null)), List.of(), List.of()),
            new Row("two clusters, one request each", List.of(pod("kafka", "a", "n0", null), pod("ops", "a", "n0", null),
                    pod("kafka", "a", "n0", null)), List.of(pvc("kafka", "a", "n0")),
                    List.of(new Request("kafka", "a"), new Request("ops", "a"))),
        };
        for (Row r : rows) {
            assertThat(NodeWake.concerned("n0", r.pods(), r.pvcs())).as(r.why()).containsExactlyElementsOf(r.expected());
        }
    }
}
