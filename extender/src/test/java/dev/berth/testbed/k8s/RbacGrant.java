package dev.berth.testbed.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.Yaml;

/**
 * One RBAC rule as bound to a service account: what {@link KubeApiTestBed#serviceAccount} authorizes.
 * {@code namespace} is the RoleBinding's, or {@code null} for a ClusterRoleBinding (every namespace and
 * cluster-scoped resources). An empty {@code resourceNames} means any object.
 */
public record RbacGrant(Set<String> apiGroups, Set<String> resources, Set<String> verbs, Set<String> resourceNames,
        String namespace) {

    /** Whether this rule allows the call, as RBAC decides it. */
    boolean allows(String group, String resource, String verb, String callNamespace, String name) {
        if (!apiGroups.contains(group) || !resources.contains(resource) || !verbs.contains(verb)) {
            return false;
        }
        if (namespace != null && !namespace.equals(callNamespace)) {
            return false;
        }
        return resourceNames.isEmpty() || (name != null && resourceNames.contains(name));
    }

    /** Every {@code verb resource} pair the grants name, e.g. {@code create pods/binding}: what a role lets its holder do. */
    public static java.util.SortedSet<String> pairs(List<RbacGrant> grants) {
        java.util.SortedSet<String> out = new java.util.TreeSet<>();
        grants.forEach(g -> g.resources().forEach(r -> g.verbs().forEach(v -> out.add(v + " " + r))));
        return out;
    }

    /**
     * The rules that the manifests in {@code file} bind to service account {@code namespace/name}: its
     * ClusterRoleBindings' and RoleBindings' roles, as defined in the same file (a role defined elsewhere,
     * such as {@code system:kube-scheduler}, grants nothing here). A Role or RoleBinding without a
     * namespace takes {@code defaultNamespace}, as kustomize's {@code namespace} gives it.
     */
    @SuppressWarnings("unchecked")
    public static List<RbacGrant> boundIn(Path file, String namespace, String name, String defaultNamespace) {
        List<Map<String, Object>> docs = new ArrayList<>();
        try {
            for (Object o : new Yaml().loadAll(Files.readString(file))) {
                if (o instanceof Map<?, ?> m) {
                    docs.add((Map<String, Object>) m);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, List<Map<String, Object>>> roles = new HashMap<>();
        for (Map<String, Object> d : docs) {
            if (d.get("kind").equals("ClusterRole") || d.get("kind").equals("Role")) {
                roles.put(d.get("kind") + "/" + namespaceOf(d, defaultNamespace) + "/" + meta(d).get("name"),
                        (List<Map<String, Object>>) d.getOrDefault("rules", List.of()));
            }
        }
        List<RbacGrant> out = new ArrayList<>();
        for (Map<String, Object> d : docs) {
            boolean cluster = d.get("kind").equals("ClusterRoleBinding");
            if (!cluster && !d.get("kind").equals("RoleBinding")) {
                continue;
            }
            boolean bound = ((List<Map<String, Object>>) d.get("subjects")).stream()
                    .anyMatch(s -> "ServiceAccount".equals(s.get("kind")) && name.equals(s.get("name"))
                            && namespace.equals(s.getOrDefault("namespace", namespaceOf(d, defaultNamespace))));
            if (!bound) {
                continue;
            }
            Map<String, Object> ref = (Map<String, Object>) d.get("roleRef");
            String roleNamespace = ref.get("kind").equals("ClusterRole") ? null : namespaceOf(d, defaultNamespace);
            String grantNamespace = cluster ? null : namespaceOf(d, defaultNamespace);
            for (Map<String, Object> rule : roles.getOrDefault(ref.get("kind") + "/" + roleNamespace + "/" + ref.get("name"),
                    List.of())) {
                out.add(new RbacGrant(set(rule, "apiGroups"), set(rule, "resources"), set(rule, "verbs"),
                        set(rule, "resourceNames"), grantNamespace));
            }
        }
        return List.copyOf(out);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> meta(Map<String, Object> d) {
        return (Map<String, Object>) d.get("metadata");
    }

    private static String namespaceOf(Map<String, Object> d, String defaultNamespace) {
        if (d.get("kind").equals("ClusterRole")) {
            return null;
        }
        Object ns = meta(d).get("namespace");
        return ns == null ? defaultNamespace : ns.toString();
    }

    @SuppressWarnings("unchecked")
    private static Set<String> set(Map<String, Object> rule, String key) {
        return Set.copyOf((List<String>) rule.getOrDefault(key, List.of()));
    }
}
