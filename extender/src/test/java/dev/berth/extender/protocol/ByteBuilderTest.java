package dev.berth.extender.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ByteBuilderTest {
    @ParameterizedTest
    @CsvSource({"0,0", "7,7", "9,9", "10,10", "42,42", "99,99"})
    void smallNumbersAreWrittenInDecimalWhereReserved(int value, String expected) {
        ByteBuilder b = new ByteBuilder(16).ascii('[');
        int at = b.reserve(2);
        b.advanceTo(ByteBuilder.putSmall(b.array(), at, value));
        assertThat(b.ascii(']').toString()).isEqualTo("[" + expected + "]");
    }

    @ParameterizedTest
    @CsvSource({"0,0", "9,9", "10,10", "99,99", "100,100", "123456789,123456789", "2147483648,2147483648", "-5,-5"})
    void integersAreWrittenInDecimal(long value, String expected) {
        assertThat(new ByteBuilder(1).integer(value).toString()).isEqualTo(expected);
    }

    @Test
    void reserveGrowsTheBufferAndKeepsWhatWasWritten() {
        ByteBuilder b = new ByteBuilder(16).ascii("0123456789");
        int at = b.reserve(100);
        assertThat(at).isEqualTo(10);
        assertThat(b.array().length).isGreaterThanOrEqualTo(110);
        b.array()[at] = 'x';
        b.advanceTo(at + 1);
        assertThat(b.toString()).isEqualTo("0123456789x");
    }

    @Test
    void advancingBackwardsOrPastTheBufferIsRefused() {
        ByteBuilder b = new ByteBuilder(16).ascii("abc");
        assertThatThrownBy(() -> b.advanceTo(2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.advanceTo(b.array().length + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(b.toString()).isEqualTo("abc");
    }
}
