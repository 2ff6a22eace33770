package dev.berth.testbed.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bed's RBAC: the verb a call is, what a grant allows, and the roles a manifest binds. */
class RbacRefusalsTest {
    static final String ROLES = """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: app}
            rules:
              - {apiGroups: [""], resources: [pods], verbs: [get, list, watch, create]}
              - {apiGroups: [""], resources: [pods/binding], verbs: [create]}
              - {apiGroups: [berth.dev], resources: [kafkaclusters/status], verbs: [patch]}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: app}
            subjects: [{kind: ServiceAccount, name: app, namespace: ops}]
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: app}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata: {name: app-lease, namespace: ops}
            rules:
              - {apiGroups: [coordination.k8s.io], resources: [leases], verbs: [create]}
              - {apiGroups: [coordination.k8s.io], resources: [leases], resourceNames: [app], verbs: [get, update]}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: app-lease, namespace: ops}
            subjects: [{kind: ServiceAccount, name: app, namespace: ops}]
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: app-lease}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: someone-else}
            subjects: [{kind: ServiceAccount, name: other, namespace: ops}]
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: app}
            """;

    @Test
    void theVerbIsTheOneTheApiserverDerivesFromMethodPathAndWatch() {
        assertThat(RbacRefusals.verb("POST", false, false)).isEqualTo("create");
        assertThat(RbacRefusals.verb("PUT", true, false)).isEqualTo("update");
        assertThat(RbacRefusals.verb("PATCH", true, false)).isEqualTo("patch");
        assertThat(RbacRefusals.verb("DELETE", true, false)).isEqualTo("delete");
        assertThat(RbacRefusals.verb("DELETE", false, false)).isEqualTo("deletecollection");
        assertThat(RbacRefusals.verb("GET", true, false)).isEqualTo("get");
        assertThat(RbacRefusals.verb("GET", false, false)).isEqualTo("list");
        assertThat(RbacRefusals.verb("GET", false, true)).isEqualTo("watch");
    }

    @Test
    void aServiceAccountGetsWhatItsBindingsGrantAndNothingElse(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rbac.yaml");
        Files.writeString(file, ROLES);
        List<RbacGrant> grants = RbacGrant.boundIn(file, "ops", "app", "default");
        assertThat(grants).containsExactlyInAnyOrder(
                new RbacGrant(Set.of(""), Set.of("pods"), Set.of("get", "list", "watch", "create"), Set.of(), null),
                new RbacGrant(Set.of(""), Set.of("pods/binding"), Set.of("create"), Set.of(), null),
                new RbacGrant(Set.of("berth.dev"), Set.of("kafkaclusters/status"), Set.of("patch"), Set.of(), null),
                new RbacGrant(Set.of("coordination.k8s.io"), Set.of("leases"), Set.of("create"), Set.of(), "ops"),
                new RbacGrant(Set.of("coordination.k8s.io"), Set.of("leases"), Set.of("get", "update"), Set.of("app"), "ops"));
        assertThat(RbacGrant.boundIn(file, "ops", "nobody", "default")).isEmpty();

        RbacRefusals rbac = new RbacRefusals();
        RbacRefusals.Record record = rbac.serviceAccount("t0k", "ops", "app", grants);
        List<String> refused = record.refused();
        record Row(String method, String path, boolean watch, boolean allowed) {}
        Row[] rows = {
            new Row("GET", "/api/v1/namespaces/kafka/pods", true, true),
            new Row("POST", "/api/v1/namespaces/kafka/pods", false, true),
            new Row("DELETE", "/api/v1/namespaces/kafka/pods/p1", false, false),
            new Row("POST", "/api/v1/namespaces/kafka/pods/p1/binding", false, true),
            new Row("PATCH", "/api/v1/namespaces/kafka/pods/p1/status", false, false), // a subresource is its own resource
            new Row("PATCH", "/apis/berth.dev/v1alpha1/namespaces/kafka/kafkaclusters/c/status", false, true),
            new Row("PATCH", "/apis/berth.dev/v1alpha1/namespaces/kafka/kafkaclusters/c", false, false),
            new Row("GET", "/api/v1/nodes", false, false), // cluster-scoped, not granted
            new Row("POST", "/apis/coordination.k8s.io/v1/namespaces/ops/leases", false, true),
            new Row("PUT", "/apis/coordination.k8s.io/v1/namespaces/ops/leases/app", false, true),
            new Row("PUT", "/apis/coordination.k8s.io/v1/namespaces/ops/leases/other", false, false), // resourceNames
            new Row("GET", "/apis/coordination.k8s.io/v1/namespaces/ops/leases", false, false), // a list names none
            new Row("GET", "/apis/coordination.k8s.io/v1/namespaces/kafka/leases/app", false, false), // the Role's namespace only
            new Row("GET", "/version", false, true), // not a resource: discovery
        };
        for (Row r : rows) {
            assertThat(rbac.refusal(r.method(), r.path(), r.watch(), "Bearer t0k").isEmpty())
                    .as("%s %s", r.method(), r.path()).isEqualTo(r.allowed());
        }
        assertThat(record.allowed()).containsExactlyInAnyOrder("watch pods", "create pods", "create pods/binding",
                "patch kafkaclusters/status", "create leases", "update leases");
        assertThat(refused).containsExactly("delete pods kafka/p1", "patch pods/status kafka/p1",
                "patch kafkaclusters kafka/c", "list nodes ", "update leases ops/other", "list leases ops/",
                "get leases kafka/app");
        JsonObject status = KubeApiTestBed.json(new String(
                rbac.refusal("DELETE", "/api/v1/namespaces/kafka/pods/p1", false, "Bearer t0k").orElseThrow(),
                StandardCharsets.UTF_8));
        assertThat(status.get("message").getAsString()).isEqualTo("pods \"p1\" is forbidden: User "
                + "\"system:serviceaccount:ops:app\" cannot delete resource \"pods\" in API group \"\" in the namespace \"kafka\"");
        assertThat(status.get("code").getAsInt()).isEqualTo(403);
        JsonObject grouped = KubeApiTestBed.json(new String(rbac.refusal("PATCH",
                "/apis/berth.dev/v1alpha1/namespaces/kafka/kafkaclusters/c", false, "Bearer t0k").orElseThrow(),
                StandardCharsets.UTF_8));
        assertThat(grouped.get("message").getAsString()).as("a named group qualifies the resource").isEqualTo(
                "kafkaclusters.berth.dev \"c\" is forbidden: User \"system:serviceaccount:ops:app\" cannot patch resource "
                + "\"kafkaclusters\" in API group \"berth.dev\" in the namespace \"kafka\"");
        assertThat(rbac.refusal("DELETE", "/api/v1/namespaces/kafka/pods/p1", false, null))
                .as("a caller without a token is not authorized").isEmpty();
        assertThat(rbac.refusal("DELETE", "/api/v1/namespaces/kafka/pods/p1", false, "Bearer unknown")).isEmpty();
    }
}
