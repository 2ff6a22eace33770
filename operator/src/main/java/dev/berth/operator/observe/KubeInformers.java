package dev.berth.operator.observe;

import dev.berth.extender.state.kube.ListFailures;
import dev.berth.operator.act.desired.Names;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.api.KafkaClusterList;
import io.kubernetes.client.common.KubernetesListObject;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ConfigMapList;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeList;
import io.kubernetes.client.openapi.models.V1OwnerReference;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaimList;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudgetList;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceList;
import io.kubernetes.client.openapi.models.V1StorageClass;
import io.kubernetes.client.openapi.models.V1StorageClassList;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watchable;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import io.kubernetes.client.util.generic.options.ListOptions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's informer caches: KafkaClusters, and the Pods, PVCs, Services, ConfigMaps and
 * PodDisruptionBudgets that carry {@code berth.dev/cluster} (an existence selector, so the operator
 * never caches unrelated pods), plus StorageClasses to validate {@code storageClassName}, and the
 * cordoned Nodes (a field selector on {@code spec.unschedulable}, so the cache holds the few nodes
 * under maintenance, not all 5,000). One {@link SharedInformerFactory}; the {@link ApiClient} must
 * have read timeout 0 (watches are long-lived).
 */
public final class KubeInformers {
    private static final Logger LOG = LoggerFactory.getLogger(KubeInformers.class);
    private final SharedInformerFactory factory;
    public final SharedIndexInformer<KafkaCluster> clusters;
    public final SharedIndexInformer<V1Pod> pods;
    public final SharedIndexInformer<V1PersistentVolumeClaim> pvcs;
    public final SharedIndexInformer<V1Service> services;
    public final SharedIndexInformer<V1ConfigMap> configMaps;
    public final SharedIndexInformer<V1StorageClass> storageClasses;
    public final SharedIndexInformer<V1Node> cordonedNodes;
    public final SharedIndexInformer<V1PodDisruptionBudget> budgets;
    /** Set while the API refuses to list nodes (403: RBAC withholds them; 404: no such API). */
    private final AtomicBoolean nodesRefused = new AtomicBoolean();
    private final AtomicBoolean budgetsRefused = new AtomicBoolean();
    /** The field selector of {@link #cordonedNodes}: what {@code kubectl cordon} (and so {@code drain}) sets. */
    static final String CORDONED = "spec.unschedulable=true";
    /** What the informers' failed lists said: {@link #notSyncedReason}. */
    private final ListFailures listFailures = new ListFailures();

    /**
     * @param watchClient an ApiClient with read timeout 0
     * @param namespace namespace to watch, or {@code null} for all namespaces
     * @param resync informer resync period in ms (a periodic level-based pass)
     */
    public KubeInformers(ApiClient watchClient, String namespace, long resync) {
        factory = new SharedInformerFactory(watchClient);
        clusters = factory.sharedIndexInformerFor(watcher(new GenericKubernetesApi<>(KafkaCluster.class,
                KafkaClusterList.class, KafkaCluster.GROUP, KafkaCluster.VERSION, KafkaCluster.PLURAL, watchClient),
                namespace, null), KafkaCluster.class, resync, noting(KafkaCluster.PLURAL));
        String owned = Names.LABEL_CLUSTER;
        pods = factory.sharedIndexInformerFor(watcher(core(V1Pod.class, V1PodList.class, "pods", watchClient),
                namespace, owned), V1Pod.class, resync, noting("pods"));
        pvcs = factory.sharedIndexInformerFor(watcher(core(V1PersistentVolumeClaim.class,
                V1PersistentVolumeClaimList.class, "persistentvolumeclaims", watchClient), namespace, owned),
                V1PersistentVolumeClaim.class, resync, noting("persistentvolumeclaims"));
        services = factory.sharedIndexInformerFor(watcher(core(V1Service.class, V1ServiceList.class, "services",
                watchClient), namespace, owned), V1Service.class, resync, noting("services"));
        configMaps = factory.sharedIndexInformerFor(watcher(core(V1ConfigMap.class, V1ConfigMapList.class,
                "configmaps", watchClient), namespace, owned), V1ConfigMap.class, resync, noting("configmaps"));
        storageClasses = factory.sharedIndexInformerFor(watcher(new GenericKubernetesApi<>(V1StorageClass.class,
                V1StorageClassList.class, "storage.k8s.io", "v1", "storageclasses", watchClient), null, null),
                V1StorageClass.class, resync, noting("storageclasses"));
        cordonedNodes = factory.sharedIndexInformerFor(remembering(watcher(new GenericKubernetesApi<>(V1Node.class,
                V1NodeList.class, "", "v1", "nodes", watchClient), null, null, CORDONED), nodesRefused), V1Node.class,
                resync, noting("nodes"));
        budgets = factory.sharedIndexInformerFor(remembering(watcher(new GenericKubernetesApi<>(
                V1PodDisruptionBudget.class, V1PodDisruptionBudgetList.class, "policy", "v1", "poddisruptionbudgets",
                watchClient), namespace, owned), budgetsRefused), V1PodDisruptionBudget.class, resync,
                noting("poddisruptionbudgets"));
    }

