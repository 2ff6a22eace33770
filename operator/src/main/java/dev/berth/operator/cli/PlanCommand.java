package dev.berth.operator.cli;

import dev.berth.operator.api.HotPartitionsSpec;
import dev.berth.operator.api.RebalanceSpec;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.plan.Balance;
import dev.berth.operator.plan.BrokerLoad;
import dev.berth.operator.plan.DiskRoom;
import dev.berth.operator.plan.Move;
import dev.berth.operator.plan.PlanIntent;
import dev.berth.operator.plan.PlanRefusedException;
import dev.berth.operator.plan.RefusalReason;
import dev.berth.operator.plan.PlanStats;
import dev.berth.operator.plan.Problem;
import dev.berth.operator.plan.ReassignmentPlan;
import dev.berth.operator.plan.ReassignmentPlanner;
import dev.berth.operator.plan.RemovalChooser;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code plan}: the dry run. Reads a snapshot file, prints the plan the operator would execute
 * (every move, bytes moved against the minimum, balance before and after) and touches no cluster.
 * Exit codes: 0 planned, 2 bad usage or unreadable snapshot, 3 refused by a hard goal.
 */
public final class PlanCommand {
    static final String USAGE = """
            Usage: berth-operator plan --snapshot FILE
                     (--add-brokers N [--racks a,b,c] | --remove-brokers IDS | --remove-count N
                      | --rebalance | --hot-leaders [--tolerance-percent P] [--min-bytes-in B])
                     [--min-free-disk-percent P] [--json] [--seed N]
            A flag's value follows it or an equals sign: --add-brokers 2 or --add-brokers=2.

            Prints the reassignment plan for a snapshot (from `berth-operator snapshot`) without
            touching any cluster: every move, bytes moved against the minimum, balance before/after.

              --snapshot FILE     snapshot JSON (see README, "Snapshot JSON")
              --add-brokers N     plan a scale-up onto N new brokers, named as the operator names
                                  them: the lowest ids in 0..999 that no broker or replica uses
              --racks a,b,c       racks of the new brokers, round-robin; default: the racks with the
                                  fewest brokers, so racks stay even
              --remove-brokers IDS  plan a scale-down removing these broker ids (comma-separated)
              --remove-count N    plan a scale-down of N brokers, chosen as the operator would: the
                                  fewest bytes that the remaining brokers can still hold
              --rebalance         move replicas from brokers above the mean to brokers below it
              --hot-leaders       the operator's hot-partition rebalance: leadership handed from
                                  brokers that lead more bytes-in than the mean allows to other
                                  in-sync replicas (needs a snapshot taken with --rates)
              --tolerance-percent P  with --hot-leaders: a broker is hot above mean x (1 + P/100);
                                  5..1000, default 25 (spec.rebalance.hotPartitions.tolerancePercent)
              --min-bytes-in B    with --hot-leaders: ... and at least B bytes/s above the mean;
                                  default 1048576 (spec.rebalance.hotPartitions.minBytesInPerSec)
              --min-free-disk-percent P  refuse a plan that leaves a receiving broker less than
                                  P % of its disk free; 0..99, default 10
                                  (spec.rebalance.minFreeDiskPercent). Only brokers whose disk the
                                  snapshot has ("disks") are checked
              --json              print the plan as JSON for machines
              --seed N            tie-break seed (default 1: the operator's seed, same plan)
            Exit codes: 0 planned, 2 bad usage or snapshot, 3 refused (the reason is printed).
            """;

