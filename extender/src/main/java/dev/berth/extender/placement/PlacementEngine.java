package dev.berth.extender.placement;

import java.util.List;
import java.util.function.Supplier;

/**
 * The pure placement engine behind {@code filter} and {@code prioritize}: {@link HardRules} decide
 * who may host the broker, three soft scorers ({@link RackBalanceScorer}, {@link LeadershipScorer},
 * {@link DiskHeadroomScorer}) rank them, and {@link Weights} combine the parts into one integer
 * 0..10 (kube-scheduler multiplies it by the extender's weight × 10, unclamped, so it must stay in
 * range).
 *
 * <p>Every candidate is accounted for exactly once: the arrays returned are aligned with the input
 * list. Pods without {@code berth.dev/cluster} pass every node with score 0 (berth has no opinion
 * about them), even nodes the cache has not seen.
 *
 * <p>Example (weights 3/2/1): unpinned broker asking 100Gi; racks a:1, b:0 brokers of its cluster;
 * node n1 (rack a, 1Ti, 200 leaders, 300Gi used) and n2 (rack b, 500Gi, 0 leaders, empty).
 * n1: rack 5, leaders 0 (Lmax = 200), disk 6, total round((15 + 0 + 6) / 6) = round(3.5) = 4.
 * n2: rack 10, leaders 10, disk 8, total round((30 + 20 + 8) / 6) = round(9.67) = 10. n2 wins.
 */
public final class PlacementEngine {
    private final Weights weights;
    private final LeaderMetric metric;

    public PlacementEngine(Weights weights, LeaderMetric metric) {
        this.weights = weights;
        this.metric = metric;
    }

    public Weights weights() {
        return weights;
    }

    public LeaderMetric metric() {
        return metric;
    }

    /** One entry per candidate: {@code null} when the node passes, else why not. */
    public Reason[] filter(BrokerPod pod, List<Candidate> candidates) {
        Reason[] out = new Reason[candidates.size()];
        if (!pod.isBroker()) {
            return out;
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = verdict(pod, candidates.get(i));
        }
        return out;
    }

    /**
     * One score per candidate. Nodes that fail a hard rule (the scheduler does not send them, but
     * a stale request might) score 0. {@code counts} is only asked for when the pod has no rack yet.
     */
    public NodeScore[] prioritize(BrokerPod pod, List<Candidate> candidates, Supplier<RackCounts> counts) {
        NodeScore[] out = new NodeScore[candidates.size()];
        if (!pod.isBroker()) {
            for (int i = 0; i < out.length; i++) {
                out[i] = NodeScore.zero(candidates.get(i).name());
            }
            return out;
        }
        RackCounts rackCounts = pod.pinnedRack() == null || pod.pinnedRack().isEmpty() ? counts.get() : null;
        long[] loads = new long[out.length];
        boolean[] ok = new boolean[out.length];
        long maxLoad = 0;
        for (int i = 0; i < out.length; i++) {
            Candidate c = candidates.get(i);
            ok[i] = verdict(pod, c) == null;
            if (ok[i]) {
                loads[i] = LeadershipScorer.load(pod, c.facts(), metric);
                maxLoad = Math.max(maxLoad, loads[i]);
            }
        }
        for (int i = 0; i < out.length; i++) {
            Candidate c = candidates.get(i);
            if (!ok[i]) {
                out[i] = NodeScore.zero(c.name());
                continue;
            }
            int rack = RackBalanceScorer.score(pod, c.facts(), rackCounts);
            int leaders = LeadershipScorer.score(loads[i], maxLoad);
            int disk = DiskHeadroomScorer.score(pod, c.facts());
            out[i] = new NodeScore(c.name(), weights.combine(rack, leaders, disk), rack, leaders, disk, loads[i]);
        }
        return out;
    }

    private static Reason verdict(BrokerPod pod, Candidate c) {
        if (c.preset() != null) {
            return c.preset();
        }
        if (c.facts() == null) {
            return Reason.UNKNOWN_NODE;
        }
        return HardRules.check(pod, c.facts());
    }
}
