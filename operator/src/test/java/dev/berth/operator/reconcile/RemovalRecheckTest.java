package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.act.KubeWriter;
import dev.berth.operator.api.BrokersSpec;
import dev.berth.operator.api.ControllersSpec;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.api.KafkaClusterSpec;
import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.observe.KubeView;
import dev.berth.testbed.k8s.KubeApiTestBed;
import dev.berth.testbed.kafka.KafkaAwait;
import dev.berth.testbed.kafka.KafkaTestCluster;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaimList;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/**
 * Removing asks Kafka again before each irreversible step ({@link ScaleDownRemoval#remove}): data that
 * reached a leaving broker after its pod went (a partition created while it was still stopping, or a
 * broker lost between Verifying and Removing) sends the scale-down back to Draining instead of losing
 * the broker's registration and then its volume.
 *
 * <p>Real KRaft brokers, the Kubernetes API bed for the PVC; the step is called as a pass would call
 * it, with the broker's pod already gone. Leaving broker 3 holds {@code late-0} (replicas [3, 0]): first
 * fenced, then unregistered by hand (as the step did before), then the topic is deleted and the step goes
 * on to delete the volume.
 */
class RemovalRecheckTest {
    static final String NS = "kafka";
    static final String PVC = "data-demo-broker-3";

    @Test
    void dataOnALeavingBrokerAfterItsPodWentKeepsItsRegistrationAndItsVolume() throws Exception {
        try (KafkaTestCluster kafka = fourBrokers(); KubeApiTestBed bed = KubeApiTestBed.start()) {
            CoreV1Api core = new CoreV1Api(bed.apiClient());
            V1PersistentVolumeClaim pvc = pvc3(core);
            KafkaAwait.get(kafka.admin().createTopics(List.of(new NewTopic("late", Map.of(0, List.of(3, 0))))).all());
            kafka.stopBroker(3);
            KafkaAwait.polling("broker 3 fenced").until(() ->
                    Boolean.TRUE.equals(KafkaAwait.registrationsIncludingFenced(kafka.admin()).get(3)));

            StepResult fenced = ScaleDownRemoval.remove(context(kafka, bed, pvc), removing());
            assertThat(fenced.operation().phase()).isEqualTo(ScaleDownStep.DRAINING);
            assertThat(fenced.operation().message())
                    .isEqualTo("Broker 3 holds data again (replica late-0); draining again before removal.");
            assertThat(KafkaAwait.registrationsIncludingFenced(kafka.admin())).as("not unregistered").containsKey(3);

            KafkaAwait.get(kafka.admin().unregisterBroker(3).all()); // as the step did before
            KafkaAwait.polling("broker 3 gone").until(() ->
                    !KafkaAwait.registrationsIncludingFenced(kafka.admin()).containsKey(3));
            StepResult gone = ScaleDownRemoval.remove(context(kafka, bed, pvc), removing());
            assertThat(gone.operation().phase()).isEqualTo(ScaleDownStep.DRAINING);
            assertThat(pvcs(core)).as("the volume of a replica Kafka still names").containsExactly(PVC);

            KafkaAwait.get(kafka.admin().deleteTopics(List.of("late")).all());
            KafkaAwait.polling("late deleted").until(() -> !kafka.admin().listTopics().names().get().contains("late"));
            StepResult empty = ScaleDownRemoval.remove(context(kafka, bed, pvc), removing());
            assertThat(empty.operation().phase()).as("nothing holds it: the volume goes")
                    .isEqualTo(ScaleDownStep.REMOVING);
            assertThat(pvcs(core)).isEmpty();
        }
    }

