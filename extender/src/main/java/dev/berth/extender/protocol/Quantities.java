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

    /**
     * The longest text parsed. Parsing a number costs time quadratic in its length ("1" and two
     * million zeros held a thread for about a minute), and the text comes from any pod's annotation.
     * Real quantities are far shorter: the largest a long holds, written out in bytes, has 19
     * digits, and 64 leaves room for a decimal fraction, an exponent and a suffix.
     */
    static final int LONGEST = 64;

    /** Bytes of {@code text}; IllegalArgumentException (with a reason) when not a non-negative quantity that fits in a long. */
    public static long bytes(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty quantity");
        }
        if (text.length() > LONGEST) { // before parsing, and without the text: it may be megabytes
            throw new IllegalArgumentException("quantity too long: " + text.length() + " characters");
        }
        BigDecimal number;
        try {
            number = number(text); // as written: Kubernetes' grammar has no blanks
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a Kubernetes quantity: " + text);
        }
        if (number.signum() < 0) {
            throw new IllegalArgumentException("negative quantity: " + text);
        }
        // Compared first, since a comparison looks at the exponents alone: rounding 1e300000000 (or
        // 1e-300000000) to whole bytes would compute ten to that power, minutes of a thread.
        if (number.compareTo(LARGEST) > 0) {
            throw new TooLarge(text);
        }
        if (number.signum() > 0 && number.compareTo(BigDecimal.ONE) < 0) {
            return 1; // a fraction of a byte still needs a byte
        }
        try {
            return number.setScale(0, RoundingMode.CEILING).longValueExact();
        } catch (ArithmeticException e) {
            throw new TooLarge(text);
        }
    }

    private static final BigDecimal LARGEST = BigDecimal.valueOf(Long.MAX_VALUE);

    /**
     * client-java 27 computes the {@code Ei} suffix through a {@code double} (2^60 comes out as
     * 1152921504606847000, 424 bytes over), so {@code Ei} is taken off and applied exactly; the
     * number before it is still parsed by {@link Quantity}. Every other suffix is exact there.
     */
    private static BigDecimal number(String text) {
        if (text.endsWith("Ei")) {
            String plain = text.substring(0, text.length() - 2);
            if (plain.indexOf('e') >= 0 || plain.indexOf('E') >= 0) {
                throw new IllegalArgumentException("a suffix and an exponent together"); // as 1e3Gi
            }
            BigDecimal mantissa = new Quantity(plain).getNumber();
            return mantissa.multiply(EXBI);
        }
        return new Quantity(text).getNumber();
    }

    private static final BigDecimal EXBI = new BigDecimal(java.math.BigInteger.ONE.shiftLeft(60));

    /**
     * A node's {@code berth.dev/disk-capacity}: {@code null} when absent,
     * {@link dev.berth.extender.placement.NodeFacts#INVALID_CAPACITY} when not a quantity (the node
     * then fails the disk rule with a reason instead of the request failing).
     */
    public static Long nodeCapacity(String annotation) {
        if (annotation == null) {
            return null;
        }
        if (annotation.length() > LONGEST) {
            return dev.berth.extender.placement.NodeFacts.INVALID_CAPACITY; // not kept: the cache holds short keys only
        }
        Long cached = CAPACITIES.get(annotation);
        if (cached != null) {
            return cached;
        }
        long value;
        try {
            value = bytes(annotation);
        } catch (IllegalArgumentException e) {
            value = dev.berth.extender.placement.NodeFacts.INVALID_CAPACITY;
        }
        if (CAPACITIES.size() < 4096) {
            CAPACITIES.put(annotation, value);
        }
        return value;
    }

    /**
     * Full-mode requests carry every node's {@code berth.dev/disk-capacity} text, and clusters use
     * a handful of distinct values: parsing each once saves a Quantity parse per node per request.
     * Bounded, so odd values cannot grow it without limit.
     */
    private static final java.util.Map<String, Long> CAPACITIES = new java.util.concurrent.ConcurrentHashMap<>();

    /** A quantity past {@code Long.MAX_VALUE} bytes. */
    public static final class TooLarge extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        TooLarge(String text) {
            super("quantity too large: " + text);
        }
    }

    /**
     * A placed broker's {@code berth.dev/local-storage}, {@code leaders} or {@code leader-bytes-in}: 0 when absent or
     * not a quantity, {@code Long.MAX_VALUE} when too large. Too large is not nothing: an {@code 8Ei} broker counted
     * as 0 bytes let the next broker onto a full node, and a {@code 1e30} leader load made the busiest node look idle.
     */
    public static long placedAmount(String annotation) {
        if (annotation == null) {
            return 0;
        }
        try {
            return bytes(annotation);
        } catch (TooLarge e) {
            return Long.MAX_VALUE;
        } catch (IllegalArgumentException e) {
            return 0;
        }
    }
}
