package dev.berth.testbed.k8s;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Kubernetes REST paths, parsed and built, plus the kind/plural table of the built-in resources the
 * test bed knows. Pure: custom resources are resolved by the caller (the bed asks the mock for its
 * CRDs).
 *
 * <p>Path grammar (what a real apiserver serves):
 * <pre>
 *   /api/v1[/namespaces/{ns}]/{plural}[/{name}[/{subresource}]]
 *   /apis/{group}/{version}[/namespaces/{ns}]/{plural}[/{name}[/{subresource}]]
 * </pre>
 * Example: {@code /apis/coordination.k8s.io/v1/namespaces/kube-system/leases/berth} parses to
 * group {@code coordination.k8s.io}, version {@code v1}, namespace {@code kube-system}, plural
 * {@code leases}, name {@code berth}; {@code /api/v1/namespaces/team-a} is the Namespace
 * {@code team-a} (cluster scoped), not a namespaced collection.
 */
final class ResourcePaths {

    /** Built-in kinds by "group/plural" (core group is ""). */
    private static final Map<String, String> BUILTIN_KINDS = Map.ofEntries(
            Map.entry("/pods", "Pod"),
            Map.entry("/nodes", "Node"),
            Map.entry("/namespaces", "Namespace"),
            Map.entry("/services", "Service"),
            Map.entry("/endpoints", "Endpoints"),
            Map.entry("/configmaps", "ConfigMap"),
            Map.entry("/secrets", "Secret"),
            Map.entry("/events", "Event"),
            Map.entry("/serviceaccounts", "ServiceAccount"),
            Map.entry("/persistentvolumeclaims", "PersistentVolumeClaim"),
            Map.entry("/persistentvolumes", "PersistentVolume"),
            Map.entry("/bindings", "Binding"),
            Map.entry("coordination.k8s.io/leases", "Lease"),
            Map.entry("events.k8s.io/events", "Event"),
            Map.entry("apps/deployments", "Deployment"),
            Map.entry("apps/statefulsets", "StatefulSet"),
            Map.entry("apps/daemonsets", "DaemonSet"),
            Map.entry("apps/replicasets", "ReplicaSet"),
            Map.entry("policy/poddisruptionbudgets", "PodDisruptionBudget"),
            Map.entry("storage.k8s.io/storageclasses", "StorageClass"),
            Map.entry("rbac.authorization.k8s.io/roles", "Role"),
            Map.entry("rbac.authorization.k8s.io/rolebindings", "RoleBinding"),
            Map.entry("rbac.authorization.k8s.io/clusterroles", "ClusterRole"),
            Map.entry("rbac.authorization.k8s.io/clusterrolebindings", "ClusterRoleBinding"),
            Map.entry("apiextensions.k8s.io/customresourcedefinitions", "CustomResourceDefinition"));

    /** Built-in kinds that are not namespaced, by "group/Kind". */
    private static final Set<String> CLUSTER_SCOPED = Set.of(
            "/Node", "/Namespace", "/PersistentVolume", "storage.k8s.io/StorageClass",
            "rbac.authorization.k8s.io/ClusterRole", "rbac.authorization.k8s.io/ClusterRoleBinding",
            "apiextensions.k8s.io/CustomResourceDefinition");

    /** Groups outside {@code *.k8s.io} that a real apiserver serves itself; every other group is a CRD's. */
    private static final Set<String> BUILTIN_GROUPS = Set.of("", "apps", "batch", "policy", "autoscaling");

    private ResourcePaths() {}

    /** One parsed resource path. {@code namespace}, {@code name}, {@code subresource} may be null. */
    record Target(String group, String version, String namespace, String plural, String name, String subresource) {

        String apiVersion() {
            return group.isEmpty() ? version : group + "/" + version;
        }

        /** True for a resource of a group no apiserver serves without a CRD (e.g. {@code berth.dev}). */
        boolean custom() {
            return !BUILTIN_GROUPS.contains(group) && !group.endsWith(".k8s.io");
        }

        /** The built-in kind for this path, if the table knows it. */
        Optional<String> builtinKind() {
            return Optional.ofNullable(BUILTIN_KINDS.get(group + "/" + plural));
        }
    }

    /** Parses a request path (no query string); empty when it is not a resource path. */
    static Optional<Target> parse(String path) {
        String[] s = path.replaceAll("^/+", "").split("/");
        int i;
        String group;
        String version;
        if (s.length >= 3 && s[0].equals("api")) {
            group = "";
            version = s[1];
            i = 2;
        } else if (s.length >= 4 && s[0].equals("apis")) {
            group = s[1];
            version = s[2];
            i = 3;
        } else {
            return Optional.empty();
        }
        int rest = s.length - i;
        if (s[i].equals("namespaces") && rest >= 3) {
            return Optional.of(new Target(group, version, s[i + 1], s[i + 2],
                    rest >= 4 ? s[i + 3] : null, rest >= 5 ? s[i + 4] : null));
        }
        return Optional.of(new Target(group, version, null, s[i],
                rest >= 2 ? s[i + 1] : null, rest >= 3 ? s[i + 2] : null));
    }

    /** The group of an apiVersion: "" for "v1", "berth.dev" for "berth.dev/v1alpha1". */
    static String groupOf(String apiVersion) {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    /** The plural of a built-in kind, if the table knows it. */
    static Optional<String> builtinPlural(String group, String kind) {
        String prefix = group + "/";
        return BUILTIN_KINDS.entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix) && e.getValue().equals(kind)
                        && e.getKey().indexOf('/') == group.length())
                .map(e -> e.getKey().substring(prefix.length()))
                .findFirst();
    }

    static boolean builtinClusterScoped(String group, String kind) {
        return CLUSTER_SCOPED.contains(group + "/" + kind);
    }

    /** The collection path objects of this kind are created at. */
    static String collectionPath(String apiVersion, String namespace, String plural) {
        String base = apiVersion.contains("/") ? "/apis/" + apiVersion : "/api/" + apiVersion;
        return namespace == null ? base + "/" + plural : base + "/namespaces/" + namespace + "/" + plural;
    }
}
