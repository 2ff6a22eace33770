package dev.berth.operator.reconcile;

import static dev.berth.operator.reconcile.OperatorFixture.create;
import static dev.berth.operator.reconcile.OperatorFixture.get;
import static dev.berth.operator.reconcile.OperatorFixture.pods;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.operator.api.Condition;
import dev.berth.operator.api.ConditionType;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.api.KafkaClusterSpec;
import dev.berth.operator.api.StorageSpec;
import dev.berth.operator.metrics.OperatorMetrics;
import dev.berth.testbed.k8s.KubeApiTestBed;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.PolicyV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Service;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator against the in-process Kubernetes API (real HTTP, real informers and watches, the real
 * CRD from deploy/). Kafka is deliberately unreachable here (port 1): these tests are about Kubernetes.
 */
class KafkaClusterReconcileTest {
    static final String NS = "kafka";
    /** Generous: every wait is on a condition, so a healthy run never spends it (CI shares 2 cores). */
    static final Duration WAIT = Duration.ofSeconds(60);
    static KubeApiTestBed bed;
    static Operator operator;
    static CoreV1Api core;

    @BeforeAll
    static void start() {
        bed = KubeApiTestBed.start();
        bed.load(OperatorFixture.CRD);
        bed.loadYaml("""
                apiVersion: storage.k8s.io/v1
                kind: StorageClass
                metadata: {name: local-nvme}
                provisioner: kubernetes.io/no-provisioner
                """);
        core = new CoreV1Api(bed.apiClient());
        operator = OperatorFixture.operator(bed, OperatorFixture.config(NS, "127.0.0.1:1", "berth-operator", "op-main"));
        operator.start();
    }

    @AfterAll
    static void stop() {
        OperatorFixture.closeAll(operator, bed);
    }

