package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.testbed.k8s.KubeApiTestBed;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * What a step keeps in memory per cluster (a hot rebalance's cool-down, a roll's quorum baseline, live
 * config writes) is dropped when its KafkaCluster is deleted ({@link OperationStep#forget}): before, a
 * cluster created again under the name inherited the old one's cool-down, and every deleted cluster left
 * its entries for the life of the process. The operator runs on the Kubernetes API bed, no Kafka answering.
 */
class StepMemoryTest {
    static final String NS = "kafka";

    @Test
    void aDeletedClustersStepMemoryIsForgottenAndALiveOnesIsNot() throws Exception {
        KubeApiTestBed bed = KubeApiTestBed.start();
        bed.load(OperatorFixture.CRD);
        Set<String> stepped = ConcurrentHashMap.newKeySet();
        Set<String> forgotten = ConcurrentHashMap.newKeySet();
        OperationStep remembering = new OperationStep() {
            @Override
            public StepResult step(StepContext ctx) {
                stepped.add(ctx.cluster().namespace() + "/" + ctx.cluster().name());
                return StepResult.NOTHING;
            }

            @Override
            public void forget(String key) {
                forgotten.add(key);
            }
        };
        Operator operator = new Operator(bed.informerClient(), bed.apiClient(),
                OperatorFixture.config(NS, "127.0.0.1:1", "berth-operator", "op-step-memory"), List.of(remembering),
                Clock.systemUTC());
        try {
            operator.start();
            OperatorFixture.create(bed, NS, "gone", OperatorFixture.spec(1, 1, null));
            OperatorFixture.create(bed, NS, "kept", OperatorFixture.spec(1, 1, null));
            await("both reach the steps").atMost(Duration.ofSeconds(60))
                    .until(() -> stepped.containsAll(Set.of("kafka/gone", "kafka/kept")));
            assertThat(forgotten).isEmpty();

            OperatorFixture.clusters(bed).delete(NS, "gone").throwsApiException();
            await("the deleted one forgotten").atMost(Duration.ofSeconds(60)).until(() -> forgotten.contains("kafka/gone"));
            assertThat(forgotten).as("only the deleted cluster").containsExactly("kafka/gone");
        } finally {
            OperatorFixture.closeAll(operator, bed);
        }
    }
}
