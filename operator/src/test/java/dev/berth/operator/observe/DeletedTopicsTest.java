package dev.berth.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.berth.operator.act.DrainVerifier;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.testbed.kafka.KafkaAwait;
import dev.berth.testbed.kafka.KafkaBed;
import dev.berth.testbed.kafka.KafkaTestCluster;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ForwardingAdmin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.ListTopicsResult;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a real broker answers for a topic that listTopics named and that was deleted before the next read:
 * the reads keep the other topics ({@link DeletedTopics}). Asking for a name that does not exist gets the
 * answer a deletion in between gets.
 */
class DeletedTopicsTest {
    @RegisterExtension
    static final KafkaBed KAFKA = new KafkaBed(KafkaTestCluster.builder().broker(0, "a"));

    @Test
    void aTopicDeletedSinceTheListIsLeftOutOfDescribesAndConfigReads() throws Exception {
        KafkaAwait.createTopic(KAFKA.admin(), "here", Map.of(0, List.of(0)));

        Map<String, ?> described = DeletedTopics.without(
                KAFKA.admin().describeTopics(List.of("gone", "here")).topicNameValues(), 10_000);
        assertThat(described).containsOnlyKeys("here");

        ConfigResource here = new ConfigResource(ConfigResource.Type.TOPIC, "here");
        ConfigResource gone = new ConfigResource(ConfigResource.Type.TOPIC, "gone");
        Map<ConfigResource, ?> configs = DeletedTopics.without(
                KAFKA.admin().describeConfigs(List.of(gone, here)).values(), 10_000);
        assertThat(configs).containsOnlyKeys(here);
    }

    /**
     * The observation and the drain's verification, end to end: their listTopics answer is one taken just
     * before a topic was deleted, as when the deletion falls between the list and the reads. Before, the
     * observation failed as KafkaUnreachable, and the verification with a describeTopics failure.
     */
    @Test
    void anObservationAndADrainVerificationGoOnWhenATopicIsDeletedAfterTheList() throws Exception {
        KafkaAwait.createTopic(KAFKA.admin(), "doomed", Map.of(0, List.of(0)));
        KafkaAwait.createTopic(KAFKA.admin(), "stays", Map.of(0, List.of(0)));
        ListTopicsResult beforeTheDeletion = KAFKA.admin().listTopics(new ListTopicsOptions().listInternal(true));
        assertThat(KafkaAwait.get(beforeTheDeletion.names())).contains("doomed", "stays");
        KafkaAwait.get(KAFKA.admin().deleteTopics(List.of("doomed")).all());
        await("doomed deleted").atMost(Duration.ofSeconds(20))
                .until(() -> !KafkaAwait.get(KAFKA.admin().listTopics().names()).contains("doomed"));

        try (StaleList admin = new StaleList(beforeTheDeletion)) {
            ClusterSnapshot s = new KafkaObserver(admin, Clock.systemUTC()).snapshot();
            assertThat(s.topics()).containsKey("stays").doesNotContainKey("doomed");

            DrainVerifier.DrainReport r = new DrainVerifier(admin).verify(0);
            assertThat(r.findings()).contains("replica stays-0").noneMatch(f -> f.contains("doomed-0 "));
        }
    }

    /** An Admin of the test broker whose listTopics answers a list taken earlier. */
    static final class StaleList extends ForwardingAdmin {
        private final ListTopicsResult earlier;

        StaleList(ListTopicsResult earlier) {
            super(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()));
            this.earlier = earlier;
        }

        @Override
        public ListTopicsResult listTopics(ListTopicsOptions options) {
            return earlier;
        }
    }

    @Test
    void anyOtherFailureIsTheCallersAsBefore() {
        assertThatThrownBy(() -> DeletedTopics.without(
                KAFKA.admin().describeTopics(List.of("here too", "here")).topicNameValues(), 10_000))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(InvalidTopicException.class);
    }
}