    /** Runs the command; returns the exit code. */
    public int run(String[] args, PrintStream out, PrintStream err) {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("plan: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        if (o.help) {
            out.print(USAGE);
            return 0;
        }
        ClusterSnapshot snapshot;
        try {
            snapshot = SnapshotJson.read(Files.readString(Path.of(o.snapshot)));
        } catch (java.nio.file.NoSuchFileException e) {
            err.println("plan: cannot read snapshot " + o.snapshot + ": no such file");
            return 2;
        } catch (IOException e) {
            err.println("plan: cannot read snapshot " + o.snapshot + ": "
                    + (Files.isDirectory(Path.of(o.snapshot)) ? "is a directory" : e.toString()));
            return 2;
        } catch (IllegalArgumentException e) {
            err.println("plan: cannot read snapshot " + o.snapshot + ": " + e.getMessage());
            return 2;
        }
        if (o.remove != null) {
            // as the operator does for a named broker that is down but still named in replica lists
            // (ScaleDownStep): drain it anyway; the snapshot does not list a fenced broker
            snapshot = snapshot.withBrokers(namedInReplicas(snapshot, o.remove));
        }
        try {
            List<Problem> moving = inFlight(snapshot);
            if (!moving.isEmpty()) {
                throw new PlanRefusedException(moving);
            }
            // as the operator refuses it (ScaleDownStep): a partition with no leader and a replica on a leaving
            // broker cannot be copied off, and the drain would never end
            Problem leaderless = o.remove == null ? null : dev.berth.operator.plan.Leaderless.problem(snapshot, o.remove);
            if (leaderless != null) {
                throw new PlanRefusedException(List.of(leaderless));
            }
            if (o.hotLeaders) {
                HotLeadersOutput.HotJson hot = HotLeadersOutput.plan(snapshot, o.tolerancePercent, o.minBytesIn,
                        o.minFreeDiskPercent);
                if (o.json) {
                    out.println(SnapshotJson.gson().toJson(hot));
                } else {
                    boolean measured = snapshot.partitions().stream().anyMatch(p -> p.bytesInPerSec() > 0);
                    HotLeadersOutput.print(hot, measured, out);
                }
                return 0;
            }
            PlanIntent intent = o.intent(snapshot);
            ReassignmentPlan plan = new ReassignmentPlanner(new Random(o.seed)).plan(snapshot, intent);
            List<Problem> full = DiskRoom.problems(plan.moves(), snapshot.disks(), o.minFreeDiskPercent);
            if (!full.isEmpty()) {
                throw new PlanRefusedException(full);
            }
            if (o.json) {
                out.println(SnapshotJson.gson().toJson(PlanJson.of(plan, o.seed)));
            } else {
                PlanText.print(plan, o.seed, out);
            }
            return 0;
        } catch (PlanRefusedException e) {
            if (o.json) {
                out.println(SnapshotJson.gson().toJson(new Refused(true, e.problems())));
            }
            for (Problem p : e.problems()) {
                err.println("plan refused: " + p);
            }
            return 3;
        }
    }

    /**
     * Partitions that list more replicas than their topic's RF: Kafka was adding a replica when the
     * snapshot was read. A plan over them would count the replica being added as held, and refuse or
     * move the wrong thing; the operator waits for such moves to end ({@code Reshuffle}).
     */
    static List<Problem> inFlight(ClusterSnapshot s) {
        List<Problem> out = new java.util.ArrayList<>();
        for (dev.berth.operator.model.PartitionState p : s.partitions()) {
            dev.berth.operator.model.TopicState t = s.topics().get(p.topic());
            if (t != null && p.replicas().size() > t.replicationFactor()) {
                out.add(new Problem(RefusalReason.REASSIGNMENT_IN_FLIGHT, "partition " + p.name() + " lists replicas "
                        + p.replicas() + " for RF " + t.replicationFactor() + ": a reassignment was in flight when the"
                        + " snapshot was taken; the operator waits for it to finish, so take the snapshot again then"));
            }
        }
        return out;
    }

    /** Those of {@code ids} that some partition's replica list names. */
    static Set<Integer> namedInReplicas(ClusterSnapshot s, Set<Integer> ids) {
        Set<Integer> out = new java.util.TreeSet<>();
        s.partitions().forEach(p -> p.replicas().stream().filter(ids::contains).forEach(out::add));
        return out;
    }

    record Refused(boolean refused, List<Problem> problems) {}

    /** The plan as JSON: the diff, the stats with their ratios, the per-broker table. */
    record PlanJson(String intent, long seed, List<Move> moves, PlanStats stats,
            Ratios before, Ratios after, List<BrokerLoad> brokers) {
        static PlanJson of(ReassignmentPlan plan, long seed) {
            return new PlanJson(plan.intent().describe(), seed, plan.moves(), plan.stats(),
                    Ratios.of(plan.stats().before()), Ratios.of(plan.stats().after()),
                    plan.brokers());
        }
    }

    record Ratios(double bytesMaxOverMean, double replicasMaxOverMean, double leadersMaxOverMean) {
        static Ratios of(Balance b) {
            return new Ratios(b.bytesMaxOverMean(), b.replicasMaxOverMean(), b.leadersMaxOverMean());
        }
    }

