package dev.berth.extender.state.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.extender.state.file.NodeOffer.Taint;
import dev.berth.extender.state.file.NodeOffer.Toleration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** kube-scheduler's NodeUnschedulable and TaintToleration filters, as {@code what-if} applies them. */
class NodeOfferTest {
    static final Taint DEDICATED = new Taint("dedicated", "kafka", "NoSchedule");

    @Test
    void aNodeIsOfferedUnlessCordonedOrTaintedBeyondThePodsTolerations() {
        record Row(String why, boolean cordoned, List<Taint> taints, List<Toleration> tolerations, String notOffered) {}
        List<Row> rows = List.of(
                new Row("plain node", false, List.of(), List.of(), null),
                new Row("cordoned", true, List.of(), List.of(), "cordoned"),
                new Row("cordoned, the unschedulable taint tolerated", true, List.of(),
                        List.of(new Toleration("node.kubernetes.io/unschedulable", "Exists", null, "NoSchedule")), null),
                new Row("cordoned, another taint tolerated", true, List.of(DEDICATED),
                        List.of(new Toleration("dedicated", "Exists", null, null)), "cordoned"),
                new Row("NoSchedule taint", false, List.of(DEDICATED), List.of(), "taint dedicated=kafka:NoSchedule"),
                new Row("NoExecute taint", false, List.of(new Taint("gpu", null, "NoExecute")), List.of(), "taint gpu:NoExecute"),
                new Row("PreferNoSchedule only scores", false, List.of(new Taint("x", "y", "PreferNoSchedule")), List.of(), null),
                new Row("Equal, same value", false, List.of(DEDICATED),
                        List.of(new Toleration("dedicated", "Equal", "kafka", "NoSchedule")), null),
                new Row("no operator means Equal", false, List.of(DEDICATED),
                        List.of(new Toleration("dedicated", null, "kafka", null)), null),
                new Row("Equal, other value", false, List.of(DEDICATED),
                        List.of(new Toleration("dedicated", "Equal", "batch", null)), "taint dedicated=kafka:NoSchedule"),
                new Row("other effect", false, List.of(DEDICATED),
                        List.of(new Toleration("dedicated", "Exists", null, "NoExecute")), "taint dedicated=kafka:NoSchedule"),
                new Row("empty key with Exists tolerates everything", true, List.of(DEDICATED),
                        List.of(new Toleration(null, "Exists", null, null)), null),
                new Row("empty key without Exists tolerates nothing", false, List.of(DEDICATED),
                        List.of(new Toleration(null, null, null, null)), "taint dedicated=kafka:NoSchedule"),
                new Row("the second taint is the one left", false, List.of(DEDICATED, new Taint("gpu", "a", "NoSchedule")),
                        List.of(new Toleration("dedicated", "Exists", null, null)), "taint gpu=a:NoSchedule"));
        for (Row r : rows) {
            assertThat(NodeOffer.notOffered(r.cordoned(), r.taints(), r.tolerations())).as(r.why()).isEqualTo(r.notOffered());
        }
    }

    @Test
    void theClusterFileReadsCordonsTaintsAndTolerations() throws Exception {
        java.nio.file.Path f = java.nio.file.Files.createTempFile("offer", ".yaml");
        try {
            java.nio.file.Files.writeString(f, """
                    apiVersion: v1
                    kind: List
                    items:
                    - kind: Node
                      metadata: {name: n1}
                      spec:
                        unschedulable: true
                        taints: [{key: dedicated, value: kafka, effect: NoSchedule}, "not a map"]
                    - kind: Pod
                      metadata: {name: p, namespace: kafka}
                      spec:
                        tolerations: [{key: dedicated, operator: Exists}]
                    """);
            ClusterFile c = ClusterFile.read(f);
            assertThat(c.nodes().get(0).unschedulable()).isTrue();
            assertThat(c.nodes().get(0).taints()).containsExactly(DEDICATED);
            assertThat(c.pods().get(0).tolerations()).containsExactly(new Toleration("dedicated", "Exists", null, null));
        } finally {
            java.nio.file.Files.delete(f);
        }
    }
}
