package dev.berth.extender.state.kube;

import io.kubernetes.client.custom.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Reads a Kubernetes quantity ({@code 100Gi}, {@code 1.5Ti}, {@code 500G}, {@code 107374182400},
 * {@code 1e3}) from an annotation with client-java's {@link Quantity} parser, never a hand-written
 * one. A value that does not parse, is negative or does not fit a {@code long} is reported as a
 * problem string instead of an exception: one bad annotation must not break the whole cache.
 * Fractions round up (a disk request of 1.5 bytes needs 2).
 */
public final class Quantities {
    private static final BigDecimal MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    private Quantities() {}

    /** A parsed value, or a problem; both null when the annotation is absent. */
    public record Parsed(Long value, String problem) {
        static final Parsed ABSENT = new Parsed(null, null);

        public boolean malformed() {
            return problem != null;
        }
    }

    public static Parsed parse(String key, String raw) {
        if (raw == null) {
            return Parsed.ABSENT;
        }
        BigDecimal number;
        try {
            number = new Quantity(raw.trim()).getNumber();
        } catch (RuntimeException e) {
            return new Parsed(null, key + " is not a quantity: \"" + shorten(raw) + "\"");
        }
        if (number.signum() < 0) {
            return new Parsed(null, key + " is negative: \"" + shorten(raw) + "\"");
        }
        BigDecimal whole = number.setScale(0, RoundingMode.CEILING);
        if (whole.compareTo(MAX) > 0) {
            return new Parsed(null, key + " is too large: \"" + shorten(raw) + "\"");
        }
        return new Parsed(whole.longValueExact(), null);
    }

    private static String shorten(String raw) {
        return raw.length() <= 40 ? raw : raw.substring(0, 40) + "...";
    }
}
