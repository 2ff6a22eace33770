package dev.berth.operator.act;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.act.desired.DesiredPods;
import dev.berth.operator.act.desired.DesiredPvcs;
import dev.berth.operator.act.desired.Names;
import dev.berth.operator.api.BrokersSpec;
import dev.berth.operator.api.ControllersSpec;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.api.KafkaClusterSpec;
import dev.berth.operator.observe.KubeView;
import dev.berth.operator.plan.PodAction;
import dev.berth.testbed.k8s.KubeApiTestBed;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.util.PatchUtils;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link OwnedObjects#createPods} and {@link OwnedObjects#ensurePvcs} over real HTTP against the Kubernetes API bed, with a view that lags
 * the API as an informer cache can: the case the reconciler's tests meet only when two watches happen
 * to deliver out of order.
 */
class OwnedObjectsTest {
    static final String NS = "owned";
    /** A namespace of its own for each case: the first lists every pod of its namespace. */
    static final String OTHER_NS = "owned-seen";
    static KubeApiTestBed bed;
    static CoreV1Api core;

    @BeforeAll
    static void start() {
        bed = KubeApiTestBed.start();
        core = new CoreV1Api(bed.apiClient());
    }

    @AfterAll
    static void stop() {
        bed.close();
    }

    /**
     * Pod and claim deleted together, the claim held by its finalizer; the pod's delete wakes a pass
     * whose cache still shows the claim alive. The claim is read from the API first, so no pod is
     * created on it; a claim that is alive in the API too gets its pod.
     */
    @Test
    void aPodWaitsForItsClaimWhenTheCacheHasNotSeenTheClaimsDeleteYet() throws Exception {
        KafkaCluster c = cluster("lag", NS, "3b0c1f4e-7a2d-4e6b-9c8d-1a2b3c4d5e6f", 2);
        KubeWriter writer = new KubeWriter(bed.apiClient(), Clock.systemUTC());
        V1PersistentVolumeClaim kept = writer.core().createNamespacedPersistentVolumeClaim(NS, DesiredPvcs.broker(c, 0))
                .execute();
        V1PersistentVolumeClaim going = writer.core().createNamespacedPersistentVolumeClaim(NS, DesiredPvcs.broker(c, 1))
                .execute();
        String name = going.getMetadata().getName();
        PatchUtils.patch(V1PersistentVolumeClaim.class, () -> core.patchNamespacedPersistentVolumeClaim(name, NS,
                new V1Patch("{\"metadata\":{\"finalizers\":[\"kubernetes.io/pvc-protection\"]}}")).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, bed.apiClient());
        core.deleteNamespacedPersistentVolumeClaim(name, NS).execute();
        assertThat(core.readNamespacedPersistentVolumeClaim(name, NS).execute().getMetadata().getDeletionTimestamp())
                .as("the API has it terminating").isNotNull();

        // the cache: both claims as created, neither terminating
        KubeView stale = new KubeView(Map.of(), Map.of(kept.getMetadata().getName(), kept, name, going), Map.of(),
                Map.of(), Set.of());
        List<PodAction> done = new OwnedObjects(writer).createPods(c, stale, List.of(
                new PodAction(Names.ROLE_BROKER, 0, PodAction.Kind.Recreate, "a"),
                new PodAction(Names.ROLE_BROKER, 1, PodAction.Kind.Recreate, "b")));

        assertThat(done).extracting(PodAction::index).containsExactly(0);
        List<String> pods = core.listNamespacedPod(NS).execute().getItems().stream().map(V1Pod::getMetadata)
                .map(V1ObjectMeta::getName).toList();
        assertThat(pods).containsExactly(Names.brokerPod("lag", 0));
    }

