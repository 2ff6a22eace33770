package dev.berth.operator.plan;

/**
 * One reason a plan is refused, with the numbers a person needs to fix it.
 *
 * @param reason stable reason (the condition reason)
 * @param message e.g. "remaining 2 brokers cannot hold RF 3 of topic orders"
 */
public record Problem(RefusalReason reason, String message) {
    @Override
    public String toString() {
        return reason + ": " + message;
    }
}
