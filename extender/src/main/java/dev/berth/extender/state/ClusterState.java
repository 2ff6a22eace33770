package dev.berth.extender.state;

import dev.berth.extender.placement.NodeFacts;
import dev.berth.extender.placement.NodeTable;
import java.util.Collection;
import java.util.Optional;

/**
 * The extender's read view of the cluster. Two implementations: one backed by client-java
 * informers (serve against a Kubernetes API), one backed by a static cluster file (what-if, demos).
 * Both already merge in-flight reservations into each node's broker list.
 */
public interface ClusterState {

    /** True once the caches have synced; before that filter answers 503. */
    boolean synced();

    /**
     * While not {@link #synced()}: why, when something says so (a list the API refuses, e.g.
     * {@code nodes list refused: HTTP 403 (RBAC: list, watch nodes)}), else {@code null}. The filter's 503
     * and {@code /readyz} carry it. (kube-scheduler drops the body of a non-200 reply, so its FailedScheduling
     * event says only the code: the log and {@code /readyz} are where a person reads it.)
     */
    default String notSyncedReason() {
        return null;
    }

    /** Facts of one node, or empty when the cache has not seen it. */
    Optional<NodeFacts> node(String name);

    /** Every node known (used for cluster-wide facts such as brokers per rack). */
    Collection<NodeFacts> nodes();

    /**
     * {@link #nodes()} as a dense table, what filter and prioritize read in names mode. The
     * backends keep one until something changes ({@link TableCache}); this default builds afresh.
     */
    default NodeTable table() {
        return NodeTable.of(nodes());
    }
}
