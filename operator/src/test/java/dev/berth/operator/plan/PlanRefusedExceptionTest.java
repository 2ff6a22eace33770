package dev.berth.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A refusal's message is what status and Events show: bounded however many problems the planner found. */
class PlanRefusedExceptionTest {
    @Test
    void theMessageNamesFiveProblemsAndCountsTheRestWhileProblemsKeepsThemAll() {
        List<Problem> perTopic = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            perTopic.add(new Problem(RefusalReason.NOT_ENOUGH_RACKS, "topic t" + i + " needs 3 racks, 2 left"));
        }
        PlanRefusedException e = new PlanRefusedException(perTopic);
        assertThat(e.getMessage()).isEqualTo("topic t0 needs 3 racks, 2 left; topic t1 needs 3 racks, 2 left; "
                + "topic t2 needs 3 racks, 2 left; topic t3 needs 3 racks, 2 left; topic t4 needs 3 racks, 2 left;"
                + " and 9995 more problems");
        assertThat(e.problems()).hasSize(10_000);
        assertThat(e.reason()).isEqualTo(RefusalReason.NOT_ENOUGH_RACKS);

        List<Problem> five = perTopic.subList(0, 5);
        assertThat(new PlanRefusedException(five).getMessage()).as("five fit, no count")
                .endsWith("topic t4 needs 3 racks, 2 left").doesNotContain("more");
    }
}
