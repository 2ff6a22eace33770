package dev.berth.operator.api;

import java.util.Map;
import java.util.TreeMap;

/**
 * What the user asks for. Every field has a default (applied in the compact constructor, which Gson
 * calls for records), so a bare {@code spec: {}} is a working 3-controller, 3-broker cluster.
 *
 * @param kafkaVersion Kafka version; default {@value #DEFAULT_KAFKA_VERSION}, the version of the
 *     kafka-clients library this operator is built and tested with
 * @param image container image; default {@code apache/kafka:<kafkaVersion>} (the official image)
 * @param config extra broker configuration (server.properties keys); keys berth manages are refused
 * @param controllers the KRaft controller quorum
 * @param brokers the brokers
 * @param placement how broker pods are scheduled
 * @param rebalance data movement policy
 */
public record KafkaClusterSpec(
        String kafkaVersion,
        String image,
        Map<String, String> config,
        ControllersSpec controllers,
        BrokersSpec brokers,
        PlacementSpec placement,
        RebalanceSpec rebalance) {

    public static final String DEFAULT_KAFKA_VERSION = "4.4.0";

    public KafkaClusterSpec {
        kafkaVersion = kafkaVersion == null || kafkaVersion.isBlank() ? DEFAULT_KAFKA_VERSION : kafkaVersion;
        image = image == null || image.isBlank() ? "apache/kafka:" + kafkaVersion : image;
        // a null value is a key taken out (a merge patch's null, kept by a server that does not apply it)
        config = config == null ? Map.of() : java.util.Collections.unmodifiableMap(config.entrySet().stream()
                .filter(e -> e.getValue() != null)
                .collect(TreeMap::new, (m, e) -> m.put(e.getKey(), e.getValue()), TreeMap::putAll));
        controllers = controllers == null ? ControllersSpec.defaults() : controllers;
        brokers = brokers == null ? BrokersSpec.defaults() : brokers;
        placement = placement == null ? PlacementSpec.defaults() : placement;
        rebalance = rebalance == null ? RebalanceSpec.defaults() : rebalance;
    }

    public static KafkaClusterSpec defaults() {
        return new KafkaClusterSpec(null, null, null, null, null, null, null);
    }

    public KafkaClusterSpec withBrokers(BrokersSpec b) {
        return new KafkaClusterSpec(kafkaVersion, image, config, controllers, b, placement, rebalance);
    }

    public KafkaClusterSpec withConfig(Map<String, String> c) {
        return new KafkaClusterSpec(kafkaVersion, image, c, controllers, brokers, placement, rebalance);
    }

    public KafkaClusterSpec withControllers(ControllersSpec c) {
        return new KafkaClusterSpec(kafkaVersion, image, config, c, brokers, placement, rebalance);
    }

    public KafkaClusterSpec withRebalance(RebalanceSpec r) {
        return new KafkaClusterSpec(kafkaVersion, image, config, controllers, brokers, placement, r);
    }
}
