package dev.berth.extender.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.extender.placement.NodeFacts;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QuantitiesTest {

    @ParameterizedTest
    @CsvSource({
        "100Gi, 107374182400",
        "1.5Ti, 1649267441664",
        "500G, 500000000000",
        "107374182400, 107374182400", // plain bytes
        "1e3, 1000",                  // decimal exponent
        "0, 0",                       // zero is a valid request
        "1500m, 2",                   // 1.5 bytes rounds up: a fraction of a byte still needs a byte
        "1Ei, 1152921504606846976",   // exactly 2^60 (client-java alone gives ...847000)
        "1.5Ei, 1729382256910270464", // 1.5 * 2^60
        "7Pi, 7881299347898368"       // the largest binary suffix client-java gets right
    })
    void kubernetesQuantitiesBecomeBytes(String text, String expected) {
        assertThat(Quantities.bytes(text)).isEqualTo(Long.parseLong(expected));
    }

    @org.junit.jupiter.api.Test
    void quantitiesBeyondALongAreRefused() {
        assertThatThrownBy(() -> Quantities.bytes("8Ei")).hasMessageContaining("too large"); // 2^63 overflows a long
    }

    /**
     * Exponents Kubernetes' grammar allows but no disk has: answered at once. Rounding them to whole bytes
     * computed ten to the exponent, which held a request thread (or the informer's) for minutes; the
     * timeout only keeps this test from hanging with them.
     */
    @org.junit.jupiter.api.Test
    void hugeExponentsAreAnsweredAtOnce() {
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20), () -> {
            assertThatThrownBy(() -> Quantities.bytes("1e300000000")).hasMessageContaining("too large");
            assertThat(Quantities.bytes("1e-300000000")).as("a fraction of a byte needs a byte").isEqualTo(1);
            assertThat(Quantities.bytes("5e-1")).isEqualTo(1);
            assertThat(Quantities.bytes("1e0")).isEqualTo(1);
            assertThat(Quantities.bytes("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
            assertThatThrownBy(() -> Quantities.bytes("9223372036854775808")).hasMessageContaining("too large");
            assertThat(Quantities.nodeCapacity("1e300000000")).isEqualTo(NodeFacts.INVALID_CAPACITY);
            assertThat(Quantities.placedAmount("1e300000000")).as("too large is the most, not nothing").isEqualTo(Long.MAX_VALUE);
            assertThat(Quantities.placedAmount("8Ei")).isEqualTo(Long.MAX_VALUE);
            assertThat(Quantities.placedAmount("lots")).isZero();
            assertThat(Quantities.placedAmount(null)).isZero();
        });
    }

    /**
     * Parsing a number is quadratic in its length: "1" and two million zeros held a request thread
     * for about a minute. Text past the bound is refused before it is parsed; the timeout only keeps
     * this test from hanging without that. {@code length}: "1" followed by zeros, that many characters.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "19      | 1000000000000000000",                   // 10^18: long, and far shorter than the bound
        "64      | quantity too large",                    // the bound itself is parsed (10^63 is past a long)
        "65      | quantity too long: 65 characters",      // one more is refused unparsed
        "2000001 | quantity too long: 2000001 characters"  // the pod annotation found in review
    })
    void textLongerThanAnyRealQuantityIsRefusedBeforeItIsParsed(int length, String outcome) {
        String text = "1" + "0".repeat(length - 1);
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () -> {
            if (outcome.matches("[0-9]+")) {
                assertThat(Quantities.bytes(text)).isEqualTo(Long.parseLong(outcome));
                return;
            }
            assertThatThrownBy(() -> Quantities.bytes(text)).isInstanceOf(IllegalArgumentException.class).hasMessage(
                    outcome.startsWith("quantity too long") ? outcome : outcome + ": " + text);
            assertThat(Quantities.nodeCapacity(text)).as("a node's capacity takes the same path").isEqualTo(NodeFacts.INVALID_CAPACITY);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "lots", "10GB", "-1Gi", "1.2.3", "Gi", "Ei", " 10Gi", "10Gi ", "\t1Ti", "1eEi", "1e3Ei", "1e3Gi", "1GiEi", "-1Ei"})
    void invalidQuantitiesAreRefusedWithTheText(String text) {
        assertThatThrownBy(() -> Quantities.bytes(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource(value = {
        "NULL, NULL",                     // absent annotation: no local disk
        "2Ti, 2199023255552",
        "two terabytes, -1"               // present but invalid: the node fails with a reason
    }, nullValues = "NULL")
    void nodeCapacityDistinguishesAbsentFromInvalid(String annotation, Long expected) {
        assertThat(Quantities.nodeCapacity(annotation)).isEqualTo(expected);
        if (expected != null && expected < 0) {
            assertThat(expected).isEqualTo(NodeFacts.INVALID_CAPACITY);
        }
    }
}
