package dev.berth.extender.state.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.extender.placement.Keys;
import dev.berth.extender.placement.NodeFacts;
import dev.berth.extender.state.MutableClock;
import dev.berth.extender.state.ReservationLedger;
import dev.berth.testbed.k8s.KubeApiTestBed;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Ready means every listed object is in the extender's facts, not only in client-java's cache. The
 * informers' handlers run on their own threads after the cache is filled; with a thousand nodes
 * they are still applying the list when the informers report synced. Here {@code synced()} is
 * polled every millisecond, and the facts are read the moment it turns true.
 */
class InformerReadinessTest {
    private static final int NODES = 1_000;
    private static final int BROKERS = 300;

    @AutoClose
    final KubeApiTestBed bed = KubeApiTestBed.start();

    @Test
    void syncedOnlyOnceEveryListedNodeAndBrokerIsInTheFacts() {
        bed.loadYaml(cluster()); // about 5 s: the mock creates one object at a time
        try (InformerClusterState state = new InformerClusterState(bed.informerClient(), Keys.DEFAULT_RACK_LABEL,
                new ReservationLedger(new MutableClock(Instant.parse("2026-01-01T00:00:00Z"))))) {
            state.start();
            await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .until(state::synced);

            int nodes = state.nodes().size();
            long brokers = state.nodes().stream().mapToLong(n -> n.brokers().size()).sum();
            assertThat(nodes).isEqualTo(NODES);
            assertThat(brokers).isEqualTo(BROKERS);
            assertThat(state.node("node-0999").map(NodeFacts::rack)).contains("rack-9");
        }
    }

    /**
     * A role without list on nodes and pods: not ready, and the reason says which rules are missing, so
     * that the filter's 503 and {@code /readyz} name them. Each granted rule's informer
     * syncs on its retry and leaves the reason; with both, the state is ready and the reason gone.
     */
    @Test
    void aRefusedListIsTheReasonUntilTheInformerSyncs() throws Exception {
        bed.loadYaml("apiVersion: v1\nkind: Node\nmetadata: {name: only}\n");
        AutoCloseable noNodes = bed.forbid("list", "nodes", null);
        AutoCloseable noPods = bed.forbid("list", "pods", null);
        try (InformerClusterState state = new InformerClusterState(bed.informerClient(), Keys.DEFAULT_RACK_LABEL,
                new ReservationLedger(new MutableClock(Instant.parse("2026-01-01T00:00:00Z"))))) {
            assertThat(state.notSyncedReason()).as("nothing said yet").isNull();
            state.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> ("nodes list refused: HTTP 403 (RBAC: list, watch nodes); "
                    + "pods list refused: HTTP 403 (RBAC: list, watch pods)").equals(state.notSyncedReason()));
            assertThat(state.synced()).isFalse();

            noNodes.close();
            await("nodes synced, pods still refused").atMost(Duration.ofSeconds(60)).until(() ->
                    "pods list refused: HTTP 403 (RBAC: list, watch pods)".equals(state.notSyncedReason()));
            assertThat(state.synced()).isFalse();

            noPods.close();
            await().atMost(Duration.ofSeconds(60)).until(state::synced);
            assertThat(state.notSyncedReason()).isNull();
            assertThat(state.nodes()).extracting(NodeFacts::name).containsExactly("only");
        }
    }

    /** One List: the nodes, then broker pods bound to the first 300 of them. */
    private static String cluster() {
        StringBuilder y = new StringBuilder("apiVersion: v1\nkind: List\nitems:\n");
        for (int i = 0; i < NODES; i++) {
            y.append("  - apiVersion: v1\n    kind: Node\n    metadata:\n")
                    .append("      name: node-").append(String.format("%04d", i)).append('\n')
                    .append("      labels: {topology.kubernetes.io/zone: rack-").append(i % 10).append("}\n")
                    .append("      annotations: {berth.dev/disk-capacity: 2Ti}\n");
        }
        for (int b = 0; b < BROKERS; b++) {
            y.append("  - apiVersion: v1\n    kind: Pod\n    metadata:\n")
                    .append("      name: orders-broker-").append(b).append("\n      namespace: kafka\n")
                    .append("      labels: {berth.dev/cluster: orders, berth.dev/broker-id: \"").append(b).append("\"}\n")
                    .append("      annotations: {berth.dev/local-storage: 100Gi, berth.dev/leaders: \"").append(b).append("\"}\n")
                    .append("    spec:\n      nodeName: node-").append(String.format("%04d", b)).append('\n')
                    .append("      containers: [{name: kafka, image: apache/kafka:4.1.0}]\n")
                    .append("    status: {phase: Running}\n");
        }
        return y.toString();
    }
}