    @Test
    void kafkaClusterYieldsPodsPvcsServicesAndConfigMapWithTheContract() throws Exception {
        KafkaCluster c = create(bed, NS, "demo", OperatorFixture.spec(3, 3, new StorageSpec("50Gi", "local-nvme", true)));
        eventually().until(() -> pods(bed, NS, "demo").size() == 6);

        Map<String, V1Pod> pods = pods(bed, NS, "demo").stream()
                .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p));
        assertThat(pods.keySet()).containsExactlyInAnyOrder("demo-broker-0", "demo-broker-1", "demo-broker-2",
                "demo-controller-0", "demo-controller-1", "demo-controller-2");
        for (int id = 0; id < 3; id++) {
            V1Pod b = pods.get("demo-broker-" + id);
            assertThat(b.getSpec().getSchedulerName()).isEqualTo("berth-scheduler");
            assertThat(b.getMetadata().getLabels()).containsEntry("berth.dev/cluster", "demo")
                    .containsEntry("berth.dev/broker-id", Integer.toString(id))
                    .containsEntry("berth.dev/role", "broker");
            assertThat(b.getMetadata().getAnnotations()).containsEntry("berth.dev/local-storage", "50Gi");
            assertThat(b.getMetadata().getOwnerReferences()).singleElement()
                    .satisfies(o -> assertThat(o.getUid()).isEqualTo(c.getMetadata().getUid()));
            V1EnvVar rack = b.getSpec().getContainers().get(0).getEnv().stream()
                    .filter(e -> e.getName().equals("BROKER_RACK")).findFirst().orElseThrow();
            assertThat(rack.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.annotations['berth.dev/rack']");
            assertThat(b.getSpec().getContainers().get(0).getImage()).isEqualTo("apache/kafka:4.4.0");
            assertThat(b.getSpec().getSubdomain()).isEqualTo("demo-nodes");
            String claim = "data-demo-broker-" + id;
            assertThat(b.getSpec().getVolumes()).anySatisfy(v -> assertThat(v.getPersistentVolumeClaim().getClaimName())
                    .isEqualTo(claim));
        }
        assertThat(pods.get("demo-controller-1").getMetadata().getLabels())
                .containsEntry("berth.dev/role", "controller").containsEntry("berth.dev/broker-id", "1001");
        assertThat(pods.get("demo-controller-1").getSpec().getSchedulerName()).isNull();

        List<V1PersistentVolumeClaim> pvcs = core.listNamespacedPersistentVolumeClaim(NS)
                .labelSelector("berth.dev/cluster=demo").execute().getItems();
        assertThat(pvcs).extracting(p -> p.getMetadata().getName()).containsExactlyInAnyOrder("data-demo-broker-0",
                "data-demo-broker-1", "data-demo-broker-2", "data-demo-controller-0", "data-demo-controller-1",
                "data-demo-controller-2");
        assertThat(pvcs).filteredOn(p -> p.getMetadata().getName().contains("broker")).allSatisfy(p -> {
            assertThat(p.getSpec().getStorageClassName()).isEqualTo("local-nvme");
            assertThat(p.getSpec().getResources().getRequests().get("storage").toSuffixedString()).isEqualTo("50Gi");
            assertThat(p.getMetadata().getOwnerReferences()).hasSize(1);
        });

        eventually().until(() -> core.listNamespacedService(NS).labelSelector("berth.dev/cluster=demo")
                .execute().getItems().size() == 2);
        Map<String, V1Service> svcs = core.listNamespacedService(NS).labelSelector("berth.dev/cluster=demo").execute()
                .getItems().stream().collect(Collectors.toMap(s -> s.getMetadata().getName(), s -> s));
        assertThat(svcs.get("demo-nodes").getSpec().getClusterIP()).isEqualTo("None");
        assertThat(svcs.get("demo-nodes").getSpec().getPublishNotReadyAddresses()).isTrue();
        assertThat(svcs.get("demo-bootstrap").getSpec().getSelector())
                .containsExactlyInAnyOrderEntriesOf(Map.of("berth.dev/cluster", "demo", "berth.dev/role", "broker"));

        eventually().until(() -> new PolicyV1Api(bed.apiClient()).listNamespacedPodDisruptionBudget(NS)
                .labelSelector("berth.dev/cluster=demo").execute().getItems().size() == 2);
        PolicyV1Api policy = new PolicyV1Api(bed.apiClient());
        // local storage, 3 broker pods: one eviction at a time, as the integer minAvailable Kubernetes can resolve
        // over pods a KafkaCluster owns (a maxUnavailable budget over them fails to sync and allows none)
        eventually().untilAsserted(() -> assertThat(policy.readNamespacedPodDisruptionBudget("demo-brokers", NS).execute()
                .getSpec()).satisfies(spec -> {
                    assertThat(spec.getMinAvailable().getIntValue()).isEqualTo(2);
                    assertThat(spec.getMaxUnavailable()).isNull();
                }));
        assertThat(policy.readNamespacedPodDisruptionBudget("demo-controllers", NS).execute()
                .getSpec().getMaxUnavailable().getIntValue()).as("controllers on network storage: berth moves them")
                .isEqualTo(0);
        // a person lowered it: set back (a probe found a changed budget kept)
        patchBudget(policy, "demo-brokers", "{\"spec\":{\"minAvailable\":0}}");
        eventually().until(() -> policy.readNamespacedPodDisruptionBudget("demo-brokers", NS).execute()
                .getSpec().getMinAvailable().getIntValue() == 2);
        // a person switched it to maxUnavailable: set back, with maxUnavailable cleared (an apiserver refuses both)
        patchBudget(policy, "demo-brokers", "{\"spec\":{\"minAvailable\":null,\"maxUnavailable\":3}}");
        eventually().until(() -> {
            var spec = policy.readNamespacedPodDisruptionBudget("demo-brokers", NS).execute().getSpec();
            return spec.getMinAvailable() != null && spec.getMinAvailable().getIntValue() == 2
                    && spec.getMaxUnavailable() == null;
        });

        V1ConfigMap cm = core.readNamespacedConfigMap("demo-config", NS).execute();
        assertThat(cm.getData().get("broker.properties")).contains("process.roles=broker\n")
                .contains("controller.quorum.voters=1000@demo-controller-0.demo-nodes.kafka.svc:9093,"
                        + "1001@demo-controller-1.demo-nodes.kafka.svc:9093,1002@demo-controller-2.demo-nodes.kafka.svc:9093\n");
        assertThat(cm.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getKind()).isEqualTo("KafkaCluster"));
    }

    @Test
    void deletedBrokerPodIsRecreatedWithSameIdPvcAndRack() throws Exception {
        KafkaCluster cluster = create(bed, NS, "heal", OperatorFixture.spec(1, 2, null));
        eventually().until(() -> pods(bed, NS, "heal").size() == 3);
        // What the extender does at bind: stamp the rack.
        OperatorFixture.patchPod(bed, NS, "heal-broker-1", "{\"metadata\":{\"annotations\":{\"berth.dev/rack\":\"rack-b\"}}}");
        eventually().until(() -> get(bed, NS, "heal").getStatus().brokers().stream()
                .anyMatch(b -> b.id() == 1 && "rack-b".equals(b.rack())));
        String oldUid = core.readNamespacedPod("heal-broker-1", NS).execute().getMetadata().getUid();
        double recreatedBefore = OperatorMetrics.PODS_CREATED.labels("broker", "Recreate").get();

        core.deleteNamespacedPod("heal-broker-1", NS).execute();

        eventually().until(() -> pods(bed, NS, "heal").stream().anyMatch(p ->
                p.getMetadata().getName().equals("heal-broker-1") && !p.getMetadata().getUid().equals(oldUid)));
        V1Pod healed = core.readNamespacedPod("heal-broker-1", NS).execute();
        assertThat(healed.getMetadata().getLabels()).containsEntry("berth.dev/broker-id", "1");
        assertThat(healed.getMetadata().getAnnotations()).containsEntry("berth.dev/rack", "rack-b");
        assertThat(healed.getSpec().getVolumes()).anySatisfy(v -> assertThat(v.getPersistentVolumeClaim().getClaimName())
                .isEqualTo("data-heal-broker-1"));
        eventually().untilAsserted(() -> assertThat(events("heal")).anySatisfy(e -> {
            assertThat(e.getReason()).isEqualTo("PodRecreated");
            assertThat(e.getMessage()).contains("heal-broker-1").contains("rack-b");
            // What kubectl describe kafkacluster heal matches events on.
            assertThat(e.getInvolvedObject().getKind()).isEqualTo("KafkaCluster");
            assertThat(e.getInvolvedObject().getApiVersion()).isEqualTo("berth.dev/v1alpha1");
            assertThat(e.getInvolvedObject().getNamespace()).isEqualTo(NS);
            assertThat(e.getInvolvedObject().getUid()).isEqualTo(cluster.getMetadata().getUid());
            assertThat(e.getType()).isEqualTo("Normal");
        }));
        assertThat(OperatorMetrics.PODS_CREATED.labels("broker", "Recreate").get()).isEqualTo(recreatedBefore + 1);
        assertThat(get(bed, NS, "heal").getStatus().brokers()).anySatisfy(b -> {
            assertThat(b.id()).isEqualTo(1);
            assertThat(b.rack()).isEqualTo("rack-b");
        });
        // The controller is healed too.
        core.deleteNamespacedPod("heal-controller-0", NS).execute();
        eventually().until(() -> events("heal").stream().anyMatch(e -> e.getMessage().contains("heal-controller-0")));
        assertThat(pods(bed, NS, "heal")).hasSize(3);
    }

    @Test
    void aPvcThatIsGoneIsCreatedAgainAndAPodWaitsForItsOldPvcToGo() throws Exception {
        create(bed, NS, "vol", OperatorFixture.spec(1, 2, null));
        eventually().until(() -> pods(bed, NS, "vol").size() == 3);
        eventually().until(() -> pvcNames("vol").contains("data-vol-broker-1"));

        // a claim deleted while its pod exists: the pod would stay Pending; the operator creates it again
        core.deleteNamespacedPersistentVolumeClaim("data-vol-broker-0", NS).execute();
        eventually().until(() -> pvcNames("vol").contains("data-vol-broker-0"));
        eventually().until(() -> events("vol").stream().anyMatch(e -> "PvcRecreated".equals(e.getReason())
                && e.getMessage().contains("data-vol-broker-0")));

        // pod and claim deleted together, the claim held by a finalizer (as pvc-protection holds it while a
        // pod uses it): no pod may be created on the claim that is about to vanish
        String uidBefore = core.readNamespacedPersistentVolumeClaim("data-vol-broker-1", NS).execute().getMetadata().getUid();
        patchPvc("data-vol-broker-1", V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                "{\"metadata\":{\"finalizers\":[\"kubernetes.io/pvc-protection\"]}}");
        core.deleteNamespacedPersistentVolumeClaim("data-vol-broker-1", NS).execute();
        core.deleteNamespacedPod("vol-broker-1", NS).execute();
        eventually().until(() -> pods(bed, NS, "vol").stream().noneMatch(p -> p.getMetadata().getName().equals("vol-broker-1")));
        // several reconciles (interval 500 ms) pass while the claim terminates, and none creates the pod
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(10)).until(() -> pods(bed, NS, "vol").stream()
                .noneMatch(p -> p.getMetadata().getName().equals("vol-broker-1")));
        patchPvc("data-vol-broker-1", V1Patch.PATCH_FORMAT_JSON_PATCH, "[{\"op\":\"remove\",\"path\":\"/metadata/finalizers\"}]");
        eventually().until(() -> pods(bed, NS, "vol").stream().anyMatch(p -> p.getMetadata().getName().equals("vol-broker-1")));
        V1PersistentVolumeClaim fresh = core.readNamespacedPersistentVolumeClaim("data-vol-broker-1", NS).execute();
        assertThat(fresh.getMetadata().getUid()).isNotEqualTo(uidBefore);
        assertThat(fresh.getMetadata().getDeletionTimestamp()).isNull();
    }

    /** Merge-patches a KafkaCluster, as {@code kubectl patch --type merge} would. */
    private static void patchCluster(String name, String body) throws Exception {
        OperatorFixture.clusters(bed).patch(NS, name, V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, new V1Patch(body))
                .throwsApiException();
    }

    private static void patchBudget(PolicyV1Api policy, String name, String body) throws Exception {
        io.kubernetes.client.util.PatchUtils.patch(io.kubernetes.client.openapi.models.V1PodDisruptionBudget.class,
                () -> policy.patchNamespacedPodDisruptionBudget(name, NS, new V1Patch(body)).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, bed.apiClient());
    }

    /**
     * The brokers' storage flipped from network to local on a running cluster: refused, and nothing
     * is treated as local (the budget would let {@code kubectl drain} evict a network broker with its
     * leadership still on it). Set back, the cluster is valid again.
     */
    @Test
    void theBrokersKindOfStorageCannotFlipUnderRunningBrokers() throws Exception {
        create(bed, NS, "flip", OperatorFixture.spec(1, 2, null));
        eventually().until(() -> pods(bed, NS, "flip").size() == 3 && core.listNamespacedPersistentVolumeClaim(NS)
                .labelSelector("berth.dev/cluster=flip").execute().getItems().size() == 3);
        assertThat(core.readNamespacedPersistentVolumeClaim("data-flip-broker-1", NS).execute().getMetadata()
                .getAnnotations()).containsEntry("berth.dev/volume-kind", "network");
        PolicyV1Api policy = new PolicyV1Api(bed.apiClient());
        eventually().until(() -> policy.listNamespacedPodDisruptionBudget(NS).labelSelector("berth.dev/cluster=flip")
                .execute().getItems().size() == 2);

        // claim 0 as an older berth left it, without the record: its pod says what it was made for
        io.kubernetes.client.util.PatchUtils.patch(V1PersistentVolumeClaim.class,
                () -> core.patchNamespacedPersistentVolumeClaim("data-flip-broker-0", NS, new V1Patch(
                        "{\"metadata\":{\"annotations\":{\"berth.dev/volume-kind\":null}}}")).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, bed.apiClient());
        await().atMost(java.time.Duration.ofSeconds(10)).until(() -> core.readNamespacedPersistentVolumeClaim(
                "data-flip-broker-0", NS).execute().getMetadata().getAnnotations().get("berth.dev/volume-kind") == null);
        patchCluster("flip", "{\"spec\":{\"brokers\":{\"storage\":{\"local\":true}}}}");
        eventually().untilAsserted(() -> assertThat(get(bed, NS, "flip").getStatus().condition(ConditionType.SpecValid))
                .satisfies(c -> {
                    assertThat(c.isTrue()).isFalse();
                    assertThat(c.reason()).isEqualTo("StorageKindIsFixed");
                    assertThat(c.message()).startsWith("spec.brokers.storage.local is true but the broker volumes"
                            + " data-flip-broker-0, data-flip-broker-1 were created as network volumes").endsWith(
                            "set it back to false (brokers on the other kind of storage are a new cluster)");
                }));
        // every pass since the edit was refused before it touched an object: the budget is still network's
        assertThat(policy.readNamespacedPodDisruptionBudget("flip-brokers", NS).execute().getSpec().getMaxUnavailable()
                .getIntValue()).isEqualTo(0);
        // a broker pod deleted meanwhile is not created again from the refused spec
        core.deleteNamespacedPod("flip-broker-0", NS).execute();
        org.awaitility.Awaitility.await("no pod from the refused spec").during(java.time.Duration.ofSeconds(2))
                .atMost(java.time.Duration.ofSeconds(10)).until(() -> pods(bed, NS, "flip").size() == 2);

        patchCluster("flip", "{\"spec\":{\"brokers\":{\"storage\":{\"local\":false}}}}");
        eventually().until(() -> get(bed, NS, "flip").getStatus().condition(ConditionType.SpecValid).isTrue());
        eventually().until(() -> policy.readNamespacedPodDisruptionBudget("flip-brokers", NS).execute().getSpec()
                .getMaxUnavailable().getIntValue() == 0);
        eventually().until(() -> pods(bed, NS, "flip").size() == 3);
        assertThat(pods(bed, NS, "flip")).filteredOn(p -> p.getMetadata().getName().contains("broker"))
                .hasSize(2).allSatisfy(p -> assertThat(p.getMetadata().getAnnotations())
                        .doesNotContainKey("berth.dev/local-storage"));
    }

    @Test
    void theControllerQuorumCannotBeResized() throws Exception {
        create(bed, NS, "quorum", OperatorFixture.spec(1, 1, null));
        eventually().until(() -> pods(bed, NS, "quorum").size() == 2);
        String voters = core.readNamespacedConfigMap("quorum-config", NS).execute().getData().get("controller.properties");
        patchCluster("quorum", "{\"spec\":{\"controllers\":{\"replicas\":3}}}");
        eventually().untilAsserted(() -> assertThat(get(bed, NS, "quorum").getStatus().condition(ConditionType.SpecValid))
                .satisfies(c -> {
                    assertThat(c.isTrue()).isFalse();
                    assertThat(c.reason()).isEqualTo("ControllerQuorumIsFixed");
                    assertThat(c.message()).contains("set it back to 1");
                }));
        assertThat(pods(bed, NS, "quorum")).extracting(p -> p.getMetadata().getName())
                .containsExactlyInAnyOrder("quorum-controller-0", "quorum-broker-0"); // no controller 1 or 2
        assertThat(core.readNamespacedConfigMap("quorum-config", NS).execute().getData().get("controller.properties"))
                .isEqualTo(voters);
        // the ConfigMap deleted meanwhile: the quorum is read from the controllers' pods and volumes, and the edit
        // stays refused (before, the rule was off without the ConfigMap: one came back with three voters, and two
        // new controllers with empty logs beside the old quorum)
        core.deleteNamespacedConfigMap("quorum-config", NS).execute();
        await().during(Duration.ofMillis(2000)).atMost(Duration.ofSeconds(10)).until(() ->
                !get(bed, NS, "quorum").getStatus().condition(ConditionType.SpecValid).isTrue()
                        && pods(bed, NS, "quorum").size() == 2);
        patchCluster("quorum", "{\"spec\":{\"controllers\":{\"replicas\":1}}}");
        eventually().until(() -> get(bed, NS, "quorum").getStatus().condition(ConditionType.SpecValid).isTrue());
        eventually().untilAsserted(() -> assertThat(core.readNamespacedConfigMap("quorum-config", NS).execute().getData()
                .get("controller.properties")).isEqualTo(voters));
    }

    @Test
    void aClusterCreatedAgainUnderItsNameDoesNotAdoptTheOldOnesObjects() throws Exception {
        KafkaCluster first = create(bed, NS, "again", OperatorFixture.spec(1, 1, null));
        eventually().until(() -> pods(bed, NS, "again").size() == 2);
        OperatorFixture.clusters(bed).delete(NS, "again").throwsApiException();
        // the test bed has no garbage collector: the old objects stay, as they do for a while on a real cluster
        KafkaCluster second = create(bed, NS, "again", OperatorFixture.spec(1, 1, null));
        assertThat(second.getMetadata().getUid()).isNotEqualTo(first.getMetadata().getUid());
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(10)).until(() -> pods(bed, NS, "again").stream()
                .allMatch(p -> p.getMetadata().getOwnerReferences().get(0).getUid().equals(first.getMetadata().getUid())));
        // its status row says the broker has no pod: the old pod is not taken for the new cluster's
        eventually().untilAsserted(() -> assertThat(get(bed, NS, "again").getStatus().brokers())
                .singleElement().satisfies(b -> assertThat(b.phase()).isEqualTo("Missing")));

        // the garbage collector's work: then the new cluster gets its own pods, PVCs and Kafka cluster id
        for (V1Pod p : pods(bed, NS, "again")) {
            core.deleteNamespacedPod(p.getMetadata().getName(), NS).execute();
        }
        for (String pvc : pvcNames("again")) {
            core.deleteNamespacedPersistentVolumeClaim(pvc, NS).execute();
        }
        eventually().until(() -> pods(bed, NS, "again").size() == 2 && pods(bed, NS, "again").stream().allMatch(p ->
                p.getMetadata().getOwnerReferences().get(0).getUid().equals(second.getMetadata().getUid())));
        eventually().until(() -> pvcNames("again").size() == 2);
        assertThat(core.listNamespacedPersistentVolumeClaim(NS).labelSelector("berth.dev/cluster=again").execute().getItems())
                .allSatisfy(p -> assertThat(p.getMetadata().getOwnerReferences().get(0).getUid()).isEqualTo(second.getMetadata().getUid()));
    }

    @Test
    void aClusterBeingDeletedIsNotHealed() throws Exception {
        create(bed, NS, "bye", OperatorFixture.spec(1, 1, null));
        eventually().until(() -> pods(bed, NS, "bye").size() == 2);
        eventually().until(() -> readyGauge("bye") != null);
        // a finalizer holds the resource with a deletionTimestamp, as foreground deletion does while the
        // garbage collector removes the owned objects
        patchCluster("bye", "{\"metadata\":{\"finalizers\":[\"test.berth.dev/hold\"]}}");
        OperatorFixture.clusters(bed).delete(NS, "bye").throwsApiException();
        eventually().until(() -> get(bed, NS, "bye").getMetadata().getDeletionTimestamp() != null);
        eventually().until(() -> readyGauge("bye") == null); // a deleted cluster keeps no series in /metrics
        assertThat(io.prometheus.client.CollectorRegistry.defaultRegistry.getSampleValue("berth_operator_broker_leaders",
                new String[] {"namespace", "cluster", "broker"}, new String[] {NS, "bye", "0"})).isNull();
        core.deleteNamespacedPod("bye-broker-0", NS).execute(); // what the garbage collector does
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(10)).until(() -> pods(bed, NS, "bye").stream()
                .noneMatch(p -> p.getMetadata().getName().equals("bye-broker-0")));
        OperatorFixture.clusters(bed).patch(NS, "bye", V1Patch.PATCH_FORMAT_JSON_PATCH,
                new V1Patch("[{\"op\":\"remove\",\"path\":\"/metadata/finalizers\"}]")).throwsApiException();
    }

    /** {@code berth_operator_cluster_ready} of {@code cluster}, or null when it has no series. */
    private static Double readyGauge(String cluster) {
        return io.prometheus.client.CollectorRegistry.defaultRegistry.getSampleValue("berth_operator_cluster_ready",
                new String[] {"namespace", "cluster"}, new String[] {NS, cluster});
    }

    private static void patchPvc(String name, String format, String patch) throws Exception {
        io.kubernetes.client.util.PatchUtils.patch(V1PersistentVolumeClaim.class,
                () -> core.patchNamespacedPersistentVolumeClaim(name, NS, new V1Patch(patch)).buildCall(null), format,
                bed.apiClient());
    }

    private static List<String> pvcNames(String cluster) throws Exception {
        return core.listNamespacedPersistentVolumeClaim(NS).labelSelector("berth.dev/cluster=" + cluster).execute()
                .getItems().stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .map(p -> p.getMetadata().getName()).toList();
    }

    /**
     * An invalid spec changes nothing: its valid parts are not applied either (a third broker, which a valid
     * spec would create at once, and the rendered configuration). This operator runs no day-2 steps, so
     * nothing here could delete a pod whatever the spec: the scale-down tests cover that side.
     */
    @Test
    void invalidSpecYieldsItsConditionAndAppliesNothing() throws Exception {
        create(bed, NS, "bad", OperatorFixture.spec(1, 2, null));
        eventually().until(() -> pods(bed, NS, "bad").size() == 3);
        Set<String> uids = pods(bed, NS, "bad").stream().map(p -> p.getMetadata().getUid()).collect(Collectors.toSet());
        String configBefore = core.readNamespacedConfigMap("bad-config", NS).execute().getData().get("broker.properties");

        patchCluster("bad", "{\"spec\":{\"config\":{\"node.id\":\"7\",\"num.partitions\":\"many\",\"log.retention.hours\":\"72\"},"
                + "\"brokers\":{\"replicas\":3}}}");

        eventually().untilAsserted(() -> {
            Condition valid = get(bed, NS, "bad").getStatus().condition(ConditionType.SpecValid);
            assertThat(valid).isNotNull();
            assertThat(valid.status()).isEqualTo("False");
            assertThat(valid.reason()).isEqualTo("ConfigKeyOwnedByBerth");
            assertThat(valid.message()).contains("node.id").contains("spec.config.num.partitions is \"many\"");
        });
        KafkaCluster after = get(bed, NS, "bad");
        assertThat(after.getStatus().phase()).isEqualTo("Invalid");
        assertThat(after.getStatus().condition(ConditionType.Ready).reason()).isEqualTo("SpecInvalid");
        assertThat(pods(bed, NS, "bad").stream().map(p -> p.getMetadata().getUid()).collect(Collectors.toSet()))
                .as("no third broker").isEqualTo(uids);
        assertThat(core.readNamespacedConfigMap("bad-config", NS).execute().getData().get("broker.properties"))
                .isEqualTo(configBefore);
    }

    /** A name whose pods a real API server would refuse (the bed takes any): said, and nothing is created. */
    @Test
    void aClusterNameTooLongForItsPodsIsInvalidAndCreatesNothing() throws Exception {
        String name = "a-cluster-name-that-is-far-too-long-for-its-pod-hostnames";
        create(bed, NS, name, OperatorFixture.spec(1, 1, null));
        eventually().untilAsserted(() -> {
            Condition valid = get(bed, NS, name).getStatus().condition(ConditionType.SpecValid);
            assertThat(valid).isNotNull();
            assertThat(valid.status()).isEqualTo("False");
            assertThat(valid.reason()).isEqualTo("InvalidName");
        });
        assertThat(pods(bed, NS, name)).isEmpty();
    }

    @Test
    void configChangeIsRenderedIntoTheConfigMapAndPodsAreLeftAlone() throws Exception {
        create(bed, NS, "conf", OperatorFixture.spec(1, 1, null));
        eventually().until(() -> pods(bed, NS, "conf").size() == 2);
        Set<String> uids = pods(bed, NS, "conf").stream().map(p -> p.getMetadata().getUid()).collect(Collectors.toSet());
        patchCluster("conf", "{\"spec\":{\"config\":{\"log.retention.hours\":\"72\"}}}");
        eventually().until(() -> core.readNamespacedConfigMap("conf-config", NS).execute().getData()
                .get("broker.properties").endsWith("share.coordinator.state.topic.min.isr=1\nlog.retention.hours=72\n"));
        // Restarting brokers to pick it up is the day-2 configuration step's job, not this one's.
        assertThat(pods(bed, NS, "conf").stream().map(p -> p.getMetadata().getUid()).collect(Collectors.toSet()))
                .isEqualTo(uids);
        // ... and status says that the broker runs the old configuration until then
        eventually().untilAsserted(() -> assertThat(get(bed, NS, "conf").getStatus().condition(ConditionType.PodsOutOfDate))
                .satisfies(c -> {
                    assertThat(c.isTrue()).isTrue();
                    assertThat(c.message()).contains("conf-broker-0: configuration").doesNotContain("conf-controller-0");
                }));
    }

    @Test
    void unknownStorageClassCreatesNothing() throws Exception {
        create(bed, NS, "nostore", OperatorFixture.spec(1, 1, new StorageSpec("10Gi", "gold", false)));
        eventually().untilAsserted(() -> {
            Condition valid = get(bed, NS, "nostore").getStatus().condition(ConditionType.SpecValid);
            assertThat(valid).isNotNull();
            assertThat(valid.reason()).isEqualTo("UnknownStorageClass");
            assertThat(valid.message()).contains("gold").contains("local-nvme");
        });
        assertThat(pods(bed, NS, "nostore")).isEmpty();
    }

    @Test
    void aStorageClassDeletedUnderARunningClusterStopsOnlyNewVolumes() throws Exception {
        bed.loadYaml("""
                apiVersion: storage.k8s.io/v1
                kind: StorageClass
                metadata: {name: fleeting}
                provisioner: kubernetes.io/no-provisioner
                """);
        create(bed, NS, "keep", OperatorFixture.spec(1, 1, new StorageSpec("10Gi", "fleeting", false)));
        eventually().until(() -> pods(bed, NS, "keep").size() == 2 && pvcNames("keep").size() == 2);
        new io.kubernetes.client.openapi.apis.StorageV1Api(bed.apiClient()).deleteStorageClass("fleeting").execute();

        // healing needs no new volume: the broker's pod comes back on its PVC
        String uid = pods(bed, NS, "keep").stream().filter(p -> p.getMetadata().getName().equals("keep-broker-0"))
                .findFirst().orElseThrow().getMetadata().getUid();
        core.deleteNamespacedPod("keep-broker-0", NS).execute();
        eventually().until(() -> pods(bed, NS, "keep").stream().anyMatch(p -> p.getMetadata().getName().equals("keep-broker-0")
                && !p.getMetadata().getUid().equals(uid)));
        // the pass creates the pod before it writes status, and a pass right after the class went may
        // have seen a PVC missing from its cache (CI saw SpecValid=False here once): wait for the status
        eventually().until(() -> get(bed, NS, "keep").getStatus().condition(ConditionType.SpecValid).isTrue());

        // a new volume does need the class: scaling up is refused, saying which class is missing
        patchCluster("keep", "{\"spec\":{\"brokers\":{\"replicas\":2}}}");
        eventually().untilAsserted(() -> assertThat(get(bed, NS, "keep").getStatus().condition(ConditionType.SpecValid))
                .satisfies(c -> {
                    assertThat(c.isTrue()).isFalse();
                    assertThat(c.reason()).isEqualTo("UnknownStorageClass");
                    assertThat(c.message()).contains("fleeting");
                }));
        assertThat(pods(bed, NS, "keep")).extracting(p -> p.getMetadata().getName()).doesNotContain("keep-broker-1");
    }

    @Test
    void statusAndConditionsFollowTheApiConventions() throws Exception {
        KafkaCluster c = create(bed, NS, "conv", OperatorFixture.spec(1, 1, null));
        eventually().untilAsserted(() -> assertThat(get(bed, NS, "conv").getStatus().condition(ConditionType.Degraded))
                .isNotNull().extracting(Condition::reason).isEqualTo("KafkaUnreachable"));
        KafkaCluster seen = get(bed, NS, "conv");
        assertThat(seen.getStatus().observedGeneration()).isEqualTo(seen.generation());
        assertThat(seen.getStatus().conditions()).extracting(Condition::type) // sorted, no duplicates
                .containsExactly("Degraded", "OnCordonedNodes", "PlacementDrift", "PodsOutOfDate", "Ready", "Reconciling",
                        "SpecValid");
        Set<String> types = Arrays.stream(ConditionType.values()).map(Enum::name).collect(Collectors.toSet());
        for (Condition cond : seen.getStatus().conditions()) {
            assertThat(types).contains(cond.type());
            assertThat(cond.status()).isIn("True", "False", "Unknown");
            assertThat(cond.reason()).matches("[A-Z][A-Za-z0-9]*");
            assertThat(cond.message()).isNotBlank();
            assertThat(Instant.parse(cond.lastTransitionTime())).isBeforeOrEqualTo(Instant.now());
            assertThat(cond.observedGeneration()).isEqualTo(seen.generation());
        }
        assertThat(seen.getStatus().condition(ConditionType.Degraded).message()).startsWith("Kafka Admin calls fail: ");
        assertThat(seen.getStatus().ready()).isEqualTo("0/1");
        assertThat(seen.getStatus().phase()).isEqualTo("Creating");

        // A kubelet makes the pods ready: with Kafka still unreachable the cluster is Degraded, not Ready.
        for (V1Pod p : pods(bed, NS, "conv")) {
            OperatorFixture.markReady(bed, p);
        }
        eventually().until(() -> "Degraded".equals(get(bed, NS, "conv").getStatus().phase()));
        KafkaCluster degraded = get(bed, NS, "conv");
        assertThat(degraded.getStatus().ready()).isEqualTo("1/1");
        assertThat(degraded.getStatus().condition(ConditionType.Ready).status()).isEqualTo("False");
        assertThat(degraded.getStatus().condition(ConditionType.Ready).reason()).isEqualTo("KafkaUnreachable");
        assertThat(degraded.getStatus().brokers()).singleElement().satisfies(b -> assertThat(b.phase()).isEqualTo("Running"));
        // Degraded stayed True the whole time: its transition time did not move.
        assertThat(degraded.getStatus().condition(ConditionType.Degraded).lastTransitionTime())
                .isEqualTo(seen.getStatus().condition(ConditionType.Degraded).lastTransitionTime());
        assertThat(c.getMetadata().getUid()).isEqualTo(degraded.getMetadata().getUid());
    }

    @Test
    void twoOperatorInstancesElectOneLeader() {
        try (Operator a = OperatorFixture.operator(bed, OperatorFixture.electionConfig("election", "election", "op-a"));
                Operator b = OperatorFixture.operator(bed, OperatorFixture.electionConfig("election", "election", "op-b"))) {
            a.start();
            b.start();
            eventually().until(() -> a.isLeader() || b.isLeader());
            Operator first = a.isLeader() ? a : b;
            // Exactly one, and the same one, at every poll over two lease durations (4 s): it renews, and the
            // other never takes over.
            await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(20))
                    .until(() -> first.isLeader() && !(first == a ? b : a).isLeader());
            Operator leader = a.isLeader() ? a : b;
            Operator standby = leader == a ? b : a;
            leader.close();
            eventually().until(standby::isLeader);
        }
    }

    @Test
    void aLeaderThatClosesHandsItsLeaseToTheStandbyAtOnce() throws Exception {
        // a 60 s lease: had the leader not released it, the standby would wait about that long
        try (Operator first = OperatorFixture.operator(bed, longLease("op-first"));
                Operator second = OperatorFixture.operator(bed, longLease("op-second"))) {
            first.start();
            eventually().until(first::isLeader);
            second.start();
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> !second.isLeader());
            first.close();
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(second::isLeader);
            io.kubernetes.client.openapi.models.V1Lease lease = new io.kubernetes.client.openapi.apis.CoordinationV1Api(bed.apiClient())
                    .readNamespacedLease("handover", "handover").execute();
            assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("op-second");
            assertThat(first.isLeader()).isFalse();
        }
    }

    private static OperatorConfig longLease(String identity) {
        return new OperatorConfig("handover", null, Duration.ofMillis(500), "handover", "handover", identity,
                Duration.ofSeconds(60), Duration.ofSeconds(45), Duration.ofMillis(200));
    }

    /**
     * The operator as shipped: no {@code --bootstrap}, so Kafka is read at {@code <name>-bootstrap.<ns>.svc:9092},
     * which does not resolve until the first pass has created that Service (here never: the bed has no DNS).
     * The Admin client, which resolves its address when it is built, threw from the first pass before it
     * created anything, on every retry: a new cluster was never built in a real cluster. Now the Kafka side
     * says it cannot connect yet, and the cluster is built.
     */
    @Test
    void aNewClusterIsBuiltWhileItsBootstrapAddressDoesNotResolveYet() throws Exception {
        String ns = "shipped";
        try (Operator shipped = OperatorFixture.operator(bed, OperatorFixture.config(ns, null, "shipped", "op-shipped"))) {
            shipped.start();
            create(bed, ns, "fresh", OperatorFixture.spec(1, 1, null));
            eventually().until(() -> pods(bed, ns, "fresh").size() == 2);
            assertThat(core.readNamespacedService("fresh-bootstrap", ns).execute()).isNotNull();
            eventually().untilAsserted(() -> assertThat(get(bed, ns, "fresh").getStatus().condition(ConditionType.Degraded))
                    .isNotNull().satisfies(d -> {
                        assertThat(d.reason()).isEqualTo("KafkaUnreachable");
                        assertThat(d.message()).contains("no Admin client for fresh-bootstrap.shipped.svc:9092 yet");
                    }));
        }
    }

    /**
     * A replica that may not read its Lease (no RBAC for Leases in that namespace) never leads. It used to
     * answer {@code /readyz} as a ready standby while nothing reconciled; now it is not ready, and says why.
     * Once it may, it leads and the problem clears.
     */
    @Test
    void aReplicaThatCannotReadItsLeaseIsNotReadyAndSaysWhy() throws Exception {
        try (Operator op = OperatorFixture.operator(bed, OperatorFixture.electionConfig("refused", "refused", "op-r"))) {
            try (AutoCloseable noLease = bed.forbid("get", "leases", "refused")) {
                op.start();
                eventually().until(() -> op.leaseProblem() != null);
                assertThat(op.isLeader()).isFalse();
                assertThat(op.leaseProblem()).startsWith("Lease ").contains("cannot be read: Kubernetes API answered 403");
                assertThat(dev.berth.operator.cli.RunCommandAccess.notReady(op)).isEqualTo(op.leaseProblem());
            }
            eventually().until(op::isLeader);
            assertThat(op.leaseProblem()).isNull();
        }
    }

    /**
     * A leader whose caches cannot sync (here: it may not list pods, as with a Role missing {@code list pods})
     * stops leading once the wait runs out, and says why, so that {@code run} exits and a restart tries again.
     * client-java's controller used to give up after 30 s and return, leaving a leader that renewed its Lease
     * while nothing reconciled, and that answered ready once the caches synced later.
     */
    @Test
    void aLeaderWhoseCachesDoNotSyncInTimeStopsLeadingAndSaysWhy() throws Exception {
        java.util.concurrent.atomic.AtomicReference<String> stopped = new java.util.concurrent.atomic.AtomicReference<>();
        try (AutoCloseable noPods = bed.forbid("list", "pods", "unsynced");
                Operator op = new Operator(bed.informerClient(), bed.apiClient(),
                        OperatorFixture.electionConfig("unsynced", "unsynced", "op-u"), List.of(), java.time.Clock.systemUTC(),
                        Duration.ofSeconds(3))) {
            op.onStoppedLeading(stopped::set);
            op.start();
            eventually().until(() -> stopped.get() != null);
            assertThat(stopped.get()).startsWith("the leader's caches did not sync within 3 s (caches not synced: ")
                    .contains("pods list refused: HTTP 403");
            eventually().until(() -> !op.isLeader());
        }
    }

    @Test
    void leaderThatLosesItsLeaseStopsAndSaysSo() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
        try (Operator op = OperatorFixture.operator(bed, OperatorFixture.electionConfig("stolen", "stolen", "op-s"))) {
            op.onStoppedLeading(why -> stopped.set(why.equals("lost the lease stolen")));
            op.start();
            eventually().until(op::isLeader);
            // Someone else holds the Lease now (as after a network partition): renewals fail.
            String now = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
                    .withZone(java.time.ZoneOffset.UTC).format(Instant.now());
            io.kubernetes.client.openapi.apis.CoordinationV1Api coord =
                    new io.kubernetes.client.openapi.apis.CoordinationV1Api(bed.apiClient());
            io.kubernetes.client.util.PatchUtils.patch(io.kubernetes.client.openapi.models.V1Lease.class,
                    () -> coord.patchNamespacedLease("stolen", "stolen", new V1Patch("{\"spec\":{\"holderIdentity\":"
                            + "\"intruder\",\"renewTime\":\"" + now + "\",\"leaseDurationSeconds\":60}}")).buildCall(null),
                    V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, bed.apiClient());
            eventually().until(stopped::get);
            assertThat(op.isLeader()).isFalse();
        }
    }

    /** Polls a condition up to {@link #WAIT}; an API call that fails under load is retried, not fatal. */
    static ConditionFactory eventually() {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions();
    }

    static List<CoreV1Event> events(String cluster) throws Exception {
        return core.listNamespacedEvent(NS).execute().getItems().stream()
                .filter(e -> cluster.equals(e.getInvolvedObject().getName())).toList();
    }
}
