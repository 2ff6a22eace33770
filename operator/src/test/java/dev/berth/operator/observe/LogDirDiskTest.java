package dev.berth.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.model.DiskSpace;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.junit.jupiter.api.Test;

/** A broker's disk from its describeLogDirs answer ({@link KafkaObserver#disk}). */
class LogDirDiskTest {
    private static LogDirDescription dir(long total, long usable) {
        return new LogDirDescription(null, Map.of(), total, usable);
    }

    private static LogDirDescription failed() {
        return new LogDirDescription(new KafkaStorageException("disk gone"), Map.of(), 500, 400);
    }

    record Row(String why, List<LogDirDescription> dirs, Optional<DiskSpace> disk) {}

    @Test
    void theHealthyDirsAreSummedAndADirThatDoesNotSayMakesItUnknown() {
        Row[] rows = {
            new Row("one dir, as berth's brokers have", List.of(dir(1000, 300)), Optional.of(new DiskSpace(1000, 300))),
            new Row("several dirs are summed", List.of(dir(1000, 300), dir(500, 100)), Optional.of(new DiskSpace(1500, 400))),
            new Row("a failed dir takes nothing, and gives no room", List.of(dir(1000, 300), failed()),
                    Optional.of(new DiskSpace(1000, 300))),
            new Row("every dir failed", List.of(failed()), Optional.empty()),
            new Row("a Kafka before 3.3 answers -1, read as unknown", List.of(dir(-1, -1)), Optional.empty()),
            new Row("one dir unknown makes the sum unknown", List.of(dir(1000, 300), dir(-1, -1)), Optional.empty()),
            new Row("no dir at all", List.of(), Optional.empty()),
        };
        for (Row r : rows) {
            assertThat(KafkaObserver.disk(r.dirs())).as(r.why()).isEqualTo(r.disk());
        }
    }
}
