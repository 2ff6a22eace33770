package dev.berth.operator.act.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.api.BrokersSpec;
import dev.berth.operator.api.ControllersSpec;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.api.KafkaClusterSpec;
import dev.berth.operator.api.PlacementSpec;
import dev.berth.operator.api.ResourcesSpec;
import dev.berth.operator.api.StorageSpec;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1OwnerReference;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Service;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Exact outputs of every pure desired… builder for one small cluster. */
class DesiredObjectsTest {
    static final String UID = "6f1c2b7e-3d4a-4b5c-8d9e-0f1a2b3c4d5e";

    /** LOCAL's broker hash as berth 0.1 before {@link RecordedConfig} computed it: pods it created stay in date. */
    static final String PINNED_BROKER_HASH = "3cec487e4cf9b282";

    static KafkaCluster cluster(KafkaClusterSpec spec) {
        return new KafkaCluster(new V1ObjectMeta().name("demo").namespace("kafka").uid(UID).generation(1L), spec);
    }

    static final KafkaCluster LOCAL = cluster(KafkaClusterSpec.defaults()
            .withControllers(new ControllersSpec(1, null))
            .withBrokers(new BrokersSpec(3, new StorageSpec("200Gi", "local-nvme", true),
                    new ResourcesSpec(Map.of("cpu", "2", "memory", "8Gi"), Map.of("memory", "8Gi")), null))
            .withConfig(Map.of("num.partitions", "6", "auto.create.topics.enable", "false")));