    /**
     * The pass after the one that created a broker's pod, before the pod informer has delivered it: the view
     * has the claim but no pod. The create finds the pod there; nothing is counted as done, and no Event
     * says the pod was recreated (a CI run of {@code CordonMoveTest} caught that Event, for a pod nobody lost).
     */
    @Test
    void aPodTheCacheHasNotSeenYetIsNeitherCreatedAgainNorReportedRecreated() throws Exception {
        KafkaCluster c = cluster("seen", OTHER_NS, "5d1e2f3a-8b4c-4d5e-9f6a-7b8c9d0e1f2a", 1);
        KubeWriter writer = new KubeWriter(bed.apiClient(), Clock.systemUTC());
        OwnedObjects owned = new OwnedObjects(writer);
        List<PodAction> recreate = List.of(new PodAction(Names.ROLE_BROKER, 0, PodAction.Kind.Recreate, "a"));
        KubeView empty = new KubeView(Map.of(), Map.of(), Map.of(), Map.of(), Set.of());
        assertThat(owned.createPods(c, empty, recreate)).as("the first pass creates it").hasSize(1);
        V1Pod first = core.readNamespacedPod(Names.brokerPod("seen", 0), OTHER_NS).execute();
        V1PersistentVolumeClaim claim = core.readNamespacedPersistentVolumeClaim(DesiredPvcs.broker(c, 0).getMetadata()
                .getName(), OTHER_NS).execute();

        KubeView lagging = new KubeView(Map.of(), Map.of(claim.getMetadata().getName(), claim), Map.of(), Map.of(),
                Set.of());
        assertThat(owned.createPods(c, lagging, recreate)).as("already there").isEmpty();

        assertThat(core.readNamespacedPod(Names.brokerPod("seen", 0), OTHER_NS).execute().getMetadata().getUid())
                .isEqualTo(first.getMetadata().getUid());
        assertThat(core.listNamespacedEvent(OTHER_NS).execute().getItems()).filteredOn(e -> e.getMessage().contains("seen-broker-0"))
                .extracting(e -> e.getReason()).as("one Event, for the one creation").containsExactly("PodRecreated");
    }

    /**
     * Pod and claim deleted together: the claim goes once the pod has, and the cache may deliver the claim's
     * delete first, showing a pod that lost its claim. The pod is read from the API: gone, so no empty claim
     * and no Warning; a pod that is really there without its claim gets one.
     */
    @Test
    void aClaimIsRecreatedOnlyForAPodTheApiStillHas() throws Exception {
        String ns = "owned-gone";
        KafkaCluster c = cluster("gone", ns, "6e2f3a4b-9c5d-4e6f-8a7b-8c9d0e1f2a3b", 2);
        KubeWriter writer = new KubeWriter(bed.apiClient(), Clock.systemUTC());
        V1Pod gone = DesiredPods.broker(c, 0, "a", null);
        V1Pod there = core.createNamespacedPod(ns, DesiredPods.broker(c, 1, "b", null)).execute();
        // the cache: both pods alive, neither claim
        KubeView lagging = new KubeView(Map.of(gone.getMetadata().getName(), gone, there.getMetadata().getName(), there),
                Map.of(), Map.of(), Map.of(), Set.of());

        List<String> created = new OwnedObjects(writer).ensurePvcs(c, lagging, List.of(0, 1));

        String claim1 = DesiredPvcs.broker(c, 1).getMetadata().getName();
        assertThat(created).containsExactly(claim1);
        assertThat(core.listNamespacedPersistentVolumeClaim(ns).execute().getItems()).extracting(p -> p.getMetadata()
                .getName()).containsExactly(claim1);
        assertThat(core.listNamespacedEvent(ns).execute().getItems()).extracting(e -> e.getReason() + ": "
                + e.getMessage()).singleElement().asString().startsWith("PvcRecreated: PVC " + claim1 + " was gone");
    }

    /**
     * A controller's claim is recreated as a broker's is: a controller pod without its claim stays Pending,
     * and with a quorum of one nothing else brings the cluster back. A controller pod the spec no longer
     * wants (on its way out after a scale-down of the quorum) gets none.
     */
    @Test
    void aControllerWhoseClaimIsGoneGetsItBackButNotOneTheSpecNoLongerWants() throws Exception {
        String ns = "owned-controller";
        KafkaCluster c = cluster("ctl", ns, "0b6c7d8e-1f2a-4b3c-9d4e-5f6a7b8c9d0e", 1);
        KubeWriter writer = new KubeWriter(bed.apiClient(), Clock.systemUTC());
        V1Pod wanted = core.createNamespacedPod(ns, DesiredPods.controller(c, 0, null)).execute();
        V1Pod leaving = core.createNamespacedPod(ns, DesiredPods.controller(c, 1, null)).execute();
        KubeView view = new KubeView(Map.of(wanted.getMetadata().getName(), wanted, leaving.getMetadata().getName(),
                leaving), Map.of(), Map.of(), Map.of(), Set.of());

        List<String> created = new OwnedObjects(writer).ensurePvcs(c, view, List.of());

        String claim0 = DesiredPvcs.controller(c, 0).getMetadata().getName();
        assertThat(created).containsExactly(claim0);
        assertThat(core.listNamespacedPersistentVolumeClaim(ns).execute().getItems()).extracting(p -> p.getMetadata()
                .getName()).containsExactly(claim0);
    }

