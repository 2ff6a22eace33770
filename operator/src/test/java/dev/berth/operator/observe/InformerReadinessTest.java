package dev.berth.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.testbed.k8s.KubeApiTestBed;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Why the operator's caches have not synced ({@link KubeInformers#notSyncedReason}, what {@code /readyz}
 * answers): the failed list of each cache readiness waits for, on the Kubernetes API test bed, which
 * answers a resource no CRD defines with 404 and a forbidden list with RBAC's 403. The two mistakes of
 * a first installation: the CRD not applied, and a role without a rule.
 */
class InformerReadinessTest {
    static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void eachCacheWaitedForSaysWhyUntilItSyncs() throws Exception {
        KubeApiTestBed bed = KubeApiTestBed.start();
        AutoCloseable noPods = bed.forbid("list", "pods", "kafka");
        AutoCloseable noNodes = bed.forbid("list", "nodes", null);
        KubeInformers informers = new KubeInformers(bed.informerClient(), "kafka", 60_000);
        try {
            assertThat(informers.notSyncedReason()).as("before any list").isEqualTo("caches not synced");
            informers.start();
            // nodes refused: brokers are then not moved off cordoned nodes, and readiness does not wait for them
            String crd = "kafkaclusters list failed: HTTP 404 (the API server does not serve kafkaclusters: its API"
                    + " group or CRD is missing)";
            String pods = "pods list refused: HTTP 403 (RBAC: list, watch pods)";
            await().atMost(WAIT).until(() -> ("caches not synced: " + crd + "; " + pods).equals(informers.notSyncedReason()));

            bed.load(Path.of("..", "deploy", "crd", "kafkacluster.yaml"));
            await("the CRD installed, pods still refused").atMost(WAIT)
                    .until(() -> ("caches not synced: " + pods).equals(informers.notSyncedReason()));
            assertThat(informers.hasSynced()).isFalse();

            noPods.close();
            await().atMost(WAIT).until(informers::hasSynced);
            assertThat(informers.notSyncedReason()).isNull();
        } finally {
            noNodes.close();
            informers.stop();
            bed.close();
        }
    }
}