    /**
     * A leaving broker's pod deleted gracefully on a node that no longer answers stays Terminating (its
     * kubelet never confirms), and Removing waited on it for ever. A minute past its grace period, with Kafka
     * showing the broker fenced, or not registered at all, and holding nothing, the pod is deleted at once
     * (its UID as precondition) and a Warning says so; before that minute it is waited for.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "broker unregistered before: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void aPodStuckTerminatingOnALostNodeIsDeletedOnceKafkaShowsItsBrokerStoppedAndEmpty(boolean unregistered)
            throws Exception {
        try (KafkaTestCluster kafka = fourBrokers(); KubeApiTestBed bed = KubeApiTestBed.start()) {
            CoreV1Api core = new CoreV1Api(bed.apiClient());
            V1PersistentVolumeClaim pvc = pvc3(core);
            StepContext base = context(kafka, bed, pvc);
            io.kubernetes.client.openapi.models.V1Pod pod = brokerPod3(core);
            kafka.stopBroker(3);
            KafkaAwait.polling("broker 3 fenced").until(() ->
                    Boolean.TRUE.equals(KafkaAwait.registrationsIncludingFenced(kafka.admin()).get(3)));
            if (unregistered) { // a broker that never registered, or one unregistered by hand: Kafka lists none
                KafkaAwait.get(kafka.admin().unregisterBroker(3).all());
                KafkaAwait.polling("broker 3 gone").until(() ->
                        !KafkaAwait.registrationsIncludingFenced(kafka.admin()).containsKey(3));
            }
            java.time.Instant now = java.time.Instant.now();

            StepEvents waited = new StepEvents();
            StepResult young = ScaleDownRemoval.remove(terminating(base, pvc, pod, now.minusSeconds(30), waited),
                    removing());
            assertThat(young.operation().phase()).isEqualTo(ScaleDownStep.REMOVING);
            assertThat(core.listNamespacedPod(NS).execute().getItems()).as("30 s past its grace: waited for").hasSize(1);
            assertThat(waited.reasons()).isEmpty();

            StepEvents forced = new StepEvents();
            StepResult stuck = ScaleDownRemoval.remove(terminating(base, pvc, pod, now.minus(ScaleDownRemoval.STUCK)
                    .minusSeconds(1), forced), removing());
            assertThat(stuck.operation().phase()).isEqualTo(ScaleDownStep.REMOVING);
            assertThat(core.listNamespacedPod(NS).execute().getItems()).as("deleted without its node").isEmpty();
            assertThat(forced.reasons()).containsExactly(ScaleEvent.BROKER_POD_FORCE_DELETED.reason());
            assertThat(KafkaAwait.registrationsIncludingFenced(kafka.admin()).containsKey(3)).as("unregistered on a later pass")
                    .isEqualTo(!unregistered);
        }
    }

    /**
     * The two checks before a live leaving broker's pod goes. Broker 3 runs and holds {@code late-0}: Verifying sends
     * the scale-down back to Draining, and so does Removing, which keeps the pod (before, no test failed without
     * either check). Once the topic is gone, Removing deletes the pod.
     */
    @Test
    void aLiveLeavingBrokerThatHoldsDataKeepsItsPodAndVerifyingSendsItBackToDraining() throws Exception {
        try (KafkaTestCluster kafka = fourBrokers(); KubeApiTestBed bed = KubeApiTestBed.start()) {
            CoreV1Api core = new CoreV1Api(bed.apiClient());
            V1PersistentVolumeClaim pvc = pvc3(core);
            io.kubernetes.client.openapi.models.V1Pod pod = brokerPod3(core);
            KafkaAwait.get(kafka.admin().createTopics(List.of(new NewTopic("late", Map.of(0, List.of(3, 0))))).all());
            // the create returns before every broker's metadata shows the topic: a clean-clone run verified broker 3
            // empty in that moment
            KafkaAwait.polling("late-0 seen on broker 3").until(() -> !new dev.berth.operator.act.DrainVerifier(
                    kafka.admin()).verify(3).empty());
            StepContext base = context(kafka, bed, pvc);
            StepContext live = new StepContext(base.cluster(), new KubeView(Map.of(pod.getMetadata().getName(), pod),
                    Map.of(PVC, pvc), Map.of(), Map.of(), null), null, base.admin(), base.desiredBrokers(), removing(),
                    base.writer(), base.clock(), new StepEvents());

            OperationStatus verifying = new OperationStatus(OperationStatus.SCALE_DOWN, ScaleDownStep.VERIFYING, List.of(3),
                    0L, null, 0, null, "2026-11-28T12:00:00Z", null, Map.of());
            StepResult verified = ScaleDownRemoval.verify(live, verifying);
            assertThat(verified.operation().phase()).isEqualTo(ScaleDownStep.DRAINING);
            assertThat(verified.operation().message()).startsWith("Broker 3 still holds data (").contains("late-0");

            StepResult kept = ScaleDownRemoval.remove(live, removing());
            assertThat(kept.operation().phase()).isEqualTo(ScaleDownStep.DRAINING);
            assertThat(core.listNamespacedPod(NS).execute().getItems()).as("the pod of a broker Kafka still names").hasSize(1);

            KafkaAwait.get(kafka.admin().deleteTopics(List.of("late")).all());
            KafkaAwait.polling("broker 3 empty").until(() -> new dev.berth.operator.act.DrainVerifier(kafka.admin())
                    .verify(3).empty());
            StepResult gone = ScaleDownRemoval.remove(live, removing());
            assertThat(gone.operation().phase()).isEqualTo(ScaleDownStep.REMOVING);
            assertThat(core.listNamespacedPod(NS).execute().getItems()).as("empty: its pod goes").isEmpty();
        }
    }

