package dev.berth.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.model.QuorumState;
import dev.berth.operator.plan.QuorumSafety;
import dev.berth.operator.plan.QuorumSafety.Reason;
import dev.berth.testbed.kafka.KafkaAwait;
import dev.berth.testbed.kafka.KafkaBed;
import dev.berth.testbed.kafka.KafkaTestCluster;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The quorum as Kafka reports it, and {@link QuorumSafety}'s rule on it, against a real KRaft quorum
 * of three controllers (700..702) and one broker: what the rule takes for "caught up" (the leader's
 * timestamps) is what Kafka actually reports while a voter is down and after it is back.
 */
class QuorumReaderTest {
    @RegisterExtension
    static final KafkaBed KAFKA = new KafkaBed(KafkaTestCluster.builder().controllerId(700).controllers(3).broker(0, "a"));

    @Test
    void aStoppedVoterFallsBehindBlocksTheOthersAndCatchesUpOnceBack() throws Exception {
        QuorumState all = awaitAllCaughtUp();
        assertThat(all.voterIds()).containsExactly(700, 701, 702);
        assertThat(all.voterIds()).contains(all.leaderId());
        int leader = all.leaderId();
        List<Integer> followers = all.voterIds().stream().filter(id -> id != leader).toList();
        int down = followers.get(0);
        int other = followers.get(1);

        KAFKA.cluster().stopController(down);

        QuorumState justDown = QuorumReader.read(KAFKA.admin());
        KafkaAwait.polling("the others catch up again; " + down + " does not").untilAsserted(() -> {
            QuorumState now = QuorumReader.read(KAFKA.admin());
            assertThat(QuorumSafety.inSync(justDown, now, other, QuorumSafety.DEFAULT_LAG)).isTrue();
            assertThat(QuorumSafety.check(justDown, now, other, QuorumSafety.DEFAULT_LAG))
                    .as("stopping a second voter would leave the leader alone, however recently the first one stopped")
                    .isEqualTo(new QuorumSafety.Verdict(Reason.VOTERS_BEHIND, List.of(down)));
            assertThat(QuorumSafety.check(justDown, now, leader, QuorumSafety.DEFAULT_LAG).mayStop()).isFalse();
            assertThat(QuorumSafety.check(justDown, now, down, QuorumSafety.DEFAULT_LAG).reason()).isEqualTo(Reason.SAFE);
        });
        KafkaAwait.polling("voter " + down + " falls behind").untilAsserted(() -> assertThat(
                QuorumSafety.caughtUp(QuorumReader.read(KAFKA.admin()), down, QuorumSafety.DEFAULT_LAG)).isFalse());

        KAFKA.cluster().restartController(down);

        QuorumState back = awaitAllCaughtUp();
        KafkaAwait.polling("all in sync again").untilAsserted(() -> assertThat(QuorumSafety.check(back,
                QuorumReader.read(KAFKA.admin()), other, QuorumSafety.DEFAULT_LAG).reason()).isEqualTo(Reason.SAFE));
    }

    @Test
    void theLeaderStoppedAnotherIsElectedAndMetadataStillCommits() throws Exception {
        int leader = awaitAllCaughtUp().leaderId();

        KAFKA.cluster().stopController(leader);
        try {
            KafkaAwait.polling("a new leader").untilAsserted(() -> {
                int now = QuorumReader.read(KAFKA.admin()).leaderId();
                assertThat(now).isNotIn(-1, leader);
            });
            KafkaAwait.createTopic(KAFKA.admin(), "while-" + leader + "-is-down", Map.of(0, List.of(0)));
        } finally {
            KAFKA.cluster().restartController(leader);
        }
        assertThat(awaitAllCaughtUp().voterIds()).isEqualTo(Set.of(700, 701, 702));
    }

    /** Waits until every voter is caught up, and returns that quorum. */
    private static QuorumState awaitAllCaughtUp() {
        KafkaAwait.polling("every voter caught up").until(() -> {
            QuorumState q = QuorumReader.read(KAFKA.admin());
            return q.leaderId() >= 0 && q.voters().size() == 3
                    && q.voterIds().stream().allMatch(id -> QuorumSafety.caughtUp(q, id, QuorumSafety.DEFAULT_LAG));
        });
        try {
            return QuorumReader.read(KAFKA.admin());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
