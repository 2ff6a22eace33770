package dev.berth.operator.plan;

import dev.berth.operator.model.ClusterSnapshot;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Benchmark, not a test: plans scale-up N -&gt; N+1 (N = 6, 12, 30; RF 3; unequal seeded sizes)
 * and prints bytes moved over the minimum and the balance afterwards, then times a plan over 200
 * brokers and 1,000,000 replicas. Run by {@code operator/bench.sh}.
 */
public final class PlannerBench {
    private PlannerBench() {}

    public static void main(String[] args) {
        for (int n : new int[] {6, 12, 30}) {
            scaleUp("scaleup-N" + n, Clusters.synthetic(n, 0, 100 * n, 3, 42));
        }
        for (int n : new int[] {6, 12, 30}) {
            scaleUp("scaleup-racks3-N" + n, Clusters.synthetic(n, 3, 100 * n, 3, 42));
        }
        ClusterSnapshot big = Clusters.synthetic(200, 0, 333_334, 3, 7);
        long best = Long.MAX_VALUE;
        ReassignmentPlan plan = null;
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            plan = new ReassignmentPlanner(new Random(1))
                    .plan(big, PlanIntent.addBrokers(big, 1, List.of()));
            best = Math.min(best, (System.nanoTime() - t0) / 1_000_000);
        }
        System.out.printf(Locale.ROOT, "bench plan-200x1M ms=%d moves=%d moved_over_min=%.3f%n",
                best, plan.moves().size(), plan.stats().movedOverMin());
    }

    private static void scaleUp(String name, ClusterSnapshot s) {
        ReassignmentPlan plan = new ReassignmentPlanner(new Random(1))
                .plan(s, PlanIntent.addBrokers(s, 1, List.of()));
        PlanStats st = plan.stats();
        System.out.printf(Locale.ROOT,
                "bench %s moved_over_min=%.3f replica_bytes_max_over_mean=%.3f "
                        + "leaders_max_over_mean=%.3f replicas_max_over_mean=%.3f moved_replicas=%d"
                        + " of %d%n",
                name, st.movedOverMin(), st.after().bytesMaxOverMean(),
                st.after().leadersMaxOverMean(), st.after().replicasMaxOverMean(),
                st.replicasMoved(), s.partitions().size() * 3);
    }
}
