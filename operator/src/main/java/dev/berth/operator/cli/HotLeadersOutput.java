package dev.berth.operator.cli;

import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.PartitionState;
import dev.berth.operator.plan.DiskRoom;
import dev.berth.operator.plan.HotLeaders;
import dev.berth.operator.plan.HotReplicas;
import dev.berth.operator.plan.Move;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code plan --hot-leaders}: what the operator's hot-partition rebalance would do on a snapshot taken
 * with {@code snapshot --rates}, as text or JSON: the leadership moves ({@code plan.HotLeaders}), and the
 * replica moves that {@code mode: Replicas} adds after them ({@code plan.HotReplicas}).
 */
final class HotLeadersOutput {
    private HotLeadersOutput() {}

    /** One move with the partition's rate and the brokers leadership leaves and reaches. */
    record HotMove(String partition, List<Integer> oldReplicas, List<Integer> newReplicas, int from, int to,
            double bytesInPerSec) {}

    /**
     * The plan as JSON: {@code moves} and {@code leaderBytesInAfter} are the leadership stage's, as
     * {@code mode: Leadership} does; {@code replicaMoves} and the fields that end in {@code WithReplicas}
     * are what {@code mode: Replicas} adds after it; {@code replicaMoveHeldByDiskRoom} is the replica move
     * it would make next but for {@code minFreeDiskPercent} (the disk reserve, not the partitions, keeps
     * a broker hot), else absent.
     */
    record HotJson(String intent, int tolerancePercent, long minBytesInPerSec, double meanBytesInPerSec,
            List<HotMove> moves, Map<Integer, Double> leaderBytesInBefore,
            Map<Integer, Double> leaderBytesInAfter, HotLeaders.Stuck stillHot, List<HotMove> replicaMoves,
            long replicaBytesToCopy, Map<Integer, Double> leaderBytesInAfterWithReplicas,
            HotLeaders.Stuck stillHotWithReplicas, int minFreeDiskPercent, HotMove replicaMoveHeldByDiskRoom) {}

    static HotJson plan(ClusterSnapshot s, int tolerancePercent, long minBytesIn, int minFreeDiskPercent) {
        HotLeaders.Plan plan = HotLeaders.plan(s,
                new HotLeaders.Policy(tolerancePercent / 100.0, minBytesIn, HotLeaders.MAX_MOVES));
        HotReplicas.Plan replicas = HotReplicas.plan(s, plan,
                new HotLeaders.Policy(tolerancePercent / 100.0, minBytesIn, HotReplicas.MAX_MOVES), minFreeDiskPercent);
        Map<String, PartitionState> parts = new TreeMap<>();
        s.partitions().forEach(p -> parts.put(p.name(), p));
        return new HotJson("hot leaders", tolerancePercent, minBytesIn, plan.mean(), rows(plan.moves(), parts),
                plan.before(), plan.after(), plan.stuck(), rows(replicas.moves(), parts), replicas.bytesMoved(),
                replicas.after(), replicas.stuck(), minFreeDiskPercent, replicas.roomBlocked() == null ? null
                        : rows(List.of(replicas.roomBlocked()), parts).get(0));
    }

    private static List<HotMove> rows(List<Move> moves, Map<String, PartitionState> parts) {
        List<HotMove> out = new ArrayList<>();
        for (Move m : moves) {
            PartitionState p = parts.get(m.name());
            out.add(new HotMove(m.name(), m.oldReplicas(), m.newReplicas(), p.leader(), m.newReplicas().get(0),
                    p.bytesInPerSec()));
        }
        return out;
    }

    static void print(HotJson p, boolean ratesKnown, PrintStream out) {
        out.printf(Locale.ROOT, "plan: hot leaders (tolerance %d%%, at least %s above the mean)%n",
                p.tolerancePercent(), HotLeaders.rate(p.minBytesInPerSec()));
        if (!ratesKnown) {
            out.println("note: every rate in the snapshot is 0; take it with `snapshot --rates 30s` to measure them");
        }
        out.printf(Locale.ROOT, "moves: %d (leadership only, no data moves)%n", p.moves().size());
        p.moves().forEach(m -> row(m, out));
        if (p.stillHot() != null) {
            out.printf(Locale.ROOT, "then, with mode Replicas: %d replica moves (%s to copy, throttled)%n",
                    p.replicaMoves().size(), DiskRoom.size(p.replicaBytesToCopy()));
            p.replicaMoves().forEach(m -> row(m, out));
        }
        out.printf(Locale.ROOT, "leader bytes-in per broker (mean %s): now -> Leadership%s%n",
                HotLeaders.rate(p.meanBytesInPerSec()), p.replicaMoves().isEmpty() ? "" : " -> Replicas");
        p.leaderBytesInBefore().forEach((id, before) -> out.printf(Locale.ROOT, "  %-6d %12s -> %s%s%n", id,
                HotLeaders.rate(before), HotLeaders.rate(p.leaderBytesInAfter().get(id)), p.replicaMoves().isEmpty()
                        ? "" : " -> " + HotLeaders.rate(p.leaderBytesInAfterWithReplicas().get(id))));
        stillHot("after the leadership moves", p.stillHot(), out);
        if (p.stillHot() != null && !p.replicaMoves().isEmpty()) {
            stillHot("after the replica moves too", p.stillHotWithReplicas(), out);
        }
        if (p.replicaMoveHeldByDiskRoom() != null) {
            out.printf(Locale.ROOT, "held back by disk room (%d%% of each disk kept free), the next replica move:%n",
                    p.minFreeDiskPercent());
            row(p.replicaMoveHeldByDiskRoom(), out);
        }
    }

    private static void row(HotMove m, PrintStream out) {
        out.printf(Locale.ROOT, "  %-30s %-14s -> %-14s leader %d -> %d  %s%n", m.partition(), m.oldReplicas(),
                m.newReplicas(), m.from(), m.to(), HotLeaders.rate(m.bytesInPerSec()));
    }

    private static void stillHot(String when, HotLeaders.Stuck st, PrintStream out) {
        if (st != null) {
            out.printf(Locale.ROOT, "still hot %s: broker %d leads %s%s%n", when, st.broker(),
                    HotLeaders.rate(st.bytesInPerSec()), st.partition() == null ? ""
                            : ", " + st.partition() + " alone " + HotLeaders.rate(st.partitionBytesInPerSec()));
        }
    }
}
