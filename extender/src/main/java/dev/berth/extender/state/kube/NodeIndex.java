package dev.berth.extender.state.kube;

import dev.berth.extender.placement.NodeFacts;
import dev.berth.extender.placement.PlacedBroker;
import dev.berth.extender.state.kube.KubeFacts.NodeBase;
import dev.berth.extender.state.kube.KubeFacts.PodPlacement;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The per-node view that filter and prioritize read, kept up to date event by event.
 *
 * <p><b>Goal.</b> A filter over 5,000 nodes must not scan every broker pod per request. Each informer
 * event touches only the node(s) it concerns: a node event rebuilds that node's facts, a pod event
 * moves one broker between at most two nodes. Reads are lock-free lookups of immutable
 * {@link NodeFacts} records; writes (informer threads) are serialised by one lock.
 *
 * <p><b>Invariants.</b> A broker pod appears in the facts of exactly the node in its
 * {@code spec.nodeName} (none when unbound or finished). Facts exist only for nodes the node informer
 * has seen; brokers on a node not seen yet are kept and appear when it does.
 *
 * <p><b>Example.</b> Pod ns/b1 is seen unbound: no facts change. It is seen bound to n1: n1's facts are
 * rebuilt with b1. It is rescheduled and seen on n2: n1 is rebuilt without b1, n2 with it.
 */
final class NodeIndex {
    private final Object lock = new Object();
    private final Map<String, NodeBase> bases = new HashMap<>();
    private final Map<String, Map<String, PlacedBroker>> brokersByNode = new HashMap<>();
    private final Map<String, String> nodeOfPod = new HashMap<>();
    private final Map<String, NodeFacts> facts = new ConcurrentHashMap<>();
    private final AtomicLong changes = new AtomicLong();
    private final Collection<NodeFacts> factsView = Collections.unmodifiableCollection(facts.values());

    void upsertNode(NodeBase base) {
        synchronized (lock) {
            bases.put(base.name(), base);
            rebuild(base.name());
        }
    }

    void removeNode(String name) {
        synchronized (lock) {
            bases.remove(name);
            facts.remove(name);
            changes.incrementAndGet();
        }
    }

    /** A broker pod was added or changed. Pods without a cluster value are not brokers. */
    void upsertPod(PodPlacement pod) {
        String cluster = pod.broker().cluster();
        if (cluster == null || cluster.isEmpty() || pod.nodeName() == null) {
            removePod(pod.podKey());
            return;
        }
        synchronized (lock) {
            String before = nodeOfPod.put(pod.podKey(), pod.nodeName());
            if (before != null && !before.equals(pod.nodeName())) {
                detach(before, pod.podKey());
            }
            brokersByNode.computeIfAbsent(pod.nodeName(), n -> new TreeMap<>()).put(pod.podKey(), pod.broker());
            rebuild(pod.nodeName());
        }
    }

    void removePod(String podKey) {
        synchronized (lock) {
            String before = nodeOfPod.remove(podKey);
            if (before != null) {
                detach(before, podKey);
            }
        }
    }

    Optional<NodeFacts> node(String name) {
        return Optional.ofNullable(facts.get(name));
    }

    /** A live, unmodifiable view; each element is an immutable snapshot of one node. */
    Collection<NodeFacts> nodes() {
        return factsView;
    }

    /** Counts every change to the facts (see {@link dev.berth.extender.state.TableCache}). */
    long changes() {
        return changes.get();
    }

    int size() {
        return facts.size();
    }

    private void detach(String node, String podKey) {
        Map<String, PlacedBroker> onNode = brokersByNode.get(node);
        if (onNode != null) {
            onNode.remove(podKey);
            if (onNode.isEmpty()) {
                brokersByNode.remove(node);
            }
        }
        rebuild(node);
    }

    private void rebuild(String node) {
        NodeBase base = bases.get(node);
        if (base == null) {
            return;
        }
        Map<String, PlacedBroker> onNode = brokersByNode.get(node);
        List<PlacedBroker> brokers = onNode == null ? List.of() : List.copyOf(onNode.values());
        NodeFacts next = new NodeFacts(base.name(), base.rack(), base.diskCapacityBytes(), brokers);
        if (!next.equals(facts.put(node, next))) {
            changes.incrementAndGet(); // pod status churn that changes no fact keeps cached tables
        }
    }
}