    /**
     * {@code brokers.storage.size} raised from 400Gi to 600Gi on local storage: berth does not resize volumes,
     * so a broker recreated on its 400Gi claim asks the extender for 400Gi, what its node holds for it. Asking
     * for 600Gi, the one node its volume ties it to would refuse it, and it would stay Pending. A broker
     * without a claim yet gets one of the spec's size, and asks for that.
     */
    @Test
    void aRecreatedLocalBrokerAsksForWhatItsClaimHoldsNotTheSpecsNewSize() throws Exception {
        String ns = "owned-size";
        KafkaCluster was = local(cluster("size", ns, "1c7d8e9f-2a3b-4c4d-8e5f-6a7b8c9d0e1f", 2), "400Gi");
        KafkaCluster now = local(was, "600Gi");
        KubeWriter writer = new KubeWriter(bed.apiClient(), Clock.systemUTC());
        V1PersistentVolumeClaim old = core.createNamespacedPersistentVolumeClaim(ns, DesiredPvcs.broker(was, 0)).execute();
        KubeView view = new KubeView(Map.of(), Map.of(old.getMetadata().getName(), old), Map.of(), Map.of(), Set.of());

        List<PodAction> done = new OwnedObjects(writer).createPods(now, view, List.of(
                new PodAction(Names.ROLE_BROKER, 0, PodAction.Kind.Recreate, "a"),
                new PodAction(Names.ROLE_BROKER, 1, PodAction.Kind.Create, "b")));

        assertThat(done).hasSize(2);
        assertThat(core.readNamespacedPod(Names.brokerPod("size", 0), ns).execute().getMetadata().getAnnotations())
                .containsEntry(Names.ANN_LOCAL_STORAGE, "400Gi");
        assertThat(core.readNamespacedPod(Names.brokerPod("size", 1), ns).execute().getMetadata().getAnnotations())
                .containsEntry(Names.ANN_LOCAL_STORAGE, "600Gi");
    }

    /**
     * A recreated pod whose {@code PodRecreated} Event the API refuses (RBAC without events, a quota) is still
     * created and reported, and the pods after it are created too: before, the refused Event failed the pass
     * after the pod was created, and the rest of the planned pods waited for the next one.
     */
    @Test
    void aRefusedEventNeitherFailsThePassNorHidesThePodsCreated() throws Exception {
        String ns = "owned-quiet";
        KafkaCluster c = cluster("quiet", ns, "2a8b9c0d-3e4f-4a5b-8c6d-7e8f9a0b1c2d", 2);
        KubeWriter writer = new KubeWriter(bed.apiClient(), Clock.systemUTC());
        KubeView empty = new KubeView(Map.of(), Map.of(), Map.of(), Map.of(), Set.of());
        List<PodAction> done;
        try (AutoCloseable noEvents = bed.forbid("create", "events", ns)) {
            done = new OwnedObjects(writer).createPods(c, empty, List.of(
                    new PodAction(Names.ROLE_BROKER, 0, PodAction.Kind.Recreate, "a"),
                    new PodAction(Names.ROLE_BROKER, 1, PodAction.Kind.Recreate, "b")));
        }
        assertThat(done).extracting(PodAction::index).containsExactly(0, 1);
        assertThat(core.listNamespacedPod(ns).execute().getItems()).hasSize(2);
        assertThat(core.listNamespacedEvent(ns).execute().getItems()).isEmpty();

        // the same for claims gone while their pods exist: both created, the Events refused, no failure
        for (V1PersistentVolumeClaim gone : core.listNamespacedPersistentVolumeClaim(ns).execute().getItems()) {
            core.deleteNamespacedPersistentVolumeClaim(gone.getMetadata().getName(), ns).execute();
        }
        KubeView pods = new KubeView(core.listNamespacedPod(ns).execute().getItems().stream().collect(
                java.util.stream.Collectors.toMap(p -> p.getMetadata().getName(), p -> p)), Map.of(), Map.of(), Map.of(),
                Set.of());
        List<String> claims;
        try (AutoCloseable noEvents = bed.forbid("create", "events", ns)) {
            claims = new OwnedObjects(writer).ensurePvcs(c, pods, List.of(0, 1));
        }
        assertThat(claims).hasSize(2);
        assertThat(core.listNamespacedPersistentVolumeClaim(ns).execute().getItems()).hasSize(2);
    }

    private static KafkaCluster local(KafkaCluster c, String size) {
        return new KafkaCluster(c.getMetadata(), c.getSpec().withBrokers(c.getSpec().brokers().withStorage(
                new dev.berth.operator.api.StorageSpec(size, "local-nvme", true))));
    }

    /** A KafkaCluster with one controller and {@code brokers} brokers, as the API bed would hand it over. */
    private static KafkaCluster cluster(String name, String namespace, String uid, int brokers) {
        return new KafkaCluster(new V1ObjectMeta().name(name).namespace(namespace).uid(uid).generation(1L),
                KafkaClusterSpec.defaults().withControllers(new ControllersSpec(1, null))
                        .withBrokers(new BrokersSpec(brokers, null, null, null)));
    }
}
