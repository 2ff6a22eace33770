package dev.berth.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RunCommandTest {
    @Test
    void helpIsRecognisedAnywhereAndDocumentsEveryFlagWithItsDefault() {
        assertThat(RunCommand.parse(new String[] {"run", "--namespace", "x", "--help"})).isNull();
        for (String flag : new String[] {"--kubeconfig", "--namespace", "--bootstrap", "--observe-interval",
                "--health-port", "--lease-name", "--lease-namespace", "--identity", "--help"}) {
            assertThat(RunCommand.HELP).contains(flag);
        }
        assertThat(RunCommand.HELP).contains("default 15s").contains("default berth-operator");
    }

    @Test
    void flagsParseInBothForms() {
        assertThat(RunCommand.parse(new String[] {"run", "--bootstrap=127.0.0.1:9092", "--namespace", "kafka"}))
                .containsEntry("bootstrap", "127.0.0.1:9092").containsEntry("namespace", "kafka");
    }

    @Test
    void badInputIsRefusedWithAReason() {
        assertThatThrownBy(() -> RunCommand.parse(new String[] {"run", "--colour", "red"}))
                .hasMessage("unknown flag: --colour");
        assertThatThrownBy(() -> RunCommand.parse(new String[] {"run", "--namespace"}))
                .hasMessage("--namespace needs a value");
        assertThatThrownBy(() -> RunCommand.parse(new String[] {"run", "--observe-interval", "soon"}))
                .hasMessage("bad duration \"soon\": use e.g. 500ms, 15s, 2m");
    }

    @Test
    void durationsUseTheUsualSuffixes() {
        assertThat(RunCommand.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(RunCommand.duration("15s")).isEqualTo(Duration.ofSeconds(15));
        assertThat(RunCommand.duration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(RunCommand.duration("1h")).isEqualTo(Duration.ofHours(1));
    }
}
