package dev.berth.extender.deploy;

import static dev.berth.extender.deploy.Manifests.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.Gson;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ClusterRole;
import io.kubernetes.client.openapi.models.V1ClusterRoleBinding;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** deploy/extender.yaml and deploy/scheduler.yaml: least-privilege RBAC and consistent wiring. */
@SuppressWarnings("unchecked") // YAML trees are untyped maps and lists
class DeployManifestsTest {
    static List<Map<String, Object>> extender;
    static List<Map<String, Object>> scheduler;

    @BeforeAll
    static void load() {
        extender = Manifests.documents(Manifests.read("deploy/extender.yaml"));
        scheduler = Manifests.documents(Manifests.read("deploy/scheduler.yaml"));
    }

    private static Map<String, Object> rule(List<String> groups, List<String> resources, List<String> verbs) {
        return Map.of("apiGroups", groups, "resources", resources, "verbs", verbs);
    }

    /**
     * The apiserver decodes manifests strictly (kubectl apply fails on an unknown field, and a
     * misspelt one such as {@code readOnlyRootFileSystem} would otherwise be dropped silently).
     * client-java's generated models reject unknown fields too, so each document must decode into
     * the model of its kind.
     */
    @Test
    void everyDocumentDecodesStrictlyIntoTheModelOfItsKind() {
        Map<String, Class<?>> models = Map.of("Namespace", V1Namespace.class, "ServiceAccount", V1ServiceAccount.class,
                "ClusterRole", V1ClusterRole.class, "ClusterRoleBinding", V1ClusterRoleBinding.class,
                "Role", V1Role.class, "RoleBinding", V1RoleBinding.class, "Service", V1Service.class,
                "ConfigMap", V1ConfigMap.class, "Deployment", V1Deployment.class);
        JSON json = new JSON();
        Gson gson = new Gson();
        List<Map<String, Object>> all = new java.util.ArrayList<>(extender);
        all.addAll(scheduler);
        all.addAll(Manifests.documents(Manifests.read("deploy/namespace.yaml")));
        for (Map<String, Object> doc : all) {
            Class<?> model = models.get((String) doc.get("kind"));
            assertThat(model).as("a model for kind %s", doc.get("kind")).isNotNull();
            Object decoded = json.deserialize(gson.toJson(doc), model); // throws on an unknown or misspelt field
            assertThat(decoded).as("%s %s", doc.get("kind"), at(doc, "metadata", "name")).isNotNull();
        }
        // and the check is live: a misspelt field is refused
        Map<String, Object> typo = Map.of("apiVersion", "v1", "kind", "ServiceAccount",
                "metadata", Map.of("name", "x"), "automountServiceAccounttoken", false);
        assertThatThrownBy(() -> json.deserialize(gson.toJson(typo), V1ServiceAccount.class))
                .hasMessageContaining("automountServiceAccounttoken");
    }

    @Test
    void extenderClusterRoleIsExactlyTheLeastPrivilegeList() {
        Map<String, Object> role = Manifests.one(extender, "ClusterRole", "berth-extender");
        assertThat(Manifests.list(role, "rules")).containsExactly(
                rule(List.of(""), List.of("nodes"), List.of("get", "list", "watch")),
                rule(List.of(""), List.of("pods"), List.of("get", "list", "watch", "patch")),
                rule(List.of(""), List.of("pods/binding"), List.of("create")),
                rule(List.of(""), List.of("events"), List.of("create")));
    }

    @Test
    void noRoleAnywhereUsesAWildcard() {
        for (List<Map<String, Object>> file : List.of(extender, scheduler)) {
            for (Map<String, Object> doc : file) {
                if (!List.of("Role", "ClusterRole").contains(doc.get("kind"))) {
                    continue;
                }
                for (Map<String, Object> rule : Manifests.list(doc, "rules")) {
                    for (Object values : rule.values()) {
                        assertThat((List<Object>) values).as("rule %s", rule).doesNotContain("*");
                    }
                }
            }
        }
    }

    @Test
    void extenderRoleIsBoundToTheServiceAccountItsDeploymentRunsAs() {
        Map<String, Object> binding = Manifests.one(extender, "ClusterRoleBinding", "berth-extender");
        assertThat(Manifests.map(binding, "roleRef")).containsEntry("kind", "ClusterRole")
                .containsEntry("name", "berth-extender");
        assertThat(Manifests.list(binding, "subjects")).containsExactly(
                Map.of("kind", "ServiceAccount", "name", "berth-extender", "namespace", "berth-system"));
        Map<String, Object> deployment = Manifests.one(extender, "Deployment", "berth-extender");
        assertThat((String) at(deployment, "spec", "template", "spec", "serviceAccountName")).isEqualTo("berth-extender");
        Manifests.one(extender, "ServiceAccount", "berth-extender");
    }

