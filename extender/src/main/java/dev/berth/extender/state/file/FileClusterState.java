package dev.berth.extender.state.file;

import dev.berth.extender.placement.NodeFacts;
import dev.berth.extender.placement.NodeTable;
import dev.berth.extender.state.TableCache;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import dev.berth.extender.placement.PlacedBroker;
import dev.berth.extender.protocol.Facts;
import dev.berth.extender.state.ClusterState;
import dev.berth.extender.state.PodBinder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link ClusterState} and {@link PodBinder} over a static {@link ClusterFile}, for what-if,
 * demos and trials without a cluster. Always synced. Bound broker pods of the file sit on their
 * {@code spec.nodeName}; a bind is recorded in memory only, and the next filter sees it (same
 * effect as the reservation ledger of the Kubernetes backend).
 *
 * <p>Bind is idempotent: the same pod on the same node again succeeds, on another node fails.
 */
public final class FileClusterState implements ClusterState, PodBinder {
    private final Map<String, NodeFacts> nodes = new ConcurrentHashMap<>();
    private final Map<String, String> boundTo = new ConcurrentHashMap<>();
    private final Map<String, String> stampedRack = new ConcurrentHashMap<>();
    private final TableCache tables = new TableCache();
    private final AtomicLong changes = new AtomicLong();

    public FileClusterState(ClusterFile file, String rackLabel) {
        Map<String, List<PlacedBroker>> brokers = new java.util.HashMap<>();
        for (ClusterFile.Obj pod : file.pods()) {
            if (pod.nodeName() == null) {
                continue;
            }
            boundTo.put(pod.namespace() + "/" + pod.name(), pod.nodeName());
            PlacedBroker b = Facts.placedBroker(pod.namespace(), pod.name(), pod.labels(), pod.annotations(), false);
            if (b != null) {
                brokers.computeIfAbsent(pod.nodeName(), k -> new ArrayList<>()).add(b);
            }
        }
        for (ClusterFile.Obj n : file.nodes()) {
            nodes.put(n.name(), Facts.node(n.name(), n.labels(), n.annotations(), rackLabel,
                    brokers.getOrDefault(n.name(), List.of())));
        }
    }

    @Override
    public boolean synced() {
        return true;
    }

    @Override
    public Optional<NodeFacts> node(String name) {
        return Optional.ofNullable(nodes.get(name));
    }

    @Override
    public Collection<NodeFacts> nodes() {
        return nodes.values();
    }

    @Override
    public NodeTable table() {
        return tables.get(changes.get(), Instant.EPOCH, last -> new TableCache.Built(NodeTable.of(nodes(), last), null));
    }

    /** The rack stamped at bind on a pod that had none, as the Kubernetes binder would patch it. */
    public Optional<String> stampedRack(String podKey) {
        return Optional.ofNullable(stampedRack.get(podKey));
    }

    public Optional<String> boundNode(String podKey) {
        return Optional.ofNullable(boundTo.get(podKey));
    }

    @Override
    public synchronized void bind(BindTarget t) throws BindException {
        String key = t.namespace() + "/" + t.podName();
        String existing = boundTo.get(key);
        if (existing != null) {
            if (existing.equals(t.node())) {
                return;
            }
            throw new BindException("pod already bound to another node");
        }
        NodeFacts node = nodes.get(t.node());
        if (node == null) {
            throw new BindException("node not found");
        }
        boundTo.put(key, t.node());
        if (t.pod() != null && t.pod().isBroker()) {
            if (t.pod().pinnedRack() == null && t.nodeRack() != null) {
                stampedRack.put(key, t.nodeRack());
            }
            List<PlacedBroker> list = new ArrayList<>(node.brokers());
            list.add(Facts.placedBroker(t.pod(), false));
            nodes.put(node.name(), new NodeFacts(node.name(), node.rack(), node.diskCapacityBytes(), list));
            changes.incrementAndGet();
        }
    }
}
