package dev.berth.operator.api;

/**
 * One condition, following the Kubernetes API conventions ({@code metav1.Condition}).
 *
 * @param type a {@link ConditionType} name
 * @param status {@code True}, {@code False} or {@code Unknown}
 * @param reason a CamelCase reason, stable for tooling
 * @param message a sentence for people: what is happening, what to fix
 * @param lastTransitionTime RFC 3339 time of the last change of {@code status}
 * @param observedGeneration the generation this condition was computed for
 */
public record Condition(
        String type, String status, String reason, String message, String lastTransitionTime, Long observedGeneration) {

    public static final String TRUE = "True";
    public static final String FALSE = "False";
    public static final String UNKNOWN = "Unknown";

    /** A condition before {@link Conditions#merge} gives it its transition time and generation. */
    public static Condition of(ConditionType type, boolean status, String reason, String message) {
        return new Condition(type.name(), status ? TRUE : FALSE, reason, message, null, null);
    }

    public static Condition unknown(ConditionType type, String reason, String message) {
        return new Condition(type.name(), UNKNOWN, reason, message, null, null);
    }

    public boolean isTrue() {
        return TRUE.equals(status);
    }
}
