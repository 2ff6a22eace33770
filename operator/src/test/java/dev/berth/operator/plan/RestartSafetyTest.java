package dev.berth.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.PartitionState;
import dev.berth.operator.model.TopicState;
import dev.berth.operator.plan.RestartSafety.Reason;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RestartSafetyTest {
    record Row(String why, List<Integer> replicas, List<Integer> isr, int minInsync, int broker, Reason expected) {}

    @Test
    void theDesignsRuleRowByRow() {
        Row[] rows = {
            new Row("all in sync, RF 3, m 2: safe", List.of(0, 1, 2), List.of(0, 1, 2), 2, 0, null),
            new Row("ISR at m, broker in it: stopping it leaves 1 < m", List.of(0, 1, 2), List.of(0, 1), 2, 0, Reason.AT_MIN_ISR),
            new Row("ISR at m, broker not in it: safe", List.of(0, 1, 2), List.of(0, 1), 2, 2, null),
            new Row("ISR below m, broker in ISR: blocked", List.of(0, 1, 2), List.of(1), 2, 1, Reason.UNDER_MIN_ISR),
            new Row("ISR below m, broker lagging: blocked too (it is what brings the partition back)",
                    List.of(0, 1, 2), List.of(1), 2, 0, Reason.UNDER_MIN_ISR),
            new Row("broker not a replica: never blocks", List.of(0, 1, 2), List.of(1), 2, 5, null),
            new Row("|R| = m cannot be protected: does not block", List.of(0, 1), List.of(0, 1), 2, 0, null),
            new Row("|R| < m (RF 1, m 2): does not block", List.of(0), List.of(0), 2, 0, null),
            new Row("m 1, ISR 1, broker in it: blocked (the last in-sync copy)", List.of(0, 1), List.of(0), 1, 0,
                    Reason.AT_MIN_ISR),
            new Row("m 1, ISR 1, broker lagging: safe", List.of(0, 1), List.of(0), 1, 1, null),
            new Row("RF 5, m 3, ISR 4: safe", List.of(0, 1, 2, 3, 4), List.of(0, 1, 2, 3), 3, 0, null),
            new Row("RF 5, m 3, ISR 3 with broker: blocked", List.of(0, 1, 2, 3, 4), List.of(0, 1, 2), 3, 2,
                    Reason.AT_MIN_ISR),
        };
        for (Row r : rows) {
            ClusterSnapshot s = snapshot(r.minInsync(), new PartitionState("orders", 0, r.replicas(), r.isr().get(0), r.isr(), 1, 0));
            List<RestartSafety.Blocker> got = RestartSafety.blockers(s, r.broker());
            if (r.expected() == null) {
                assertThat(got).as(r.why()).isEmpty();
            } else {
                assertThat(got).as(r.why()).containsExactly(
                        new RestartSafety.Blocker("orders-0", r.expected(), r.isr().size(), r.minInsync()));
            }
        }
    }

    @Test
    void everyBlockingPartitionIsNamedAndTheWordsAreCapped() {
        ClusterSnapshot s = snapshot(2,
                new PartitionState("orders", 0, List.of(0, 1, 2), 0, List.of(0, 1), 1, 0),
                new PartitionState("orders", 1, List.of(1, 2, 0), 1, List.of(1, 2, 0), 1, 0),
                new PartitionState("orders", 2, List.of(2, 0, 1), 2, List.of(2), 1, 0));
        List<RestartSafety.Blocker> got = RestartSafety.blockers(s, 0);
        assertThat(got).extracting(RestartSafety.Blocker::partition).containsExactly("orders-0", "orders-2");
        assertThat(RestartSafety.describe(got, 1)).isEqualTo(
                "orders-0 (ISR 2, min.insync 2: ISR at min.insync.replicas, broker in it) and 1 more");
        assertThat(RestartSafety.describe(got, 2)).as("as many as shown: no count").isEqualTo(
                "orders-0 (ISR 2, min.insync 2: ISR at min.insync.replicas, broker in it), orders-2 (ISR 1, min.insync 2:"
                        + " ISR already below min.insync.replicas)");
        assertThat(RestartSafety.blockers(s, 2)).extracting(RestartSafety.Blocker::partition)
                .as("broker 2 is not in orders-0's ISR; orders-2 is below m").containsExactly("orders-2");
    }

    /** What the rule cannot protect is named, with what a client sees while the broker is down. */
    @Test
    void partitionsWithNoMoreReplicasThanMinInsyncAreExposed() {
        ClusterSnapshot s = snapshot(2,
                new PartitionState("orders", 0, List.of(0, 1, 2), 0, List.of(0, 1, 2), 1, 0), // RF 3 > m: protected
                new PartitionState("orders", 1, List.of(0, 1), 0, List.of(0, 1), 1, 0), // RF = m
                new PartitionState("orders", 2, List.of(0), 0, List.of(0), 1, 0), // RF 1
                new PartitionState("orders", 3, List.of(1, 2), 1, List.of(1, 2), 1, 0)); // not on broker 0
        assertThat(RestartSafety.exposed(s, 0)).containsExactly(new RestartSafety.Exposed("orders-1", 2, 2),
                new RestartSafety.Exposed("orders-2", 1, 2));
        assertThat(RestartSafety.exposed(s, 0)).extracting(Object::toString).containsExactly(
                "orders-1 (2 replicas, min.insync 2: acks=all writes fail)", "orders-2 (1 replica: unavailable)");
        assertThat(RestartSafety.exposed(s, 2)).extracting(RestartSafety.Exposed::partition).containsExactly("orders-3");
        assertThat(RestartSafety.exposed(snapshot(1, new PartitionState("orders", 0, List.of(0, 1), 0, List.of(0, 1), 1, 0)), 0))
                .as("RF 2 with m 1: protected").isEmpty();
        assertThat(RestartSafety.describe(RestartSafety.exposed(s, 0), 1))
                .isEqualTo("orders-1 (2 replicas, min.insync 2: acks=all writes fail) and 1 more");
    }

    @Test
    void aTopicTheSnapshotHasNoFactsForCountsAsMinInsyncOne() {
        ClusterSnapshot s = new ClusterSnapshot(Instant.EPOCH, List.of(), Map.of(),
                List.of(new PartitionState("orders", 0, List.of(0, 1), 0, List.of(0), 1, 0)));
        assertThat(RestartSafety.blockers(s, 0)).extracting(RestartSafety.Blocker::reason).containsExactly(Reason.AT_MIN_ISR);
        assertThat(RestartSafety.blockers(s, 1)).isEmpty();
    }

    private static ClusterSnapshot snapshot(int minInsync, PartitionState... parts) {
        return new ClusterSnapshot(Instant.EPOCH, List.of(), Map.of("orders", new TopicState("orders", 3, minInsync)),
                List.of(parts));
    }
}
