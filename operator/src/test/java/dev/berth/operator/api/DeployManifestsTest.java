package dev.berth.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.JSON;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** deploy/operator.yaml and deploy/sample-kafkacluster.yaml say what the operator needs and nothing more. */
class DeployManifestsTest {
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> docs(String file) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object o : new Yaml().loadAll(Files.readString(Path.of("..", "deploy", file)))) {
            out.add((Map<String, Object>) o);
        }
        return out;
    }

    @Test
    @SuppressWarnings("unchecked")
    void kustomizationInstallsTheCrdTheExtenderTheSecondSchedulerAndTheOperator() throws IOException {
        Map<String, Object> k = docs("kustomization.yaml").get(0);
        List<String> kinds = new ArrayList<>();
        for (String file : (List<String>) k.get("resources")) {
            assertThat(Path.of("..", "deploy", file)).as("kustomization resource %s", file).isRegularFile();
            for (Map<String, Object> d : docs(file)) {
                kinds.add(d.get("kind") + "/" + ((Map<String, Object>) d.get("metadata")).get("name"));
            }
        }
        assertThat(kinds).contains("CustomResourceDefinition/kafkaclusters.berth.dev",
                "Deployment/berth-extender", "Deployment/berth-scheduler", "ConfigMap/berth-scheduler-config",
                "Deployment/berth-operator");
        // the second scheduler's version is the one place to set: it must match the control plane's
        List<Map<String, Object>> images = (List<Map<String, Object>>) k.get("images");
        assertThat(images).singleElement().satisfies(i -> {
            assertThat(i.get("name")).isEqualTo("registry.k8s.io/kube-scheduler");
            assertThat(String.valueOf(i.get("newTag"))).matches("v1\\.[0-9]+\\.[0-9]+");
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void rbacHasNoWildcardsAndGrantsWhatTheOperatorCalls() throws IOException {
        List<String> grants = new ArrayList<>();
        for (Map<String, Object> d : docs("operator.yaml")) {
            if (!List.of("ClusterRole", "Role").contains(d.get("kind"))) {
                continue;
            }
            for (Map<String, Object> rule : (List<Map<String, Object>>) d.get("rules")) {
                for (String key : List.of("apiGroups", "resources", "verbs")) {
                    assertThat((List<String>) rule.get(key)).as("%s %s", d.get("kind"), key).doesNotContain("*");
                }
                for (String res : (List<String>) rule.get("resources")) {
                    for (String verb : (List<String>) rule.get("verbs")) {
                        grants.add(res + ":" + verb);
                    }
                }
            }
        }
        assertThat(grants).contains("kafkaclusters:watch", "kafkaclusters/status:patch", "pods:create", "pods:patch",
                "persistentvolumeclaims:create", "services:create", "configmaps:get", "configmaps:update", "events:create",
                "storageclasses:list", "leases:create", "leases:update", "leases:get",
                "kafkaclusters/finalizers:update", // owner references with blockOwnerDeletion (desired.Owned)
                "nodes:list", "nodes:watch", // the cordoned-nodes informer
                "nodes:get", // the rack label of each node hosting a broker (placement drift)
                "poddisruptionbudgets:create", "poddisruptionbudgets:watch", "poddisruptionbudgets:patch");
        // least privilege: nothing the code does not call
        assertThat(grants).doesNotContain("kafkaclusters:update", "secrets:get", "services:delete",
                "services:get", "storageclasses:get", // read through informers only (ShippedRoleTest finds them unused)
                "nodes:patch", "poddisruptionbudgets:delete", "poddisruptionbudgets:update", "kafkaclusters/status:get", "kafkaclusters/status:update",
                "events:patch", // status is one JSON patch; each Event is created, never updated
                "configmaps:patch"); // the record of written defaults is a replace with a resourceVersion
    }

    @Test
    @SuppressWarnings("unchecked")
    void deploymentRunsTwoReplicasWithTheRunCommandAndProbes() throws IOException {
        Map<String, Object> dep = docs("operator.yaml").stream().filter(d -> "Deployment".equals(d.get("kind")))
                .findFirst().orElseThrow();
        Map<String, Object> spec = (Map<String, Object>) dep.get("spec");
        assertThat(spec.get("replicas")).isEqualTo(2);
        Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) spec.get("template")).get("spec");
        Map<String, Object> c = ((List<Map<String, Object>>) pod.get("containers")).get(0);
        assertThat(c.get("image")).isEqualTo("ghcr.io/berth/berth-operator:0.1.0");
        assertThat((List<String>) c.get("args")).startsWith("run");
        assertThat(c).containsKeys("livenessProbe", "readinessProbe");
        assertThat(pod.get("serviceAccountName")).isEqualTo("berth-operator");
        // a read-only root needs a writable java.io.tmpdir, an emptyDir at /tmp
        assertThat(((Map<String, Object>) c.get("securityContext")).get("readOnlyRootFilesystem")).isEqualTo(true);
        assertThat((List<Map<String, Object>>) c.get("volumeMounts"))
                .anyMatch(m -> "/tmp".equals(m.get("mountPath")) && "tmp".equals(m.get("name")));
        assertThat((List<Map<String, Object>>) pod.get("volumes"))
                .anyMatch(v -> "tmp".equals(v.get("name")) && v.containsKey("emptyDir"));
    }

    /**
     * {@code run} puts its Lease in {@code POD_NAMESPACE} before the watched namespace, and the leases
     * Role exists only in the operator's namespace: without the downward-API variable a
     * {@code --namespace kafka} install would ask for a Lease in kafka and be Forbidden.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theOperatorKnowsItsOwnNamespaceWhereTheLeaseRoleIs() throws IOException {
        List<Map<String, Object>> all = docs("operator.yaml");
        Map<String, Object> dep = all.stream().filter(d -> "Deployment".equals(d.get("kind"))).findFirst().orElseThrow();
        Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) dep.get("spec"))
                .get("template")).get("spec");
        Map<String, Object> c = ((List<Map<String, Object>>) pod.get("containers")).get(0);
        Map<String, Object> podNamespace = ((List<Map<String, Object>>) c.get("env")).stream()
                .filter(e -> "POD_NAMESPACE".equals(e.get("name"))).findFirst().orElseThrow();
        assertThat(podNamespace).extracting("valueFrom").extracting("fieldRef").extracting("fieldPath")
                .isEqualTo("metadata.namespace");
        assertThat((List<String>) c.get("args")).doesNotContain("--lease-namespace");
        Map<String, Object> leaseRole = all.stream().filter(d -> "Role".equals(d.get("kind"))).findFirst().orElseThrow();
        assertThat(((Map<String, Object>) leaseRole.get("metadata")).get("namespace"))
                .isEqualTo(((Map<String, Object>) dep.get("metadata")).get("namespace"));
    }

    @Test
    void sampleKafkaClusterReadsIntoTheModelAndIsValid() throws IOException {
        Map<String, Object> doc = docs("sample-kafkacluster.yaml").get(0);
        KafkaCluster c = JSON.deserialize(JSON.serialize(doc), KafkaCluster.class);
        assertThat(c.getSpec().brokers().replicas()).isEqualTo(3);
        assertThat(c.getSpec().brokers().storage().isLocal()).isTrue();
        assertThat(c.getSpec().image()).isEqualTo("apache/kafka:4.4.0");
        assertThat(c.getSpec().brokers().resources().requests()).containsEntry("memory", "4Gi");
        assertThat(c.getSpec().controllers().resources().requests()).containsEntry("cpu", "500m");
        assertThat(c.getSpec().rebalance().hotPartitions()).isEqualTo(new HotPartitionsSpec(
                HotPartitionsSpec.Mode.Leadership, 25, 1048576L));
        assertThat(SpecValidator.validate(c.getSpec(), Map.of(), Set.of("local-nvme"))).isEmpty();
    }
}
