package dev.berth.operator.cli;

import dev.berth.operator.reconcile.Operator;

/** {@link RunCommand}'s readiness rule, for the operator's tests in other packages. */
public final class RunCommandAccess {
    private RunCommandAccess() {}

    /** What {@code /readyz} answers for {@code operator}: why it is not ready, or null. */
    public static String notReady(Operator operator) {
        return RunCommand.notReady(operator);
    }
}
