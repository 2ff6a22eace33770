package dev.berth.extender.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ByteBuilderTest {
    @ParameterizedTest
    @CsvSource({"0,0", "7,7", "9,9", "10,10", "42,42", "99,99", "100,100", "999,999", "1000,1000", "65536,65536",
            "999999999,999999999", "1000000000,1000000000", "2147483647,2147483647"})
    void digitsAreWrittenInDecimalWhereReservedAndNothingAfterThem(int value, String expected) {
        ByteBuilder b = new ByteBuilder(16).ascii('[');
        int at = b.reserve(10);
        java.util.Arrays.fill(b.array(), at, at + 10, (byte) '#');
        int end = ByteBuilder.putDigits(b.array(), at, value);
        assertThat(end - at).isEqualTo(expected.length());
        b.advanceTo(end);
        assertThat(b.ascii(']').toString()).isEqualTo("[" + expected + "]");
    }

    @Test
    void aWordStoreAdvancesByTheConstantsLengthOnly() {
        ByteBuilder b = new ByteBuilder(32).ascii('<');
        int at = b.reserve(16);
        at = ByteBuilder.putWord(b.array(), at, ByteBuilder.words(":[10,7,")[0], 7);
        at = ByteBuilder.putWord(b.array(), at, ByteBuilder.words("3,")[0], 2);
        b.advanceTo(at);
        assertThat(b.ascii('>').toString()).isEqualTo("<:[10,7,3,>");
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
