package dev.berth.operator.act.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.api.KafkaCluster;
import dev.berth.testbed.kafka.KafkaAwait;
import dev.berth.testbed.kafka.KafkaClusterBuilder;
import dev.berth.testbed.kafka.KafkaTestCluster;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;

/**
 * {@code spec.config}'s {@code default.replication.factor} and {@code num.partitions} reach the topics
 * an Admin client creates without them (Kafka Streams' internal topics are created so) only through the
 * controllers' file: real KRaft brokers 0 and 1 with no such keys of their own, and a controller that
 * runs with the keys berth renders into {@code controller.properties}. Before, they were rendered for
 * the brokers only, and such a topic got one partition and one replica.
 */
class ControllerKeysTest {
    @Test
    void aTopicCreatedWithoutCountsTakesTheSpecsDefaultsFromTheControllers() throws Exception {
        KafkaCluster c = DesiredObjectsTest.cluster(DesiredObjectsTest.LOCAL.getSpec().withConfig(Map.of(
                "default.replication.factor", "2", "num.partitions", "3", "log.retention.ms", "3600000")));
        Properties rendered = new Properties();
        rendered.load(new StringReader(DesiredConfigMap.build(c).getData().get(DesiredConfigMap.CONTROLLER_FILE)));
        assertThat(rendered).doesNotContainKey("log.retention.ms");
        KafkaClusterBuilder builder = KafkaTestCluster.builder().broker(0, "a").broker(1, "b");
        for (String key : DesiredConfigMap.CONTROLLER_KEYS) {
            if (rendered.getProperty(key) != null) {
                builder.controllerConfig(key, rendered.getProperty(key));
            }
        }
        try (KafkaTestCluster kafka = builder.start()) {
            KafkaAwait.get(kafka.admin().createTopics(List.of(new NewTopic("streams-changelog", Optional.empty(),
                    Optional.empty()))).all());

            TopicDescription t = KafkaAwait.describeTopic(kafka.admin(), "streams-changelog");
            assertThat(t.partitions()).hasSize(3);
            assertThat(t.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(2));
        }
    }
}
