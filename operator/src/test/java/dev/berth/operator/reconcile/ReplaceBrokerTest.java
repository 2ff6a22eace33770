package dev.berth.operator.reconcile;

import static dev.berth.operator.reconcile.DayTwoRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.testbed.kafka.KafkaAwait;
import dev.berth.testbed.kafka.KafkaRecords;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replacing a broker: {@code brokers.remove: [0]} with the count kept at 3, on topics of RF 3.
 * The operator creates broker 3, drains 0 onto the others and removes it ({@link DayTwoRig}: real
 * KRaft brokers, the Kubernetes API bed, the operator).
 *
 * <p>Before, the scale-down looked before broker 3 had registered, found that two brokers cannot
 * hold RF 3, and raised a Warning {@code ScaleDownRefused} ("nothing changed ... To fix") for a
 * spec that was right; now it waits for the new broker with {@code WaitingForNewBrokers}.
 */
class ReplaceBrokerTest {
    static final Map<Integer, String> RACKS = Map.of(0, "a", 1, "b", 2, "c", 3, "a");

    static DayTwoRig rig;

    @BeforeAll
    static void start() throws Exception {
        rig = DayTwoRig.brokers("swap", RACKS, 3).orders(6, 200).operate(3, 50_000_000L);
    }

    @AfterAll
    static void stop() {
        OperatorFixture.closeAll(rig);
    }

    @Test
    void aReplacedBrokerIsDrainedOntoItsSuccessorWithoutARefusal() throws Exception {
        rig.patch("{\"spec\":{\"brokers\":{\"remove\":[0]}}}");
        await("broker 0 replaced by broker 3").atMost(WAIT).until(() -> !rig.registered(0)
                && KafkaAwait.registeredBrokers(rig.admin()).contains(3) && rig.cluster().getStatus().operation() == null);
        rig.replicas("orders").forEach((p, r) -> assertThat(new TreeSet<>(r)).as("partition %d", p).containsExactly(1, 2, 3));
        for (int p = 0; p < 6; p++) {
            assertThat(KafkaRecords.consumeAll(rig.bootstrap(), new TopicPartition("orders", p))).hasSize(200);
        }
        DayTwoRig.eventsSay(() -> assertThat(rig.eventReasons()).contains("ScaleDownStarted", "ScaleDownComplete")
                .doesNotContain("ScaleDownRefused"));
    }
}
