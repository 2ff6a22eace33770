package dev.berth.extender.state.file;

import dev.berth.extender.placement.BrokerPod;
import dev.berth.extender.placement.HardRules;
import dev.berth.extender.placement.NodeFacts;
import dev.berth.extender.placement.NodeTable;
import dev.berth.extender.placement.PlacedBroker;
import dev.berth.extender.placement.Reason;
import dev.berth.extender.protocol.BadRequestException;
import dev.berth.extender.protocol.Facts;
import dev.berth.extender.state.ClusterState;
import dev.berth.extender.state.PodBinder;
import dev.berth.extender.state.TableCache;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link ClusterState} and {@link PodBinder} over a static {@link ClusterFile}, for what-if,
 * demos and trials without a cluster. Always synced. Bound broker pods of the file sit on their
 * {@code spec.nodeName}; a bind is recorded in memory only, and the next filter sees it (same
 * effect as the reservation ledger of the Kubernetes backend).
 *
 * <p>Bind is idempotent: the same pod on the same node again succeeds, on another node fails. The
 * pods it may bind are those of the file and those a filter or prioritize of this process decoded
 * (the pod being scheduled is usually not in the file). A pod the file lists must carry the file's
 * UID, as the Binding's precondition would require, and so must one a filter decoded; any other pod
 * is {@code pod not found}, since nothing would tell the next filter which cluster's broker it is.
 * A broker is bound only if the hard rules still hold on the node with every earlier bind, as the
 * Kubernetes binder checks them against its cache and ledger.
 */
public final class FileClusterState implements ClusterState, PodBinder {
    private final Map<String, NodeFacts> nodes = new ConcurrentHashMap<>();
    private final Map<String, String> boundTo = new ConcurrentHashMap<>();
    private final Map<String, ClusterFile.Obj> filePods = new ConcurrentHashMap<>();
    private final Map<String, String> stampedRack = new ConcurrentHashMap<>();
    private final TableCache tables = new TableCache();
    private final AtomicLong changes = new AtomicLong();

    public FileClusterState(ClusterFile file, String rackLabel) {
        Map<String, List<PlacedBroker>> brokers = new java.util.HashMap<>();
        for (ClusterFile.Obj pod : file.pods()) {
            filePods.put(pod.namespace() + "/" + pod.name(), pod);
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
    public synchronized BrokerPod bind(BindTarget t) throws BindException {
        String key = t.namespace() + "/" + t.podName();
        BrokerPod pod = t.pod();
        ClusterFile.Obj listed = filePods.get(key);
        if (listed != null) {
            if (notEmpty(listed.uid()) && notEmpty(t.podUid()) && !listed.uid().equals(t.podUid())) {
                throw new BindException(POD_UID_CHANGED);
            }
            pod = pod != null ? pod : fromFile(listed);
        } else if (pod == null) {
            throw new BindException(POD_NOT_FOUND);
        } else if (notEmpty(pod.uid()) && notEmpty(t.podUid()) && !pod.uid().equals(t.podUid())) {
            throw new BindException(POD_UID_CHANGED); // the filter saw another incarnation
        }
        String existing = boundTo.get(key);
        if (existing != null) {
            if (existing.equals(t.node())) {
                return pod;
            }
            throw new BindException(BOUND_ELSEWHERE);
        }
        NodeFacts node = nodes.get(t.node());
        if (node == null) {
            throw new BindException("node not found");
        }
        checkRules(pod, node);
        boundTo.put(key, t.node());
        if (pod != null && pod.isBroker()) {
            if (pod.pinnedRack() == null && t.nodeRack() != null) {
                stampedRack.put(key, t.nodeRack());
            }
            List<PlacedBroker> list = new ArrayList<>(node.brokers());
            list.add(Facts.placedBroker(pod, false));
            nodes.put(node.name(), new NodeFacts(node.name(), node.rack(), node.diskCapacityBytes(), list));
            changes.incrementAndGet();
        }
        return pod;
    }

    /**
     * The hard rules again, against the node with every bind so far: the scheduler binds
     * asynchronously, so two brokers' filters may both have passed this node.
     */
    private static void checkRules(BrokerPod pod, NodeFacts node) throws BindException {
        if (pod == null || !pod.isBroker()) {
            return;
        }
        if (pod.pinnedRack() != null && node.rack() != null && !pod.pinnedRack().equals(node.rack())) {
            throw new BindException(RACK_MISMATCH);
        }
        Reason refused = HardRules.check(pod, node);
        if (refused != null) {
            throw new BindException(refused.text());
        }
    }

    /** The file's pod as placement facts; one with unreadable contract values places as no broker. */
    private static BrokerPod fromFile(ClusterFile.Obj p) {
        try {
            return Facts.brokerPod(p.namespace(), p.name(), p.uid(), p.labels(), p.annotations());
        } catch (BadRequestException e) {
            return null;
        }
    }

    private static boolean notEmpty(String s) {
        return s != null && !s.isEmpty();
    }
}
