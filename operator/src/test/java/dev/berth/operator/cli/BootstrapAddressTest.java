package dev.berth.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BootstrapAddressTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            kafka:9092                      | -
            127.0.0.1:1                     | -
            a:9092,b:9093                   | -
            [::1]:9092                      | -
            kafka-bootstrap.ns.svc:65535    | -
            foo                             | foo
            127.0.0.1:9092x                 | 127.0.0.1:9092x
            a:0                             | a:0
            a:65536                         | a:65536
            :9092                           | :9092
            a:9092,                         | -
            ::1:9092                        | -
            fe80::1%eth0:9092               | -
            a:-1                            | a:-1
            [::1]                           | [::1]
            []:9092                         | []:9092
            """)
    void eachEntryMustBeHostColonPort(String value, String wrongEntry) {
        String problem = BootstrapAddress.problem(value);
        if (wrongEntry == null) {
            assertThat(problem).isNull();
        } else {
            assertThat(problem).isEqualTo("--bootstrap entry \"" + wrongEntry + "\" is not HOST:PORT (a port from 1 to 65535)");
        }
    }

    @org.junit.jupiter.api.Test
    void onlyCommasNameNothing() {
        assertThat(BootstrapAddress.problem(",")).isEqualTo("--bootstrap names no HOST:PORT");
        assertThat(BootstrapAddress.problem(" , ")).isEqualTo("--bootstrap names no HOST:PORT");
    }

    @ParameterizedTest
    @CsvSource({"foo", "127.0.0.1:9092x"})
    void snapshotCallsAMalformedBootstrapAUsageError(String bootstrap) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new SnapshotCommand().run(new String[] {"--bootstrap", bootstrap}, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("snapshot: --bootstrap entry \"" + bootstrap
                + "\" is not HOST:PORT (a port from 1 to 65535)\n");
    }
}
