package dev.berth.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WrittenDefaultsTest {
    record Row(String why, Set<String> recorded, Set<String> wanted, Set<String> present, Set<String> set,
            Set<String> orphans, Set<String> ahead) {}

    @Test
    void orphansAreRecordedKeysTheSpecDroppedThatKafkaStillHasAndTheRecordFollowsTheWrites() {
        Row[] rows = {
            new Row("nothing written, nothing wanted", Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of()),
            new Row("a key about to be set is recorded ahead", Set.of(), Set.of("a"), Set.of(), Set.of("a"),
                    Set.of(), Set.of("a")),
            new Row("a wanted key with a default is berth's", Set.of(), Set.of("a"), Set.of("a"), Set.of(),
                    Set.of(), Set.of("a")),
            new Row("a wanted key without a default stays recorded", Set.of("a"), Set.of("a"), Set.of(), Set.of(),
                    Set.of(), Set.of("a")),
            new Row("dropped from the spec, still in Kafka: an orphan", Set.of("a"), Set.of(), Set.of("a"), Set.of(),
                    Set.of("a"), Set.of("a")),
            new Row("dropped, and gone from Kafka: forgotten", Set.of("a"), Set.of(), Set.of(), Set.of(),
                    Set.of(), Set.of()),
            new Row("a person's default on another key is never touched", Set.of("a"), Set.of(), Set.of("a", "p"),
                    Set.of(), Set.of("a"), Set.of("a")),
            new Row("dropped, then added back: not an orphan", Set.of("a"), Set.of("a"), Set.of("a"), Set.of(),
                    Set.of(), Set.of("a")),
        };
        for (Row r : rows) {
            assertThat(WrittenDefaults.orphans(r.recorded(), r.wanted(), r.present())).as(r.why())
                    .containsExactlyElementsOf(r.orphans());
            assertThat(WrittenDefaults.ahead(r.recorded(), r.wanted(), r.present(), r.set())).as(r.why())
                    .containsExactlyInAnyOrderElementsOf(r.ahead());
        }
        assertThat(WrittenDefaults.after(Set.of("a", "b"), Set.of("a"))).containsExactly("b");
    }

    @Test
    void theRecordIsASortedCommaSeparatedList() {
        assertThat(WrittenDefaults.format(List.of("log.retention.ms", "log.cleaner.threads")))
                .isEqualTo("log.cleaner.threads,log.retention.ms");
        assertThat(WrittenDefaults.format(List.of())).isEmpty();
        assertThat(WrittenDefaults.parse(" b, a ,,")).containsExactly("a", "b");
        assertThat(WrittenDefaults.parse(null)).isEmpty();
        assertThat(WrittenDefaults.parse("")).isEmpty();
    }
}
