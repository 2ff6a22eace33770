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
