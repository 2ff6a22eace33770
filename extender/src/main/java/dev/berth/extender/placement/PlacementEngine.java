package dev.berth.extender.placement;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The pure placement engine behind {@code filter} and {@code prioritize}: {@link HardRules} and
 * {@link RackSkewRule} decide who may host the broker, three soft scorers ({@link RackBalanceScorer},
 * {@link LeadershipScorer}, {@link DiskHeadroomScorer}) rank them, and {@link Weights} combine the
 * parts into one integer 0..10 (kube-scheduler multiplies it by the extender's weight × 10,
 * unclamped, so it must stay in range).
 *
 * <p>Every candidate is accounted for exactly once: the arrays returned are aligned with the input
 * list. Pods without {@code berth.dev/cluster} pass every node with score 0 (berth has no opinion
 * about them), even nodes the cache has not seen.
 *
 * <p>Example (weights 3/2/1, maxSkew 2): unpinned broker asking 100Gi; racks a:1, b:0 brokers of its
 * cluster; node n1 (rack a, 1Ti, 200 leaders, 300Gi used) and n2 (rack b, 500Gi, 0 leaders, empty).
 * Both pass (a: 1 + 1 − 0 = 2, not above 2).
 * n1: rack 5, leaders 0 (Lmax = 200), disk 6, total round((15 + 0 + 6) / 6) = round(3.5) = 4.
 * n2: rack 10, leaders 10, disk 8, total round((30 + 20 + 8) / 6) = round(9.67) = 10. n2 wins.
 * With the default maxSkew 1, n1 is refused ({@link Reason#RACK_SKEW}) and n2 is the only choice.
 */
public final class PlacementEngine {
    private final Weights weights;
    private final LeaderMetric metric;
    private final int maxRackSkew;

    /** An engine with the default {@link RackSkewRule#DEFAULT_MAX_SKEW}. */
    public PlacementEngine(Weights weights, LeaderMetric metric) {
        this(weights, metric, RackSkewRule.DEFAULT_MAX_SKEW);
    }

    /** {@code maxRackSkew}: as in {@link RackSkewRule}; 0 turns that rule off. */
    public PlacementEngine(Weights weights, LeaderMetric metric, int maxRackSkew) {
        if (maxRackSkew < 0) {
            throw new IllegalArgumentException("max rack skew must be >= 0, got " + maxRackSkew);
        }
        this.weights = weights;
        this.metric = metric;
        this.maxRackSkew = maxRackSkew;
    }

    public int maxRackSkew() {
        return maxRackSkew;
    }

    public Weights weights() {
        return weights;
    }

    public LeaderMetric metric() {
        return metric;
    }

    /**
     * One entry per requested node: {@code null} when the node passes, else why not. {@code ids}
     * are rows of {@code table}, -1 for a node it does not know ({@link Reason#UNKNOWN_NODE}).
     * {@code counts} is only asked for when the {@link RackSkewRule} applies (an unpinned broker).
     */
    public Reason[] filter(BrokerPod pod, NodeTable table, int[] ids, Supplier<RackCounts> counts) {
        Reason[] out = new Reason[ids.length];
        if (!pod.isBroker()) {
            return out;
        }
        PodOnTable on = new PodOnTable(pod, table);
        for (int i = 0; i < ids.length; i++) {
            out[i] = ids[i] < 0 ? Reason.UNKNOWN_NODE : on.verdict(ids[i]);
        }
        applyRackSkew(pod, table, ids, out, counts);
        return out;
    }

    /** {@link RackSkewRule} over verdicts already holding the other rules' reasons. */
    private void applyRackSkew(BrokerPod pod, NodeTable table, int[] ids, Reason[] verdicts, Supplier<RackCounts> counts) {
        if (!RackSkewRule.appliesTo(pod, maxRackSkew)) {
            return;
        }
        int[] perRack = countsPerRack(counts.get(), table);
        int[] perNode = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            if (verdicts[i] == null) {
                perNode[i] = perRack[table.rack(ids[i])]; // a passing node has a rack
            }
        }
        RackSkewRule.apply(verdicts, perNode, maxRackSkew);
    }

    /** c(r) for each of the table's racks, by rack index. */
    private static int[] countsPerRack(RackCounts counts, NodeTable table) {
        int[] count = new int[table.rackCount()];
        for (int r = 0; r < count.length; r++) {
            count[r] = counts.count(table.rackName(r));
        }
        return count;
    }

    /**
     * The rack score of each of the table's racks ({@code counts == null}: the pod is pinned, 10 everywhere).
     * The minimum is taken over the {@code offered} racks only, those of the nodes that pass: a rack the broker
     * cannot go to (no node with a disk, only full nodes, another pool's zone) would keep it at 0 for ever,
     * and every rack two brokers above that would score 0 alike.
     */
    private static int[] rackScores(RackCounts counts, NodeTable table, boolean[] offered) {
        int[] score = new int[table.rackCount()];
        if (counts == null) {
            java.util.Arrays.fill(score, 10);
            return score;
        }
        int[] count = countsPerRack(counts, table);
        int min = Integer.MAX_VALUE;
        for (int r = 0; r < score.length; r++) {
            if (offered[r]) {
                min = Math.min(min, count[r]);
            }
        }
        for (int r = 0; r < score.length; r++) {
            score[r] = RackBalanceScorer.score(false, count[r], min);
        }
        return score;
    }

    /**
     * One score per requested node ({@code ids} as in {@link #filter(BrokerPod, NodeTable, int[], Supplier)}).
     * Nodes that fail a hard rule or the rack skew rule (the scheduler does not send them, but a stale request might)
     * score 0. {@code counts} is only asked for when the pod has no rack yet.
     */
    public Scores prioritize(BrokerPod pod, NodeTable table, int[] ids, Supplier<RackCounts> counts) {
        Scores out = new Scores(ids.length);
        if (!pod.isBroker()) {
            return out;
        }
        PodOnTable on = new PodOnTable(pod, table);
        boolean pinned = pod.pinnedRack() != null && !pod.pinnedRack().isEmpty();
        RackCounts rackCounts = pinned ? null : counts.get();
        Reason[] verdicts = new Reason[ids.length];
        for (int i = 0; i < ids.length; i++) {
            verdicts[i] = ids[i] < 0 ? Reason.UNKNOWN_NODE : on.verdict(ids[i]);
        }
        applyRackSkew(pod, table, ids, verdicts, () -> rackCounts);
        boolean[] ok = new boolean[ids.length];
        boolean[] offered = new boolean[table.rackCount()]; // racks of the nodes that pass
        long maxLoad = 0;
        for (int i = 0; i < ids.length; i++) {
            ok[i] = verdicts[i] == null;
            if (ok[i]) {
                out.load[i] = on.load(ids[i], metric);
                maxLoad = Math.max(maxLoad, out.load[i]);
                offered[table.rack(ids[i])] = true;
            }
        }
        int[] rackScore = rackScores(rackCounts, table, offered);
        for (int i = 0; i < ids.length; i++) {
            if (!ok[i]) {
                out.load[i] = 0;
                continue;
            }
            int id = ids[i];
            int rack = rackScore[table.rack(id)]; // a passing node has a rack
            int leaders = LeadershipScorer.score(out.load[i], maxLoad);
            int disk = DiskHeadroomScorer.score(pod.localStorageBytes(), table.capacity(id), on.usedByOthers(id));
            out.rack[i] = rack;
            out.leaders[i] = leaders;
            out.disk[i] = disk;
            out.total[i] = weights.combine(rack, leaders, disk);
        }
        return out;
    }

    /** {@link #filter(BrokerPod, NodeTable, int[], Supplier)} over candidates, each with its own facts. */
    public Reason[] filter(BrokerPod pod, List<Candidate> candidates, Supplier<RackCounts> counts) {
        Rows rows = Rows.of(candidates);
        Reason[] out = filter(pod, rows.table, rows.ids, counts);
        for (int i = 0; i < out.length; i++) {
            if (candidates.get(i).preset() != null && pod.isBroker()) {
                out[i] = candidates.get(i).preset();
            }
        }
        return out;
    }

    /** {@link #prioritize(BrokerPod, NodeTable, int[], Supplier)} over candidates. */
    public Scores score(BrokerPod pod, List<Candidate> candidates, Supplier<RackCounts> counts) {
        Rows rows = Rows.of(candidates);
        return prioritize(pod, rows.table, rows.ids, counts);
    }

    /** As {@link #score}, one record per candidate. */
    public NodeScore[] prioritize(BrokerPod pod, List<Candidate> candidates, Supplier<RackCounts> counts) {
        Scores scores = score(pod, candidates, counts);
        NodeScore[] out = new NodeScore[candidates.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = scores.at(i, candidates.get(i).name());
        }
        return out;
    }

    /** Candidates as table rows: one row per candidate with facts, in order; -1 for the others. */
    private record Rows(NodeTable table, int[] ids) {
        static Rows of(List<Candidate> candidates) {
            List<NodeFacts> facts = new ArrayList<>(candidates.size());
            int[] ids = new int[candidates.size()];
            for (int i = 0; i < ids.length; i++) {
                Candidate c = candidates.get(i);
                if (c.facts() == null || c.preset() != null) {
                    ids[i] = -1;
                } else {
                    ids[i] = facts.size();
                    facts.add(c.facts());
                }
            }
            return new Rows(NodeTable.of(facts), ids);
        }
    }
}
