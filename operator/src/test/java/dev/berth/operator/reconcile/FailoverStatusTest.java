package dev.berth.operator.reconcile;

import static dev.berth.operator.reconcile.DayTwoRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.operator.api.Condition;
import dev.berth.operator.api.KafkaClusterStatus;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A successor operator (restart or Lease fail-over) must not report a healthy cluster as broken
 * before it has looked at Kafka ({@link DayTwoRig}: real KRaft brokers, the Kubernetes API bed).
 *
 * <p>The successor reaches Kafka through an address that accepts connections and never answers, so
 * its first observation takes the whole Admin timeout (about 6 s) and its first reconciles surely
 * come before it. Before, those reconciles wrote Ready=False "Every pod is ready but Kafka does not
 * answer", phase Degraded and Degraded=Unknown KafkaNotObservedYet: every operator restart flipped a
 * healthy cluster to Degraded and back. Now the status stays as the predecessor left it until the
 * first observation ends; here it fails, and only then does the status say Kafka does not answer.
 */
class FailoverStatusTest {
    static DayTwoRig rig;

    @BeforeAll
    static void start() throws Exception {
        rig = DayTwoRig.brokers("failover", Map.of(0, "a", 1, "b", 2, "c"), 3).orders(3, 0).operate(3, 50_000_000L);
    }

    @AfterAll
    static void stop() {
        OperatorFixture.closeAll(rig);
    }

    @Test
    void aSuccessorKeepsTheStatusUntilItHasObservedKafka() throws Exception {
        await("the first operator reports the cluster running").atMost(WAIT).until(() ->
                "Running".equals(rig.cluster().getStatus().phase()) && "KafkaReachable".equals(degraded(rig.cluster().getStatus())));

        Set<String> seen = new LinkedHashSet<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            rig.restartOperator("127.0.0.1:" + silent.getLocalPort());
            await("the successor's first observation fails and says so").atMost(WAIT).pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        KafkaClusterStatus s = rig.cluster().getStatus();
                        seen.add(s.phase() + " Ready=" + ready(s) + " Degraded=" + degraded(s));
                        return "KafkaUnreachable".equals(degraded(s));
                    });
        }
        // every status seen before the failure is the predecessor's; the failure itself is the last one
        assertThat(seen).first().isEqualTo("Running Ready=AllBrokersReady Degraded=KafkaReachable");
        assertThat(seen).last().isEqualTo("Degraded Ready=KafkaUnreachable Degraded=KafkaUnreachable");
        assertThat(seen).as("no status between them: nothing is claimed before Kafka was asked").hasSize(2);
    }

    private static String ready(KafkaClusterStatus s) {
        return reason(s, "Ready");
    }

    private static String degraded(KafkaClusterStatus s) {
        return reason(s, "Degraded");
    }

    private static String reason(KafkaClusterStatus s, String type) {
        return s.conditions().stream().filter(c -> c.type().equals(type)).map(Condition::reason).findFirst().orElse("-");
    }
}
