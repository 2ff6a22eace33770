package dev.berth.operator.reconcile;

import static dev.berth.operator.reconcile.OperatorFixture.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.operator.act.KafkaCallException;
import dev.berth.operator.api.Condition;
import dev.berth.operator.api.ConditionType;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.metrics.OperatorMetrics;
import dev.berth.testbed.k8s.KubeApiTestBed;
import dev.berth.testbed.kafka.KafkaTestCluster;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A day-2 step that fails on every pass is said on the KafkaCluster ({@link StepFailure}): before, the
 * pass was dropped whole, so {@code kubectl describe} showed the last good status, an
 * {@code observedGeneration} that no longer followed the spec, and nothing about why.
 *
 * <p>The operator runs on the Kubernetes API test bed against a real KRaft broker. Its one step (a test
 * double at the step boundary, as in {@link StaleStatusWriteTest}) asks that broker for a change Kafka
 * refuses, a throttle rate that is not a number, the way a real step's call is refused for want of an
 * ACL. A second step records whether it ever runs on a pass whose first step failed.
 */
class StepFailureStatusTest {
    static final String NS = "kafka";
    static final Duration WAIT = Duration.ofSeconds(60);

    static volatile boolean refuse;
    static final AtomicInteger refusedPasses = new AtomicInteger();
    /** Set by the refusing step on each pass: whether it threw. The step after it must never see true. */
    static volatile boolean thisPassThrew;
    static final AtomicInteger laterStepAfterAThrow = new AtomicInteger();
    static final AtomicInteger laterStepPasses = new AtomicInteger();

    static KafkaTestCluster kafka;
    static KubeApiTestBed bed;
    static Operator operator;

    @BeforeAll
    static void start() {
        kafka = KafkaTestCluster.builder().broker(0, "a").start();
        bed = KubeApiTestBed.start();
        bed.load(OperatorFixture.CRD);
        OperationStep refusing = ctx -> {
            thisPassThrew = false;
            if (!refuse || !ctx.cluster().name().equals("refused")) {
                return StepResult.NOTHING;
            }
            ctx.event("Normal", "DecidedBeforeTheRefusal", "queued by the step that then fails");
            refusedPasses.incrementAndGet();
            thisPassThrew = true;
            try {
                ctx.admin().incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.BROKER, "0"),
                        List.of(new AlterConfigOp(new ConfigEntry("leader.replication.throttled.rate", "fast"),
                                AlterConfigOp.OpType.SET)))).all().get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new KafkaCallException("incrementalAlterConfigs (throttles)", e);
            }
            throw new AssertionError("Kafka took a throttle rate that is not a number");
        };
        OperationStep later = ctx -> {
            if (ctx.cluster().name().equals("refused")) {
                laterStepPasses.incrementAndGet();
                if (thisPassThrew) {
                    laterStepAfterAThrow.incrementAndGet();
                }
            }
            return StepResult.NOTHING;
        };
        operator = new Operator(bed.informerClient(), bed.apiClient(),
                OperatorFixture.config(NS, kafka.bootstrapServers(), "berth-operator", "op-step-failure"),
                List.of(refusing, later), Clock.systemUTC());
        operator.start();
    }

    @AfterAll
    static void stop() {
        OperatorFixture.closeAll(operator, bed, kafka);
    }

    @Test
    void aStepThatFailsOnEveryPassIsSaidInStatusOnceAsAnEventAndTheRestOfTheStatusStaysFresh() throws Exception {
        OperatorFixture.create(bed, NS, "refused", OperatorFixture.spec(1, 1, null));
        await("Kafka observed").atMost(WAIT).until(() -> reason(get(bed, NS, "refused")), "KafkaReachable"::equals);
        await("the later step runs on good passes").atMost(WAIT).until(() -> laterStepPasses.get() > 0);
        double errorsBefore = OperatorMetrics.RECONCILES.labels("error").get();

        refuse = true;
        await("Degraded says which step failed and why").atMost(WAIT).untilAsserted(() -> {
            Condition d = get(bed, NS, "refused").getStatus().condition(ConditionType.Degraded);
            assertThat(d.status()).isEqualTo("True");
            assertThat(d.reason()).isEqualTo("StepFailed");
            assertThat(d.message()).startsWith("StepFailureStatusTest step failed, retried on the next pass: "
                    + "incrementalAlterConfigs (throttles) failed: ");
        });
        String since = get(bed, NS, "refused").getStatus().condition(ConditionType.Degraded).lastTransitionTime();

        // the rest of the status is written as on any pass: a spec edit is seen while the step fails
        OperatorFixture.clusters(bed).patch(NS, "refused", V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                new V1Patch("{\"spec\":{\"rebalance\":{\"throttleBytesPerSec\":20000000}}}")).throwsApiException();
        await("observedGeneration follows the spec").atMost(WAIT).until(() -> {
            KafkaCluster c = get(bed, NS, "refused");
            return c.getStatus().observedGeneration() == c.generation() && "StepFailed".equals(reason(c));
        });
        int now = refusedPasses.get();
        await("more failing passes").atMost(WAIT).until(() -> refusedPasses.get() >= now + 2);

        KafkaCluster failing = get(bed, NS, "refused");
        assertThat(failing.getStatus().condition(ConditionType.Degraded).lastTransitionTime())
                .as("a failure that goes on is one transition").isEqualTo(since);
        assertThat(events("StepFailed")).as("one Warning, not one per retry").isEqualTo(1);
        assertThat(events("DecidedBeforeTheRefusal")).as("the failed step's own Events do not count").isZero();
        assertThat(laterStepAfterAThrow.get()).as("the steps after a failed one wait for the next pass").isZero();
        assertThat(OperatorMetrics.RECONCILES.labels("error").get()).isGreaterThan(errorsBefore);

        refuse = false;
        await("Degraded clears with the first good pass").atMost(WAIT)
                .until(() -> reason(get(bed, NS, "refused")), "KafkaReachable"::equals);
    }

    static String reason(KafkaCluster c) {
        Condition d = c.getStatus() == null ? null : c.getStatus().condition(ConditionType.Degraded);
        return d == null ? null : d.reason();
    }

    static long events(String reason) throws Exception {
        return new CoreV1Api(bed.apiClient()).listNamespacedEvent(NS).execute().getItems().stream()
                .filter(e -> reason.equals(e.getReason()) && "refused".equals(e.getInvolvedObject().getName()))
                .count();
    }
}
