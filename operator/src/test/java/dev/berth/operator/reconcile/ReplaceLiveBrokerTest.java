package dev.berth.operator.reconcile;

import static dev.berth.operator.reconcile.DayTwoRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.testbed.kafka.KafkaAwait;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replacing a live broker whose partitions the others could hold: {@code brokers.remove: [0]} with the count
 * kept at 4, racks a, b, c, a, RF 3. The planner could drain broker 0 at once, all its rack-a replicas onto
 * broker 3, and the scale-up then moved them again onto broker 4, the successor, once it registered: every
 * byte moved twice. The drain now waits for broker 4 ({@code WaitingForNewBrokers}), and broker 0's replicas
 * go straight to it ({@link DayTwoRig}: real KRaft brokers, the Kubernetes API bed, the operator).
 */
class ReplaceLiveBrokerTest {
    static final Map<Integer, String> RACKS = Map.of(0, "a", 1, "b", 2, "c", 3, "a", 4, "a");

    static DayTwoRig rig;

    @BeforeAll
    static void start() throws Exception {
        rig = DayTwoRig.brokers("swap-live", RACKS, 4).orders(6, 200).operate(4, 50_000_000L);
    }

    @AfterAll
    static void stop() {
        OperatorFixture.closeAll(rig);
    }

    @Test
    void theDrainWaitsForTheSuccessorSoNothingMovesTwice() throws Exception {
        Set<Integer> onThreeBefore = partitionsOn(3);
        rig.patch("{\"spec\":{\"brokers\":{\"remove\":[0]}}}");
        await("broker 0 replaced by broker 4").atMost(WAIT).until(() -> !rig.registered(0)
                && KafkaAwait.registeredBrokers(rig.admin()).contains(4) && rig.cluster().getStatus().operation() == null);
        rig.replicas("orders").forEach((p, r) -> assertThat(r).as("partition %d", p).doesNotContain(0));
        assertThat(partitionsOn(3)).as("broker 3 kept what it had: broker 0's rack-a replicas went to broker 4")
                .isEqualTo(onThreeBefore);
        DayTwoRig.eventsSay(() -> assertThat(rig.eventReasons()).contains("ScaleDownStarted", "ScaleDownComplete")
                .doesNotContain("ScaleDownRefused", "ScaleUpStarted"));
    }

    private static Set<Integer> partitionsOn(int broker) throws Exception {
        Set<Integer> out = new TreeSet<>();
        rig.replicas("orders").forEach((p, r) -> {
            if (r.contains(broker)) {
                out.add(p);
            }
        });
        return out;
    }
}
