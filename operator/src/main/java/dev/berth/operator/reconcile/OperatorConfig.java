package dev.berth.operator.reconcile;

import java.time.Duration;

/**
 * Settings of one operator process. Defaults and their reasons are in {@code run --help}.
 *
 * @param namespace namespace to watch, or {@code null} for all
 * @param bootstrapOverride Kafka bootstrap address for every cluster instead of its in-cluster Service
 *     (tests and local runs), or {@code null}
 * @param observeInterval time between Kafka observations and periodic reconciles
 * @param leaseName Lease used for leader election
 * @param leaseNamespace namespace of the Lease
 * @param identity this replica's name in the Lease
 * @param leaseDuration how long a leader's Lease is valid without renewal
 * @param renewDeadline how long the leader keeps trying to renew before giving up leadership
 * @param retryPeriod how often candidates try to acquire or renew
 * @param placementHold how long a new broker pod that is not placed yet holds back the next new one
 *     ({@link dev.berth.operator.plan.PlacementQueue}); zero creates new brokers together
 */
public record OperatorConfig(
        String namespace,
        String bootstrapOverride,
        Duration observeInterval,
        String leaseName,
        String leaseNamespace,
        String identity,
        Duration leaseDuration,
        Duration renewDeadline,
        Duration retryPeriod,
        Duration placementHold) {

    /** Settings with the default {@link dev.berth.operator.plan.PlacementQueue#DEFAULT_HOLD}. */
    public OperatorConfig(String namespace, String bootstrapOverride, Duration observeInterval, String leaseName,
            String leaseNamespace, String identity, Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
        this(namespace, bootstrapOverride, observeInterval, leaseName, leaseNamespace, identity, leaseDuration,
                renewDeadline, retryPeriod, dev.berth.operator.plan.PlacementQueue.DEFAULT_HOLD);
    }
}
