package dev.berth.extender.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CappedLogFileTest {
    private static final byte[] LINE = "0123456789\n".getBytes(StandardCharsets.UTF_8); // 11 bytes

    @Test
    void emptiesAtTheCapAndKeepsWholeLines() throws Exception {
        Path file = tempDir.resolve("log");
        try (CappedLogFile log = new CappedLogFile(file, 30)) {
            for (int i = 0; i < 3; i++) {
                log.write(LINE, 0, LINE.length); // the third would pass 30 bytes: emptied first
            }
            assertThat(Files.readString(file)).isEqualTo("0123456789\n");
            assertThat(log.truncations()).isEqualTo(1);
            assertThat(log.written()).isEqualTo(33);
        }
    }

    @Test
    void heldCapLetsTheFileGrowUntilReleased() throws Exception {
        Path file = tempDir.resolve("log");
        try (CappedLogFile log = new CappedLogFile(file, 30)) {
            log.write(LINE, 0, LINE.length);
            log.emptyAndHoldCap();
            assertThat(Files.size(file)).isZero();
            for (int i = 0; i < 4; i++) {
                log.write(LINE, 0, LINE.length);
            }
            assertThat(Files.size(file)).isEqualTo(44); // past the cap, nothing truncated while held
            log.releaseCap();
            log.write(LINE, 0, LINE.length);
            assertThat(Files.size(file)).isEqualTo(11);
            assertThat(log.truncations()).isEqualTo(2);
        }
    }

    @Test
    void uncappedFileIsNeverEmptied() throws Exception {
        Path file = tempDir.resolve("log");
        try (CappedLogFile log = new CappedLogFile(file, 0)) {
            log.write(LINE, 0, LINE.length);
            log.emptyAndHoldCap();
            log.write(LINE, 0, LINE.length);
            assertThat(Files.size(file)).isEqualTo(22);
            assertThat(log.truncations()).isZero();
        }
    }

    @TempDir
    Path tempDir;
}
