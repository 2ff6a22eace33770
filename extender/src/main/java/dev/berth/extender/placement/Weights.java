package dev.berth.extender.placement;

/**
 * Integer weights that combine the three soft scores into the one score (0..10) sent to
 * kube-scheduler:
 * <pre>total = round_half_up((wRack × rack + wLeaders × leaders + wDisk × disk) / (wRack + wLeaders + wDisk))</pre>
 * and 0 when every weight is 0. Example with the defaults 3/2/1 and parts rack 10, leaders 5,
 * disk 4: (30 + 10 + 4) / 6 = 7.33, so 7.
 *
 * <p>Defaults: rack 3 (rack spread is about availability, the reason berth exists), leaders 2
 * (load, which the operator can also fix later by moving leadership), disk 1 (a tie-breaker: the
 * hard rule already guarantees the request fits).
 */
public record Weights(int rack, int leaders, int disk) {
    public static final Weights DEFAULT = new Weights(3, 2, 1);

    public Weights {
        if (rack < 0 || leaders < 0 || disk < 0) {
            throw new IllegalArgumentException("weights must be >= 0, got rack=" + rack + " leaders=" + leaders + " disk=" + disk);
        }
    }

    public int combine(int rackScore, int leadersScore, int diskScore) {
        long sum = (long) rack + leaders + disk;
        if (sum == 0) {
            return 0;
        }
        long weighted = (long) rack * rackScore + (long) leaders * leadersScore + (long) disk * diskScore;
        return (int) ((2 * weighted + sum) / (2 * sum));
    }
}
