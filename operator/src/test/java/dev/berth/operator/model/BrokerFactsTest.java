package dev.berth.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BrokerFactsTest {
    static PartitionState p(String t, int n, List<Integer> replicas, int leader, long size, double in) {
        return new PartitionState(t, n, replicas, leader, replicas, size, in);
    }

    static KafkaObservation obs(List<Integer> registered, List<PartitionState> ps, Map<Integer, Long> bytes) {
        return new KafkaObservation(new ClusterSnapshot(Instant.EPOCH,
                registered.stream().map(id -> new BrokerState(id, "r" + id, "h", 9092)).toList(), Map.of(), ps), bytes);
    }

    @Test
    void countsLeadersReplicasBytesAndLeaderBytesInPerBroker() {
        KafkaObservation o = obs(List.of(0, 1, 2), List.of(
                p("a", 0, List.of(0, 1), 0, 1_000, 100.4),
                p("a", 1, List.of(1, 2), 1, 2_000, 30.0),
                p("b", 0, List.of(2, 0), 2, 500, 0.6)),
                Map.of(0, 1_600L, 1, 3_000L, 2, 2_400L));
        assertThat(BrokerFacts.compute(o)).containsExactly(
                new BrokerFacts(0, 1, 2, 1_600, 100),
                new BrokerFacts(1, 1, 2, 3_000, 30),
                new BrokerFacts(2, 1, 2, 2_400, 1)); // 0.6 B/s rounds to 1: still a leader with load
    }

    @Test
    void brokerWithoutLogDirAnswerFallsBackToPartitionSizes() {
        KafkaObservation o = obs(List.of(0, 1), List.of(
                p("a", 0, List.of(0, 1), 0, 1_000, 0),
                p("a", 1, List.of(1, 0), 1, 2_000, 0)),
                Map.of(0, 2_900L)); // broker 1 did not answer describeLogDirs
        assertThat(BrokerFacts.compute(o)).containsExactly(
                new BrokerFacts(0, 1, 2, 2_900, 0),
                new BrokerFacts(1, 1, 2, 3_000, 0));
    }

    @Test
    void offlinePartitionCountsNoLeaderAndUnregisteredReplicaStillShows() {
        KafkaObservation o = obs(List.of(0, 1), List.of(
                p("a", 0, List.of(5), -1, 700, 50)), // broker 5 is gone: no leader
                Map.of(0, 0L, 1, 0L));
        assertThat(BrokerFacts.compute(o)).containsExactly(
                new BrokerFacts(0, 0, 0, 0, 0),
                new BrokerFacts(1, 0, 0, 0, 0),
                new BrokerFacts(5, 0, 1, 700, 0));
    }
}
