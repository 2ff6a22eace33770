package dev.berth.operator.api;

/**
 * How broker pods are scheduled.
 *
 * @param schedulerName the scheduler of broker pods; default {@value #DEFAULT_SCHEDULER}, the second
 *     kube-scheduler that calls the berth extender (deploy/scheduler.yaml)
 * @param rackLabel node label that names a node's rack; default {@value #DEFAULT_RACK_LABEL}, the
 *     well-known label every cloud sets. The operator spreads controllers over its values; brokers
 *     are placed by the extender, whose {@code --rack-label} must name the same label
 */
public record PlacementSpec(String schedulerName, String rackLabel) {
    public static final String DEFAULT_SCHEDULER = "berth-scheduler";
    public static final String DEFAULT_RACK_LABEL = "topology.kubernetes.io/zone";

    public PlacementSpec {
        schedulerName = schedulerName == null || schedulerName.isBlank() ? DEFAULT_SCHEDULER : schedulerName;
        rackLabel = rackLabel == null || rackLabel.isBlank() ? DEFAULT_RACK_LABEL : rackLabel;
    }

    public static PlacementSpec defaults() {
        return new PlacementSpec(null, null);
    }
}
