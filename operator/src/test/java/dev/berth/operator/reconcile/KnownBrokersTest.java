package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.act.desired.DesiredPods;
import dev.berth.operator.act.desired.DesiredPvcs;
import dev.berth.operator.api.BrokerStatus;
import dev.berth.operator.api.BrokersSpec;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.api.KafkaClusterSpec;
import dev.berth.operator.api.KafkaClusterStatus;
import dev.berth.operator.observe.KubeView;
import dev.berth.operator.plan.BrokerIds;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link KnownBrokers}: a broker id exists while it has a status row, a live pod or a claim not being deleted. */
class KnownBrokersTest {
    private static final OffsetDateTime DELETED = OffsetDateTime.parse("2026-11-28T12:00:00Z");

    /** rows: status rows; pods and claims by id, {@code true} = being deleted; the ids known. */
    record Row(String name, List<Integer> rows, Map<Integer, Boolean> pods, Map<Integer, Boolean> claims, Set<Integer> known) {}

    @Test
    void everyIdWithARowALivePodOrAClaimIsKnown() {
        for (Row row : List.of(
                new Row("rows and pods", List.of(0, 1), Map.of(0, false, 1, false, 2, false), Map.of(), Set.of(0, 1, 2)),
                new Row("a pod being deleted, no row", List.of(0), Map.of(0, false, 1, true), Map.of(), Set.of(0)),
                new Row("a claim alone: a leaving broker whose pod and row are gone", List.of(0, 1, 3),
                        Map.of(0, false, 1, false, 3, false), Map.of(0, false, 1, false, 2, false, 3, false), Set.of(0, 1, 2, 3)),
                new Row("a claim being deleted: a removal's last step", List.of(0, 1), Map.of(0, false, 1, false),
                        Map.of(0, false, 1, false, 2, true), Set.of(0, 1)),
                new Row("a claim being deleted under a running broker: its pod counts", List.of(), Map.of(4, false),
                        Map.of(4, true), Set.of(4)))) {
            assertThat(KnownBrokers.of(cluster(row.rows()), view(row.pods(), row.claims()))).as(row.name())
                    .containsExactlyInAnyOrderElementsOf(row.known());
        }
    }

    /** A controller's claim, or a claim whose id label is no broker id, names no broker. */
    @Test
    void aControllerClaimOrABrokenIdLabelNamesNoBroker() {
        KafkaCluster c = cluster(List.of());
        V1PersistentVolumeClaim controller = DesiredPvcs.controller(c, 0);
        V1PersistentVolumeClaim broken = DesiredPvcs.broker(c, 5);
        broken.getMetadata().getLabels().put("berth.dev/broker-id", "five");
        V1PersistentVolumeClaim outOfRange = DesiredPvcs.broker(c, 6);
        outOfRange.getMetadata().getLabels().put("berth.dev/broker-id", "1000");
        KubeView view = new KubeView(Map.of(), Map.of("a", controller, "b", broken, "c", outOfRange), Map.of(), Map.of(), null);
        assertThat(KnownBrokers.of(c, view)).isEmpty();
    }

    /**
     * The scenario this guards: broker 2, named to remove, lost its pod and its row; the spec keeps 3 brokers and
     * broker 3 replaced it. Taking 2 out of the list makes it desired again, on its volume; before, desired was
     * {0,1,3} and broker 2's data was left on a claim no pod would use.
     */
    @Test
    void aBrokerNamedAndThenUnnamedAfterItsPodWentIsDesiredAgain() {
        KafkaCluster c = cluster(List.of(0, 1, 3));
        Set<Integer> known = KnownBrokers.of(c, view(Map.of(0, false, 1, false, 3, false),
                Map.of(0, false, 1, false, 2, false, 3, false)));
        assertThat(BrokerIds.desired(3, known, List.of(2))).as("still named").containsExactly(0, 1, 3);
        assertThat(BrokerIds.desired(3, known, List.of())).as("unnamed").containsExactly(0, 1, 2, 3);
        assertThat(BrokerIds.desired(4, known, List.of())).as("no new id on its data").containsExactly(0, 1, 2, 3);
    }

    private static KafkaCluster cluster(List<Integer> rows) {
        KafkaCluster c = new KafkaCluster(new V1ObjectMeta().name("demo").namespace("kafka").uid("uid-demo"),
                KafkaClusterSpec.defaults().withBrokers(new BrokersSpec(3, null, null, null)));
        c.setStatus(new KafkaClusterStatus(1L, "Running", null, null, rows.stream()
                .map(id -> new BrokerStatus(id, "demo-broker-" + id, "node-" + id, "a", "Running", 0, 0, 0L, 0L)).toList(),
                null, null, null));
        return c;
    }

    private static KubeView view(Map<Integer, Boolean> pods, Map<Integer, Boolean> claims) {
        KafkaCluster c = cluster(List.of());
        Map<String, V1Pod> byName = new HashMap<>();
        pods.forEach((id, deleting) -> {
            V1Pod p = DesiredPods.broker(c, id, null);
            if (deleting) {
                p.getMetadata().deletionTimestamp(DELETED);
            }
            byName.put(p.getMetadata().getName(), p);
        });
        Map<String, V1PersistentVolumeClaim> pvcs = new HashMap<>();
        claims.forEach((id, deleting) -> {
            V1PersistentVolumeClaim pvc = DesiredPvcs.broker(c, id);
            if (deleting) {
                pvc.getMetadata().deletionTimestamp(DELETED);
            }
            pvcs.put(pvc.getMetadata().getName(), pvc);
        });
        return new KubeView(byName, pvcs, Map.of(), Map.of(), null);
    }
}
