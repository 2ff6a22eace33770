package dev.berth.operator.act;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Telling a run-time bound from a refused value ({@link DynamicDefaults#refusedForBound}), row by row. */
class DynamicDefaultsTest {
    private static final String IO = "num.io.threads";
    /** Kafka 4.x's words, as a refused write of the cluster-wide default reports them. */
    private static final String DOUBLE = "Invalid value org.apache.kafka.common.config.ConfigException: Dynamic thread"
            + " count update validation failed for num.io.threads=16, value should not be greater than double the"
            + " current value 3 for configuration Invalid dynamic configuration";
    private static final String HALF = "Dynamic thread count update validation failed for num.io.threads=1, value"
            + " should be at least half the current value 8";
    private static final String CLEANER = "Log cleaner threads cannot be increased to more than double the current value 1";
    private static final String AT_LEAST_ONE = "Dynamic thread count update validation failed for num.io.threads=0,"
            + " value should be at least 1";

    record Row(String why, Map<String, String> set, Set<String> delete, String message, boolean bound) {}

    @Test
    void aRefusalIsTheRunTimeBoundOnlyWhenKeyValueAndMessageAllSaySo() {
        Row[] rows = {
            new Row("a thread count beyond double: the file takes it", Map.of(IO, "16"), Set.of(), DOUBLE, true),
            new Row("below half", Map.of(IO, "1"), Set.of(), HALF, true),
            new Row("the log cleaner words it otherwise", Map.of("log.cleaner.threads", "4"), Set.of(), CLEANER, true),
            new Row("every key of the write bounded", Map.of(IO, "16", "num.network.threads", "8"), Set.of(), DOUBLE, true),
            new Row("a delete: the broker falls back to what it started with", Map.of(), Set.of(IO), HALF, true),
            new Row("padded as a file may have it", Map.of(IO, " 16 "), Set.of(), DOUBLE, true),
            new Row("0: no file takes it either", Map.of(IO, "0"), Set.of(), AT_LEAST_ONE, false),
            new Row("not a whole number", Map.of(IO, "many"), Set.of(), DOUBLE, false),
            new Row("beyond int: no file takes it", Map.of(IO, "99999999999"), Set.of(), DOUBLE, false),
            new Row("a key Kafka does not bound: whatever the message", Map.of("compression.type", "brotli"), Set.of(),
                    DOUBLE, false),
            new Row("a bounded key beside one that is not: not only the bound", Map.of(IO, "16", "log.retention.ms",
                    "x"), Set.of(), DOUBLE, false),
            new Row("a delete of a key Kafka does not bound", Map.of(), Set.of("log.retention.ms"), HALF, false),
            new Row("the message names no bound (a policy, say)", Map.of(IO, "16"), Set.of(),
                    "Policy forbids num.io.threads", false),
            new Row("no message", Map.of(IO, "16"), Set.of(), null, false),
            new Row("nothing written", Map.of(), Set.of(), DOUBLE, false),
        };
        for (Row r : rows) {
            assertThat(DynamicDefaults.refusedForBound(r.set(), r.delete(), r.message())).as(r.why()).isEqualTo(r.bound());
        }
    }

    @Test
    void theBoundedKeysAreKafkasThreadPools() {
        assertThat(DynamicDefaults.BOUNDED_AT_RUN_TIME).contains("num.io.threads", "num.network.threads",
                "num.replica.fetchers", "num.recovery.threads.per.data.dir", "background.threads", "log.cleaner.threads")
                .doesNotContain("log.retention.ms", "log.cleaner.backoff.ms");
    }
}
