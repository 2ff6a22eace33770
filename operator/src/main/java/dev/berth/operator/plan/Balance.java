package dev.berth.operator.plan;

/**
 * How evenly load is spread over a set of brokers. Leaders are preferred leaders (the first
 * replica), which is where leadership settles after a preferred election.
 *
 * @param brokers number of brokers counted
 * @param maxBytes replica bytes on the fullest broker
 * @param meanBytes mean replica bytes per broker
 * @param maxReplicas replicas on the broker with most
 * @param meanReplicas mean replicas per broker
 * @param maxLeaders preferred leaderships on the broker with most
 * @param meanLeaders mean preferred leaderships per broker
 */
public record Balance(
        int brokers,
        long maxBytes,
        double meanBytes,
        int maxReplicas,
        double meanReplicas,
        int maxLeaders,
        double meanLeaders) {

    public double bytesMaxOverMean() {
        return ratio(maxBytes, meanBytes);
    }

    public double replicasMaxOverMean() {
        return ratio(maxReplicas, meanReplicas);
    }

    public double leadersMaxOverMean() {
        return ratio(maxLeaders, meanLeaders);
    }

    private static double ratio(double max, double mean) {
        return mean == 0 ? 1.0 : max / mean;
    }
}
