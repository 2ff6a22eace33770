package dev.berth.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchOriginsTest {
    @Test
    void encodedBatchesReadBackExactlyAndBadEntriesAreSkipped() {
        Map<String, List<Integer>> batch = Map.of("orders-0", List.of(3, 1, 2), "my.topic-with-dashes-11", List.of(0, 2));
        String text = BatchOrigins.encode(batch);
        assertThat(text).isEqualTo("my.topic-with-dashes-11:0,2;orders-0:3,1,2");
        assertThat(BatchOrigins.decode(text)).isEqualTo(batch);
        assertThat(BatchOrigins.encode(Map.of())).isEmpty();
        assertThat(BatchOrigins.decode("")).isEmpty();
        assertThat(BatchOrigins.decode(null)).isEmpty();
        assertThat(BatchOrigins.decode("orders-1:x,2;:1;orders-2:4,5;junk;orders:1,2,3;orders-x:1,2;-3:1"))
                .as("bad ids, no partition number, junk: skipped").isEqualTo(Map.of("orders-2", List.of(4, 5)));
    }

    record Row(String why, Map<String, List<Integer>> recorded, Map<String, List<Integer>> now,
            Map<String, List<Integer>> expected) {}

    @Test
    void onlyPartitionsHoldingTheSameBrokersInAnotherOrderArePutBack() {
        Row[] rows = {
            new Row("Kafka's cancel kept the target's order: put back",
                    Map.of("orders-0", List.of(3, 1, 2)), Map.of("orders-0", List.of(1, 2, 3)),
                    Map.of("orders-0", List.of(3, 1, 2))),
            new Row("already in its order: nothing to do",
                    Map.of("orders-0", List.of(3, 1, 2)), Map.of("orders-0", List.of(3, 1, 2)), Map.of()),
            new Row("the move finished (other brokers): it stays",
                    Map.of("orders-4", List.of(2, 3, 1)), Map.of("orders-4", List.of(2, 0, 1)), Map.of()),
            new Row("still shows the added replica (metadata behind): not now",
                    Map.of("orders-0", List.of(3, 1, 2)), Map.of("orders-0", List.of(1, 2, 0, 3)), Map.of()),
            new Row("a partition gone (topic deleted): nothing",
                    Map.of("orders-0", List.of(3, 1, 2)), Map.of(), Map.of()),
            new Row("several: each on its own",
                    Map.of("a-0", List.of(0, 1), "a-1", List.of(1, 0), "b-0", List.of(2, 0)),
                    Map.of("a-0", List.of(1, 0), "a-1", List.of(1, 0), "b-0", List.of(2, 3)),
                    Map.of("a-0", List.of(0, 1))),
        };
        for (Row r : rows) {
            assertThat(BatchOrigins.reorders(r.recorded(), r.now())).as(r.why()).isEqualTo(r.expected());
        }
    }

    @Test
    void aPartitionStillListingTheOldAndNewReplicasIsBehindTheBatchsEnd() {
        Map<String, List<Integer>> recorded = Map.of("orders-0", List.of(3, 1, 2), "orders-1", List.of(2, 3, 1));
        assertThat(BatchOrigins.behind(recorded, Map.of("orders-0", List.of(1, 2, 0, 3), "orders-1", List.of(2, 0, 1))))
                .containsExactly("orders-0");
        assertThat(BatchOrigins.behind(recorded, Map.of("orders-0", List.of(1, 2, 0), "orders-1", List.of(2, 0, 1))))
                .as("both moves show their end").isEmpty();
        assertThat(BatchOrigins.behind(recorded, Map.of())).as("topic deleted").isEmpty();
        assertThat(BatchOrigins.behind(Map.of(), Map.of("orders-0", List.of(1, 2, 0, 3)))).as("no batch recorded").isEmpty();
    }
}
