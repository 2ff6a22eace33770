package dev.berth.operator.act;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.act.desired.DesiredPods;
import dev.berth.operator.api.BrokersSpec;
import dev.berth.operator.api.ControllersSpec;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.api.KafkaClusterSpec;
import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.api.ResourcesSpec;
import dev.berth.operator.observe.KubeView;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class PodDriftTest {
    static final KafkaClusterSpec BASE = KafkaClusterSpec.defaults().withControllers(new ControllersSpec(1, null))
            .withBrokers(new BrokersSpec(1, null, null, null));

    static KafkaCluster cluster(KafkaClusterSpec spec) {
        return new KafkaCluster(new V1ObjectMeta().name("demo").namespace("kafka").uid("6f1c2b7e-3d4a-4b5c-8d9e-0f1a2b3c4d5e")
                .generation(1L), spec);
    }

    /** The pods as the operator created them from {@code BASE}, each changed by {@code edit}. */
    static List<String> drift(KafkaClusterSpec now, UnaryOperator<V1Pod> edit) {
        return drift(BASE, now, edit);
    }

    /** The pods as the operator created them from {@code created}, each changed by {@code edit}, judged against {@code now}. */
    static List<String> drift(KafkaClusterSpec created, KafkaClusterSpec now, UnaryOperator<V1Pod> edit) {
        KafkaCluster then = cluster(created);
        return PodDrift.of(cluster(now), StatusBuilderTest.view(edit.apply(DesiredPods.broker(then, 0, null)),
                edit.apply(DesiredPods.controller(then, 0, null))));
    }

    /** A pod from a berth that did not record its resources: judged by its container. */
    static V1Pod olderBerth(V1Pod p) {
        p.getMetadata().getAnnotations().remove("berth.dev/resources");
        return p;
    }

    /**
     * Resources are judged against what the pod was created for ({@code berth.dev/resources}), not what admission
     * left in the container. On GKE Autopilot or under OpenShift's ClusterResourceOverride, a pod asked for cpu 2
     * runs with other amounts: judged by its container, it and every replacement read out of date, for ever.
     */
    @Test
    void resourcesAreJudgedByWhatThePodWasCreatedFor() {
        KafkaClusterSpec cpu = BASE.withBrokers(new BrokersSpec(1, null, new ResourcesSpec(Map.of("cpu", "2"), Map.of()), null));
        KafkaClusterSpec cpuMilli = BASE.withBrokers(new BrokersSpec(1, null, new ResourcesSpec(Map.of("cpu", "2000m"), Map.of()), null));
        UnaryOperator<V1Pod> admitted = p -> {
            if (p.getMetadata().getName().contains("broker")) {
                p.getSpec().getContainers().get(0).resources(new io.kubernetes.client.openapi.models.V1ResourceRequirements()
                        .requests(Map.of("cpu", io.kubernetes.client.custom.Quantity.fromString("2250m")))
                        .limits(Map.of("cpu", io.kubernetes.client.custom.Quantity.fromString("2250m"))));
            }
            return p;
        };
        assertThat(drift(cpu, cpu, admitted)).as("rewritten at admission: runs the spec").isEmpty();
        assertThat(drift(cpu, cpu, p -> olderBerth(admitted.apply(p)))).as("no record: the container, as before")
                .containsExactly("demo-broker-0: resources");
        assertThat(drift(cpu, cpuMilli, admitted)).as("the same amount written another way").isEmpty();
        assertThat(drift(cpu, BASE, p -> p)).as("a request taken out of the spec").containsExactly("demo-broker-0: resources");
        assertThat(drift(BASE, cpu, p -> p)).as("a request put in").containsExactly("demo-broker-0: resources");
        assertThat(drift(cpu, cpu, p -> {
            p.getMetadata().getAnnotations().put("berth.dev/resources", "{\"requests\":{\"cpu\":\"lots\"},\"limits\":{}}");
            return p;
        })).as("a record edited into no quantity: the container").isEmpty();
    }

    record Row(String why, KafkaClusterSpec now, UnaryOperator<V1Pod> edit, List<String> expected) {}

    @Test
    void podsThatDoNotRunTheSpecAreNamedWithWhatDiffers() {
        KafkaClusterSpec image = new KafkaClusterSpec(null, "apache/kafka:4.4.1", null, BASE.controllers(), BASE.brokers(), null, null);
        KafkaClusterSpec cpu = BASE.withBrokers(new BrokersSpec(1, null, new ResourcesSpec(Map.of("cpu", "2"), Map.of()), null));
        KafkaClusterSpec config = BASE.withConfig(Map.of("log.retention.hours", "72"));
        KafkaClusterSpec memoryLimit = BASE.withBrokers(new BrokersSpec(1, null, new ResourcesSpec(Map.of(),
                Map.of("memory", "2Gi")), null));
        Row[] rows = {
            new Row("nothing changed", BASE, p -> p, List.of()),
            new Row("a new image reaches no running pod", image, p -> p, List.of(
                    "demo-broker-0: image apache/kafka:4.4.0, spec apache/kafka:4.4.1",
                    "demo-controller-0: image apache/kafka:4.4.0, spec apache/kafka:4.4.1")),
            new Row("an admission webhook pinned the container's image to a digest: the pod runs the spec", BASE, p -> {
                p.getSpec().getContainers().get(0).image("apache/kafka:4.4.0@sha256:" + "ab".repeat(32));
                return p;
            }, List.of()),
            new Row("a new image, on pods a webhook pinned: judged by what they were created for", image, p -> {
                p.getSpec().getContainers().get(0).image("mirror.example/kafka@sha256:" + "cd".repeat(32));
                return p;
            }, List.of("demo-broker-0: image apache/kafka:4.4.0, spec apache/kafka:4.4.1",
                    "demo-controller-0: image apache/kafka:4.4.0, spec apache/kafka:4.4.1")),
            new Row("a pod of an older berth, without the record: its container's image", image, p -> {
                p.getMetadata().getAnnotations().remove("berth.dev/image");
                p.getSpec().getContainers().get(0).image("apache/kafka:4.3.0");
                return p;
            }, List.of("demo-broker-0: image apache/kafka:4.3.0, spec apache/kafka:4.4.1",
                    "demo-controller-0: image apache/kafka:4.3.0, spec apache/kafka:4.4.1")),
            new Row("broker resources", cpu, p -> p, List.of("demo-broker-0: resources")),
            new Row("controller resources", BASE.withControllers(new dev.berth.operator.api.ControllersSpec(
                    BASE.controllers().replicas(), null, new ResourcesSpec(Map.of("memory", "1Gi"), Map.of()))), p -> p,
                    List.of("demo-controller-0: resources")),
            new Row("configuration: only the brokers' file changes", config, p -> p, List.of("demo-broker-0: configuration")),
            new Row("more brokers change only the internal topics' defaults, read at their creation",
                    BASE.withBrokers(new BrokersSpec(3, null, null, null)), p -> p, List.of()),
            new Row("a pod of an older berth has no hash: not judged on configuration", config, p -> {
                p.getMetadata().getAnnotations().remove("berth.dev/config-hash");
                return p;
            }, List.of()),
            new Row("resources: {} where berth sent none, as an apiserver returns it", BASE, p -> {
                p.getSpec().getContainers().get(0).resources(new io.kubernetes.client.openapi.models.V1ResourceRequirements());
                return p;
            }, List.of()),
            new Row("defaults a LimitRange added, and requests copied from limits", cpu, p -> {
                olderBerth(p).getSpec().getContainers().get(0).resources(new io.kubernetes.client.openapi.models.V1ResourceRequirements()
                        .requests(Map.of("cpu", io.kubernetes.client.custom.Quantity.fromString("2000m"),
                                "memory", io.kubernetes.client.custom.Quantity.fromString("1Gi")))
                        .limits(Map.of("cpu", io.kubernetes.client.custom.Quantity.fromString("4"))));
                return p;
            }, List.of()), // 2000m is the spec's 2; what the spec does not set is not compared
            new Row("a restart asked for by annotation, whatever its value; a controller's too", BASE, p -> {
                p.getMetadata().putAnnotationsItem("berth.dev/restart", "");
                return p;
            }, List.of("demo-broker-0: restart requested (berth.dev/restart)",
                    "demo-controller-0: restart requested (berth.dev/restart)")),
            new Row("the request adds to what differs", cpu, p -> {
                p.getMetadata().putAnnotationsItem("berth.dev/restart", "now");
                return p;
            }, List.of("demo-broker-0: resources; restart requested (berth.dev/restart)",
                    "demo-controller-0: restart requested (berth.dev/restart)")),
            new Row("the limits the spec sets, as the pod has them", memoryLimit, p -> {
                olderBerth(p).getSpec().getContainers().get(0).resources(new io.kubernetes.client.openapi.models.V1ResourceRequirements()
                        .limits(Map.of("memory", io.kubernetes.client.custom.Quantity.fromString("2Gi"))));
                return p;
            }, List.of()),
            new Row("a limit the pod lacks", memoryLimit, p -> p, List.of("demo-broker-0: resources")),
            new Row("a pod being deleted is not judged", image, p -> {
                p.getMetadata().setDeletionTimestamp(java.time.OffsetDateTime.parse("2026-01-01T00:00:00Z"));
                return p;
            }, List.of()),
        };
        for (Row row : rows) {
            assertThat(drift(row.now(), row.edit())).as(row.why()).containsExactlyElementsOf(row.expected());
        }
    }

    @Test
    void aBrokerWhoseNodeDriftedIsRestartedElsewhereWithNetworkStorageOnlyAndOnlyWhenANodeTakesIt() {
        KafkaClusterSpec local = BASE.withBrokers(new BrokersSpec(1,
                new dev.berth.operator.api.StorageSpec("100Gi", null, true), null, null));
        Map<String, Set<String>> spare = Map.of("b", Set.of("s1"));
        record Case(String why, KafkaClusterSpec spec, Set<String> cordoned, Map<String, String> racks,
                Map<String, Set<String>> rackNodes, Map<Integer, String> expected, String moveOff, String condition) {}
        Case[] cases = {
            new Case("its node is in another rack now", BASE, Set.of(), Map.of("n1", "x"), spare, Map.of(0, "on node n1"
                    + " of rack x, not its rack b (placement drift: broker rack mismatch)"), "n1 node n1 (placement drift)",
                    "True MovingBrokers"),
            new Case("its node is in another rack, and no other node of rack b takes it", BASE, Set.of(),
                    Map.of("n1", "x"), Map.of("b", Set.of()), Map.of(), null, "True NoOtherNode"),
            new Case("its node is in its rack", BASE, Set.of(), Map.of("n1", "b"), spare, Map.of(), null,
                    "False NoneDrifted"),
            new Case("the racks are not read", BASE, Set.of(), null, spare, Map.of(), null, "Unknown NodesNotRead"),
            new Case("local storage: it stays, said", local, Set.of(), Map.of("n1", "x"), spare, Map.of(), null,
                    "True LocalStorageStays"),
            new Case("local storage where it belongs", local, Set.of(), Map.of("n1", "b"), spare, Map.of(), null,
                    "False NoneDrifted"),
            new Case("cordoned and drifted: the cordon is said, and moved off", BASE, Set.of("n1"), Map.of("n1", "x"),
                    spare, Map.of(0, "on cordoned node n1"), "n1 the cordoned node n1", "True MovingBrokers"),
        };
        // cordoned in its own rack: it moves only when another node of rack b takes it
        for (var c : List.of(Map.entry(Map.of("b", Set.of("s1")), Map.of(0, "on cordoned node n1")),
                Map.entry(Map.of("b", Set.of("n1")), Map.<Integer, String>of()),
                Map.entry(Map.of("b", Set.<String>of()), Map.<Integer, String>of()),
                Map.entry(Map.<String, Set<String>>of(), Map.of(0, "on cordoned node n1")))) { // rack b not listed: as before
            V1Pod pod = DesiredPods.broker(cluster(BASE), 0, "b");
            pod.getSpec().setNodeName("n1");
            KubeView view = new KubeView(Map.of(pod.getMetadata().getName(), pod), Map.of(), Map.of(), Map.of(), Set.of(),
                    Set.of("n1"), null, Map.of("n1", "b"), c.getKey());
            assertThat(PodDrift.brokers(cluster(BASE), view)).as("schedulable nodes of rack b: %s", c.getKey())
                    .isEqualTo(c.getValue());
            assertThat(PodDrift.moveOff(cluster(BASE), view, 0) != null).isEqualTo(!c.getValue().isEmpty());
        }
        for (Case c : cases) {
            V1Pod pod = DesiredPods.broker(cluster(c.spec()), 0, "b");
            pod.getSpec().setNodeName("n1");
            KubeView view = new KubeView(Map.of(pod.getMetadata().getName(), pod), Map.of(), Map.of(), Map.of(), Set.of(),
                    c.cordoned(), null, c.racks(), c.rackNodes());
            assertThat(PodDrift.brokers(cluster(c.spec()), view)).as(c.why()).isEqualTo(c.expected());
            PodDrift.MoveOff off = PodDrift.moveOff(cluster(c.spec()), view, 0);
            assertThat(off == null ? null : off.node() + " " + off.named()).as(c.why()).isEqualTo(c.moveOff());
            var cond = StatusBuilder.placementDrift(cluster(c.spec()), view, null);
            assertThat(cond.status() + " " + cond.reason()).as(c.why()).isEqualTo(c.condition());
        }
        V1Pod pod = DesiredPods.broker(cluster(BASE), 0, "b");
        pod.getSpec().setNodeName("n1");
        KubeView stuck = new KubeView(Map.of(pod.getMetadata().getName(), pod), Map.of(), Map.of(), Map.of(), Set.of(),
                Set.of(), null, Map.of("n1", "x"), Map.of("b", Set.of()));
        assertThat(StatusBuilder.placementDrift(cluster(BASE), stuck, null).message()).isEqualTo("Brokers run on nodes the"
                + " extender would refuse them now: broker 0 on node n1 of rack x, not its rack b (placement drift: broker"
                + " rack mismatch); stays: no other schedulable node of rack b would take it. One that no other node takes"
                + " stays, since moving it would leave it down: relabel its node back, or add or uncordon a node of its"
                + " rack, and it moves then.");
    }

    @Test
    void aBrokerOnACordonedNodeIsRestartedElsewhereUnlessItsStorageIsLocal() {
        KafkaClusterSpec local = BASE.withBrokers(new BrokersSpec(1,
                new dev.berth.operator.api.StorageSpec("100Gi", null, true), null, null));
        record Case(String why, KafkaClusterSpec spec, Set<String> cordoned, String node, Map<Integer, String> expected) {}
        Case[] cases = {
            new Case("its node is cordoned", BASE, Set.of("n1"), "n1", Map.of(0, "on cordoned node n1")),
            new Case("another node is", BASE, Set.of("n2"), "n1", Map.of()),
            new Case("nodes cannot be watched", BASE, null, "n1", Map.of()),
            new Case("local storage: it stays", local, Set.of("n1"), "n1", Map.of()),
            new Case("not bound yet", BASE, Set.of("n1"), null, Map.of()),
        };
        for (Case c : cases) {
            V1Pod pod = DesiredPods.broker(cluster(c.spec()), 0, null);
            pod.getSpec().setNodeName(c.node());
            KubeView view = new KubeView(Map.of(pod.getMetadata().getName(), pod), Map.of(), Map.of(), Map.of(), Set.of(),
                    c.cordoned());
            assertThat(PodDrift.brokers(cluster(c.spec()), view)).as(c.why()).isEqualTo(c.expected());
        }
        V1Pod edited = DesiredPods.broker(cluster(BASE), 0, null);
        edited.getSpec().setNodeName("n1");
        edited.getMetadata().putAnnotationsItem("berth.dev/restart", "x");
        assertThat(PodDrift.brokers(cluster(BASE), new KubeView(Map.of("p", edited), Map.of(), Map.of(), Map.of(),
                Set.of(), Set.of("n1")))).as("added to other reasons")
                .isEqualTo(Map.of(0, "restart requested (berth.dev/restart); on cordoned node n1"));
    }

    @Test
    void aControllerOnACordonedNodeIsRolledElsewhereUnlessItsStorageIsLocal() {
        KafkaClusterSpec local = BASE.withControllers(new dev.berth.operator.api.ControllersSpec(1,
                new dev.berth.operator.api.StorageSpec("10Gi", null, true)));
        record Case(String why, KafkaClusterSpec spec, Set<String> cordoned, String node, Map<Integer, String> expected) {}
        Case[] cases = {
            new Case("its node is cordoned", BASE, Set.of("n1"), "n1", Map.of(1000, "on cordoned node n1")),
            new Case("another node is", BASE, Set.of("n2"), "n1", Map.of()),
            new Case("nodes cannot be watched", BASE, null, "n1", Map.of()),
            new Case("local storage: it stays with its data", local, Set.of("n1"), "n1", Map.of()),
            new Case("not bound yet", BASE, Set.of("n1"), null, Map.of()),
        };
        for (Case c : cases) {
            V1Pod pod = DesiredPods.controller(cluster(c.spec()), 0, null);
            pod.getSpec().setNodeName(c.node());
            KubeView view = new KubeView(Map.of(pod.getMetadata().getName(), pod), Map.of(), Map.of(), Map.of(), Set.of(),
                    c.cordoned());
            assertThat(PodDrift.controllers(cluster(c.spec()), view)).as(c.why()).isEqualTo(c.expected());
        }
    }

    @Test
    void aControllerPodTheSpecNoLongerWantsIsNotRestarted() {
        KafkaCluster three = cluster(BASE.withControllers(new ControllersSpec(3, null)));
        KafkaCluster one = cluster(BASE.withControllers(new ControllersSpec(1, null)));
        KubeView view = StatusBuilderTest.view(DesiredPods.controller(three, 0, null), DesiredPods.controller(three, 1, null),
                DesiredPods.controller(three, 2, null));
        for (V1Pod p : view.podsByNodeId("controller").values()) {
            p.getMetadata().putAnnotationsItem("berth.dev/restart", "");
        }
        assertThat(PodDrift.controllers(three, view).keySet()).containsExactly(1000, 1001, 1002);
        assertThat(PodDrift.controllers(one, view)).as("1001 and 1002 are on their way out, not to be rolled")
                .isEqualTo(Map.of(1000, "configuration; restart requested (berth.dev/restart)")); // the voters differ
    }

    @Test
    void statusSaysWhichControllersAreOnCordonedNodesToo() {
        KafkaClusterSpec localControllers = BASE.withBrokers(new BrokersSpec(1, null, null, null)).withControllers(
                new dev.berth.operator.api.ControllersSpec(1, new dev.berth.operator.api.StorageSpec("10Gi", null, true)));
        KafkaClusterSpec one = BASE.withBrokers(new BrokersSpec(1, null, null, null));
        record Case(String why, KafkaClusterSpec spec, Set<String> cordoned, String reason, String message) {}
        Case[] cases = {
            new Case("the controller alone", one, Set.of("n9"), "MovingControllers", "Moving controllers off cordoned"
                    + " nodes, one at a time while the quorum keeps a majority (operation ControllerRestart): controller"
                    + " 1000 on cordoned node n9."),
            new Case("both", one, Set.of("n1", "n9"), "MovingBrokers", "Moving controllers, then brokers, off cordoned"
                    + " nodes: controllers one at a time while the quorum keeps a majority (operation ControllerRestart):"
                    + " controller 1000 on cordoned node n9; brokers one at a time, leader-aware (operation Restart):"
                    + " broker 0 on cordoned node n1."),
            new Case("a local controller stays, the broker moves", localControllers, Set.of("n1", "n9"), "MovingBrokers",
                    "Moving brokers off cordoned nodes, one at a time, leader-aware (operation Restart): broker 0 on"
                    + " cordoned node n1; staying (local storage): controller 1000 on cordoned node n9, stays (local"
                    + " storage)."),
            new Case("a local controller alone", localControllers, Set.of("n9"), "LocalStorageStays", "Controllers stay"
                    + " on cordoned nodes: controller 1000 on cordoned node n9, stays (local storage). Their data is on"
                    + " those nodes' local disks; an evicted one waits until its node is back. To move a broker for"
                    + " good, replace it (spec.brokers.remove)."),
        };
        for (Case c : cases) {
            KafkaCluster kc = cluster(c.spec());
            V1Pod b0 = DesiredPods.broker(kc, 0, null);
            b0.getSpec().setNodeName("n1");
            V1Pod k0 = DesiredPods.controller(kc, 0, null);
            k0.getSpec().setNodeName("n9");
            var cond = StatusBuilder.onCordonedNodes(kc, new KubeView(Map.of("b0", b0, "k0", k0), Map.of(), Map.of(),
                    Map.of(), Set.of(), c.cordoned()), null);
            assertThat(List.of(cond.status(), cond.reason(), cond.message())).as(c.why())
                    .containsExactly("True", c.reason(), c.message());
        }
    }

    @Test
    void statusSaysWhichBrokersAreOnCordonedNodesAndWhatBecomesOfThem() {
        KafkaClusterSpec two = BASE.withBrokers(new BrokersSpec(2, null, null, null));
        KafkaClusterSpec local = BASE.withBrokers(new BrokersSpec(2,
                new dev.berth.operator.api.StorageSpec("100Gi", null, true), null, null));
        record Case(KafkaClusterSpec spec, Set<String> cordoned, OperationStatus op, String status, String reason,
                String message) {}
        OperationStatus scaleUp = new OperationStatus("ScaleUp", "Reassigning", List.of(3), 0L, null, 0, 6,
                "2026-11-27T08:00:00Z", "", Map.of());
        OperationStatus restart = new OperationStatus("Restart", "MovingLeadership", List.of(1), 0L, null, 0, 0,
                "2026-11-27T08:00:00Z", "", Map.of());
        Case[] cases = {
            new Case(two, null, null, "Unknown", "NodesNotWatched", "The operator cannot watch nodes (RBAC: nodes list"
                    + " and watch), so brokers are not moved off cordoned nodes."),
            new Case(two, Set.of(), scaleUp, "False", "NoneCordoned", "No broker or controller runs on a cordoned node."),
            new Case(two, Set.of("n2"), null, "True", "MovingBrokers", "Moving brokers off cordoned nodes, one at a"
                    + " time, leader-aware (operation Restart): broker 1 on cordoned node n2."),
            new Case(two, Set.of("n2"), restart, "True", "MovingBrokers", "Moving brokers off cordoned nodes, one at a"
                    + " time, leader-aware (operation Restart): broker 1 on cordoned node n2."),
            new Case(two, Set.of("n2"), scaleUp, "True", "MovingBrokers", "Moving brokers off cordoned nodes, one at a"
                    + " time, leader-aware (operation Restart): broker 1 on cordoned node n2. It waits for the ScaleUp"
                    + " operation in flight (phase Reassigning): one runs at a time."),
            new Case(local, Set.of("n1", "n2"), scaleUp, "True", "LocalStorageStays", "Brokers stay on cordoned nodes:"
                    + " broker 0 on cordoned node n1, stays (local storage), broker 1 on cordoned node n2, stays (local"
                    + " storage). Their data is on those nodes' local disks; an evicted one waits until its node is"
                    + " back. To move a broker for good, replace it (spec.brokers.remove)."),
        };
        KafkaCluster racked = cluster(two);
        V1Pod r0 = DesiredPods.broker(racked, 0, "a");
        r0.getSpec().setNodeName("n1");
        V1Pod r1 = DesiredPods.broker(racked, 1, "b");
        r1.getSpec().setNodeName("n2");
        var noRoom = StatusBuilder.onCordonedNodes(racked, new KubeView(Map.of("b0", r0, "b1", r1), Map.of(), Map.of(),
                Map.of(), Set.of(), Set.of("n2"), null, Map.of("n1", "a", "n2", "b"), Map.of("b", Set.of("n2"))), null);
        assertThat(noRoom.status() + " " + noRoom.reason() + ": " + noRoom.message()).isEqualTo("True NoOtherNode: Brokers"
                + " stay on cordoned nodes: broker 1 on cordoned node n2, stays (no other schedulable node of its rack)."
                + " A broker moves only to another schedulable node of its rack, and none would take it: moved, it"
                + " would be down until the uncordon. Uncordon the node, or add one to that rack (a drain evicts the"
                + " broker all the same, within its disruption budget).");
        for (Case c : cases) {
            KafkaCluster kc = cluster(c.spec());
            V1Pod b0 = DesiredPods.broker(kc, 0, null);
            b0.getSpec().setNodeName("n1");
            V1Pod b1 = DesiredPods.broker(kc, 1, null);
            b1.getSpec().setNodeName("n2");
            var cond = StatusBuilder.onCordonedNodes(kc, new KubeView(Map.of("b0", b0, "b1", b1), Map.of(), Map.of(),
                    Map.of(), Set.of(), c.cordoned()), c.op());
            assertThat(List.of(cond.status(), cond.reason(), cond.message())).as(c.reason() + " " + c.op())
                    .containsExactly(c.status(), c.reason(), c.message());
        }
    }

    @Test
    void anUnboundLocalBrokerIsJudgedByWhereItsVolumeIs() {
        KafkaCluster local = cluster(BASE.withBrokers(new BrokersSpec(1,
                new dev.berth.operator.api.StorageSpec("100Gi", null, true), null, null)));
        KafkaCluster network = cluster(BASE);
        for (KafkaCluster c : List.of(local, network)) {
            V1Pod unbound = DesiredPods.broker(c, 0, null); // recreated after an eviction: no node yet
            var pvc = new io.kubernetes.client.openapi.models.V1PersistentVolumeClaim().metadata(new V1ObjectMeta()
                    .name("data-demo-broker-0").putAnnotationsItem("volume.kubernetes.io/selected-node", "n1"));
            KubeView view = new KubeView(Map.of("demo-broker-0", unbound), Map.of("data-demo-broker-0", pvc), Map.of(),
                    Map.of(), Set.of(), Set.of("n1"));
            assertThat(PodDrift.cordoned(c, view)).as("local %s", c == local).isEqualTo(c == local
                    ? Map.of(0, new dev.berth.operator.plan.CordonMoves.Finding(0, "n1",
                            dev.berth.operator.plan.CordonMoves.Verdict.STAY_LOCAL_STORAGE))
                    : Map.of()); // a network volume goes wherever the pod goes
        }
    }

    @Test
    void statusSaysWhichPodsRunAnOlderSpec() {
        KafkaCluster now = cluster(BASE.withConfig(Map.of("log.retention.hours", "72")));
        var s = StatusBuilderTest.build(now, StatusBuilderTest.view(
                StatusBuilderTest.ready(DesiredPods.broker(cluster(BASE), 0, null), "n1"),
                StatusBuilderTest.ready(DesiredPods.controller(cluster(BASE), 0, null), "n2")),
                StatusBuilderTest.kafka(0), List.of(), null);
        var c = s.condition(dev.berth.operator.api.ConditionType.PodsOutOfDate);
        assertThat(c.isTrue()).isTrue();
        assertThat(c.reason()).isEqualTo("RestartNeeded");
        assertThat(c.message()).isEqualTo("1 pod(s) need a restart: demo-broker-0: configuration. Brokers are"
                + " restarted one at a time, leader-aware (operation Restart); controllers before them, one at a time"
                + " while the quorum keeps a majority (operation ControllerRestart).");
    }
}
