package dev.berth.operator.cli;

import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.PartitionState;
import dev.berth.operator.plan.HotLeaders;
import dev.berth.operator.plan.Move;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code plan --hot-leaders}: what the operator's hot-partition rebalance ({@code plan.HotLeaders}) would
 * do on a snapshot taken with {@code snapshot --rates}, as text or JSON.
 */
final class HotLeadersOutput {
    private HotLeadersOutput() {}

    /** One move with the partition's rate and the brokers leadership leaves and reaches. */
    record HotMove(String partition, List<Integer> oldReplicas, List<Integer> newReplicas, int from, int to,
            double bytesInPerSec) {}

    /** The plan as JSON. */
    record HotJson(String intent, int tolerancePercent, long minBytesInPerSec, double meanBytesInPerSec,
            List<HotMove> moves, Map<Integer, Double> leaderBytesInBefore,
            Map<Integer, Double> leaderBytesInAfter, HotLeaders.Stuck stillHot) {}

    static HotJson plan(ClusterSnapshot s, int tolerancePercent, long minBytesIn) {
        HotLeaders.Plan plan = HotLeaders.plan(s,
                new HotLeaders.Policy(tolerancePercent / 100.0, minBytesIn, HotLeaders.MAX_MOVES));
        Map<String, PartitionState> parts = new TreeMap<>();
        s.partitions().forEach(p -> parts.put(p.name(), p));
        List<HotMove> moves = new ArrayList<>();
        for (Move m : plan.moves()) {
            PartitionState p = parts.get(m.name());
            moves.add(new HotMove(m.name(), m.oldReplicas(), m.newReplicas(), p.leader(), m.newReplicas().get(0),
                    p.bytesInPerSec()));
        }
        return new HotJson("hot leaders", tolerancePercent, minBytesIn, plan.mean(), moves, plan.before(),
                plan.after(), plan.stuck());
    }

    static void print(HotJson p, boolean ratesKnown, PrintStream out) {
        out.printf(Locale.ROOT, "plan: hot leaders (tolerance %d%%, at least %s above the mean)%n",
                p.tolerancePercent(), HotLeaders.rate(p.minBytesInPerSec()));
        if (!ratesKnown) {
            out.println("note: every rate in the snapshot is 0; take it with `snapshot --rates 30s` to measure them");
        }
        out.printf(Locale.ROOT, "moves: %d (leadership only, no data moves)%n", p.moves().size());
        for (HotMove m : p.moves()) {
            out.printf(Locale.ROOT, "  %-30s %-14s -> %-14s leader %d -> %d  %s%n", m.partition(), m.oldReplicas(),
                    m.newReplicas(), m.from(), m.to(), HotLeaders.rate(m.bytesInPerSec()));
        }
        out.printf(Locale.ROOT, "leader bytes-in per broker (mean %s):%n", HotLeaders.rate(p.meanBytesInPerSec()));
        p.leaderBytesInBefore().forEach((id, before) -> out.printf(Locale.ROOT, "  %-6d %12s -> %s%n", id,
                HotLeaders.rate(before), HotLeaders.rate(p.leaderBytesInAfter().get(id))));
        HotLeaders.Stuck st = p.stillHot();
        if (st != null) {
            out.printf(Locale.ROOT, "still hot: broker %d leads %s%s; moving replicas would even it (not built)%n",
                    st.broker(), HotLeaders.rate(st.bytesInPerSec()), st.partition() == null ? ""
                            : ", " + st.partition() + " alone " + HotLeaders.rate(st.partitionBytesInPerSec()));
        }
    }
}