    /**
     * The informers' handler of a failed list or watch: noted for {@link #notSyncedReason}, and logged
     * (the handler replaces client-java's own, which logs). The informer retries either way.
     */
    private <T> BiConsumer<Class<T>, Throwable> noting(String resource) {
        return (type, error) -> LOG.warn("{}; the informer retries", listFailures.failed(resource, error));
    }

    public SharedInformerFactory factory() {
        return factory;
    }

    public void start() {
        factory.startAllRegisteredInformers();
    }

    public void stop() {
        factory.stopAllRegisteredInformers(true);
    }

    /**
     * Caches needed to decide are synced. StorageClasses are optional: without them the class check
     * is skipped. Nodes and budgets are waited for unless the API refuses to list them (then brokers
     * are not moved off cordoned nodes, and no budget is created): a first pass that ran before the
     * nodes arrived would take a move under way for one no longer needed, and call it off.
     */
    public boolean hasSynced() {
        return clusters.hasSynced() && pods.hasSynced() && pvcs.hasSynced() && services.hasSynced()
                && configMaps.hasSynced() && (cordonedNodes.hasSynced() || nodesRefused.get())
                && (budgets.hasSynced() || budgetsRefused.get());
    }

    /**
     * Why {@link #hasSynced} is false, or {@code null} when it is true: {@code caches not synced}, then
     * the failed list of each cache it waits for ({@link ListFailures}), e.g. {@code caches not synced:
     * kafkaclusters list failed: HTTP 404 (the API server does not serve kafkaclusters: its API group or CRD
     * is missing)}. What {@code /readyz} answers, so that {@code kubectl describe pod} shows why the operator
     * is not ready instead of a bare 503. Caches not waited for (StorageClasses; nodes and budgets while
     * refused) add nothing.
     */
    public String notSyncedReason() {
        if (hasSynced()) {
            return null;
        }
        Map<String, Boolean> waitedFor = new TreeMap<>();
        waitedFor.put(KafkaCluster.PLURAL, clusters.hasSynced());
        waitedFor.put("pods", pods.hasSynced());
        waitedFor.put("persistentvolumeclaims", pvcs.hasSynced());
        waitedFor.put("services", services.hasSynced());
        waitedFor.put("configmaps", configMaps.hasSynced());
        waitedFor.put("storageclasses", true);
        waitedFor.put("nodes", cordonedNodes.hasSynced() || nodesRefused.get());
        waitedFor.put("poddisruptionbudgets", budgets.hasSynced() || budgetsRefused.get());
        waitedFor.forEach((resource, done) -> {
            if (done) {
                listFailures.synced(resource);
            }
        });
        String failures = listFailures.reason();
        return failures == null ? "caches not synced" : "caches not synced: " + failures;
    }

    /**
     * {@code inner}, noting in {@code refused} whether its last list was refused as forbidden (403)
     * or unknown (404), rather than failing for a while (any other error: the informer retries).
     */
    static <T extends KubernetesObject, L extends KubernetesListObject> ListerWatcher<T, L> remembering(
            ListerWatcher<T, L> inner, AtomicBoolean refused) {
        return new ListerWatcher<>() {
            @Override
            public L list(CallGeneratorParams p) throws ApiException {
                try {
                    L out = inner.list(p);
                    refused.set(false);
                    return out;
                } catch (ApiException e) {
                    if (e.getCode() == 403 || e.getCode() == 404) {
                        refused.set(true);
                    }
                    throw e;
                }
            }

            @Override
            public Watchable<T> watch(CallGeneratorParams p) throws ApiException {
                return inner.watch(p);
            }
        };
    }

