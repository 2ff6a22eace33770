package dev.berth.operator.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Turns a finished {@link WorkingModel} into the plan's diff, stats and per-broker table. */
final class PlanAssembler {
    private PlanAssembler() {}

    static ReassignmentPlan assemble(WorkingModel m, PlanIntent intent,
            ReassignmentPlanner.Snapshotted before, long minimum, boolean[] isNew) {
        List<Move> moves = new ArrayList<>();
        long bytesMoved = 0;
        int replicasMoved = 0;
        int leadersMoved = 0;
        for (int p = 0; p < m.partitionCount(); p++) {
            if (!m.changed(p)) {
                continue;
            }
            Move move = new Move(m.partitions.get(p).topic(), m.partitions.get(p).partition(),
                    ids(m, m.original[p]), ids(m, m.replicas[p]), m.reason[p], m.size[p]);
            moves.add(move);
            bytesMoved += move.bytesMoved();
            replicasMoved += move.adding().size();
            if (m.original[p].length > 0 && m.original[p][0] != m.replicas[p][0]) {
                leadersMoved++;
            }
        }
        boolean[] all = new boolean[m.brokers()];
        Arrays.fill(all, true);
        Balance b0 = balance(before.bytes, before.count, before.leaders, all);
        Balance b1 = balance(m.bytes, m.count, m.leaders, m.active);
        List<BrokerLoad> rows = new ArrayList<>();
        for (int b = 0; b < m.brokers(); b++) {
            String role = !m.active[b] ? "REMOVED" : isNew[b] ? "NEW" : "KEPT";
            rows.add(new BrokerLoad(m.brokerId[b], m.rackName[b], role, before.bytes[b],
                    m.bytes[b], before.count[b], m.count[b], before.leaders[b], m.leaders[b]));
        }
        PlanStats stats = new PlanStats(bytesMoved, minimum, replicasMoved, leadersMoved, b0, b1);
        return new ReassignmentPlan(intent, moves, stats, rows);
    }

    private static List<Integer> ids(WorkingModel m, int[] idx) {
        List<Integer> out = new ArrayList<>(idx.length);
        for (int i : idx) {
            out.add(m.brokerId[i]);
        }
        return out;
    }

    static Balance balance(long[] bytes, int[] count, int[] leaders, boolean[] include) {
        int n = 0;
        long maxBytes = 0;
        long sumBytes = 0;
        int maxCount = 0;
        long sumCount = 0;
        int maxLeaders = 0;
        long sumLeaders = 0;
        for (int b = 0; b < bytes.length; b++) {
            if (!include[b]) {
                continue;
            }
            n++;
            maxBytes = Math.max(maxBytes, bytes[b]);
            sumBytes += bytes[b];
            maxCount = Math.max(maxCount, count[b]);
            sumCount += count[b];
            maxLeaders = Math.max(maxLeaders, leaders[b]);
            sumLeaders += leaders[b];
        }
        int d = Math.max(1, n);
        return new Balance(n, maxBytes, (double) sumBytes / d, maxCount, (double) sumCount / d,
                maxLeaders, (double) sumLeaders / d);
    }
}
