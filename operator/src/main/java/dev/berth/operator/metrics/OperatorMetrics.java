package dev.berth.operator.metrics;

import io.prometheus.client.Counter;

/**
 * The operator's own Prometheus counters, in the default registry that {@code /metrics} serves (next to
 * client-java's work-queue metrics). Label values are short stable strings.
 */
public final class OperatorMetrics {
    private OperatorMetrics() {}

    /**
     * Registers the counters now. They register when this class is first used, which is the first
     * reconcile; until then a scrape would not show berth's series at all, and an alert on
     * {@code absent(berth_operator_reconciles_total)} would fire on a healthy standby.
     */
    public static void register() {
        // loading this class ran its static initialisers; the per-cluster gauges load with it
        ClusterGauges.register();
    }

    /** Reconcile passes by outcome: {@code ok}, {@code invalid} (spec refused), {@code error} (requeued). */
    public static final Counter RECONCILES = Counter.build("berth_operator_reconciles_total",
            "Reconcile passes of KafkaClusters by outcome.").labelNames("outcome").register();

    /** Pods created, by role and kind ({@code Create} or {@code Recreate} for healing). */
    public static final Counter PODS_CREATED = Counter.build("berth_operator_pods_created_total",
            "Broker and controller pods created, by role and kind (Create, Recreate).").labelNames("role", "kind").register();

    /** Kafka observations by outcome: {@code ok} or {@code unreachable}. */
    public static final Counter KAFKA_OBSERVATIONS = Counter.build("berth_operator_kafka_observations_total",
            "Kafka Admin observations by outcome (ok, unreachable).").labelNames("outcome").register();

    /** Status subresource writes (only changed statuses are written). */
    public static final Counter STATUS_WRITES = Counter.build("berth_operator_status_writes_total",
            "KafkaCluster status patches.").register();

    /** Broker pods whose berth.dev/leaders or berth.dev/leader-bytes-in annotation was updated. */
    public static final Counter FACTS_PUBLISHED = Counter.build("berth_operator_facts_published_total",
            "Broker pods whose leadership annotations were patched.").register();

    /** Broker pods deleted by a leader-aware restart, once their leadership had moved off. */
    public static final Counter BROKER_RESTARTS = Counter.build("berth_operator_broker_restarts_total",
            "Broker pods deleted by a leader-aware restart (after their leadership moved off).").register();
    /** Controller pods deleted by a controller roll, each once the quorum could lose it. */
    public static final Counter CONTROLLER_RESTARTS = Counter.build("berth_operator_controller_restarts_total",
            "Controller pods deleted by a controller roll (each once the rest of the quorum was caught up).").register();
    /** Broker pods that took a spec.config edit at run time (cluster-wide dynamic defaults), not by a restart. */
    public static final Counter LIVE_CONFIG_UPDATES = Counter.build("berth_operator_live_config_updates_total",
            "Broker pods that took a spec.config edit at run time, through Kafka's dynamic configuration,"
                    + " instead of a restart.").register();
    /** Partitions whose leadership a hot-partition rebalance moved to another in-sync replica. */
    public static final Counter LEADERSHIP_MOVES = Counter.build("berth_operator_leadership_moves_total",
            "Partitions whose leadership a hot-partition rebalance handed to another in-sync replica"
                    + " (no data moved).").register();
    public static final Counter HOT_REPLICA_MOVES = Counter.build("berth_operator_hot_replica_moves_total",
            "Partitions whose replica a hot-partition rebalance (mode Replicas) moved off a hot broker to a"
                    + " cooler one, which leads it.").register();
}