    public KafkaCluster cluster(String namespace, String name) {
        return clusters.getIndexer().getByKey(namespace + "/" + name);
    }

    /** The owned objects of {@code c} as the caches hold them now. */
    public KubeView view(KafkaCluster c) {
        Set<String> classes = storageClasses.hasSynced()
                ? storageClasses.getIndexer().list().stream().map(s -> s.getMetadata().getName())
                        .collect(Collectors.toSet())
                : null;
        return new KubeView(owned(pods, c), owned(pvcs, c), owned(services, c), owned(configMaps, c), classes,
                cordonedNodes.hasSynced() ? cordoned(cordonedNodes.getIndexer().list()) : null,
                budgets.hasSynced() ? owned(budgets, c) : null);
    }

    /**
     * Names of the nodes that are cordoned. The selector already asks the API server for those only;
     * the check is repeated so that a server which ignores field selectors cannot make every node
     * look cordoned.
     */
    static Set<String> cordoned(List<V1Node> nodes) {
        return nodes.stream().filter(n -> n.getSpec() != null && Boolean.TRUE.equals(n.getSpec().getUnschedulable()))
                .map(n -> n.getMetadata().getName()).collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    private static <T extends KubernetesObject> Map<String, T> owned(SharedIndexInformer<T> inf, KafkaCluster c) {
        Map<String, T> out = new TreeMap<>();
        for (T o : inf.getIndexer().list()) {
            Map<String, String> labels = o.getMetadata().getLabels();
            if (c.namespace().equals(o.getMetadata().getNamespace()) && labels != null
                    && c.name().equals(labels.get(Names.LABEL_CLUSTER)) && !ownedByAnother(o, c)) {
                out.put(o.getMetadata().getName(), o);
            }
        }
        return out;
    }

    /**
     * True for an object that a KafkaCluster of the same name but another uid owns: a cluster deleted
     * and created again under its name while the garbage collector still removes the old one's
     * objects. Those are not the new cluster's: their pods carry the old Kafka cluster id and their
     * volumes the old data, so the new cluster waits until they are gone instead of adopting them.
     */
    static boolean ownedByAnother(KubernetesObject o, KafkaCluster c) {
        List<V1OwnerReference> refs = o.getMetadata().getOwnerReferences();
        if (refs == null) {
            return false;
        }
        return refs.stream().anyMatch(r -> KafkaCluster.KIND.equals(r.getKind())
                && !java.util.Objects.equals(r.getUid(), c.getMetadata().getUid()));
    }

    private static <T extends KubernetesObject, L extends KubernetesListObject> GenericKubernetesApi<T, L> core(
            Class<T> type, Class<L> list, String plural, ApiClient client) {
        return new GenericKubernetesApi<>(type, list, "", "v1", plural, client);
    }

    static <T extends KubernetesObject, L extends KubernetesListObject> ListerWatcher<T, L> watcher(
            GenericKubernetesApi<T, L> api, String namespace, String labelSelector) {
        return watcher(api, namespace, labelSelector, null);
    }

    /** A ListerWatcher over one namespace (or all) with optional label and field selectors. */
    static <T extends KubernetesObject, L extends KubernetesListObject> ListerWatcher<T, L> watcher(
            GenericKubernetesApi<T, L> api, String namespace, String labelSelector, String fieldSelector) {
        Function<CallGeneratorParams, ListOptions> options = p -> {
            ListOptions o = new ListOptions();
            o.setResourceVersion(p.resourceVersion);
            o.setTimeoutSeconds(p.timeoutSeconds);
            if (labelSelector != null) {
                o.setLabelSelector(labelSelector);
            }
            if (fieldSelector != null) {
                o.setFieldSelector(fieldSelector);
            }
            return o;
        };
        return new ListerWatcher<>() {
            @Override
            public L list(CallGeneratorParams p) throws ApiException {
                return (namespace == null ? api.list(options.apply(p)) : api.list(namespace, options.apply(p)))
                        .throwsApiException()
                        .getObject();
            }

            @Override
            public Watchable<T> watch(CallGeneratorParams p) throws ApiException {
                return namespace == null ? api.watch(options.apply(p)) : api.watch(namespace, options.apply(p));
            }
        };
    }
}
