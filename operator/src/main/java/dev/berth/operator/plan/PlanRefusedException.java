package dev.berth.operator.plan;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The planner cannot make this plan without breaking a hard goal. Nothing may be executed. The message
 * names the first {@value #SHOWN} problems and counts the rest: it goes into status conditions, Events and
 * {@code status.operation.message}, and a refusal with one problem per topic (10,000 topics, 80 bytes each,
 * three copies) made a status write etcd refuses. {@link #problems} keeps them all (the {@code plan} CLI
 * prints every one).
 */
public final class PlanRefusedException extends RuntimeException {
    /** How many problems the message names before "and N more problems". */
    static final int SHOWN = 5;
    private final transient List<Problem> problems;

    public PlanRefusedException(List<Problem> problems) {
        super(message(problems));
        this.problems = List.copyOf(problems);
    }

    private static String message(List<Problem> problems) {
        String shown = problems.stream().limit(SHOWN).map(Problem::message).collect(Collectors.joining("; "));
        return problems.size() <= SHOWN ? shown : shown + "; and " + (problems.size() - SHOWN) + " more problems";
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
