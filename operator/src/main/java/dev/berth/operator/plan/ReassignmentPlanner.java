package dev.berth.operator.plan;

import dev.berth.operator.model.BrokerState;
import dev.berth.operator.model.ClusterSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The minimal-movement reassignment planner: a pure function from a {@link ClusterSnapshot} and a
 * {@link PlanIntent} to a diff of (partition, old replicas -&gt; new replicas, reason).
 *
 * <p><b>Hard goals</b> (a plan that breaks one is refused with numbers, never made):
 * <ol>
 *   <li>replication factor: every partition keeps its replica count, on distinct brokers;
 *   <li>rack-awareness: while there are at least RF racks, no two replicas of a partition share a
 *       rack; with fewer racks, no move piles more replicas into one rack than there were.
 * </ol>
 * <b>Soft goals</b>, in priority order, each only choosing among moves the earlier goals accept:
 * even replica bytes, even replica counts, even preferred leaders per broker.
 *
 * <p><b>Minimal movement</b>, per intent:
 * <ul>
 *   <li>{@code AddBrokers}: replicas move only onto the new brokers, and each new broker receives
 *       its shortfall to the mean bytes, give or take one replica ({@link FillPhase} may end with one
 *       under twice a donor's excess), then empty replicas even the
 *       replica counts ({@link CountPhase}); a partition whose two replicas
 *       share a rack is repaired onto a new broker when one fits. Leaders stay, except that a
 *       moved leader replica makes the new broker preferred leader, and among moving partitions a
 *       new broker below its leader share may become preferred leader ({@link LeaderPhase}).
 *   <li>{@code RemoveBrokers}: after {@link CapacityCheck}, exactly the removed brokers' replicas
 *       move ({@link DrainPhase}); only partitions whose preferred leader leaves get a new one.
 *   <li>{@code Rebalance}: rack repair, then donors above the mean give to receivers below it,
 *       then leaders are evened by reordering replica lists.
 * </ul>
 *
 * <p><b>Determinism</b>: the same snapshot, intent and Random seed give the same plan; the Random
 * only breaks exact ties between equally loaded targets.
 *
 * <p><b>Worked example</b> ({@code Clusters.threeRacksSixBrokers()} plus broker 7 in rack a):
 * brokers 1..6 in racks a,b,c,a,b,c hold 12 partitions of RF 3, one replica per rack each. Broker
 * 7 may only take replicas from brokers 1 and 4 (any other would put two replicas in rack a), so
 * rack a's bytes are shared by 1, 4 and 7 while the other racks are untouched: every move is
 * 1-&gt;7 or 4-&gt;7, and broker 7 stops below the cluster mean rather than break rack-awareness.
 */
public final class ReassignmentPlanner {
    private final Random random;

    /** @param random breaks ties between equally loaded targets; seed it for reproducible plans */
    public ReassignmentPlanner(Random random) {
        this.random = random;
    }

    public ReassignmentPlan plan(ClusterSnapshot snapshot, PlanIntent intent) {
        if (intent instanceof PlanIntent.AddBrokers add) {
            return scaleUp(snapshot, add);
        }
        if (intent instanceof PlanIntent.RemoveBrokers remove) {
            return scaleDown(snapshot, remove);
        }
        return rebalance(snapshot, intent);
    }

    private ReassignmentPlan scaleUp(ClusterSnapshot snapshot, PlanIntent.AddBrokers add) {
        if (add.brokers().isEmpty()) {
            throw new PlanRefusedException(RefusalReason.INVALID_INTENT, "no broker to add");
        }
        refuseRacklessAmongRacked(snapshot, add.brokers());
        WorkingModel m = new WorkingModel(snapshot, add.brokers(), Set.of());
        Snapshotted before = new Snapshotted(m);
        boolean[] receiver = new boolean[m.brokers()];
        int[] receivers = add.brokers().stream().mapToInt(b -> m.index(b.id())).sorted().toArray();
        for (int r : receivers) {
            receiver[r] = true;
        }
        DrainPhase drain = new DrainPhase(m, random);
        long minimum = drain.repairRacks(b -> receiver[b]);
        boolean[] mayDonate = new boolean[m.brokers()];
        for (int b = 0; b < m.brokers(); b++) {
            mayDonate[b] = !receiver[b];
        }
        minimum += new FillPhase(m).run(receivers, mayDonate, MoveReason.SCALE_UP);
        new CountPhase(m).run(receivers, mayDonate, MoveReason.SCALE_UP);
        new LeaderPhase(m).run(m::changed, b -> receiver[b]);
        return PlanAssembler.assemble(m, add, before, minimum, receiver);
    }

    /**
     * A new broker without a rack where the others have one is refused: the model would make it a rack of
     * its own and give it a replica from any rack, while it sits in one of theirs (a broker started before
     * its pod's rack was stamped runs without {@code broker.rack}). Rack-awareness would be lost unseen.
     */
    private static void refuseRacklessAmongRacked(ClusterSnapshot snapshot, List<BrokerState> adding) {
        List<Integer> rackless = adding.stream().filter(b -> b.rack() == null).map(BrokerState::id).sorted().toList();
        boolean racked = java.util.stream.Stream.concat(snapshot.brokers().stream(), adding.stream())
                .anyMatch(b -> b.rack() != null && !rackless.contains(b.id()));
        if (!rackless.isEmpty() && racked) {
            throw new PlanRefusedException(RefusalReason.NO_BROKER_RACK, "brokers " + rackless + " run without"
                    + " broker.rack while the others have one, so no replica can go there without maybe breaking"
                    + " rack-awareness");
        }
    }

    private ReassignmentPlan scaleDown(ClusterSnapshot snapshot, PlanIntent.RemoveBrokers remove) {
        List<Problem> problems = CapacityCheck.problems(snapshot, remove.brokerIds());
        if (remove.brokerIds().isEmpty()) {
            problems = List.of(new Problem(RefusalReason.INVALID_INTENT, "no broker to remove"));
        }
        if (!problems.isEmpty()) {
            throw new PlanRefusedException(problems);
        }
        WorkingModel m = new WorkingModel(snapshot, List.of(), remove.brokerIds());
        Snapshotted before = new Snapshotted(m);
        long minimum = new DrainPhase(m, random).drainRemoved();
        new LeaderPhase(m).run(p -> m.original[p].length > 0 && !m.active[m.original[p][0]],
                b -> true);
        return PlanAssembler.assemble(m, remove, before, minimum, new boolean[m.brokers()]);
    }

    private ReassignmentPlan rebalance(ClusterSnapshot snapshot, PlanIntent intent) {
        WorkingModel m = new WorkingModel(snapshot, List.of(), Set.of());
        Snapshotted before = new Snapshotted(m);
        long minimum = new DrainPhase(m, random).repairRacks(b -> true);
        double[] share = m.fairShare(m.bytes);
        List<Integer> receivers = new ArrayList<>();
        boolean[] mayDonate = new boolean[m.brokers()];
        for (int b = 0; b < m.brokers(); b++) {
            if (m.bytes[b] < share[b]) {
                receivers.add(b);
            } else {
                mayDonate[b] = m.bytes[b] > share[b];
            }
        }
        minimum += new FillPhase(m).run(receivers.stream().mapToInt(Integer::intValue).toArray(),
                mayDonate, MoveReason.BALANCE_BYTES);
        new LeaderPhase(m).run(p -> true, b -> true);
        return PlanAssembler.assemble(m, intent, before, minimum, new boolean[m.brokers()]);
    }

    /** Loads before any phase ran. */
    static final class Snapshotted {
        final long[] bytes;
        final int[] count;
        final int[] leaders;

        Snapshotted(WorkingModel m) {
            bytes = m.bytes.clone();
            count = m.count.clone();
            leaders = m.leaders.clone();
        }
    }
}
