package dev.berth.operator.observe;

import dev.berth.operator.act.desired.Names;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Service;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The Kubernetes objects of one KafkaCluster, as the informer caches hold them at the start of a
 * reconcile. Read-only.
 *
 * @param pods owned pods by name
 * @param pvcs owned PVCs by name
 * @param services owned Services by name
 * @param configMaps owned ConfigMaps by name
 * @param storageClasses names of storage classes, or {@code null} when they cannot be listed
 * @param cordonedNodes names of the cordoned nodes ({@code spec.unschedulable}), or {@code null} when
 *     nodes cannot be watched (then no broker is moved for a cordon)
 * @param budgets owned PodDisruptionBudgets by name, or {@code null} when they cannot be listed
 * @param nodeRacks the rack label of each node a broker pod is bound to ({@code ""}: none), or
 *     {@code null} when not read (a view built for a test); a node not readable is absent
 * @param rackNodes the schedulable nodes of each rack a drifted broker, or one on a cordoned node, is pinned to
 *     ({@link NodeLabels#schedulable});
 *     a rack not listed (none drifted there, or not listable) is absent
 */
public record KubeView(
        Map<String, V1Pod> pods,
        Map<String, V1PersistentVolumeClaim> pvcs,
        Map<String, V1Service> services,
        Map<String, V1ConfigMap> configMaps,
        Set<String> storageClasses,
        Set<String> cordonedNodes,
        Map<String, V1PodDisruptionBudget> budgets,
        Map<String, String> nodeRacks,
        Map<String, Set<String>> rackNodes) {

    /** A view without the broker nodes' racks. */
    public KubeView(Map<String, V1Pod> pods, Map<String, V1PersistentVolumeClaim> pvcs, Map<String, V1Service> services,
            Map<String, V1ConfigMap> configMaps, Set<String> storageClasses, Set<String> cordonedNodes,
            Map<String, V1PodDisruptionBudget> budgets) {
        this(pods, pvcs, services, configMaps, storageClasses, cordonedNodes, budgets, null, null);
    }

    /** A view without nodes and budgets, as tests of other rules build it. */
    public KubeView(Map<String, V1Pod> pods, Map<String, V1PersistentVolumeClaim> pvcs, Map<String, V1Service> services,
            Map<String, V1ConfigMap> configMaps, Set<String> storageClasses) {
        this(pods, pvcs, services, configMaps, storageClasses, null);
    }

    /** A view without budgets. */
    public KubeView(Map<String, V1Pod> pods, Map<String, V1PersistentVolumeClaim> pvcs, Map<String, V1Service> services,
            Map<String, V1ConfigMap> configMaps, Set<String> storageClasses, Set<String> cordonedNodes) {
        this(pods, pvcs, services, configMaps, storageClasses, cordonedNodes, null);
    }

    public KubeView {
        pods = java.util.Collections.unmodifiableMap(new TreeMap<>(pods));
        pvcs = java.util.Collections.unmodifiableMap(new TreeMap<>(pvcs));
        services = java.util.Collections.unmodifiableMap(new TreeMap<>(services));
        configMaps = java.util.Collections.unmodifiableMap(new TreeMap<>(configMaps));
        cordonedNodes = cordonedNodes == null ? null : Set.copyOf(cordonedNodes);
        budgets = budgets == null ? null : java.util.Collections.unmodifiableMap(new TreeMap<>(budgets));
        nodeRacks = nodeRacks == null ? null : java.util.Collections.unmodifiableMap(new TreeMap<>(nodeRacks));
        rackNodes = rackNodes == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(rackNodes));
    }

    /** This view with the racks of the nodes its broker pods are bound to ({@link NodeLabels}). */
    public KubeView withNodeRacks(Map<String, String> racks) {
        return new KubeView(pods, pvcs, services, configMaps, storageClasses, cordonedNodes, budgets, racks, rackNodes);
    }

    /** This view with the schedulable nodes of the racks of its drifted brokers ({@link NodeLabels#schedulable}). */
    public KubeView withRackNodes(Map<String, Set<String>> nodes) {
        return new KubeView(pods, pvcs, services, configMaps, storageClasses, cordonedNodes, budgets, nodeRacks, nodes);
    }

    /** The node a pod is bound to, or {@code null} while it is not scheduled. */
    public static String nodeName(V1Pod p) {
        return p.getSpec() == null ? null : p.getSpec().getNodeName();
    }

    /** Node ids of the pods of a role (terminating pods included), by id. */
    public Map<Integer, V1Pod> podsByNodeId(String role) {
        Map<Integer, V1Pod> out = new TreeMap<>();
        for (V1Pod p : pods.values()) {
            Map<String, String> l = p.getMetadata().getLabels();
            if (l != null && role.equals(l.get(Names.LABEL_ROLE)) && l.get(Names.LABEL_BROKER_ID) != null) {
                try {
                    out.put(Integer.parseInt(l.get(Names.LABEL_BROKER_ID)), p);
                } catch (NumberFormatException ignored) {
                    // not ours to judge: a pod with a broken label is left alone
                }
            }
        }
        return out;
    }

    public static boolean isTerminating(V1Pod p) {
        return p.getMetadata().getDeletionTimestamp() != null;
    }

    public static boolean isReady(V1Pod p) {
        return p.getStatus() != null && p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    public static String annotation(V1Pod p, String key) {
        Map<String, String> a = p.getMetadata().getAnnotations();
        return a == null ? null : a.get(key);
    }
}
