package dev.berth.operator.reconcile;

import static dev.berth.operator.reconcile.OperatorFixture.get;
import static dev.berth.operator.reconcile.OperatorFixture.pods;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.operator.api.Condition;
import dev.berth.operator.api.ConditionType;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.metrics.OperatorMetrics;
import dev.berth.testbed.k8s.KubeApiTestBed;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Kubernetes write the operator's role is refused is said on the KafkaCluster ({@link ApplyFailure}):
 * before, the pass was dropped whole, so a new cluster showed no status at all and the log alone said
 * why it got no pods.
 *
 * <p>The operator runs on the Kubernetes API test bed, whose {@code forbid} answers 403 Forbidden as
 * RBAC does. No Kafka answers (the pods never run), so {@code Degraded} would otherwise say
 * {@code KafkaUnreachable}. A day-2 step double counts the passes that reach the steps, per cluster.
 */
class ApplyFailureStatusTest {
    static final String NS = "kafka";
    static final Duration WAIT = Duration.ofSeconds(60);

    static final Map<String, AtomicInteger> stepPasses = new ConcurrentHashMap<>();
    static KubeApiTestBed bed;
    static Operator operator;

    @BeforeAll
    static void start() {
        bed = KubeApiTestBed.start();
        bed.load(OperatorFixture.CRD);
        OperationStep counting = ctx -> {
            stepPasses.computeIfAbsent(ctx.cluster().name(), n -> new AtomicInteger()).incrementAndGet();
            return StepResult.NOTHING;
        };
        operator = new Operator(bed.informerClient(), bed.apiClient(),
                OperatorFixture.config(NS, "127.0.0.1:1", "berth-operator", "op-apply-failure"), List.of(counting),
                Clock.systemUTC());
        operator.start();
    }

    @AfterAll
    static void stop() {
        OperatorFixture.closeAll(operator, bed);
    }

    @Test
    void aRefusedPodCreateIsSaidInStatusOnceAsAnEventAndTheStepsWaitUntilItIsAllowed() throws Exception {
        double errorsBefore = OperatorMetrics.RECONCILES.labels("error").get();
        try (AutoCloseable noPods = bed.forbid("create", "pods", NS)) {
            OperatorFixture.create(bed, NS, "walled", OperatorFixture.spec(1, 1, null));
            await("Degraded says which write was refused and why").atMost(WAIT).untilAsserted(() -> {
                Condition d = degraded("walled");
                assertThat(d).isNotNull();
                assertThat(d.status()).isEqualTo("True");
                assertThat(d.reason()).isEqualTo("ApplyFailed");
                assertThat(d.message()).isEqualTo("Creating or updating pods failed, retried on the next pass: "
                        + "Kubernetes API answered 403: pods is forbidden: User \"system:serviceaccount:test:bed\" "
                        + "cannot create resource \"pods\" in API group \"\" in the namespace \"kafka\"");
            });
            KafkaCluster walled = get(bed, NS, "walled");
            assertThat(walled.getStatus().observedGeneration()).isEqualTo(walled.generation());
            assertThat(walled.getStatus().phase()).isEqualTo("Creating");
            assertThat(walled.getStatus().condition(ConditionType.Ready).reason()).isEqualTo("PodsNotReady");
            String since = walled.getStatus().condition(ConditionType.Degraded).lastTransitionTime();
            CoreV1Api core = new CoreV1Api(bed.apiClient());
            assertThat(core.readNamespacedConfigMap("walled-config", NS).execute())
                    .as("what comes before the pods is written").isNotNull();

            // a spec edit is still seen while the write is refused
            OperatorFixture.clusters(bed).patch(NS, "walled", V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                    new V1Patch("{\"spec\":{\"brokers\":{\"replicas\":2}}}")).throwsApiException();
            await("observedGeneration follows the spec").atMost(WAIT).until(() -> {
                KafkaCluster c = get(bed, NS, "walled");
                return c.getStatus().observedGeneration() == c.generation() && "ApplyFailed".equals(reason(c));
            });
            await("more refused passes").atMost(WAIT)
                    .until(() -> OperatorMetrics.RECONCILES.labels("error").get() >= errorsBefore + 3);

            walled = get(bed, NS, "walled");
            assertThat(walled.getStatus().condition(ConditionType.Degraded).lastTransitionTime())
                    .as("a refusal that goes on is one transition").isEqualTo(since);
            assertThat(events("walled", "ApplyFailed")).as("one Warning, not one per retry").isEqualTo(1);
            assertThat(pods(bed, NS, "walled")).isEmpty();
            assertThat(stepPasses.get("walled")).as("no day-2 step runs around pods that could not be made").isNull();
        }
        await("the pods come with the first pass after the rule is granted").atMost(WAIT)
                .until(() -> pods(bed, NS, "walled").size() == 3);
        await("Degraded goes back to what Kafka says").atMost(WAIT)
                .until(() -> !"ApplyFailed".equals(reason(get(bed, NS, "walled"))));
        await("the steps run again").atMost(WAIT).until(() -> stepPasses.containsKey("walled"));
    }

