package dev.berth.extender.placement;

/**
 * The score of one node and its parts, each 0..10. {@code load} is L(n) of
 * {@link LeadershipScorer}, kept for the decision log.
 */
public record NodeScore(String node, int total, int rack, int leaders, int disk, long load) {
    public static NodeScore zero(String node) {
        return new NodeScore(node, 0, 0, 0, 0, 0);
    }
}
