package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.model.BrokerState;
import dev.berth.operator.model.ClusterSnapshot;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The rack each new broker of a scale-up is planned with ({@link ScaleUpStep#receivers}): Kafka's, and for a
 * broker Kafka does not list now (fenced while its pod restarts between two batches), its pod's
 * {@code berth.dev/rack}, where Kafka's comes from. Without it the broker was planned as a rack of its own.
 */
class ScaleUpReceiversTest {
    @Test
    void aBrokerKafkaDoesNotListNowKeepsItsPodsRack() {
        ClusterSnapshot known = new ClusterSnapshot(Instant.EPOCH, List.of(new BrokerState(0, "a", "h", 9092),
                new BrokerState(3, "a", "h", 9092), new BrokerState(6, null, "h", 9092)), Map.of(), List.of());
        Map<Integer, V1Pod> pods = Map.of(
                3, pod("z"), // Kafka's word wins: the pod's annotation is only its source
                4, pod("b"), // fenced: not listed
                6, pod("c")); // listed without a rack: a cluster without racks
        List<BrokerState> receivers = ScaleUpStep.receivers(List.of(3, 4, 5, 6), known, pods);
        assertThat(receivers).extracting(BrokerState::id).containsExactly(3, 4, 5, 6);
        assertThat(receivers).extracting(BrokerState::rack).containsExactly("a", "b", null, null);
    }

    static V1Pod pod(String rack) {
        return new V1Pod().metadata(new V1ObjectMeta().annotations(Map.of("berth.dev/rack", rack)));
    }
}
