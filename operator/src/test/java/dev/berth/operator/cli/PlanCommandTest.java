package dev.berth.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.plan.Clusters;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanCommandTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {}

    private Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new PlanCommand().run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8));
    }

    private String file(ClusterSnapshot s) throws IOException {
        Path f = dir.resolve("cluster.json");
        Files.writeString(f, SnapshotJson.write(s));
        return f.toString();
    }

    @Test
    void planOfAScaleUpPrintsEveryMoveBytesAgainstTheMinimumAndBalance() throws IOException {
        Result r = run("--snapshot", file(Clusters.threeRacksSixBrokers()),
                "--add-brokers", "1", "--racks", "a");

        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("plan: add-brokers 7 (seed 1)", "moves: 4")
                .containsPattern("t-3 +\\[4, 5, 6\\] +-> \\[7, 5, 6\\] +SCALE_UP +4.0 GB")
                .containsPattern("t-5 +\\[6, 1, 2\\] +-> \\[6, 7, 2\\] +SCALE_UP +6.0 GB")
                .containsPattern("t-6 +\\[1, 5, 6\\] +-> \\[7, 5, 6\\] +SCALE_UP +7.0 GB")
                .containsPattern("t-7 +\\[2, 6, 4\\] +-> \\[2, 6, 7\\] +SCALE_UP +8.0 GB")
                .contains("bytes moved: 25.0 GB in 4 replicas; minimum needed: 26.0 GB; "
                        + "moved/min: 0.962")
                .containsPattern("replica bytes +1.256 +1.256")
                .containsPattern("7 +a +NEW +0 B -> 25.0 GB");
    }

    @Test
    void planAsJsonCarriesTheMovesAndRatios() throws IOException {
        Result r = run("--snapshot", file(Clusters.fourBrokersNoRacks()), "--add-brokers", "1",
                "--json");

        assertThat(r.code()).isZero();
        JsonObject json = JsonParser.parseString(r.out()).getAsJsonObject();
        assertThat(json.get("intent").getAsString()).isEqualTo("add-brokers 5");
        assertThat(json.getAsJsonArray("moves")).hasSize(2);
        JsonObject first = json.getAsJsonArray("moves").get(0).getAsJsonObject();
        assertThat(first.get("topic").getAsString()).isEqualTo("t");
        assertThat(first.get("oldReplicas").toString()).isEqualTo("[2,3]");
        assertThat(first.get("newReplicas").toString()).isEqualTo("[5,3]");
        assertThat(first.get("reason").getAsString()).isEqualTo("SCALE_UP");
        assertThat(json.getAsJsonObject("stats").get("bytesMoved").getAsLong())
                .isEqualTo(4_000_000_000L);
        assertThat(json.getAsJsonObject("after").get("bytesMaxOverMean").getAsDouble())
                .isEqualTo(1.25);
    }

    @Test
    void aRefusedScaleDownSaysWhyAndExitsThree() throws IOException {
        Result r = run("--snapshot", file(Clusters.threeBrokersRf3()), "--remove-brokers", "3");

        assertThat(r.code()).isEqualTo(3);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains(
                "plan refused: NOT_ENOUGH_BROKERS: remaining 2 brokers cannot hold RF 3 of topic orders");
    }

    @Test
    void removeCountPicksTheCheapestBroker() throws IOException {
        Result r = run("--snapshot", file(Clusters.threeRacksSixBrokers()), "--remove-count", "1");

        assertThat(r.out()).contains("plan: remove-brokers 3 (seed 1)", "moves: 6");
    }

    @Test
    void badUsageAndBadFilesExitTwoWithAReason() throws IOException {
        assertThat(run("--add-brokers", "1").err()).contains("--snapshot FILE is required");
        String f = file(Clusters.fourBrokersNoRacks());
        assertThat(run("--snapshot", f, "--add-brokers", "1", "--rebalance").err())
                .contains("give exactly one of");
        assertThat(run("--snapshot", f, "--add-brokers", "x").code()).isEqualTo(2);
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"brokers\": []}");
        Result r = run("--snapshot", broken.toString(), "--rebalance");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("snapshot has no \"partitions\" list");
        assertThat(run("--help").out()).contains("Usage: berth-operator plan");
    }

    @Test
    void snapshotJsonRoundTripsExactly() {
        ClusterSnapshot s = Clusters.threeRacksSixBrokers();

        assertThat(SnapshotJson.read(SnapshotJson.write(s))).isEqualTo(s);
    }
}