    @Test
    void aRefusedWriteBeforeThePodsNamesWhatWasBeingWritten() throws Exception {
        try (AutoCloseable noConfigMaps = bed.forbid("create", "configmaps", NS)) {
            OperatorFixture.create(bed, NS, "unconfigured", OperatorFixture.spec(1, 1, null));
            await("Degraded names the shared objects").atMost(WAIT).untilAsserted(() -> {
                Condition d = degraded("unconfigured");
                assertThat(d).isNotNull();
                assertThat(d.reason()).isEqualTo("ApplyFailed");
                assertThat(d.message()).startsWith("Creating or updating the Services, PodDisruptionBudgets or "
                        + "ConfigMap failed, retried on the next pass: Kubernetes API answered 403: configmaps is forbidden");
            });
            assertThat(pods(bed, NS, "unconfigured")).as("no pod without its ConfigMap").isEmpty();
        }
        await("created once allowed").atMost(WAIT).until(() -> pods(bed, NS, "unconfigured").size() == 2);
    }

    /**
     * A refused budget does not stop the healing it protects: the pods are created (an admission policy
     * against zero-disruption budgets, or a role without create on them), and the status says what was
     * refused; the day-2 steps, which rely on the budgets, wait.
     */
    @Test
    void aRefusedBudgetIsSaidAndThePodsAreCreatedAllTheSame() throws Exception {
        try (AutoCloseable noBudgets = bed.forbid("create", "poddisruptionbudgets", NS)) {
            OperatorFixture.create(bed, NS, "unbudgeted", OperatorFixture.spec(1, 2, null));
            await("the pods, without their budgets").atMost(WAIT).until(() -> pods(bed, NS, "unbudgeted").size() == 3);
            await("Degraded says which write was refused").atMost(WAIT).untilAsserted(() -> {
                Condition d = degraded("unbudgeted");
                assertThat(d).isNotNull();
                assertThat(d.reason()).isEqualTo("ApplyFailed");
                assertThat(d.message()).startsWith("Creating or updating PodDisruptionBudgets failed, retried on the"
                        + " next pass: Kubernetes API answered 403: poddisruptionbudgets.policy is forbidden");
            });
            assertThat(stepPasses.get("unbudgeted")).as("no day-2 step without its budgets").isNull();
        }
        await("the budgets once allowed").atMost(WAIT).until(() -> new io.kubernetes.client.openapi.apis.PolicyV1Api(
                bed.apiClient()).listNamespacedPodDisruptionBudget(NS).execute().getItems().stream()
                .filter(b -> b.getMetadata().getName().startsWith("unbudgeted-")).count() == 2);
        await("the steps run again").atMost(WAIT).until(() -> stepPasses.containsKey("unbudgeted"));
    }

    /** No status can say that the status write is refused: a Warning Event does, once per failure ({@link PassFailures}). */
    @Test
    void aRefusedStatusWriteIsOneWarningEventUntilAPassGetsThrough() throws Exception {
        String refused = "Reconcile pass failed, retried in 2 s: Kubernetes API answered 403: kafkaclusters.berth.dev "
                + "\"mute\" is forbidden: User \"system:serviceaccount:test:bed\" cannot patch resource "
                + "\"kafkaclusters/status\" in API group \"berth.dev\" in the namespace \"kafka\"";
        try (AutoCloseable noStatus = bed.forbid("patch", "kafkaclusters/status", NS)) {
            double errorsBefore = OperatorMetrics.RECONCILES.labels("error").get();
            OperatorFixture.create(bed, NS, "mute", OperatorFixture.spec(1, 1, null));
            await("the refusal said on the cluster").atMost(WAIT).until(() -> events("mute", PassFailures.REASON) == 1);
            assertThat(eventMessages("mute", PassFailures.REASON)).containsExactly(refused);
            await("more refused passes").atMost(WAIT)
                    .until(() -> OperatorMetrics.RECONCILES.labels("error").get() >= errorsBefore + 3);
            assertThat(events("mute", PassFailures.REASON)).as("one Warning, not one per retry").isEqualTo(1);
            assertThat(degraded("mute")).as("nothing written").isNull();
        }
        await("the status written once allowed").atMost(WAIT).until(() -> degraded("mute") != null);

        // refused again after a good pass: a new failure, said again
        try (AutoCloseable noStatus = bed.forbid("patch", "kafkaclusters/status", NS)) {
            OperatorFixture.clusters(bed).patch(NS, "mute", V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                    new V1Patch("{\"spec\":{\"brokers\":{\"replicas\":2}}}")).throwsApiException();
            await("said again").atMost(WAIT).until(() -> events("mute", PassFailures.REASON) == 2);
        }
    }

    static Condition degraded(String name) throws Exception {
        KafkaCluster c = get(bed, NS, name);
        return c.getStatus() == null ? null : c.getStatus().condition(ConditionType.Degraded);
    }

    static String reason(KafkaCluster c) {
        Condition d = c.getStatus() == null ? null : c.getStatus().condition(ConditionType.Degraded);
        return d == null ? null : d.reason();
    }

    static long events(String name, String reason) throws Exception {
        return eventMessages(name, reason).size();
    }

    static List<String> eventMessages(String name, String reason) throws Exception {
        return new CoreV1Api(bed.apiClient()).listNamespacedEvent(NS).execute().getItems().stream()
                .filter(e -> reason.equals(e.getReason()) && name.equals(e.getInvolvedObject().getName()))
                .map(e -> e.getMessage()).toList();
    }
}
