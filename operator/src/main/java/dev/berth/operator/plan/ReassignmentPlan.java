package dev.berth.operator.plan;

import java.util.List;

/**
 * The planner's output: a diff, never a new world.
 *
 * @param intent what was asked
 * @param moves every partition whose replica list changes, sorted by topic and partition
 * @param stats bytes moved against the minimum, balance before and after
 * @param brokers per-broker load before and after, sorted by id
 */
public record ReassignmentPlan(
        PlanIntent intent, List<Move> moves, PlanStats stats, List<BrokerLoad> brokers) {

    public ReassignmentPlan {
        moves = List.copyOf(moves);
        brokers = List.copyOf(brokers);
    }

    public boolean isEmpty() {
        return moves.isEmpty();
    }
}
