package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.api.OperationStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which operations a pass whose status write was refused still records ({@code
 * StatusWrites.actedOnKafka}): only those that record an action on Kafka. A decision made
 * from the spec the pass read (start, end, Verifying to Removing) is the next pass's to make again
 * from the new spec: kept, a Removing decided from replicas 3 defeated the call-off the user asked
 * for with replicas 4.
 */
class KeepOperationRuleTest {
    static OperationStatus op(String phase, Map<String, String> details) {
        return new OperationStatus(OperationStatus.SCALE_DOWN, phase, List.of(3), 0L, null, 0, null,
                "2026-11-26T12:00:00Z", null, details);
    }

    record Row(String why, OperationStatus before, OperationStatus after, boolean kept) {}

    @Test
    void onlyARecordOfAKafkaActionIsKept() {
        Map<String, String> batch1 = Map.of(MoveCancel.ORIGINS, "orders-0:3,1,2");
        Map<String, String> batch2 = Map.of(MoveCancel.ORIGINS, "orders-1:2,3,1");
        Row[] rows = {
            new Row("a batch submitted", op("Draining", Map.of()), op("Draining", batch1), true),
            new Row("the next batch submitted", op("Draining", batch1), op("Draining", batch2), true),
            new Row("moves cancelled", op("Draining", batch1),
                    op("Draining", Map.of(MoveCancel.ORIGINS, "orders-0:3,1,2", MoveCancel.CANCELLED, "orders-0:3,1,2")), true),
            new Row("Verifying to Removing: a decision", op("Verifying", batch1), op("Removing", batch1), false),
            new Row("progress only", op("Draining", batch1), op("Draining", batch1), false),
            new Row("a start: a decision", null, op("Draining", Map.of()), false),
            new Row("an end: a decision", op("Draining", batch1), null, false),
        };
        for (Row r : rows) {
            assertThat(StatusWrites.actedOnKafka(r.before(), r.after())).as(r.why()).isEqualTo(r.kept());
        }
    }
}