    @Test
    void extenderDeploymentServesTheServicePortWithProbesAndOneReplica() {
        Map<String, Object> deployment = Manifests.one(extender, "Deployment", "berth-extender");
        assertThat((Integer) at(deployment, "spec", "replicas")).isEqualTo(1); // the ledger lives in memory
        assertThat((String) at(deployment, "spec", "strategy", "type")).isEqualTo("Recreate");
        Map<String, Object> container = at(deployment, "spec", "template", "spec", "containers", 0);
        assertThat(container).containsEntry("image", "ghcr.io/berth/berth-extender:0.1.0");
        assertThat((List<String>) at(container, "args")).startsWith("serve");
        assertThat((String) at(container, "readinessProbe", "httpGet", "path")).isEqualTo("/readyz");
        assertThat((String) at(container, "livenessProbe", "httpGet", "path")).isEqualTo("/healthz");
        Integer containerPort = at(container, "ports", 0, "containerPort");
        assertThat((List<String>) at(container, "args")).contains("--port=" + containerPort);
        Map<String, Object> service = Manifests.one(extender, "Service", "berth-extender");
        assertThat((String) at(service, "spec", "ports", 0, "targetPort")).isEqualTo(at(container, "ports", 0, "name"));
        Map<String, Object> selector = at(service, "spec", "selector");
        assertThat(selector).isEqualTo(at(deployment, "spec", "selector", "matchLabels"));
        assertThat((Map<String, Object>) at(deployment, "spec", "template", "metadata", "labels"))
                .containsAllEntriesOf(selector);
    }

    @Test
    void schedulerIsBoundToTheBuiltInSchedulerRolesAndItsOwnLeaseOnly() {
        assertThat((String) at(Manifests.one(scheduler, "ClusterRoleBinding", "berth-scheduler-as-kube-scheduler"),
                "roleRef", "name")).isEqualTo("system:kube-scheduler");
        assertThat((String) at(Manifests.one(scheduler, "ClusterRoleBinding", "berth-scheduler-as-volume-scheduler"),
                "roleRef", "name")).isEqualTo("system:volume-scheduler");
        Map<String, Object> lease = Manifests.one(scheduler, "Role", "berth-scheduler-lease");
        assertThat(Manifests.list(lease, "rules")).containsExactly(Map.of(
                "apiGroups", List.of("coordination.k8s.io"),
                "resources", List.of("leases"),
                "resourceNames", List.of("berth-scheduler"),
                "verbs", List.of("get", "update")));
        assertThat(Manifests.ofKind(scheduler, "ClusterRole")).isEmpty(); // only built-in cluster roles
        for (Map<String, Object> doc : scheduler) {
            if (List.of("ClusterRoleBinding", "RoleBinding").contains(doc.get("kind"))) {
                assertThat(Manifests.list(doc, "subjects")).containsExactly(
                        Map.of("kind", "ServiceAccount", "name", "berth-scheduler", "namespace", "berth-system"));
            }
        }
    }

    @Test
    void schedulerConfigMapHoldsExactlyTheSchedulerConfigAndIsMounted() {
        Map<String, Object> cm = Manifests.one(scheduler, "ConfigMap", "berth-scheduler-config");
        String embedded = at(cm, "data", "scheduler-config.yaml");
        assertThat(Manifests.documents(embedded))
                .isEqualTo(Manifests.documents(Manifests.read("scheduler-config/scheduler-config.yaml")));

        Map<String, Object> deployment = Manifests.one(scheduler, "Deployment", "berth-scheduler");
        Map<String, Object> pod = at(deployment, "spec", "template", "spec");
        assertThat(pod).containsEntry("serviceAccountName", "berth-scheduler");
        assertThat((String) at(pod, "volumes", 0, "configMap", "name")).isEqualTo("berth-scheduler-config");
        String mountPath = at(pod, "containers", 0, "volumeMounts", 0, "mountPath");
        assertThat((List<String>) at(pod, "containers", 0, "command"))
                .contains("--config=" + mountPath + "/scheduler-config.yaml");
    }

    @Test
    void leaseNameInRbacMatchesTheSchedulerConfig() {
        Map<String, Object> config = Manifests.documents(Manifests.read("scheduler-config/scheduler-config.yaml")).get(0);
        Map<String, Object> lease = Manifests.one(scheduler, "Role", "berth-scheduler-lease");
        assertThat((String) at(lease, "rules", 0, "resourceNames", 0))
                .isEqualTo(at(config, "leaderElection", "resourceName"));
        assertThat((String) at(config, "leaderElection", "resourceNamespace")).isEqualTo("berth-system");
    }
}
