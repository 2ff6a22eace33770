package dev.berth.extender.placement;

/**
 * The scores of one prioritize request, column by column, aligned with the request's node list:
 * the total sent to kube-scheduler and its parts (each 0..10), and L(n) of
 * {@link LeadershipScorer} for the decision log. Nodes that fail a hard rule score 0 throughout.
 * Columns instead of one object per node: at 5,000 nodes a request would otherwise allocate 5,000
 * records that the decision log then keeps alive.
 */
public final class Scores {
    final int[] total;
    final int[] rack;
    final int[] leaders;
    final int[] disk;
    final long[] load;

    Scores(int size) {
        total = new int[size];
        rack = new int[size];
        leaders = new int[size];
        disk = new int[size];
        load = new long[size];
    }

    public int size() {
        return total.length;
    }

    public int total(int i) {
        return total[i];
    }

    public int rack(int i) {
        return rack[i];
    }

    public int leaders(int i) {
        return leaders[i];
    }

    public int disk(int i) {
        return disk[i];
    }

    public long load(int i) {
        return load[i];
    }

    /** Entry {@code i} as a record, named {@code node}. */
    public NodeScore at(int i, String node) {
        return new NodeScore(node, total[i], rack[i], leaders[i], disk[i], load[i]);
    }
}
