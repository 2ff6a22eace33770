package dev.berth.extender.http;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Histogram;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.IOException;
import java.io.StringWriter;

/**
 * The extender's Prometheus metrics, in a registry of its own (several servers can live in one
 * JVM, as in tests):
 * <ul>
 *   <li>{@code berth_extender_request_seconds{verb}}: latency histogram per verb;
 *   <li>{@code berth_extender_decisions_total{verb,outcome,reason}}: decisions; {@code reason} is
 *       the enum name of the most frequent node refusal for a filter, or a short category;
 *   <li>{@code berth_extender_node_refusals_total{reason}}: every node refused by filter;
 *   <li>{@code berth_extender_prioritize_prepared_total{result}}: names-mode prioritize requests
 *       answered from the scores prepared after their filter ({@code hit}) or computed ({@code miss});
 *   <li>{@code berth_extender_decision_log_dropped_lines_total}: lines the log sink could not keep up with,
 *       or that were not written because it failed;
 *   <li>{@code berth_extender_cache_synced}: 1 once the cluster state is complete (what {@code /readyz}
 *       answers), else 0;
 *   <li>{@code berth_extender_cache_nodes} and {@code berth_extender_cache_brokers{state}} (bound,
 *       reserved): what the cluster state holds, read when scraped, once synced. Nodes that drop
 *       while the cluster does not shrink, or reservations that stay, are what to look at first.
 * </ul>
 */
final class Metrics {
    final CollectorRegistry registry = new CollectorRegistry();
    final Histogram latency = Histogram.build()
            .name("berth_extender_request_seconds").help("Extender request latency by verb.")
            .labelNames("verb")
            // up to 10 s: a bind makes API calls of up to 3 s each, and that slow tail is what one looks for
            .buckets(0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
            .register(registry);
    final Counter decisions = Counter.build()
            .name("berth_extender_decisions_total").help("Decisions by verb, outcome and reason.")
            .labelNames("verb", "outcome", "reason").register(registry);
    final Counter refusals = Counter.build()
            .name("berth_extender_node_refusals_total").help("Nodes refused by filter, by reason.")
            .labelNames("reason").register(registry);

    final Counter prepared = Counter.build()
            .name("berth_extender_prioritize_prepared_total")
            .help("Names-mode prioritize requests answered from the scores prepared after their filter (hit) or computed (miss).")
            .labelNames("result").register(registry);

    /** Set from the decision log when scraped; exposed as a counter, since it only grows while the process lives. */
    private volatile long droppedLines;

    {
        new io.prometheus.client.Collector() {
            @Override
            public java.util.List<MetricFamilySamples> collect() {
                return java.util.List.of(new io.prometheus.client.CounterMetricFamily(
                        "berth_extender_decision_log_dropped_lines",
                        "Decision lines dropped because the log sink fell behind or failed.", droppedLines));
            }
        }.register(registry);
    }

    void droppedLines(long total) {
        droppedLines = total;
    }

    final io.prometheus.client.Gauge cacheSynced = io.prometheus.client.Gauge.build()
            .name("berth_extender_cache_synced").help("1 once the cluster state has listed and applied every node and broker pod, else 0.")
            .register(registry);
    final io.prometheus.client.Gauge cacheNodes = io.prometheus.client.Gauge.build()
            .name("berth_extender_cache_nodes").help("Nodes in the cluster state.")
            .register(registry);
    final io.prometheus.client.Gauge cacheBrokers = io.prometheus.client.Gauge.build()
            .name("berth_extender_cache_brokers").help("Broker pods on nodes: bound, or reserved by an in-flight bind.")
            .labelNames("state").register(registry);

    String scrape() throws IOException {
        StringWriter w = new StringWriter();
        TextFormat.write004(w, registry.metricFamilySamples());
        return w.toString();
    }
}
