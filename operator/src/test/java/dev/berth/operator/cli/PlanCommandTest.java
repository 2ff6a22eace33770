package dev.berth.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.BrokerState;
import dev.berth.operator.model.DiskSpace;
import dev.berth.operator.model.PartitionState;
import dev.berth.operator.plan.BrokerIds;
import dev.berth.operator.plan.Clusters;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
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
        assertThat(r.out()).contains("plan: add-brokers 0 (seed 1)", "moves: 4")
                .containsPattern("t-3 +\\[4, 5, 6\\] +-> \\[0, 5, 6\\] +SCALE_UP +4.0 GB")
                .containsPattern("t-5 +\\[6, 1, 2\\] +-> \\[6, 0, 2\\] +SCALE_UP +6.0 GB")
                .containsPattern("t-6 +\\[1, 5, 6\\] +-> \\[0, 5, 6\\] +SCALE_UP +7.0 GB")
                .containsPattern("t-7 +\\[2, 6, 4\\] +-> \\[2, 6, 0\\] +SCALE_UP +8.0 GB")
                .contains("bytes moved: 25.0 GB in 4 replicas; minimum needed: 26.0 GB; "
                        + "moved/min: 0.962")
                .containsPattern("replica bytes +1.256 +1.256")
                .containsPattern("replicas +1.167 +1.167").containsPattern("leaders +1.167 +1.167")
                .containsPattern("0 +a +NEW +0 B -> 25.0 GB");
    }

    @Test
    void planAsJsonCarriesTheMovesAndRatios() throws IOException {
        Result r = run("--snapshot", file(Clusters.fourBrokersNoRacks()), "--add-brokers", "1",
                "--json");

        assertThat(r.code()).isZero();
        JsonObject json = JsonParser.parseString(r.out()).getAsJsonObject();
        assertThat(json.get("intent").getAsString()).isEqualTo("add-brokers 0");
        assertThat(json.getAsJsonArray("moves")).hasSize(2);
        JsonObject first = json.getAsJsonArray("moves").get(0).getAsJsonObject();
        assertThat(first.get("topic").getAsString()).isEqualTo("t");
        assertThat(first.get("oldReplicas").toString()).isEqualTo("[2,3]");
        assertThat(first.get("newReplicas").toString()).isEqualTo("[0,3]");
        assertThat(first.get("reason").getAsString()).isEqualTo("SCALE_UP");
        assertThat(json.getAsJsonObject("stats").get("bytesMoved").getAsLong())
                .isEqualTo(4_000_000_000L);
        assertThat(json.getAsJsonObject("after").get("bytesMaxOverMean").getAsDouble())
                .isEqualTo(1.25);
    }

    /** Broker 0 leads hot-0..2 at 300, 200 and 100 KB/s; broker 1 leads an idle partition. */
    private static ClusterSnapshot hot() {
        List<BrokerState> brokers = List.of(new BrokerState(0, "a", "h0", 9092), new BrokerState(1, "b", "h1", 9092),
                new BrokerState(2, "c", "h2", 9092));
        List<PartitionState> parts = List.of(
                new PartitionState("hot", 0, List.of(0, 1, 2), 0, List.of(0, 1, 2), 1000, 300_000),
                new PartitionState("hot", 1, List.of(0, 2, 1), 0, List.of(0, 2, 1), 1000, 200_000),
                new PartitionState("hot", 2, List.of(0, 1, 2), 0, List.of(0, 1, 2), 1000, 100_000),
                new PartitionState("hot", 3, List.of(1, 2, 0), 1, List.of(1, 2, 0), 1000, 0));
        return new ClusterSnapshot(java.time.Instant.EPOCH, brokers,
                Map.of("hot", new dev.berth.operator.model.TopicState("hot", 3, 2)), parts);
    }

    @Test
    void hotLeadersPrintsTheOperatorsLeadershipMovesWithTheirRates() throws IOException {
        String f = file(hot());
        Result r = run("--snapshot", f, "--hot-leaders", "--min-bytes-in", "10000");

        assertThat(r.code()).as(r.err()).isZero();
        // loads 600, 0, 0 KB/s, mean 200: hot-0 to 1 (max 300), then hot-1 to 2 (max 300 -> 100, 300, 200)
        assertThat(r.out()).contains("plan: hot leaders (tolerance 25%, at least 9.8 KiB/s above the mean)",
                        "moves: 2 (leadership only, no data moves)", "leader bytes-in per broker (mean 195.3 KiB/s):")
                .containsPattern("hot-0 +\\[0, 1, 2\\] +-> \\[1, 0, 2\\] +leader 0 -> 1 +293.0 KiB/s")
                .containsPattern("hot-1 +\\[0, 2, 1\\] +-> \\[2, 0, 1\\] +leader 0 -> 2 +195.3 KiB/s")
                .containsPattern("0 +585.9 KiB/s -> 97.7 KiB/s")
                .containsPattern("1 +0 B/s -> 293.0 KiB/s")
                .containsPattern("2 +0 B/s -> 195.3 KiB/s")
                .contains("still hot after the leadership moves: broker 1 leads 293.0 KiB/s, hot-0 alone 293.0 KiB/s")
                .contains("then, with mode Replicas: 0 replica moves (0 B to copy, throttled)")
                .doesNotContain("note:", "-> Replicas", "after the replica moves too");

        JsonObject json = JsonParser.parseString(run("--snapshot", f, "--hot-leaders", "--min-bytes-in=10000",
                "--tolerance-percent", "50", "--json").out()).getAsJsonObject();
        assertThat(json.get("tolerancePercent").getAsInt()).isEqualTo(50);
        assertThat(json.getAsJsonArray("moves")).hasSize(2);
        JsonObject first = json.getAsJsonArray("moves").get(0).getAsJsonObject();
        assertThat(first.get("partition").getAsString()).isEqualTo("hot-0");
        assertThat(first.get("to").getAsInt()).isEqualTo(1);
        assertThat(first.get("bytesInPerSec").getAsDouble()).isEqualTo(300_000);
        assertThat(json.getAsJsonObject("leaderBytesInAfter").get("0").getAsDouble()).isEqualTo(100_000);
        assertThat(json.get("stillHot")).as("300 KB/s is not above 200 × 1.5").isNull();
        JsonObject stuck = JsonParser.parseString(run("--snapshot", f, "--hot-leaders", "--min-bytes-in=10000", "--json")
                .out()).getAsJsonObject().getAsJsonObject("stillHot");
        assertThat(stuck.get("broker").getAsInt()).isEqualTo(1);
        assertThat(stuck.get("partition").getAsString()).isEqualTo("hot-0");

        Result defaults = run("--snapshot", f, "--hot-leaders");
        assertThat(defaults.out()).as("600 KB/s is less than 1 MiB/s above the mean").contains("moves: 0");
        Result unmeasured = run("--snapshot", file(Clusters.fourBrokersNoRacks()), "--hot-leaders");
        assertThat(unmeasured.out()).contains("note: every rate in the snapshot is 0; take it with"
                + " `snapshot --rates 30s` to measure them", "moves: 0");
    }

    static final List<BrokerState> THREE_RACKS = List.of(new BrokerState(0, "a", "h0", 9092),
            new BrokerState(1, "b", "h1", 9092), new BrokerState(2, "c", "h2", 9092));
    /** Topic solo, RF 1, all on broker 0: 300, 200 and 100 KB/s of 3, 2 and 1 MB. */
    static final List<PartitionState> SOLO = List.of(
            new PartitionState("solo", 0, List.of(0), 0, List.of(0), 3_000_000, 300_000),
            new PartitionState("solo", 1, List.of(0), 0, List.of(0), 2_000_000, 200_000),
            new PartitionState("solo", 2, List.of(0), 0, List.of(0), 1_000_000, 100_000));

    /**
     * Replication factor 1, broker 0 leads solo-0..2 at 300, 200 and 100 KB/s of 3, 2 and 1 MB: leadership
     * has nowhere to go, and mode Replicas would move two of them.
     */
    @Test
    void hotLeadersShowsTheReplicaMovesOfModeReplicas() throws IOException {
        List<PartitionState> parts = new java.util.ArrayList<>(SOLO);
        parts.add(new PartitionState("quiet", 0, List.of(1), 1, List.of(1), 500_000, 0));
        String f = file(new ClusterSnapshot(java.time.Instant.EPOCH, THREE_RACKS, Map.of(), parts));

        Result r = run("--snapshot", f, "--hot-leaders", "--min-bytes-in", "10000");
        assertThat(r.code()).as(r.err()).isZero();
        // loads 600, 0, 0: solo-0 to 2 (max 300; 2 holds fewer bytes than 1), then solo-1 or solo-2 to 1 (max 200
        // either way): solo-2, the smaller, moves; loads 200, 100, 300
        assertThat(r.out()).contains("moves: 0 (leadership only, no data moves)",
                        "then, with mode Replicas: 2 replica moves (3.8 MiB to copy, throttled)",
                        "leader bytes-in per broker (mean 195.3 KiB/s): now -> Leadership -> Replicas",
                        "still hot after the leadership moves: broker 0 leads 585.9 KiB/s, solo-0 alone 293.0 KiB/s")
                .containsPattern("solo-0 +\\[0\\] +-> \\[2\\] +leader 0 -> 2 +293.0 KiB/s")
                .containsPattern("solo-2 +\\[0\\] +-> \\[1\\] +leader 0 -> 1 +97.7 KiB/s")
                .containsPattern("0 +585.9 KiB/s -> 585.9 KiB/s -> 195.3 KiB/s")
                .containsPattern("2 +0 B/s -> 0 B/s -> 293.0 KiB/s")
                .contains("still hot after the replica moves too: broker 2 leads 293.0 KiB/s, solo-0 alone 293.0 KiB/s");

        JsonObject json = JsonParser.parseString(run("--snapshot", f, "--hot-leaders", "--min-bytes-in=10000", "--json")
                .out()).getAsJsonObject();
        assertThat(json.getAsJsonArray("moves")).isEmpty();
        assertThat(json.getAsJsonArray("replicaMoves")).hasSize(2);
        JsonObject first = json.getAsJsonArray("replicaMoves").get(0).getAsJsonObject();
        assertThat(first.get("partition").getAsString()).isEqualTo("solo-0");
        assertThat(first.get("newReplicas").toString()).isEqualTo("[2]");
        assertThat(json.get("replicaBytesToCopy").getAsLong()).isEqualTo(4_000_000);
        assertThat(json.getAsJsonObject("leaderBytesInAfterWithReplicas").get("0").getAsDouble()).isEqualTo(200_000);
        assertThat(json.getAsJsonObject("stillHotWithReplicas").get("broker").getAsInt()).isEqualTo(2);
    }

    /** The same brokers with 10 MB disks: 1 and 2 have 1.5 MB usable, so the 10 % reserve leaves room for no log. */
    @Test
    void hotLeadersNamesTheReplicaMoveTheDiskReserveHoldsBack() throws IOException {
        Map<Integer, DiskSpace> disks = Map.of(1, new DiskSpace(10_000_000, 1_500_000),
                2, new DiskSpace(10_000_000, 1_500_000));
        String f = file(new ClusterSnapshot(java.time.Instant.EPOCH, THREE_RACKS, Map.of(), SOLO, disks));

        Result r = run("--snapshot", f, "--hot-leaders", "--min-bytes-in", "10000");
        assertThat(r.code()).as(r.err()).isZero();
        // solo-2 (1 MB) does not fit in 1.5 MB - 1 MB reserve; the best move ignoring room is solo-0 to 1
        assertThat(r.out()).contains("then, with mode Replicas: 0 replica moves",
                        "held back by disk room (10% of each disk kept free), the next replica move:")
                .containsPattern("solo-0 +\\[0\\] +-> \\[1\\] +leader 0 -> 1 +293.0 KiB/s");
        JsonObject json = JsonParser.parseString(run("--snapshot", f, "--hot-leaders", "--min-bytes-in=10000", "--json")
                .out()).getAsJsonObject();
        assertThat(json.getAsJsonArray("replicaMoves")).isEmpty();
        assertThat(json.get("minFreeDiskPercent").getAsInt()).isEqualTo(10);
        assertThat(json.getAsJsonObject("replicaMoveHeldByDiskRoom").get("partition").getAsString()).isEqualTo("solo-0");
    }

    @Test
    void hotLeadersFlagsAreCheckedLikeTheSpec() throws IOException {
        String f = file(hot());
        assertThat(run("--snapshot", f, "--hot-leaders", "--tolerance-percent", "4").err())
                .contains("--tolerance-percent needs 5..1000, got 4");
        assertThat(run("--snapshot", f, "--hot-leaders", "--tolerance-percent", "1001").code()).isEqualTo(2);
        assertThat(run("--snapshot", f, "--hot-leaders", "--min-bytes-in", "-1").err())
                .contains("--min-bytes-in needs 0..");
        assertThat(run("--snapshot", f, "--rebalance", "--tolerance-percent", "30").err())
                .contains("--tolerance-percent and --min-bytes-in only go with --hot-leaders");
        assertThat(run("--snapshot", f, "--rebalance", "--hot-leaders").err()).contains("give exactly one of");
        assertThat(run("--snapshot", f, "--hot-leaders=yes").err()).contains("--hot-leaders takes no value");
    }

    record IdRow(List<Integer> brokers, int add, int code, String expected) {}

    @Test
    void newBrokersGetTheIdsTheOperatorWouldCreate() throws IOException {
        List<Integer> all = IntStream.rangeClosed(0, BrokerIds.MAX_ID).boxed().toList();
        IdRow[] rows = {
            new IdRow(List.of(0, 2, 3, 4, 5), 1, 0, "plan: add-brokers 1 "), // the gap, not highest + 1
            new IdRow(List.of(), 1, 0, "plan: add-brokers 0 "), // an empty cluster starts at 0
            new IdRow(List.of(0, 2), 2, 0, "plan: add-brokers 1,3 "), // gap first, then past the top
            new IdRow(List.of(Integer.MAX_VALUE), 1, 0, "plan: add-brokers 0 "), // no overflow to -2147483648
            new IdRow(all.subList(0, 999), 1, 0, "plan: add-brokers 999 "), // MAX_ID itself is usable
            new IdRow(all, 1, 3, "plan refused: NO_FREE_BROKER_ID: add-brokers 1 needs 1 free broker ids, "
                    + "but only 0 of 0..999 are free"), // never an id past MAX_ID
            new IdRow(all.subList(0, 999), 2, 3, "plan refused: NO_FREE_BROKER_ID: add-brokers 2 needs 2 "
                    + "free broker ids, but only 1 of 0..999 are free"), // all or nothing
        };
        for (IdRow row : rows) {
            List<BrokerState> brokers = row.brokers().stream().map(id -> Clusters.broker(id, null)).toList();
            Result r = run("--snapshot", file(Clusters.snapshot(brokers, List.of())),
                    "--add-brokers", String.valueOf(row.add()));

            assertThat(r.code()).as("%s", row).isEqualTo(row.code());
            assertThat(row.code() == 0 ? r.out() : r.err()).as("%s", row).contains(row.expected());
            if (row.code() == 0) {
                // The operator's rule, asked directly: replicas = known + added, nothing leaving.
                Set<Integer> created = new TreeSet<>(BrokerIds.desired(row.brokers().size() + row.add(),
                        row.brokers(), Set.of()));
                created.removeAll(row.brokers());
                assertThat(r.out()).as("%s", row).contains("plan: add-brokers "
                        + created.stream().map(String::valueOf).collect(Collectors.joining(",")) + " ");
            }
        }
    }

    /**
     * Broker 9 is down and holds the only in-sync copy of t-0, which has no leader: the operator refuses to
     * drain it (NO_LEADER), and the dry run says the same instead of printing a plan that would never finish.
     */
    @Test
    void aScaleDownOfTheOnlyCopyOfALeaderlessPartitionIsRefusedAsTheOperatorRefusesIt() throws IOException {
        ClusterSnapshot down = Clusters.snapshot(List.of(Clusters.broker(1, "a"), Clusters.broker(2, "b"),
                Clusters.broker(3, "c")), List.of(new dev.berth.operator.model.PartitionState("t", 0, List.of(9, 1), -1,
                        List.of(9), Clusters.GB, 0)));
        Result r = run("--snapshot", file(down), "--remove-brokers", "9");
        assertThat(r.code()).as(r.err()).isEqualTo(3);
        assertThat(r.err()).isEqualTo("plan refused: NO_LEADER: partition t-0 (replicas [9, 1]) has no leader, so no"
                + " replica of it can be copied off brokers [9]" + System.lineSeparator());
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
    void aSnapshotWithABrokerDownIsRefusedAsTheOperatorRefusesItSayingWhatToDo() throws IOException {
        // describeCluster leaves a broker that is down out, while t-0 still names it: the operator
        // pauses its operation with UNKNOWN_BROKER and heals the pod; the dry run says the same
        ClusterSnapshot down = Clusters.snapshot(List.of(Clusters.broker(1, "a"), Clusters.broker(2, "b"),
                Clusters.broker(3, "c")), List.of(Clusters.partition("t", 0, Clusters.GB, 9, 1, 2)));
        for (String[] intent : List.of(new String[] {"--add-brokers", "1"}, new String[] {"--rebalance"})) {
            List<String> args = new java.util.ArrayList<>(List.of("--snapshot", file(down)));
            args.addAll(List.of(intent));
            Result r = run(args.toArray(String[]::new));
            assertThat(r.code()).as(String.join(" ", intent)).isEqualTo(3);
            assertThat(r.err()).contains("plan refused: UNKNOWN_BROKER: partition t-0 has a replica on broker 9, which"
                    + " is not registered (down): berth plans only with every replica holder registered, so bring"
                    + " broker 9 back (the operator recreates its pod) and plan again");
        }
    }

    /**
     * Removing a broker that is down (the snapshot does not list it, replica lists still name it) is
     * what the operator does for a broker lost with its node: it drains it anyway. Before, the dry
     * run refused it with UNKNOWN_BROKER.
     */
    @Test
    void removingABrokerThatIsDownPlansItsDrainAsTheOperatorDoes() throws IOException {
        ClusterSnapshot down = Clusters.snapshot(List.of(Clusters.broker(1, "a"), Clusters.broker(2, "b"),
                Clusters.broker(3, "c"), Clusters.broker(4, "a")), List.of(Clusters.partition("t", 0, Clusters.GB, 9, 2, 3)));
        Result r = run("--snapshot", file(down), "--remove-brokers", "9", "--json");

        assertThat(r.code()).as(r.err()).isZero();
        com.google.gson.JsonObject plan = com.google.gson.JsonParser.parseString(r.out()).getAsJsonObject();
        assertThat(plan.getAsJsonArray("moves")).hasSize(1);
        com.google.gson.JsonObject move = plan.getAsJsonArray("moves").get(0).getAsJsonObject();
        assertThat(move.get("newReplicas").toString()).doesNotContain("9");
        assertThat(move.get("reason").getAsString()).isEqualTo("DRAIN");
    }

    /**
     * A snapshot read while Kafka added a replica (replicas [3, 1, 2, 0] for RF 3): the operator waits for
     * the move, and the dry run says so. Before, it counted the replica being added as held and refused
     * both removals with NO_ELIGIBLE_TARGET.
     */
    @Test
    void aSnapshotTakenMidReassignmentIsRefusedUntilTheMoveEnds() throws IOException {
        ClusterSnapshot s = Clusters.snapshot(List.of(Clusters.broker(0, "a"), Clusters.broker(1, "b"),
                Clusters.broker(2, "c"), Clusters.broker(3, "a")), List.of(Clusters.partition("big", 0, Clusters.GB, 3, 1, 2, 0),
                Clusters.partition("big", 1, Clusters.GB, 1, 2, 0)));
        s = new ClusterSnapshot(s.takenAt(), s.brokers(), Map.of("big", new dev.berth.operator.model.TopicState("big", 3, 2)),
                s.partitions());
        Result r = run("--snapshot", file(s), "--remove-brokers", "0");

        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).isEqualTo("plan refused: REASSIGNMENT_IN_FLIGHT: partition big-0 lists replicas [3, 1, 2, 0] for RF 3:"
                + " a reassignment was in flight when the snapshot was taken; the operator waits for it to finish, so take"
                + " the snapshot again then" + System.lineSeparator());
    }

    /**
     * Removing broker 1 of {@code fourBrokersNoRacks}: t-0 (4 GB) goes to broker 4 and t-3 (1 GB) to
     * broker 3, whose disks are 10 GB with 6 GB usable.
     */
    @Test
    void aPlanThatWouldFillAReceivingDiskIsRefusedWithItsNumbers() throws IOException {
        ClusterSnapshot c = Clusters.fourBrokersNoRacks();
        DiskSpace disk = new DiskSpace(10 * Clusters.GB, 6 * Clusters.GB);
        String f = file(new ClusterSnapshot(c.takenAt(), c.brokers(), c.topics(), c.partitions(),
                Map.of(2, disk, 3, disk, 4, disk)));

        Result fits = run("--snapshot", f, "--remove-brokers", "1");
        assertThat(fits.code()).as(fits.err()).isZero();
        assertThat(fits.out()).containsPattern("t-0 +\\[1, 2\\] +-> \\[4, 2\\]")
                .containsPattern("t-3 +\\[4, 1\\] +-> \\[4, 3\\]");

        Result full = run("--snapshot", f, "--remove-brokers", "1", "--min-free-disk-percent", "30");
        assertThat(full.code()).isEqualTo(3);
        assertThat(full.err()).isEqualTo("plan refused: NOT_ENOUGH_DISK: broker 4 would receive 3.7 GiB but has room"
                + " for 2.8 GiB (5.6 GiB free, keeping 2.8 GiB: 30 % of 9.3 GiB)" + System.lineSeparator());
        assertThat(run("--snapshot", f, "--remove-brokers", "1", "--min-free-disk-percent", "100").code()).isEqualTo(2);
        // a snapshot without disks (one taken before berth read them) is planned as before
        assertThat(run("--snapshot", file(c), "--remove-brokers", "1", "--min-free-disk-percent", "99").code()).isZero();

        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, SnapshotJson.write(c).replace("\"disks\": {}", "\"disks\":{\"x\":{\"totalBytes\":1,\"usableBytes\":1}}"));
        assertThat(run("--snapshot", bad.toString(), "--rebalance").err()).contains("disks: key \"x\" is not a broker id");
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
    void brokerIdsBeyondAnIntAndUnreadableFilesAreUsageErrors() throws IOException {
        String f = file(Clusters.fourBrokersNoRacks());
        for (String id : List.of("4294967296", "4294967299", "-1")) { // a cast would have wrapped the first two onto 0 and 3
            Result r = run("--snapshot", f, "--remove-brokers", id);
            assertThat(r.code()).as(id).isEqualTo(2);
            assertThat(r.err()).as(id).contains("--remove-brokers: " + id + " is not a broker id (0 or more)");
            assertThat(r.out()).as(id).isEmpty();
        }
        Path array = dir.resolve("array.json");
        Files.writeString(array, "[{\"id\": 0}]");
        record Row(String file, String says) {}
        for (Row row : List.of(
                new Row(dir.resolve("missing.json").toString(), ": no such file"),
                new Row(dir.toString(), ": is a directory"),
                new Row(array.toString(), ": a snapshot is a JSON object with \"brokers\" and \"partitions\""))) {
            Result r = run("--snapshot", row.file(), "--rebalance");
            assertThat(r.code()).as(row.file()).isEqualTo(2);
            assertThat(r.err()).as(row.file()).isEqualTo("plan: cannot read snapshot " + row.file() + row.says()
                    + System.lineSeparator());
        }
    }

    @Test
    void badSnapshotContentExitsTwoNamingTheField() throws IOException {
        Path dup = dir.resolve("dup.json");
        Files.writeString(dup, "{\"brokers\": [{\"id\": 1}, {\"id\": 1}], \"partitions\": []}");
        Result r = run("--snapshot", dup.toString(), "--rebalance");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("plan: cannot read snapshot " + dup + ": brokers[1]: \"id\" 1 is listed "
                + "twice (also brokers[0]); list each broker once" + System.lineSeparator());
    }

    @Test
    void sizesWhoseTotalOverflowsAreRefusedNotMisprinted() throws IOException {
        // Every partition at Long.MAX_VALUE used to print wrapped totals and max/mean 3.000.
        List<PartitionState> huge = Clusters.threeBrokersRf3().partitions().stream()
                .map(p -> new PartitionState(p.topic(), p.partition(), p.replicas(), p.leader(), p.isr(),
                        Long.MAX_VALUE, 0))
                .toList();
        ClusterSnapshot s = Clusters.snapshot(Clusters.threeBrokersRf3().brokers(), huge);

        Result r = run("--snapshot", file(s), "--rebalance");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("partitions[0] (orders-0): \"sizeBytes\" 9223372036854775807 × 3 replicas "
                + "takes the cluster's replica bytes past 9223372036854775807");
    }

    @Test
    void aFlagTakesItsValueAfterASpaceOrAnEqualsSign() throws IOException {
        String f = file(Clusters.fourBrokersNoRacks());
        Result spaced = run("--snapshot", f, "--add-brokers", "1", "--seed", "3");
        Result equals = run("--snapshot=" + f, "--add-brokers=1", "--seed=3");

        assertThat(equals.code()).as(equals.err()).isZero();
        assertThat(equals.out()).isEqualTo(spaced.out()).contains("plan: add-brokers 0 (seed 3)");
        assertThat(run("--snapshot=" + f, "--remove-brokers=1,2").out()).contains("plan: remove-brokers 1,2 ");
        assertThat(run("--snapshot=" + f, "--rebalance", "--json=true").err())
                .startsWith("plan: --json takes no value, got \"--json=true\""); // a switch has no value
        assertThat(run("--snapshot=" + f, "--add-brokers=").err())
                .startsWith("plan: --add-brokers needs a number, got \"\""); // empty value is not a default
        assertThat(run("--help").out()).contains("--add-brokers 2 or --add-brokers=2");
    }

    @Test
    void snapshotJsonRoundTripsExactly() {
        ClusterSnapshot s = Clusters.threeRacksSixBrokers();

        assertThat(SnapshotJson.read(SnapshotJson.write(s))).isEqualTo(s);
    }

    @Test
    void snapshotTopicsAreWrittenByNameSoThatTwoSnapshotsDiff() {
        java.util.Map<String, dev.berth.operator.model.TopicState> topics = new java.util.HashMap<>();
        for (String t : List.of("zeta", "alpha", "mu", "beta", "omega", "kappa")) {
            topics.put(t, new dev.berth.operator.model.TopicState(t, 1, 1));
        }
        ClusterSnapshot s = new ClusterSnapshot(java.time.Instant.EPOCH, Clusters.threeRacksSixBrokers().brokers(), topics, List.of());
        String json = SnapshotJson.write(s);
        List<Integer> at = List.of("alpha", "beta", "kappa", "mu", "omega", "zeta").stream()
                .map(t -> json.indexOf("\"" + t + "\": {")).toList();
        assertThat(at).doesNotContain(-1).isSorted();
    }
}
