package dev.berth.operator.plan;

import java.util.List;
import java.util.stream.Collectors;

/** The planner cannot make this plan without breaking a hard goal. Nothing may be executed. */
public final class PlanRefusedException extends RuntimeException {
    private final transient List<Problem> problems;

    public PlanRefusedException(List<Problem> problems) {
        super(problems.stream().map(Problem::message).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    public PlanRefusedException(RefusalReason reason, String message) {
        this(List.of(new Problem(reason, message)));
    }

    public List<Problem> problems() {
        return problems;
    }

    /** The reason of the first problem: what a status condition shows. */
    public RefusalReason reason() {
        return problems.get(0).reason();
    }
}
