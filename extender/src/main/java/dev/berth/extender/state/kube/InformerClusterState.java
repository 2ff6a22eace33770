package dev.berth.extender.state.kube;

import dev.berth.extender.placement.Keys;
import dev.berth.extender.placement.NodeFacts;
import dev.berth.extender.placement.NodeTable;
import dev.berth.extender.placement.PlacedBroker;
import dev.berth.extender.state.TableCache;
import java.time.Instant;
import dev.berth.extender.state.ClusterState;
import dev.berth.extender.state.ReservationLedger;
import dev.berth.extender.state.kube.KubeFacts.NodeBase;
import dev.berth.extender.state.kube.KubeFacts.PodPlacement;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.informer.cache.Caches;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeList;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import java.util.AbstractCollection;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ClusterState} backed by client-java informers: one on Nodes, one on Pods that carry the
 * {@code berth.dev/cluster} label (an existence selector, so a huge cluster's other pods never reach
 * this process). Both caches keep slim copies ({@link SlimObjects}). Informer events feed a
 * {@link NodeIndex} incrementally; reads merge the {@link ReservationLedger}'s in-flight binds into
 * each node's brokers.
 *
 * <p>{@link #synced()} is true once both informers have listed and the handlers have applied the
 * lists. The informers need an {@link ApiClient} whose read timeout is 0 (a watch is a long read);
 * use another client, with finite timeouts, for ordinary calls.
 */
public final class InformerClusterState implements ClusterState, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InformerClusterState.class);
    /** The informers' list/watch label selector: "has the label", whatever its value. */
    public static final String POD_SELECTOR = Keys.CLUSTER;

    private final SharedInformerFactory factory;
    private final SharedIndexInformer<V1Node> nodeInformer;
    private final SharedIndexInformer<V1Pod> podInformer;
    private final NodeIndex index = new NodeIndex();
    private final ReservationLedger ledger;
    private final TableCache tables = new TableCache();
    private final String rackLabel;
    private final Map<String, List<String>> problems = new ConcurrentHashMap<>();
    /** Informer keys whose latest event the handlers have applied, until {@link #caughtUp}. */
    private final Set<String> handledNodes = ConcurrentHashMap.newKeySet();
    private final Set<String> handledPods = ConcurrentHashMap.newKeySet();
    private volatile boolean caughtUp;
    private final ListFailures listFailures = new ListFailures();

    /**
     * @param watchClient an {@link ApiClient} with read timeout 0
     * @param rackLabel node label that names the rack
     * @param ledger in-flight binds, shared with the binder
     */
    public InformerClusterState(ApiClient watchClient, String rackLabel, ReservationLedger ledger) {
        this.ledger = ledger;
        this.rackLabel = rackLabel;
        this.factory = new SharedInformerFactory(watchClient);
        CoreV1Api api = new CoreV1Api(watchClient);
        UnaryOperator<KubernetesObject> slim = SlimObjects.slimmer(rackLabel);
        this.nodeInformer = factory.sharedIndexInformerFor(
                new SlimListerWatcher<>(watchClient,
                        params -> api.listNode()
                                .resourceVersion(params.resourceVersion)
                                .timeoutSeconds(params.timeoutSeconds)
                                .watch(params.watch)
                                .buildCall(null),
                        V1Node.class, V1NodeList.class, slim),
                V1Node.class,
                0L,
                (type, error) -> LOG.warn("{}; the informer retries", listFailures.failed("nodes", error)));
        this.podInformer = factory.sharedIndexInformerFor(
                new SlimListerWatcher<>(watchClient,
                        params -> api.listPodForAllNamespaces()
                                .labelSelector(POD_SELECTOR)
                                .resourceVersion(params.resourceVersion)
                                .timeoutSeconds(params.timeoutSeconds)
                                .watch(params.watch)
                                .buildCall(null),
                        V1Pod.class, V1PodList.class, slim),
                V1Pod.class,
                0L,
                (type, error) -> LOG.warn("{}; the informer retries", listFailures.failed("pods", error)));
        // lists arrive slim (SlimListerWatcher), watch events are slimmed here: the informers keep
        // only what KubeFacts reads
        nodeInformer.setTransform(slim::apply);
        podInformer.setTransform(slim::apply);
        nodeInformer.addEventHandler(new Handler<>("node", this::upsertNode, this::removeNode, handledNodes));
        podInformer.addEventHandler(new Handler<>("pod", this::upsertPod, this::removePod, handledPods));
    }

    /** Starts listing and watching; returns at once. */
    public void start() {
        factory.startAllRegisteredInformers();
    }

    /**
     * True once both informers have listed and this class's handlers have applied every object
     * listed. An informer's own {@code hasSynced} only says that its cache is filled: the handlers
     * run later, on the informer's listener threads, and with 5,000 nodes and 1,000 brokers they
     * were a fifth of the nodes and most of the brokers behind at that moment. A filter answered then could miss a broker already on a node and
     * place a second broker of its cluster there. Once true, it stays true.
     */
    @Override
    public boolean synced() {
        if (caughtUp) {
            return true;
        }
        if (!nodeInformer.hasSynced() || !podInformer.hasSynced()) {
            return false;
        }
        if (handledNodes.containsAll(nodeInformer.getIndexer().listKeys())
                && handledPods.containsAll(podInformer.getIndexer().listKeys())) {
            caughtUp = true;
            handledNodes.clear(); // only needed until now
            handledPods.clear();
        }
        return caughtUp;
    }

    /** {@link ListFailures}: what the informers' failed lists said, while not synced. */
    @Override
    public String notSyncedReason() {
        if (synced()) {
            return null;
        }
        if (nodeInformer.hasSynced()) {
            listFailures.synced("nodes");
        }
        if (podInformer.hasSynced()) {
            listFailures.synced("pods");
        }
        return listFailures.reason();
    }

    /** The node with its reservations, the ledger read before the index ({@link #ledgerFirst}). */
    @Override
    public Optional<NodeFacts> node(String name) {
        return ledgerFirst(name, ledger, index);
    }

    /**
     * The index's facts of {@code name} with the ledger's reservations on it, <b>the ledger read first</b>.
     * The handlers write the other way round, the index and then the ledger ({@link #upsertPod}), so a broker
     * whose bound pod arrives between the two reads is in the second one. Read index first, it could be in
     * neither (not yet in the index, no longer in the ledger), and a bind's re-check would let a second
     * broker of its cluster onto the node.
     */
    static Optional<NodeFacts> ledgerFirst(String name, ReservationLedger ledger, NodeIndex index) {
        List<PlacedBroker> reserved = ledger.reservedOn(name);
        return index.node(name).map(facts -> ReservationLedger.merge(facts, reserved));
    }

    /**
     * Every node with its reservations. Each node's are merged as it is iterated, so this view is for the
     * filter and the scores, whose choice the bind checks again ({@link #node}, ledger first).
     */
    @Override
    public Collection<NodeFacts> nodes() {
        Collection<NodeFacts> base = index.nodes();
        if (ledger.size() == 0) {
            return base;
        }
        return new AbstractCollection<>() {
            @Override
            public Iterator<NodeFacts> iterator() {
                Iterator<NodeFacts> it = base.iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public NodeFacts next() {
                        return ledger.merge(it.next());
                    }
                };
            }

            @Override
            public int size() {
                return base.size();
            }
        };
    }

    @Override
    public NodeTable table() {
        // counters first, then the build: a change racing with it makes the next call build again
        long version = index.changes() + ledger.changes();
        return tables.get(version, ledger.now(), last -> {
            Instant until = ledger.earliestExpiry();
            return new TableCache.Built(NodeTable.of(nodes(), last), until);
        });
    }

    /** Objects whose annotations could not be read, with the reason (diagnostics and tests). */
    public Map<String, List<String>> problems() {
        return Map.copyOf(problems);
    }

    /** The node informer's cached copy of a node, or null: what the cache keeps (tests, diagnostics). */
    V1Node cachedNode(String name) {
        return nodeInformer.getIndexer().getByKey(name);
    }

    /** The pod informer's cached copy of pod {@code namespace/name}, or null (tests, diagnostics). */
    V1Pod cachedPod(String key) {
        return podInformer.getIndexer().getByKey(key);
    }

    public ReservationLedger ledger() {
        return ledger;
    }

    @Override
    public void close() {
        factory.stopAllRegisteredInformers();
    }

    private void report(String object, List<String> found) {
        if (found.isEmpty()) {
            problems.remove(object);
            return;
        }
        List<String> before = problems.put(object, found);
        if (!found.equals(before)) {
            LOG.warn("{}: {} (treated as absent)", object, String.join("; ", found));
        }
    }

    private void upsertNode(V1Node node) {
        NodeBase base = KubeFacts.node(node, rackLabel);
        report("node/" + base.name(), base.problems());
        index.upsertNode(base);
    }

    private void removeNode(V1Node node) {
        String name = node.getMetadata().getName();
        problems.remove("node/" + name);
        index.removeNode(name);
    }

    private void upsertPod(V1Pod pod) {
        PodPlacement placement = KubeFacts.pod(pod);
        report("pod/" + placement.podKey(), placement.problems());
        // Index first, ledger second: the broker never disappears from both at once.
        index.upsertPod(placement);
        ledger.settle(placement.podKey(), placement.uid(), placement.nodeName(), false);
    }

    private void removePod(V1Pod pod) {
        String key = KubeFacts.podKey(pod);
        problems.remove("pod/" + key);
        index.removePod(key);
        ledger.settle(key, pod.getMetadata().getUid(), null, true);
    }

    /**
     * Level-based: an add and an update both upsert the object's current facts, a delete removes
     * them. An event that cannot be read is logged and skipped: the informer thread must survive it.
     * Either way the event counts as handled for {@link #synced()}, or one bad object would keep the
     * extender unready for ever.
     */
    private final class Handler<T extends KubernetesObject> implements ResourceEventHandler<T> {
        private final String kind;
        private final Consumer<T> upsert;
        private final Consumer<T> remove;
        private final Set<String> handled;

        Handler(String kind, Consumer<T> upsert, Consumer<T> remove, Set<String> handled) {
            this.kind = kind;
            this.upsert = upsert;
            this.remove = remove;
            this.handled = handled;
        }

        @Override
        public void onAdd(T obj) {
            guarded(kind, upsert, obj);
            track(obj, false);
        }

        @Override
        public void onUpdate(T oldObj, T newObj) {
            guarded(kind, upsert, newObj);
            track(newObj, false);
        }

        @Override
        public void onDelete(T obj, boolean finalStateUnknown) {
            guarded(kind + " delete", remove, obj);
            track(obj, true);
        }

        /** Until caught up: the object's event is applied, under the key the informer's cache uses. */
        private void track(T obj, boolean deleted) {
            if (caughtUp || obj.getMetadata() == null) {
                return;
            }
            String key = Caches.metaNamespaceKeyFunc(obj);
            if (deleted) {
                handled.remove(key);
            } else {
                handled.add(key);
            }
        }

        private static <T> void guarded(String what, Consumer<T> action, T obj) {
            try {
                action.accept(obj);
            } catch (RuntimeException e) {
                LOG.error("skipped {} event: {}", what, e.toString());
            }
        }
    }
}
