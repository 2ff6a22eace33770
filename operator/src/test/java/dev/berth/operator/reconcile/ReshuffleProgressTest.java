package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.plan.Clusters;
import dev.berth.operator.plan.PlanIntent;
import dev.berth.operator.plan.ReassignmentPlan;
import dev.berth.operator.plan.ReassignmentPlanner;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Progress in status is recomputed from each pass's re-plan: it only moves forward. */
class ReshuffleProgressTest {
    private static final OperationStatus START = new OperationStatus("ScaleDown", "Draining",
            List.of(6), 0L, null, 0, null, "2026-01-01T00:00:00Z", null, Map.of());

    @Test
    void movedIsTheFirstPlansTotalMinusWhatIsLeftAndNeverGoesBack() {
        ClusterSnapshot s = Clusters.threeRacksSixBrokers();
        ReassignmentPlan first = new ReassignmentPlanner(new Random(1))
                .plan(s, new PlanIntent.RemoveBrokers(Set.of(6)));
        OperationStatus p1 = Reshuffle.progress(START, "Draining", first, null);
        assertThat(p1.bytesMoved()).isZero();
        assertThat(p1.bytesTotal()).isEqualTo(42 * Clusters.GB); // broker 6's replicas
        assertThat(p1.partitionsTotal()).isEqualTo(6);

        ReassignmentPlan smaller = new ReassignmentPlan(first.intent(), first.moves().subList(2, 6),
                new dev.berth.operator.plan.PlanStats(first.moves().subList(2, 6).stream()
                        .mapToLong(m -> m.bytesMoved()).sum(), 0, 4, 0,
                        first.stats().before(), first.stats().after()), first.brokers());
        OperationStatus p2 = Reshuffle.progress(p1, "Draining", smaller, null);
        long left = smaller.stats().bytesMoved();
        assertThat(p2.bytesMoved()).isEqualTo(42 * Clusters.GB - left);
        assertThat(p2.partitionsDone()).isEqualTo(2);

        OperationStatus p3 = Reshuffle.progress(p2, "Verifying", null, null); // plan empty: done
        assertThat(p3.bytesMoved()).isEqualTo(p3.bytesTotal()).isEqualTo(42 * Clusters.GB);
        assertThat(p3.partitionsDone()).isEqualTo(p3.partitionsTotal()).isEqualTo(6);
        assertThat(p3.phase()).isEqualTo("Verifying");
    }

    @Test
    void refusalReasonsBecomeCamelCaseConditionReasons() {
        assertThat(ScaleDownStep.camel("NOT_ENOUGH_BROKERS")).isEqualTo("NotEnoughBrokers");
        assertThat(ScaleDownStep.camel("NOT_ENOUGH_RACKS")).isEqualTo("NotEnoughRacks");
        assertThat(ScaleDownStep.camel("INVALID_INTENT")).isEqualTo("InvalidIntent");
    }
}
