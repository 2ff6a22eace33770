package dev.berth.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Every rule of {@link SnapshotCheck}, read through {@link SnapshotJson#read} as a file would be. */
class SnapshotCheckTest {
    /** A row: the brokers and partitions JSON arrays, and the exact problem (null: accepted). */
    record Row(String brokers, String partitions, String problem) {}

    private static final String B = "[{\"id\": 0}, {\"id\": 1}, {\"id\": 2}]";
    private static final String MAX = "9223372036854775807";

    private static String part(String fields) {
        return "[{\"topic\": \"t\", \"partition\": 0, \"replicas\": [0, 1, 2]" + fields + "}]";
    }

    @Test
    void eachRuleNamesTheFieldToFix() {
        Row[] rows = {
            new Row(B, part(""), null), // the base row is valid
            new Row("[{\"id\": 0}, {\"id\": 0}, {\"id\": 1}, {\"id\": 2}]", part(""),
                    "brokers[1]: \"id\" 0 is listed twice (also brokers[0]); list each broker once"), // duplicate id
            new Row("[{\"id\": 0}, {\"rack\": \"a\"}, {\"id\": 1}, {\"id\": 2}]", part(""),
                    "brokers[1]: no \"id\"; every broker needs its Kafka node id"), // missing id is not 0
            new Row("[{\"id\": -1}, {\"id\": 0}, {\"id\": 1}, {\"id\": 2}]", part(""),
                    "brokers[0]: \"id\" -1 is negative; Kafka broker ids are 0 or more"), // negative id
            new Row("[{\"id\": 0, \"rack\": \"\"}, {\"id\": 1}, {\"id\": 2}]", part(""),
                    "brokers[0]: \"rack\" is empty; leave \"rack\" out for a broker without a rack"), // "" is not "no rack"
            new Row("[{\"id\": 0, \"rack\": \" \"}, {\"id\": 1}, {\"id\": 2}]", part(""), null), // a blank but non-empty rack is a name
            new Row("[null, {\"id\": 0}]", "[]",
                    "brokers[0]: is null; write {\"id\": N} or remove the entry"), // null entry
            new Row(B, "[{\"topic\": \"t\", \"partition\": 0, \"replicas\": [1, 1, 2]}]",
                    "partitions[0] (t-0): \"replicas\" [1, 1, 2] names broker 1 twice; "
                            + "each replica is on a different broker"), // duplicate replica
            new Row(B, "[{\"topic\": \"t\", \"partition\": 0, \"replicas\": [0]},"
                    + " {\"topic\": \"t\", \"partition\": 0, \"replicas\": [1]}]",
                    "partitions[1] (t-0): listed twice (also partitions[0]); list each partition once"), // same partition twice
            new Row(B, "[{\"topic\": \"t\", \"partition\": 0, \"replicas\": [0]},"
                    + " {\"topic\": \"u\", \"partition\": 0, \"replicas\": [0]}]", null), // same number, other topic
            new Row(B, "[{\"topic\": \"t\", \"partition\": -1, \"replicas\": [0]}]",
                    "partitions[0] (t--1): \"partition\" -1 is negative; partition numbers are 0 or more"), // negative partition
            new Row(B, "[{\"topic\": \"t\", \"replicas\": [0]}]",
                    "partitions[0] (t): no \"partition\""), // missing partition is not 0
            new Row(B, "[{\"partition\": 0, \"replicas\": [0]}]", "partitions[0]: no \"topic\""), // missing topic
            new Row(B, "[{\"topic\": \"t\", \"partition\": 0, \"replicas\": []}]",
                    "partitions[0] (t-0): no \"replicas\"; list the brokers that hold it, preferred leader first"), // empty replicas
            new Row(B, "[{\"topic\": \"t\", \"partition\": 0, \"replicas\": [0, -3]}]",
                    "partitions[0] (t-0): \"replicas\" [0, -3] has broker id -3; Kafka broker ids are 0 or more"), // negative replica
            new Row(B, part(", \"isr\": [-1]"),
                    "partitions[0] (t-0): \"isr\" [-1] has broker id -1; Kafka broker ids are 0 or more"), // negative ISR id
            new Row(B, part(", \"leader\": -1"), null), // -1 means no leader
            new Row(B, part(", \"leader\": -2"),
                    "partitions[0] (t-0): \"leader\" -2 is neither -1 (no leader) nor a broker id"), // below -1
            new Row(B, part(", \"sizeBytes\": -1"),
                    "partitions[0] (t-0): \"sizeBytes\" -1 is negative"), // negative size
            new Row(B, part(", \"sizeBytes\": 0, \"bytesInPerSec\": 0"), null), // zero is fine for both
            new Row(B, part(", \"bytesInPerSec\": -0.5"),
                    "partitions[0] (t-0): \"bytesInPerSec\" -0.5 is not a finite number of 0 or more"), // negative rate
            new Row(B, part(", \"bytesInPerSec\": NaN"),
                    "partitions[0] (t-0): \"bytesInPerSec\" NaN is not a finite number of 0 or more"), // NaN
            new Row(B, part(", \"bytesInPerSec\": Infinity"),
                    "partitions[0] (t-0): \"bytesInPerSec\" Infinity is not a finite number of 0 or more"), // infinite
            new Row(B, "[{\"topic\": \"t\", \"partition\": 0, \"replicas\": [0], \"sizeBytes\": " + MAX + "}]",
                    null), // one replica of the largest size still adds up
            new Row(B, part(", \"sizeBytes\": " + MAX),
                    "partitions[0] (t-0): \"sizeBytes\" " + MAX + " × 3 replicas takes the cluster's replica "
                            + "bytes past " + MAX + "; totals would overflow, so check the sizes"), // size × RF overflows
            new Row(B, "[{\"topic\": \"t\", \"partition\": 0, \"replicas\": [0], \"sizeBytes\": " + MAX + "},"
                    + " {\"topic\": \"t\", \"partition\": 1, \"replicas\": [1], \"sizeBytes\": 1}]",
                    "partitions[1] (t-1): \"sizeBytes\" 1 × 1 replicas takes the cluster's replica bytes past "
                            + MAX + "; totals would overflow, so check the sizes"), // the sum overflows by one byte
        };
        for (Row r : rows) {
            String json = "{\"brokers\": " + r.brokers() + ", \"partitions\": " + r.partitions() + "}";
            if (r.problem() == null) {
                assertThat(SnapshotJson.read(json)).as(json).isNotNull();
            } else {
                assertThatThrownBy(() -> SnapshotJson.read(json)).as(json)
                        .isInstanceOf(IllegalArgumentException.class).hasMessage(r.problem());
            }
        }
    }

    /** The {@code topics} map: a row is its JSON and the exact problem (null: accepted). */
    @Test
    void topicEntriesAreCheckedToo() {
        String[][] rows = {
            {"{\"t\": {\"name\": \"t\", \"replicationFactor\": 3, \"minInsyncReplicas\": 2}}", null},
            {"{\"t\": {\"replicationFactor\": 3}}", null}, // name and min.insync.replicas may be left out
            {"{\"t\": {}}", null}, // RF from the partitions
            {"{\"t\": null}", "topics[\"t\"]: is null; write {\"replicationFactor\": N} or remove the entry"},
            {"{\"t\": {\"name\": \"u\"}}", "topics[\"t\"]: \"name\" \"u\" is not its key; a topic is listed under its own name"},
            {"{\"t\": {\"replicationFactor\": -3}}", "topics[\"t\"]: \"replicationFactor\" -3 is not 1 or more"},
            {"{\"t\": {\"replicationFactor\": 0}}", "topics[\"t\"]: \"replicationFactor\" 0 is not 1 or more"},
            {"{\"t\": {\"replicationFactor\": 1}}", null}, // the least RF there is (its partitions list 3)
            {"{\"t\": {\"replicationFactor\": 4}}",
                "topics[\"t\"]: \"replicationFactor\" 4 but its partitions list at most 3 replicas; write the RF its partitions have"},
            {"{\"t\": {\"minInsyncReplicas\": 0}}", "topics[\"t\"]: \"minInsyncReplicas\" 0 is not 1 or more"},
            {"{\"other\": {\"replicationFactor\": 2}}", null}, // a topic without partitions: nothing to check it against
        };
        for (String[] row : rows) {
            String json = "{\"brokers\": " + B + ", \"topics\": " + row[0] + ", \"partitions\": " + part("") + "}";
            if (row[1] == null) {
                assertThat(SnapshotJson.read(json)).as(json).isNotNull();
            } else {
                assertThatThrownBy(() -> SnapshotJson.read(json)).as(json)
                        .isInstanceOf(IllegalArgumentException.class).hasMessage(row[1]);
            }
        }
        // what is left out is filled in: RF from the partitions, min.insync.replicas 1
        var t = SnapshotJson.read("{\"brokers\": " + B + ", \"topics\": {\"t\": {}}, \"partitions\": " + part("") + "}")
                .topics().get("t");
        assertThat(t.name()).isEqualTo("t");
        assertThat(t.replicationFactor()).isEqualTo(3);
        assertThat(t.minInsyncReplicas()).isEqualTo(1);
    }

    @Test
    void severalProblemsAreListedOnePerLineInFileOrder() {
        String json = "{\"brokers\": [{\"id\": 1}, {\"id\": 1}], \"partitions\": ["
                + "{\"topic\": \"t\", \"partition\": 0, \"replicas\": [1, 1]}]}";

        assertThatThrownBy(() -> SnapshotJson.read(json)).hasMessage("2 problems, fix these fields:\n"
                + "  brokers[1]: \"id\" 1 is listed twice (also brokers[0]); list each broker once\n"
                + "  partitions[0] (t-0): \"replicas\" [1, 1] names broker 1 twice; each replica is on a different broker");
    }

    /** A snapshot of {@code n} brokers with ids -1 .. -n: {@code n} problems. */
    private static String negativeIds(int n) {
        StringBuilder brokers = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            brokers.append(i == 0 ? "" : ",").append("{\"id\": -").append(i + 1).append('}');
        }
        return "{\"brokers\": " + brokers + "], \"partitions\": []}";
    }

    @Test
    void twentyProblemsAreAllShownWithoutACount() {
        String json = negativeIds(20);

        assertThatThrownBy(() -> SnapshotJson.read(json)).hasMessageStartingWith("20 problems, fix these fields:\n")
                .hasMessageEndingWith("  brokers[19]: \"id\" -20 is negative; Kafka broker ids are 0 or more");
    }

    @Test
    void brokersAreReadInIdOrderAndDisksOfZeroBytesAreAFullDiskNotAnError() {
        var s = SnapshotJson.read("{\"takenAt\": null, \"brokers\": [{\"id\": 2}, {\"id\": 0, \"rack\": \"a\"},"
                + " {\"id\": 1}], \"partitions\": " + part("") + ", \"disks\": {\"0\": {\"totalBytes\": 100,"
                + " \"usableBytes\": 0}, \"2\": {\"totalBytes\": 0, \"usableBytes\": 0}}}");
        assertThat(s.brokers()).extracting(b -> b.id() + ":" + b.rack() + ":" + b.port())
                .as("sorted by id, as the snapshot's contract says; no port reads 0")
                .containsExactly("0:a:0", "1:null:0", "2:null:0");
        assertThat(s.disks()).isEqualTo(java.util.Map.of(0, new dev.berth.operator.model.DiskSpace(100, 0),
                2, new dev.berth.operator.model.DiskSpace(0, 0)));
        assertThat(s.takenAt()).as("a null takenAt reads as the epoch").isEqualTo(java.time.Instant.EPOCH);
        assertThatThrownBy(() -> SnapshotJson.read("{\"brokers\": " + B + ", \"partitions\": []," + " \"disks\":"
                + " {\"1\": {\"totalBytes\": 10, \"usableBytes\": -1}}}"))
                .hasMessage("disks.1: totalBytes and usableBytes must be 0 or more");
        assertThatThrownBy(() -> SnapshotJson.read("{\"brokers\": " + B + ", \"partitions\": []," + " \"disks\":"
                + " {\"1\": {\"totalBytes\": -1, \"usableBytes\": 0}}}"))
                .hasMessage("disks.1: totalBytes and usableBytes must be 0 or more");
    }

    @Test
    void aLongListStopsAfterTwentyWithACount() {
        String json = negativeIds(25);

        assertThatThrownBy(() -> SnapshotJson.read(json))
                .hasMessageStartingWith("25 problems, fix these fields:\n  brokers[0]: \"id\" -1 is negative")
                .hasMessageEndingWith("  brokers[19]: \"id\" -20 is negative; Kafka broker ids are 0 or more\n"
                        + "  ... and 5 more");
    }
}