    /** {@code base} with broker 3's pod in the cache, deleted: its deletion timestamp {@code at}. */
    private static StepContext terminating(StepContext base, V1PersistentVolumeClaim pvc,
            io.kubernetes.client.openapi.models.V1Pod pod, java.time.Instant at, StepEvents events) {
        io.kubernetes.client.openapi.models.V1Pod cached = new io.kubernetes.client.openapi.models.V1Pod()
                .metadata(new V1ObjectMeta().name(pod.getMetadata().getName()).namespace(NS)
                        .uid(pod.getMetadata().getUid()).labels(pod.getMetadata().getLabels())
                        .deletionTimestamp(java.time.OffsetDateTime.ofInstant(at, java.time.ZoneOffset.UTC)))
                .spec(pod.getSpec());
        return new StepContext(base.cluster(), new KubeView(Map.of(cached.getMetadata().getName(), cached),
                Map.of(PVC, pvc), Map.of(), Map.of(), null), null, base.admin(), base.desiredBrokers(), removing(),
                base.writer(), base.clock(), events);
    }

    /** Brokers 0 to 3 in racks a, b, c, a. */
    private static KafkaTestCluster fourBrokers() {
        return KafkaTestCluster.builder().broker(0, "a").broker(1, "b").broker(2, "c").broker(3, "a").start();
    }

    /** Broker 3's PVC, created in the bed. */
    private static V1PersistentVolumeClaim pvc3(CoreV1Api core) throws Exception {
        return core.createNamespacedPersistentVolumeClaim(NS,
                new V1PersistentVolumeClaim().metadata(new V1ObjectMeta().name(PVC).namespace(NS))).execute();
    }

    /** Broker 3's pod, created in the bed. */
    private static io.kubernetes.client.openapi.models.V1Pod brokerPod3(CoreV1Api core) throws Exception {
        return core.createNamespacedPod(NS, new io.kubernetes.client.openapi.models.V1Pod().metadata(new V1ObjectMeta()
                .name("demo-broker-3").namespace(NS).labels(Map.of("berth.dev/cluster", "demo", "berth.dev/role", "broker",
                        "berth.dev/broker-id", "3")))
                .spec(new io.kubernetes.client.openapi.models.V1PodSpec().containers(List.of(
                        new io.kubernetes.client.openapi.models.V1Container().name("kafka").image("apache/kafka:4.4.0")))))
                .execute();
    }

    static OperationStatus removing() {
        return new OperationStatus(OperationStatus.SCALE_DOWN, ScaleDownStep.REMOVING, List.of(3), 0L, null, 0, null,
                "2026-11-28T12:00:00Z", null, Map.of());
    }

    /** A pass's context: broker 3's pod gone, its PVC still cached. */
    static StepContext context(KafkaTestCluster kafka, KubeApiTestBed bed, V1PersistentVolumeClaim pvc) {
        KafkaCluster c = new KafkaCluster(new V1ObjectMeta().name("demo").namespace(NS).uid("uid-demo").generation(1L),
                KafkaClusterSpec.defaults().withControllers(new ControllersSpec(1, null))
                        .withBrokers(new BrokersSpec(3, null, null, null)));
        return new StepContext(c, new KubeView(Map.of(), Map.of(PVC, pvc), Map.of(), Map.of(), null), null,
                kafka.admin(), new TreeSet<>(List.of(0, 1, 2)), removing(), new KubeWriter(bed.apiClient(), Clock.systemUTC()),
                Clock.systemUTC(), new StepEvents());
    }

    static List<String> pvcs(CoreV1Api core) throws Exception {
        V1PersistentVolumeClaimList l = core.listNamespacedPersistentVolumeClaim(NS).execute();
        return l.getItems().stream().map(p -> p.getMetadata().getName()).toList();
    }
}
