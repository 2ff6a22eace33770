package dev.berth.operator.reconcile;

import static dev.berth.operator.reconcile.DayTwoRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.operator.api.OperationStatus;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A KafkaCluster deleted while its throttled drain runs, its brokers left running (an orphaning
 * delete; the API test bed has no garbage collector, so the pods stay) ({@link DayTwoRig}: real KRaft
 * brokers, the Kubernetes API bed, the operator).
 *
 * <p>Before, nothing reconciled the cluster again: the batch ran to its end and the drain's 20 KB/s
 * throttles stayed on every broker for good, also after the KafkaCluster was created again (found by
 * a probe). Now the operator cancels the running moves of the recorded batch and clears the throttles.
 */
class DeletedMidDrainTest {
    static final Map<Integer, String> RACKS = Map.of(0, "a", 1, "b", 2, "c", 3, "a");

    static DayTwoRig rig;

    @BeforeAll
    static void start() throws Exception {
        rig = DayTwoRig.brokers("deleted", RACKS, 4).orders(6, 2400).operate(4, 20_000L);
    }

    @AfterAll
    static void stop() {
        OperatorFixture.closeAll(rig);
    }

    @Test
    void aClusterDeletedMidDrainLeavesNoMoveRunningAndNoThrottle() throws Exception {
        Map<Integer, Set<Integer>> before = sets(rig.replicas("orders"));
        rig.patch("{\"spec\":{\"brokers\":{\"replicas\":3}}}");
        await("the drain moves data, throttled").atMost(WAIT).until(() -> {
            OperationStatus op = rig.cluster().getStatus().operation();
            return op != null && OperationStatus.SCALE_DOWN.equals(op.type()) && rig.reassigning()
                    && op.details().containsKey(MoveCancel.ORIGINS) && !rig.throttles().isEmpty();
        });

        OperatorFixture.clusters(rig.bed).delete(DayTwoRig.NS, rig.name).throwsApiException();
        // the batch alone would end in about 10 s at 20 KB/s; its throttles would stay for good
        await("no move running and no throttle left").atMost(WAIT).until(() -> !rig.reassigning() && rig.throttles().isEmpty());
        assertThat(sets(rig.replicas("orders"))).as("the cancelled moves put every partition back on its brokers")
                .isEqualTo(before);
    }

    static Map<Integer, Set<Integer>> sets(Map<Integer, List<Integer>> replicas) {
        Map<Integer, Set<Integer>> out = new java.util.TreeMap<>();
        replicas.forEach((p, r) -> out.put(p, new HashSet<>(r)));
        return out;
    }
}
