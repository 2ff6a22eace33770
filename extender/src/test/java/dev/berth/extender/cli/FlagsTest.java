package dev.berth.extender.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FlagsTest {
    static final Set<String> KNOWN = Set.of("port", "weight");

    /** {@code --port} read with min 1 and max 65535, fallback 8888; {@code problem} null when it is accepted. */
    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
            --port=1         | 1     | NULL
            --port=65535     | 65535 | NULL
            '--port= 7 '     | 7     | NULL
            --port=0         | 0     | --port must be >= 1, got 0
            --port=65536     | 0     | --port must be <= 65535, got 65536
            --port=x         | 0     | --port must be an integer, got x
            --weight=3       | 8888  | NULL
            """)
    void numbersAreCheckedAgainstTheirBoundsWhichAreThemselvesAllowed(String arg, int expected, String problem) {
        Flags f = Flags.parse(new String[] {"serve", arg}, 1, KNOWN);
        if (problem == null) {
            assertThat(f.integer("port", 8888, 1, 65535)).isEqualTo(expected);
        } else {
            assertThatThrownBy(() -> f.integer("port", 8888, 1, 65535)).hasMessage(problem);
        }
    }

    @org.junit.jupiter.api.Test
    void flagsTakeTheirValueAfterASpaceOrTheFirstEqualsSign() {
        record Row(String line, String port, String weight, String problem) {}
        Row[] rows = {
            new Row("--port 80 --weight 2", "80", "2", null),
            new Row("--port=80 --weight=2", "80", "2", null),
            new Row("--weight=a=b", null, "a=b", null),
            new Row("--port=", "", null, null), // read as empty: the number check then refuses it
            new Row("--port", null, null, "--port needs a value"),
            new Row("--prot 80", null, null, "unknown flag: --prot"),
            new Row("--prot", null, null, "unknown flag: --prot"), // misspelt, not valueless
            new Row("80", null, null, "unexpected argument: 80"),
        };
        for (Row r : rows) {
            String[] args = r.line().split(" ");
            if (r.problem() != null) {
                assertThatThrownBy(() -> Flags.parse(args, 0, KNOWN)).as(r.line())
                        .isInstanceOf(IllegalArgumentException.class).hasMessage(r.problem());
            } else {
                Flags f = Flags.parse(args, 0, KNOWN);
                assertThat(f.help()).as(r.line()).isFalse();
                assertThat(f.get("port")).as(r.line()).isEqualTo(r.port());
                assertThat(f.get("weight")).as(r.line()).isEqualTo(r.weight());
            }
        }
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource({"--help", "-h", "--port=80 --help", "--help --port 80", "--help --port", "--nope -h", "80 --help"})
    void helpWinsWhereverItStandsAndOverAnyMistake(String line) {
        Flags f = Flags.parse(line.split(" "), 0, KNOWN);
        assertThat(f.help()).isTrue();
        assertThat(f.get("port")).as("the command prints its help and reads no value").isNull();
    }
}
