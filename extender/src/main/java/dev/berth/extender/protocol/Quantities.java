package dev.berth.extender.protocol;

import io.kubernetes.client.custom.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Kubernetes quantities ({@code 100Gi}, {@code 1.5Ti}, {@code 500G}, {@code 107374182400},
 * {@code 1e3}) as whole bytes, parsed by client-java's {@link Quantity}, never by hand. Fractions
 * of a byte round up (a request of {@code 1500m} bytes needs 2).
 */
public final class Quantities {
    private Quantities() {}

    /** Bytes of {@code text}; IllegalArgumentException (with a reason) when not a non-negative quantity that fits in a long. */
    public static long bytes(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty quantity");
        }
        BigDecimal number;
        try {
            number = new Quantity(text.trim()).getNumber();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a Kubernetes quantity: " + text);
        }
        if (number.signum() < 0) {
            throw new IllegalArgumentException("negative quantity: " + text);
        }
        try {
            return number.setScale(0, RoundingMode.CEILING).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("quantity too large: " + text);
        }
    }

    /**
     * A node's {@code berth.dev/disk-capacity}: {@code null} when absent,
     * {@link dev.berth.extender.placement.NodeFacts#INVALID_CAPACITY} when not a quantity (the node
     * then fails the disk rule with a reason instead of the request failing).
     */
    public static Long nodeCapacity(String annotation) {
        if (annotation == null) {
            return null;
        }
        try {
            return bytes(annotation);
        } catch (IllegalArgumentException e) {
            return dev.berth.extender.placement.NodeFacts.INVALID_CAPACITY;
        }
    }

    /** A broker's {@code berth.dev/leaders} or {@code leader-bytes-in}: 0 when absent or not a quantity (it only steers a score). */
    public static long loadOrZero(String annotation) {
        if (annotation == null) {
            return 0;
        }
        try {
            return bytes(annotation);
        } catch (IllegalArgumentException e) {
            return 0;
        }
    }
}
