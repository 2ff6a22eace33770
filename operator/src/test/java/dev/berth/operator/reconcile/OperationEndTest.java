package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.operator.api.OperationStatus;
import dev.berth.testbed.k8s.KubeApiTestBed;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * No step starts an operation on a Kafka observation taken before the last operation ended
 * ({@link KafkaClusterReconciler}): the end of a roll gives leadership back, and a hot-partition step that
 * planned in the same pass, on the observation of a moment before, saw the restarted broker leading nothing
 * and moved leadership for a skew already gone.
 *
 * <p>The real operator on the API bed, with two steps at its day-2 hook: {@code ending} runs one operation and
 * ends it on its second pass; {@code starting}, after it in the list, notes the observation time of every pass
 * in which it could start one. Kafka is not reachable here; its views still carry the time of each attempt.
 */
class OperationEndTest {
    static final String NS = "ends";

    record Seen(Instant calledAt, Instant observedAt) {}

    @Test
    void noStepStartsOnAnObservationOlderThanTheLastEnd() throws Exception {
        List<Instant> ends = new CopyOnWriteArrayList<>();
        List<Seen> seen = new CopyOnWriteArrayList<>();
        Clock clock = Clock.systemUTC();
        OperationStep ending = ctx -> {
            if (!ends.isEmpty()) {
                return StepResult.NOTHING;
            }
            if (ctx.operation() == null) {
                return StepResult.of(new OperationStatus(OperationStatus.SCALE_UP, "Moving", List.of(), 0L, null, 0, null,
                        "2026-11-28T12:00:00Z", "one pass, then done", Map.of()), Duration.ofMillis(100));
            }
            ends.add(clock.instant());
            return StepResult.of(null, Duration.ofMillis(100));
        };
        OperationStep starting = ctx -> {
            if (ctx.operation() == null && ctx.kafka().at() != null) {
                seen.add(new Seen(clock.instant(), ctx.kafka().at()));
            }
            return StepResult.NOTHING;
        };
        try (KubeApiTestBed bed = KubeApiTestBed.start()) {
            bed.load(OperatorFixture.CRD);
            try (Operator operator = new Operator(bed.informerClient(), bed.apiClient(),
                    OperatorFixture.config(NS, "127.0.0.1:1", "berth-operator", "op-ends"), List.of(ending, starting), clock)) {
                operator.start();
                OperatorFixture.create(bed, NS, "demo", OperatorFixture.spec(1, 1, null));
                await("the operation ran and ended").atMost(Duration.ofSeconds(60)).until(() -> !ends.isEmpty());
                Instant end = ends.get(0);
                await("the later step looked again after the end").atMost(Duration.ofSeconds(60))
                        .until(() -> seen.stream().anyMatch(s -> s.calledAt().isAfter(end)));
                assertThat(seen.stream().filter(s -> s.calledAt().isAfter(end)))
                        .as("every chance to start after the end came with an observation taken after it")
                        .allSatisfy(s -> assertThat(s.observedAt()).isAfter(end));
            }
        }
    }
}