    static final class Options {
        boolean help;
        String snapshot;
        Integer add;
        List<String> racks = List.of();
        Set<Integer> remove;
        Integer removeCount;
        boolean rebalance;
        boolean hotLeaders;
        Integer tolerancePercent;
        Long minBytesIn;
        int minFreeDiskPercent = RebalanceSpec.DEFAULT_MIN_FREE_DISK_PERCENT;
        boolean json;
        long seed = 1;

        /** Flags that take no value; every other flag takes one, as {@code --flag V} or {@code --flag=V}. */
        private static final Set<String> SWITCHES = Set.of("--help", "-h", "--rebalance", "--hot-leaders", "--json");

        static Options parse(String[] given) {
            Options o = new Options();
            String[] args = splitEquals(given);
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--help", "-h" -> o.help = true;
                    case "--snapshot" -> o.snapshot = value(args, ++i, a);
                    case "--add-brokers" -> o.add = positive(value(args, ++i, a), a);
                    case "--racks" -> o.racks = Arrays.stream(value(args, ++i, a).split(","))
                            .map(String::trim).filter(s -> !s.isEmpty()).toList();
                    case "--remove-brokers" -> o.remove = ids(value(args, ++i, a));
                    case "--remove-count" -> o.removeCount = positive(value(args, ++i, a), a);
                    case "--rebalance" -> o.rebalance = true;
                    case "--hot-leaders" -> o.hotLeaders = true;
                    case "--tolerance-percent" -> o.tolerancePercent = (int) range(value(args, ++i, a), a,
                            HotPartitionsSpec.MIN_TOLERANCE_PERCENT, HotPartitionsSpec.MAX_TOLERANCE_PERCENT);
                    case "--min-bytes-in" -> o.minBytesIn = range(value(args, ++i, a), a, 0, Long.MAX_VALUE);
                    case "--min-free-disk-percent" -> o.minFreeDiskPercent = (int) range(value(args, ++i, a), a,
                            0, RebalanceSpec.MAX_MIN_FREE_DISK_PERCENT);
                    case "--json" -> o.json = true;
                    case "--seed" -> o.seed = number(value(args, ++i, a), a);
                    default -> throw new IllegalArgumentException("unknown flag " + a);
                }
            }
            if (o.help) {
                return o;
            }
            if (o.snapshot == null) {
                throw new IllegalArgumentException("--snapshot FILE is required");
            }
            int modes = (o.add != null ? 1 : 0) + (o.remove != null ? 1 : 0)
                    + (o.removeCount != null ? 1 : 0) + (o.rebalance ? 1 : 0) + (o.hotLeaders ? 1 : 0);
            if (modes != 1) {
                throw new IllegalArgumentException("give exactly one of --add-brokers, "
                        + "--remove-brokers, --remove-count, --rebalance, --hot-leaders (got " + modes + ")");
            }
            if ((o.tolerancePercent != null || o.minBytesIn != null) && !o.hotLeaders) {
                throw new IllegalArgumentException("--tolerance-percent and --min-bytes-in only go with --hot-leaders");
            }
            if (o.tolerancePercent == null) {
                o.tolerancePercent = HotPartitionsSpec.DEFAULT_TOLERANCE_PERCENT;
            }
            if (o.minBytesIn == null) {
                o.minBytesIn = HotPartitionsSpec.DEFAULT_MIN_BYTES_IN;
            }
            if (!o.racks.isEmpty() && o.add == null) {
                throw new IllegalArgumentException("--racks only goes with --add-brokers");
            }
            return o;
        }

        /** {@code --flag=value} becomes {@code --flag value}; a switch given a value is an error. */
        static String[] splitEquals(String[] args) {
            List<String> out = new java.util.ArrayList<>();
            for (String a : args) {
                int eq = a.indexOf('=');
                if (!a.startsWith("--") || eq < 0) {
                    out.add(a);
                    continue;
                }
                String flag = a.substring(0, eq);
                if (SWITCHES.contains(flag)) {
                    throw new IllegalArgumentException(flag + " takes no value, got \"" + a + "\"");
                }
                out.add(flag);
                out.add(a.substring(eq + 1));
            }
            return out.toArray(String[]::new);
        }

        PlanIntent intent(ClusterSnapshot s) {
            if (add != null) {
                return PlanIntent.addBrokers(s, add, racks);
            }
            if (remove != null) {
                return new PlanIntent.RemoveBrokers(remove);
            }
            if (removeCount != null) {
                return new PlanIntent.RemoveBrokers(RemovalChooser.choose(s, Set.of(), removeCount));
            }
            return new PlanIntent.Rebalance();
        }

        private static String value(String[] args, int i, String flag) {
            if (i >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return args[i];
        }

        private static long number(String v, String flag) {
            try {
                return Long.parseLong(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " needs a number, got \"" + v + "\"");
            }
        }

        private static long range(String v, String flag, long min, long max) {
            long n = number(v, flag);
            if (n < min || n > max) {
                throw new IllegalArgumentException(flag + " needs " + min + ".." + max + ", got " + n);
            }
            return n;
        }

        private static int positive(String v, String flag) {
            long n = number(v, flag);
            if (n < 1 || n > 10_000) {
                throw new IllegalArgumentException(flag + " needs 1..10000, got " + n);
            }
            return (int) n;
        }

        private static Set<Integer> ids(String v) {
            Set<Integer> out = new TreeSet<>();
            for (String s : v.split(",")) {
                if (!s.isBlank()) {
                    long id = number(s, "--remove-brokers");
                    if (id < 0 || id > Integer.MAX_VALUE) { // a cast would wrap 4294967296 onto broker 0
                        throw new IllegalArgumentException("--remove-brokers: " + id + " is not a broker id (0 or more)");
                    }
                    out.add((int) id);
                }
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException("--remove-brokers needs broker ids, e.g. 3,4");
            }
            return out;
        }
    }

    /** Human-readable rendering. */
    static final class PlanText {
        private PlanText() {}

        static void print(ReassignmentPlan plan, long seed, PrintStream out) {
            PlanStats st = plan.stats();
            out.printf(Locale.ROOT, "plan: %s (seed %d)%n", plan.intent().describe(), seed);
            out.printf(Locale.ROOT, "moves: %d%n", plan.moves().size());
            for (Move m : plan.moves()) {
                out.printf(Locale.ROOT, "  %-30s %-14s -> %-14s %-14s %s%n", m.name(),
                        m.oldReplicas(), m.newReplicas(), m.reason(), bytes(m.sizeBytes()));
            }
            out.printf(Locale.ROOT, "bytes moved: %s in %d replicas; minimum needed: %s; "
                    + "moved/min: %.3f; preferred leaders changed: %d%n", bytes(st.bytesMoved()),
                    st.replicasMoved(), bytes(st.minBytesNeeded()), st.movedOverMin(),
                    st.leadersMoved());
            out.printf(Locale.ROOT, "balance (max/mean)   before  after%n");
            out.printf(Locale.ROOT, "  replica bytes      %6.3f %6.3f%n",
                    st.before().bytesMaxOverMean(), st.after().bytesMaxOverMean());
            out.printf(Locale.ROOT, "  replicas           %6.3f %6.3f%n",
                    st.before().replicasMaxOverMean(), st.after().replicasMaxOverMean());
            out.printf(Locale.ROOT, "  leaders            %6.3f %6.3f%n",
                    st.before().leadersMaxOverMean(), st.after().leadersMaxOverMean());
            out.printf(Locale.ROOT, "brokers:%n  %-6s %-8s %-8s %21s %11s %11s%n", "id", "rack",
                    "role", "bytes before -> after", "replicas", "leaders");
            for (BrokerLoad b : plan.brokers()) {
                out.printf(Locale.ROOT, "  %-6d %-8s %-8s %10s -> %-8s %4d -> %-4d %4d -> %-4d%n",
                        b.id(), b.rack() == null ? "-" : b.rack(), b.role(), bytes(b.bytesBefore()),
                        bytes(b.bytesAfter()), b.replicasBefore(), b.replicasAfter(),
                        b.leadersBefore(), b.leadersAfter());
            }
        }

        static String bytes(long b) {
            String[] units = {"B", "KB", "MB", "GB", "TB", "PB"};
            double v = b;
            int u = 0;
            while (v >= 1000 && u < units.length - 1) {
                v /= 1000;
                u++;
            }
            return u == 0 ? b + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
        }
    }
}