    static Map<String, String> env(V1Container c) {
        return c.getEnv().stream().filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(V1EnvVar::getName, V1EnvVar::getValue));
    }

    @Test
    void brokerPodCarriesTheContract() {
        V1Pod pod = DesiredPods.broker(LOCAL, 2, null);
        assertThat(pod.getMetadata().getName()).isEqualTo("demo-broker-2");
        assertThat(pod.getMetadata().getNamespace()).isEqualTo("kafka");
        assertThat(pod.getMetadata().getLabels()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "berth.dev/cluster", "demo", "berth.dev/broker-id", "2", "berth.dev/role", "broker",
                "app.kubernetes.io/name", "kafka", "app.kubernetes.io/managed-by", "berth"));
        assertThat(pod.getMetadata().getAnnotations()).containsOnly(Map.entry("berth.dev/local-storage", "200Gi"),
                Map.entry("berth.dev/config-hash", DesiredConfigMap.configHash(LOCAL, "broker")),
                Map.entry("berth.dev/image", "apache/kafka:4.4.0"),
                Map.entry("berth.dev/resources", "{\"limits\":{\"memory\":\"8Gi\"},\"requests\":{\"cpu\":\"2\",\"memory\":\"8Gi\"}}"),
                Map.entry("berth.dev/config", "{\"auto.create.topics.enable\":\"false\",\"num.partitions\":\"6\"}"));
        assertThat(pod.getMetadata().getOwnerReferences()).containsExactly(new V1OwnerReference().apiVersion("berth.dev/v1alpha1")
                .kind("KafkaCluster").name("demo").uid(UID).controller(true).blockOwnerDeletion(true));
        assertThat(pod.getSpec().getSchedulerName()).isEqualTo("berth-scheduler");
        assertThat(pod.getSpec().getHostname()).isEqualTo("demo-broker-2");
        assertThat(pod.getSpec().getSubdomain()).isEqualTo("demo-nodes");
        V1Container kafka = pod.getSpec().getContainers().get(0);
        assertThat(kafka.getImage()).isEqualTo("apache/kafka:4.4.0");
        assertThat(kafka.getCommand()).containsExactly("/bin/bash", "/etc/berth/start.sh");
        assertThat(env(kafka)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "ROLE", "broker",
                "NODE_ID", "2",
                "ADVERTISED_LISTENERS", "PLAINTEXT://demo-broker-2.demo-nodes.kafka.svc:9092",
                "KAFKA_HEAP_OPTS", "-Xmx4096m -Xms4096m")); // half the 8Gi limit, not Kafka's fixed 1 GiB
        assertThat(kafka.getEnv()).filteredOn(e -> e.getName().equals("CLUSTER_ID")).singleElement()
                .satisfies(e -> {
                    assertThat(e.getValueFrom().getConfigMapKeyRef().getName()).isEqualTo("demo-config");
                    assertThat(e.getValueFrom().getConfigMapKeyRef().getKey()).isEqualTo("cluster.id");
                });
        assertThat(kafka.getEnv()).filteredOn(e -> e.getName().equals("BROKER_RACK")).singleElement()
                .satisfies(e -> assertThat(e.getValueFrom().getFieldRef().getFieldPath())
                        .isEqualTo("metadata.annotations['berth.dev/rack']"));
        assertThat(kafka.getResources().getRequests()).containsOnlyKeys("cpu", "memory");
        assertThat(kafka.getResources().getRequests().get("memory").toSuffixedString()).isEqualTo("8Gi");
        assertThat(kafka.getResources().getLimits()).containsOnlyKeys("memory");
        assertThat(kafka.getPorts()).singleElement().satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(9092));
        assertThat(pod.getSpec().getVolumes()).extracting(v -> v.getName()).containsExactly("data", "config");
        assertThat(pod.getSpec().getVolumes().get(0).getPersistentVolumeClaim().getClaimName()).isEqualTo("data-demo-broker-2");
        assertThat(pod.getSpec().getVolumes().get(1).getConfigMap().getName()).isEqualTo("demo-config");
        // the image runs as appuser (uid/gid 1000): its volume must be writable by that group
        assertThat(pod.getSpec().getSecurityContext().getFsGroup()).isEqualTo(1000L);
        assertThat(pod.getSpec().getSecurityContext().getFsGroupChangePolicy()).isEqualTo("OnRootMismatch");
    }

    @Test
    void theHeapIsHalfTheContainersMemoryAtMostSixGibAtLeastKafkasOwnWithoutALimit() {
        record Row(Map<String, String> requests, Map<String, String> limits, String opts) {}
        List<Row> rows = List.of(
                new Row(Map.of(), Map.of("memory", "1Gi"), "-Xmx512m -Xms512m"), // the sample's controllers
                new Row(Map.of("memory", "8Gi"), Map.of(), "-Xmx4096m -Xms4096m"), // no limit: the request
                new Row(Map.of("memory", "2Gi"), Map.of("memory", "3Gi"), "-Xmx1536m -Xms1536m"), // the limit wins
                new Row(Map.of(), Map.of("memory", "64Gi"), "-Xmx6144m -Xms6144m"), // page cache gets the rest
                new Row(Map.of(), Map.of("memory", "3000M"), "-Xmx1430m -Xms1430m"), // 3e9 bytes = 2861 MiB, halved down
                new Row(Map.of("memory", "1Gi"), Map.of(), "-Xmx1024m -Xms1024m"), // no limit: never below Kafka's 1 GiB
                new Row(Map.of("cpu", "2"), Map.of(), null), // no memory: Kafka's own default
                new Row(Map.of(), Map.of("memory", "1Mi"), null)); // nothing sensible to set
        for (Row r : rows) {
            assertThat(HeapSize.opts(new ResourcesSpec(r.requests(), r.limits()))).as(r.toString()).isEqualTo(r.opts());
        }
    }

    @Test
    void theBrokerHashOfTheSpecsOwnConfigIsThePodsAndAnyOtherConfigChangesIt() {
        assertThat(DesiredConfigMap.brokerConfigHash(LOCAL, LOCAL.getSpec().config()))
                .isEqualTo(DesiredConfigMap.configHash(LOCAL, "broker"));
        assertThat(DesiredConfigMap.brokerConfigHash(LOCAL, Map.of("num.partitions", "6")))
                .isNotEqualTo(DesiredConfigMap.configHash(LOCAL, "broker"));
        KafkaCluster other = cluster(LOCAL.getSpec().withConfig(Map.of("num.partitions", "6")));
        assertThat(DesiredConfigMap.brokerConfigHash(LOCAL, Map.of("num.partitions", "6")))
                .as("what a pod records renders to the hash it was created with")
                .isEqualTo(DesiredConfigMap.configHash(other, "broker"));
        assertThat(DesiredConfigMap.configHash(LOCAL, "broker")).as("pinned: pods created by earlier versions stay in date")
                .isEqualTo(PINNED_BROKER_HASH);
    }

    @Test
    void recordedConfigReadsBackWhatWasWrittenAndNothingElse() {
        String written = RecordedConfig.write(Map.of("b", "2", "a", "x=\"y\"\n"));
        assertThat(written).isEqualTo("{\"a\":\"x=\\\"y\\\"\\n\",\"b\":\"2\"}");
        assertThat(RecordedConfig.read(written)).containsExactly(Map.entry("a", "x=\"y\"\n"), Map.entry("b", "2"));
        assertThat(RecordedConfig.read("{}")).isEmpty();
        for (String bad : new String[] {null, "", "not json", "[1]", "{\"a\":1}", "{\"a\":null}", "{\"a\":{}}", "{\"a\""}) {
            assertThat(RecordedConfig.read(bad)).as(String.valueOf(bad)).isNull();
        }
    }

    @Test
    void recreatedBrokerPodIsStampedWithItsRememberedRack() {
        assertThat(DesiredPods.broker(LOCAL, 1, "zone-b").getMetadata().getAnnotations())
                .containsExactlyInAnyOrderEntriesOf(Map.of("berth.dev/rack", "zone-b", "berth.dev/local-storage", "200Gi",
                        "berth.dev/config-hash", DesiredConfigMap.configHash(LOCAL, "broker"),
                        "berth.dev/config", RecordedConfig.write(LOCAL.getSpec().config()),
                        "berth.dev/image", "apache/kafka:4.4.0",
                        "berth.dev/resources", RecordedResources.write(LOCAL.getSpec().brokers().resources())));
    }

    @Test
    void disruptionBudgetsKeepEvictionsOffBrokersBerthCanMoveAndOneAtATimeElsewhere() {
        KafkaCluster network = cluster(KafkaClusterSpec.defaults().withControllers(new ControllersSpec(3, null)));
        StorageSpec localDisk = new StorageSpec("10Gi", "local-nvme", true);
        KafkaCluster localThree = cluster(KafkaClusterSpec.defaults().withControllers(new ControllersSpec(3, localDisk)));
        KafkaCluster localFive = cluster(KafkaClusterSpec.defaults().withControllers(new ControllersSpec(5, localDisk)));
        KafkaCluster localOne = cluster(KafkaClusterSpec.defaults().withControllers(new ControllersSpec(1, localDisk)));
        // none allowed: maxUnavailable 0; some: an integer minAvailable, the only form Kubernetes resolves over
        // pods whose owner (the KafkaCluster) has no scale subresource (a maxUnavailable budget fails to sync
        // and allows no eviction at all)
        record Case(KafkaCluster c, String name, int pods, Integer maxUnavailable, Integer minAvailable, String role) {}
        Case[] cases = {
            new Case(network, "demo-brokers", 3, 0, null, "broker"), // berth moves them itself, leader-aware
            new Case(LOCAL, "demo-brokers", 3, null, 2, "broker"), // their data stays on the node: one at a time
            new Case(LOCAL, "demo-brokers", 4, null, 3, "broker"), // a fourth pod (one draining away): still one
            new Case(LOCAL, "demo-brokers", 1, null, 2, "broker"), // pods still being created: the spec's 3 count
            new Case(network, "demo-controllers", 3, 0, null, "controller"), // berth moves them itself, quorum-aware
            new Case(LOCAL, "demo-controllers", 1, 0, null, "controller"), // (LOCAL's controllers are on network storage)
            new Case(localThree, "demo-controllers", 3, null, 2, "controller"), // 3 voters keep a majority of 2
            new Case(localFive, "demo-controllers", 5, null, 3, "controller"),
            new Case(localOne, "demo-controllers", 1, 0, null, "controller"), // a single controller is the whole quorum
        };
        for (Case k : cases) {
            V1PodDisruptionBudget pdb = DesiredDisruptionBudgets.all(k.c(), k.pods(), k.pods()).stream()
                    .filter(b -> b.getMetadata().getName().equals(k.name())).findFirst().orElseThrow();
            assertThat(DesiredDisruptionBudgets.maxUnavailable(pdb)).as(k.toString()).isEqualTo(k.maxUnavailable());
            assertThat(DesiredDisruptionBudgets.minAvailable(pdb)).as(k.toString()).isEqualTo(k.minAvailable());
            assertThat(pdb.getSpec().getSelector().getMatchLabels())
                    .isEqualTo(Map.of("berth.dev/cluster", "demo", "berth.dev/role", k.role()));
            assertThat(pdb.getMetadata().getNamespace()).isEqualTo("kafka");
            assertThat(pdb.getMetadata().getLabels()).containsEntry("berth.dev/cluster", "demo");
            assertThat(pdb.getMetadata().getOwnerReferences()).singleElement()
                    .satisfies(o -> assertThat(o.getUid()).isEqualTo(UID));
            assertThat(pdb.getApiVersion() + " " + pdb.getKind()).isEqualTo("policy/v1 PodDisruptionBudget");
            assertThat(DesiredDisruptionBudgets.same(pdb, pdb)).isTrue();
        }
        V1PodDisruptionBudget desired = DesiredDisruptionBudgets.brokers(LOCAL, 3);
        V1PodDisruptionBudget percent = DesiredDisruptionBudgets.brokers(LOCAL, 3);
        percent.getSpec().setMinAvailable(new io.kubernetes.client.custom.IntOrString("66%"));
        assertThat(DesiredDisruptionBudgets.minAvailable(percent)).as("a percentage is no number").isNull();
        assertThat(DesiredDisruptionBudgets.same(percent, desired)).as("a percentage is never the spec's").isFalse();
        assertThat(DesiredDisruptionBudgets.same(DesiredDisruptionBudgets.brokers(LOCAL, 4), desired))
                .as("a pod more: set again").isFalse();
        V1PodDisruptionBudget old = DesiredDisruptionBudgets.brokers(LOCAL, 3);
        old.getSpec().minAvailable(null).maxUnavailable(new io.kubernetes.client.custom.IntOrString(1));
        assertThat(DesiredDisruptionBudgets.same(old, desired)).as("an older berth's maxUnavailable: 1").isFalse();
    }

    @Test
    void aBrokerMovedOffANodeIsToldToAvoidIt() {
        assertThat(DesiredPods.broker(LOCAL, 1, "zone-b", "node-7").getMetadata().getAnnotations())
                .containsEntry("berth.dev/avoid-node", "node-7").containsEntry("berth.dev/rack", "zone-b");
        assertThat(DesiredPods.broker(LOCAL, 1, "zone-b", null).getMetadata().getAnnotations())
                .doesNotContainKey("berth.dev/avoid-node");
        assertThat(DesiredPods.broker(LOCAL, 1, "zone-b", "").getMetadata().getAnnotations())
                .doesNotContainKey("berth.dev/avoid-node");
    }

    @Test
    void networkStorageBrokerHasNoLocalStorageAnnotationAndCustomSchedulerIsUsed() {
        KafkaCluster c = cluster(KafkaClusterSpec.defaults().withControllers(new ControllersSpec(1, null)));
        c.setSpec(new KafkaClusterSpec(null, "registry.local/kafka:4.4.0", null, null, null,
                new PlacementSpec("my-scheduler", null), null));
        V1Pod pod = DesiredPods.broker(c, 0, null);
        assertThat(pod.getMetadata().getAnnotations()).containsOnly(Map.entry("berth.dev/config-hash",
                DesiredConfigMap.configHash(c, "broker")), Map.entry("berth.dev/config", "{}"),
                Map.entry("berth.dev/image", "registry.local/kafka:4.4.0"),
                Map.entry("berth.dev/resources", "{\"limits\":{},\"requests\":{}}")); // no local-storage
        assertThat(pod.getSpec().getSchedulerName()).isEqualTo("my-scheduler");
        assertThat(pod.getSpec().getContainers().get(0).getImage()).isEqualTo("registry.local/kafka:4.4.0");
        assertThat(pod.getSpec().getContainers().get(0).getResources()).isNull(); // no requests: LimitRange decides
    }

    /**
     * Kafka reads broker.properties with java.util.Properties in ISO-8859-1: every spec.config value
     * must come back exactly, and none may smuggle in a line of its own (a berth-owned key).
     */
    @Test
    void configValuesComeBackExactlyAndCannotAddKeys() throws Exception {
        Map<String, String> config = new java.util.LinkedHashMap<>();
        config.put("log.cleanup.policy", "delete\nlog.dirs=/tmp/ephemeral");
        config.put("sasl.jaas.config", "org.x.Module required path=\"C:\\keys\\a\" user=\"ü\u20ac\";");
        config.put("ssl.cipher.suites", " leading blank, tab\there\r\fand =:#! signs");
        config.put("log.retention.hours", "72");
        KafkaCluster c = cluster(KafkaClusterSpec.defaults().withConfig(config));
        String rendered = DesiredConfigMap.build(c).getData().get("broker.properties");
        java.util.Properties read = new java.util.Properties();
        read.load(new java.io.ByteArrayInputStream(rendered.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
        config.forEach((k, v) -> assertThat(read.getProperty(k)).as(k).isEqualTo(v));
        assertThat(read.getProperty("log.dirs")).isEqualTo(Names.LOG_DIR);
        assertThat(rendered.chars().allMatch(ch -> ch == '\n' || (ch >= 0x20 && ch <= 0x7e))).as("plain ASCII lines").isTrue();
    }

    @Test
    void controllersAreSpreadOverNodesAndOverTheRacksOfTheRackLabel() {
        KafkaClusterSpec base = KafkaClusterSpec.defaults();
        KafkaCluster custom = cluster(new KafkaClusterSpec(base.kafkaVersion(), base.image(), base.config(), base.controllers(),
                base.brokers(), new dev.berth.operator.api.PlacementSpec(null, "example.com/rack"), base.rebalance()));
        for (KafkaCluster c : List.of(LOCAL, custom)) {
            V1Pod pod = DesiredPods.controller(c, 1, null);
            Map<String, String> controllers = Map.of("berth.dev/cluster", "demo", "berth.dev/role", "controller");
            assertThat(pod.getMetadata().getLabels()).containsAllEntriesOf(controllers); // the selector finds its peers
            var preferred = pod.getSpec().getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution();
            assertThat(preferred).singleElement().satisfies(t -> {
                assertThat(t.getWeight()).isEqualTo(100);
                assertThat(t.getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname");
                assertThat(t.getPodAffinityTerm().getLabelSelector().getMatchLabels()).isEqualTo(controllers);
            });
            assertThat(pod.getSpec().getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution())
                    .as("a one-node trial must still run its quorum").isNullOrEmpty();
            assertThat(pod.getSpec().getTopologySpreadConstraints()).singleElement().satisfies(t -> {
                assertThat(t.getTopologyKey()).isEqualTo(c.getSpec().placement().rackLabel());
                assertThat(t.getMaxSkew()).isEqualTo(1);
                assertThat(t.getWhenUnsatisfiable()).isEqualTo("ScheduleAnyway");
                assertThat(t.getLabelSelector().getMatchLabels()).isEqualTo(controllers);
            });
        }
        assertThat(DesiredPods.controller(custom, 0, null).getSpec().getTopologySpreadConstraints().get(0).getTopologyKey())
                .isEqualTo("example.com/rack");
        // brokers are the extender's: no spread of berth's own that could fight its rules
        assertThat(DesiredPods.broker(LOCAL, 1, null).getSpec().getTopologySpreadConstraints()).isNullOrEmpty();
    }

    /**
     * The extender's one-broker-per-node rule, also as kube-scheduler's required anti-affinity: it counts
     * the brokers kube-scheduler assumed onto a node before their bind reached the extender.
     */
    @Test
    void brokersOfOneClusterRequireDifferentNodes() {
        V1Pod pod = DesiredPods.broker(LOCAL, 1, null);
        Map<String, String> brokers = Map.of("berth.dev/cluster", "demo", "berth.dev/role", "broker");
        assertThat(pod.getMetadata().getLabels()).containsAllEntriesOf(brokers);
        var anti = pod.getSpec().getAffinity().getPodAntiAffinity();
        assertThat(anti.getPreferredDuringSchedulingIgnoredDuringExecution()).isNullOrEmpty();
        assertThat(anti.getRequiredDuringSchedulingIgnoredDuringExecution()).singleElement().satisfies(t -> {
            assertThat(t.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
            assertThat(t.getLabelSelector().getMatchLabels()).isEqualTo(brokers);
            assertThat(t.getLabelSelector().getMatchExpressions()).isNullOrEmpty();
        });
        assertThat(pod.getSpec().getAffinity().getNodeAffinity()).as("where to go is the extender's").isNull();
    }

    @Test
    void controllerPodUsesIdsFromOneThousandAndTheDefaultScheduler() {
        V1Pod pod = DesiredPods.controller(LOCAL, 0, null);
        assertThat(pod.getMetadata().getName()).isEqualTo("demo-controller-0");
        assertThat(pod.getMetadata().getLabels()).containsEntry("berth.dev/role", "controller")
                .containsEntry("berth.dev/broker-id", "1000");
        assertThat(pod.getMetadata().getAnnotations()).containsOnlyKeys("berth.dev/config-hash", "berth.dev/image",
                "berth.dev/resources"); // local-storage is a broker contract
        assertThat(pod.getSpec().getContainers().get(0).getResources()).as("none by default: LimitRange decides").isNull();
        KafkaCluster sized = cluster(LOCAL.getSpec().withControllers(new ControllersSpec(1, null,
                new ResourcesSpec(Map.of("cpu", "500m", "memory", "1Gi"), Map.of("memory", "1Gi")))));
        var res = DesiredPods.controller(sized, 0, null).getSpec().getContainers().get(0).getResources();
        assertThat(res.getRequests()).containsOnlyKeys("cpu", "memory");
        assertThat(res.getRequests().get("cpu").getNumber()).isEqualByComparingTo("0.5");
        assertThat(res.getLimits().get("memory").getNumber()).isEqualByComparingTo(String.valueOf(1L << 30));
        assertThat(DesiredPods.broker(sized, 0, null).getSpec().getContainers().get(0).getResources().getRequests())
                .as("the brokers keep theirs").containsOnlyKeys("cpu", "memory").containsEntry("memory",
                        io.kubernetes.client.custom.Quantity.fromString("8Gi"));
        assertThat(pod.getSpec().getSchedulerName()).isNull();
        assertThat(pod.getSpec().getSecurityContext().getFsGroup()).isEqualTo(1000L);
        assertThat(env(pod.getSpec().getContainers().get(0))).containsEntry("NODE_ID", "1000")
                .containsEntry("ROLE", "controller")
                .containsEntry("ADVERTISED_LISTENERS", "CONTROLLER://demo-controller-0.demo-nodes.kafka.svc:9093");
        assertThat(pod.getSpec().getContainers().get(0).getEnv()).noneMatch(e -> e.getName().equals("BROKER_RACK"));
    }

    @Test
    void pvcsFollowTheirRolesStorage() {
        V1PersistentVolumeClaim b = DesiredPvcs.broker(LOCAL, 2);
        assertThat(b.getMetadata().getName()).isEqualTo("data-demo-broker-2");
        assertThat(b.getMetadata().getLabels()).containsEntry("berth.dev/broker-id", "2");
        assertThat(b.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
        assertThat(b.getSpec().getStorageClassName()).isEqualTo("local-nvme");
        assertThat(b.getSpec().getResources().getRequests().get("storage").toSuffixedString()).isEqualTo("200Gi");
        assertThat(b.getMetadata().getOwnerReferences()).hasSize(1);
        V1PersistentVolumeClaim c = DesiredPvcs.controller(LOCAL, 0);
        assertThat(c.getMetadata().getName()).isEqualTo("data-demo-controller-0");
        assertThat(c.getSpec().getStorageClassName()).isNull(); // default class
        assertThat(c.getSpec().getResources().getRequests().get("storage").toSuffixedString()).isEqualTo("10Gi");
        assertThat(c.getMetadata().getAnnotations()).as("controllers' storage is not judged by kind")
                .satisfiesAnyOf(a -> assertThat(a).isNull(), a -> assertThat(a).doesNotContainKey("berth.dev/volume-kind"));
    }

    /**
     * Each broker claim records its kind of volume, and reading the claims back gives it by name; a
     * claim without the record (an older berth's) takes its pod's, and one being deleted still counts.
     */
    @Test
    void brokerClaimsRecordWhetherTheyAreLocalOrNetworkVolumes() {
        KafkaCluster network = cluster(LOCAL.getSpec().withBrokers(
                LOCAL.getSpec().brokers().withStorage(new StorageSpec("100Gi", null, false))));
        V1PersistentVolumeClaim local0 = DesiredPvcs.broker(LOCAL, 0);
        V1PersistentVolumeClaim network1 = DesiredPvcs.broker(network, 1);
        assertThat(local0.getMetadata().getAnnotations()).containsExactlyEntriesOf(Map.of("berth.dev/volume-kind", "local"));
        assertThat(network1.getMetadata().getAnnotations()).containsExactlyEntriesOf(Map.of("berth.dev/volume-kind", "network"));
        V1PersistentVolumeClaim going = DesiredPvcs.broker(network, 2); // kubectl delete pvc: Terminating while mounted
        going.getMetadata().deletionTimestamp(java.time.OffsetDateTime.now());
        V1PersistentVolumeClaim olderLocal = DesiredPvcs.broker(LOCAL, 3); // from a berth that did not record it
        olderLocal.getMetadata().setAnnotations(null);
        V1PersistentVolumeClaim olderNetwork = DesiredPvcs.broker(network, 4);
        olderNetwork.getMetadata().setAnnotations(null);
        V1PersistentVolumeClaim olderAlone = DesiredPvcs.broker(network, 5); // and no pod to tell
        olderAlone.getMetadata().setAnnotations(null);
        Map<String, V1Pod> pods = Map.of("demo-broker-3", DesiredPods.broker(LOCAL, 3, null),
                "demo-broker-4", DesiredPods.broker(network, 4, null));
        assertThat(DesiredPvcs.brokerVolumeKinds(List.of(network1, DesiredPvcs.controller(LOCAL, 0), local0, going,
                olderLocal, olderNetwork, olderAlone), pods)).containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of(
                        "data-demo-broker-0", "local", "data-demo-broker-1", "network", "data-demo-broker-2", "network",
                        "data-demo-broker-3", "local", "data-demo-broker-4", "network")));
    }

    @Test
    void servicesAreHeadlessForPodDnsAndClusterIpForClients() {
        V1Service h = DesiredServices.headless(LOCAL);
        assertThat(h.getMetadata().getName()).isEqualTo("demo-nodes");
        assertThat(h.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(h.getSpec().getPublishNotReadyAddresses()).isTrue();
        assertThat(h.getSpec().getSelector()).containsExactlyEntriesOf(Map.of("berth.dev/cluster", "demo"));
        assertThat(h.getSpec().getPorts()).extracting(p -> p.getName() + ":" + p.getPort())
                .containsExactly("client:9092", "controller:9093");
        V1Service b = DesiredServices.bootstrap(LOCAL);
        assertThat(b.getMetadata().getName()).isEqualTo("demo-bootstrap");
        assertThat(b.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(b.getSpec().getSelector()).containsExactlyInAnyOrderEntriesOf(
                Map.of("berth.dev/cluster", "demo", "berth.dev/role", "broker"));
        assertThat(b.getSpec().getPorts()).extracting(p -> p.getName() + ":" + p.getPort()).containsExactly("client:9092");
        assertThat(Names.bootstrapAddress("demo", "kafka")).isEqualTo("demo-bootstrap.kafka.svc:9092");
    }

    /** Internal topics fit the cluster: Kafka's RF 3 cannot be created on one or two brokers. */
    @Test
    void internalTopicsAreReplicatedAsWidelyAsTheClusterAllowsUnlessTheSpecSays() {
        record Row(int brokers, Map<String, String> config, String rf, String isr) {}
        for (Row row : List.of(
                new Row(1, Map.of(), "1", "1"),
                new Row(2, Map.of(), "2", "2"),
                new Row(3, Map.of(), "3", "2"),
                new Row(7, Map.of(), "3", "2"),
                new Row(3, Map.of("offsets.topic.replication.factor", "2", "transaction.state.log.min.isr", "1"), "2", "1"),
                // the spec's RF for the transaction log: its min ISR follows it, not the cluster's size
                new Row(5, Map.of("transaction.state.log.replication.factor", "1"), "3", "1"))) {
            KafkaCluster c = cluster(KafkaClusterSpec.defaults().withBrokers(new BrokersSpec(row.brokers(), null, null, null))
                    .withConfig(row.config()));
            java.util.Properties p = new java.util.Properties();
            try {
                p.load(new java.io.StringReader(DesiredConfigMap.build(c).getData().get("broker.properties")));
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            assertThat(p.getProperty("offsets.topic.replication.factor")).as("%s", row).isEqualTo(row.rf());
            assertThat(p.getProperty("transaction.state.log.min.isr")).as("%s", row).isEqualTo(row.isr());
            if (row.config().isEmpty()) {
                assertThat(p.getProperty("transaction.state.log.replication.factor")).isEqualTo(row.rf());
                assertThat(p.getProperty("share.coordinator.state.topic.replication.factor")).isEqualTo(row.rf());
                assertThat(p.getProperty("share.coordinator.state.topic.min.isr")).isEqualTo(row.isr());
            }
        }
    }

    @Test
    void configMapRendersOneFilePerRoleFromSpec() {
        V1ConfigMap cm = DesiredConfigMap.build(cluster(LOCAL.getSpec().withControllers(new ControllersSpec(3, null))));
        assertThat(cm.getMetadata().getName()).isEqualTo("demo-config");
        assertThat(cm.getData()).containsOnlyKeys("broker.properties", "controller.properties", "start.sh", "cluster.id");
        String voters = "1000@demo-controller-0.demo-nodes.kafka.svc:9093,1001@demo-controller-1.demo-nodes.kafka.svc:9093,"
                + "1002@demo-controller-2.demo-nodes.kafka.svc:9093";
        assertThat(cm.getData().get("broker.properties")).isEqualTo("""
                # Rendered by berth from KafkaCluster demo; per-pod keys are appended by start.sh.
                process.roles=broker
                listeners=PLAINTEXT://:9092
                listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
                inter.broker.listener.name=PLAINTEXT
                controller.listener.names=CONTROLLER
                controller.quorum.voters=%s
                log.dirs=/var/lib/kafka/data/kafka
                offsets.topic.replication.factor=3
                transaction.state.log.replication.factor=3
                transaction.state.log.min.isr=2
                share.coordinator.state.topic.replication.factor=3
                share.coordinator.state.topic.min.isr=2
                auto.create.topics.enable=false
                num.partitions=6
                """.formatted(voters));
        assertThat(cm.getData().get("controller.properties")).isEqualTo("""
                # Rendered by berth from KafkaCluster demo; per-pod keys are appended by start.sh.
                process.roles=controller
                listeners=CONTROLLER://:9093
                listener.security.protocol.map=CONTROLLER:PLAINTEXT
                controller.listener.names=CONTROLLER
                controller.quorum.voters=%s
                log.dirs=/var/lib/kafka/data/kafka
                num.partitions=6
                """.formatted(voters));
        assertThat(cm.getData().get("start.sh"))
                .contains("cp \"/etc/berth/${ROLE}.properties\" /tmp/server.properties")
                .contains("if [ -n \"${BROKER_RACK:-}\" ]; then echo \"broker.rack=${BROKER_RACK}\"; fi")
                .contains("kafka-storage.sh format --ignore-formatted -t \"${CLUSTER_ID}\"")
                .endsWith("exec /opt/kafka/bin/kafka-server-start.sh /tmp/server.properties\n");
    }

    /**
     * The controllers fill a CreateTopics' missing partition count and replication factor and run the
     * elections, so those keys roll them; a key only brokers read does not.
     */
    @Test
    void theControllersConfigHashFollowsTheKeysTheyActOnOnly() {
        String base = DesiredConfigMap.configHash(LOCAL, Names.ROLE_CONTROLLER);
        for (String key : DesiredConfigMap.CONTROLLER_KEYS) {
            Map<String, String> config = new java.util.HashMap<>(LOCAL.getSpec().config());
            config.put(key, key.equals("num.partitions") ? "12" : "2");
            KafkaCluster set = cluster(LOCAL.getSpec().withConfig(config));
            assertThat(DesiredConfigMap.configHash(set, Names.ROLE_CONTROLLER)).as(key).isNotEqualTo(base);
        }
        KafkaCluster retention = cluster(LOCAL.getSpec().withConfig(Map.of("num.partitions", "6",
                "auto.create.topics.enable", "false", "log.retention.ms", "3600000")));
        assertThat(DesiredConfigMap.configHash(retention, Names.ROLE_CONTROLLER)).isEqualTo(base);
        assertThat(DesiredConfigMap.configHash(retention, Names.ROLE_BROKER))
                .isNotEqualTo(DesiredConfigMap.configHash(LOCAL, Names.ROLE_BROKER));
    }

    /**
     * The cluster id is written once into the ConfigMap and kept: a KafkaCluster deleted with
     * {@code --cascade=orphan} and created again has a new uid, but adopts the volumes formatted with the
     * old id. Its pods must keep formatting with that one. A ConfigMap of an older berth, without the key,
     * takes the id its pods were given.
     */
    @Test
    void theClusterIdIsKeptFromTheConfigMapOrThePodsOfAnAdoptedCluster() {
        assertThat(DesiredConfigMap.build(LOCAL).getData()).containsEntry("cluster.id", "bxwrfj1KS1yNng8aKzxNXg");
        KafkaCluster again = new KafkaCluster(new io.kubernetes.client.openapi.models.V1ObjectMeta().name("demo")
                .namespace("kafka").uid("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d").generation(1L), LOCAL.getSpec());
        V1ConfigMap adopted = DesiredConfigMap.build(LOCAL);
        assertThat(DesiredConfigMap.build(again, adopted, List.of()).getData()).as("kept from the ConfigMap")
                .containsEntry("cluster.id", "bxwrfj1KS1yNng8aKzxNXg");
        V1Pod older = DesiredPods.broker(LOCAL, 0, null);
        older.getSpec().getContainers().get(0).getEnv().removeIf(e -> e.getName().equals("CLUSTER_ID"));
        older.getSpec().getContainers().get(0).addEnvItem(new V1EnvVar().name("CLUSTER_ID").value("OlderBerthsId12345678A"));
        V1ConfigMap withoutKey = DesiredConfigMap.build(LOCAL);
        withoutKey.getData().remove("cluster.id");
        assertThat(DesiredConfigMap.build(again, withoutKey, List.of(older)).getData()).as("kept from a pod's variable")
                .containsEntry("cluster.id", "OlderBerthsId12345678A");
        assertThat(DesiredConfigMap.build(again, null, List.of()).getData()).as("a new cluster: from its uid")
                .containsEntry("cluster.id", DesiredConfigMap.kafkaClusterId(again));
        // an id with a leading '-' (berth before it avoided them) never formatted a volume: replaced, not kept
        V1ConfigMap dashed = DesiredConfigMap.build(LOCAL);
        dashed.getData().put("cluster.id", "-AAAAAAAQACAAAAAAAAAAA");
        assertThat(DesiredConfigMap.build(again, dashed, List.of()).getData()).as("a dashed id is replaced")
                .containsEntry("cluster.id", DesiredConfigMap.kafkaClusterId(again));
        older.getSpec().getContainers().get(0).getEnv().removeIf(e -> e.getName().equals("CLUSTER_ID"));
        older.getSpec().getContainers().get(0).addEnvItem(new V1EnvVar().name("CLUSTER_ID").value("-AAAAAAAQACAAAAAAAAAAA"));
        assertThat(DesiredConfigMap.build(again, withoutKey, List.of(older)).getData()).as("so is a pod's dashed id")
                .containsEntry("cluster.id", DesiredConfigMap.kafkaClusterId(again));
    }

    @Test
    void kafkaClusterIdIsTheUidInKafkasEncoding() {
        // 6f1c2b7e-3d4a-4b5c-8d9e-0f1a2b3c4d5e as 16 bytes, URL-safe base64 without padding: 22 characters.
        assertThat(DesiredConfigMap.kafkaClusterId(LOCAL)).isEqualTo("bxwrfj1KS1yNng8aKzxNXg").hasSize(22);
        assertThat(org.apache.kafka.common.Uuid.fromString(DesiredConfigMap.kafkaClusterId(LOCAL)).toString())
                .isEqualTo("bxwrfj1KS1yNng8aKzxNXg");
    }

    @Test
    void theQuorumACreatedClusterHasIsReadFromItsControllersPodsAndVolumesWhenTheConfigMapIsGone() {
        assertThat(DesiredConfigMap.controllersCreated("demo", List.of(), List.of())).as("nothing created").isNull();
        assertThat(DesiredConfigMap.controllersCreated("demo", List.of(1000), List.of("data-demo-controller-0",
                "data-demo-controller-1", "data-demo-controller-2", "data-demo-broker-7"))).isEqualTo(3);
        assertThat(DesiredConfigMap.controllersCreated("demo", List.of(1000, 1004), List.of())).as("a pod's id").isEqualTo(5);
        assertThat(DesiredConfigMap.controllersCreated("demo", List.of(), List.of("data-demo-controller-x",
                "data-demo-controllers-2", "data-demox-controller-9"))).as("not berth's names").isNull();
    }

    @Test
    void kafkaClusterIdNeverStartsWithADashWhichTheStorageToolTakesForAnOption() {
        record Case(String uid, String id) {}
        Case[] cases = {
            new Case("f8000000-0000-4000-8000-000000000000", "eAAAAAAAQACAAAAAAAAAAA"), // 111110|00: '-' without the fix
            new Case("fbffffff-ffff-4fff-bfff-ffffffffffff", "e_______T_-__________w"), // 111110|11: the last one
            new Case("f7ffffff-ffff-4fff-bfff-ffffffffffff", "9_______T_-__________w"), // 111101: '9', untouched
            new Case("fc000000-0000-4000-8000-000000000000", "_AAAAAAAQACAAAAAAAAAAA"), // 111111: '_', untouched
        };
        for (Case k : cases) {
            KafkaCluster c = new KafkaCluster(new io.kubernetes.client.openapi.models.V1ObjectMeta().name("demo")
                    .namespace("kafka").uid(k.uid()).generation(1L), LOCAL.getSpec());
            assertThat(DesiredConfigMap.kafkaClusterId(c)).as(k.uid()).isEqualTo(k.id());
        }
    }

    @Test
    void everyOwnedObjectHasKindAndOneControllerOwner() {
        List<Object> all = List.of(DesiredPods.broker(LOCAL, 0, null), DesiredPods.controller(LOCAL, 0, null),
                DesiredPvcs.broker(LOCAL, 0), DesiredPvcs.controller(LOCAL, 0), DesiredServices.headless(LOCAL),
                DesiredServices.bootstrap(LOCAL), DesiredConfigMap.build(LOCAL));
        for (Object o : all) {
            io.kubernetes.client.common.KubernetesObject k = (io.kubernetes.client.common.KubernetesObject) o;
            assertThat(k.getApiVersion()).isEqualTo("v1");
            assertThat(k.getKind()).isNotBlank();
            assertThat(k.getMetadata().getOwnerReferences()).singleElement()
                    .satisfies(r -> assertThat(r.getController()).isTrue());
            assertThat(k.getMetadata().getLabels()).containsEntry("berth.dev/cluster", "demo");
        }
    }
}
