package dev.berth.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterSnapshotTest {
    static ClusterSnapshot registered(int... ids) {
        return new ClusterSnapshot(Instant.EPOCH, java.util.Arrays.stream(ids)
                .mapToObj(id -> new BrokerState(id, "r" + id, "h" + id, 9092)).toList(), Map.of(), List.of(),
                Map.of(0, new DiskSpace(10, 4)));
    }

    /** The brokers of {@code s} as "id:rack", in order. */
    static List<String> brokers(ClusterSnapshot s) {
        return s.brokers().stream().map(b -> b.id() + ":" + b.rack()).toList();
    }

    @Test
    void brokersThatAreDownAreAddedOnceWithoutARackInIdOrder() {
        record Row(String why, ClusterSnapshot s, Set<Integer> ids, List<String> expected) {}
        Row[] rows = {
            new Row("the class comment's example: 2 is listed, 3 is added", registered(0, 1, 2), Set.of(2, 3),
                    List.of("0:r0", "1:r1", "2:r2", "3:null")),
            new Row("ids below and between the listed ones go in id order", registered(4, 6), Set.of(5, 1),
                    List.of("1:null", "4:r4", "5:null", "6:r6")),
            new Row("every id listed: nothing added", registered(0, 1), Set.of(1, 0), List.of("0:r0", "1:r1")),
            new Row("no ids", registered(0), Set.of(), List.of("0:r0")),
        };
        for (Row row : rows) {
            ClusterSnapshot out = row.s().withBrokers(row.ids());
            assertThat(brokers(out)).as(row.why()).isEqualTo(row.expected());
            assertThat(out.disks()).as(row.why() + ": the disks are kept").isEqualTo(row.s().disks());
            assertThat(brokers(row.s())).as(row.why() + ": the snapshot itself is unchanged")
                    .isEqualTo(row.expected().stream().filter(b -> !b.endsWith(":null")).toList());
        }
        ClusterSnapshot s = registered(0, 1);
        assertThat(s.withBrokers(Set.of(1))).as("nothing to add: the same snapshot").isSameAs(s);
    }

    @Test
    void aSnapshotFileWrittenBeforeDisksReadsAsNoDisksAndAnObservationWithoutQuorumAsUnknown() {
        assertThat(new ClusterSnapshot(Instant.EPOCH, List.of(), Map.of(), List.of(), null).disks()).isEmpty();
        KafkaObservation o = new KafkaObservation(registered(0), Map.of(1, 5L, 0, 7L), null);
        assertThat(o.quorum()).isSameAs(QuorumState.UNKNOWN);
        assertThat(o.bytesByBroker().keySet()).as("by broker id").containsExactly(0, 1);
        QuorumState q = new QuorumState(1000, List.of(new QuorumState.Voter(1000, java.util.OptionalLong.of(5)),
                new QuorumState.Voter(1001, java.util.OptionalLong.empty())));
        assertThat(new KafkaObservation(registered(0), Map.of(), q).quorum()).isSameAs(q);
        assertThat(q.voterIds()).containsExactly(1000, 1001);
        assertThat(q.voter(1001)).hasValue(new QuorumState.Voter(1001, java.util.OptionalLong.empty()));
        assertThat(q.voter(1002)).isEmpty();
    }
}
