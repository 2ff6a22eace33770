package dev.berth.operator.reconcile;

import dev.berth.operator.api.Condition;
import dev.berth.operator.api.OperationStatus;
import java.time.Duration;
import java.util.List;

/**
 * What an {@link OperationStep} did.
 *
 * @param applies {@code false} when the step had nothing to do (the operation is left as it was)
 * @param operation the operation's new state; {@code null} clears {@code status.operation}
 * @param conditions conditions to set, e.g. {@code ScaleDownBlocked}
 * @param requeueAfter when to reconcile again, or {@code null} for the normal interval
 * @param suspend the operation set aside to make way ({@link MakeWay}), written to {@code status.suspended};
 *     {@code null} leaves that field as it was
 */
public record StepResult(boolean applies, OperationStatus operation, List<Condition> conditions, Duration requeueAfter,
        OperationStatus suspend) {
    public static final StepResult NOTHING = new StepResult(false, null, List.of(), null);

    public StepResult {
        conditions = conditions == null ? List.of() : List.copyOf(conditions);
    }

    public StepResult(boolean applies, OperationStatus operation, List<Condition> conditions, Duration requeueAfter) {
        this(applies, operation, conditions, requeueAfter, null);
    }

    public static StepResult of(OperationStatus operation, Duration requeueAfter, Condition... conditions) {
        return new StepResult(true, operation, List.of(conditions), requeueAfter);
    }
}
