package dev.berth.extender.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BenchDataTest {
    @Test
    void schedulerOrderInterleavesChunksOfConsecutiveNodes() {
        List<String> nodes = IntStream.range(0, 5000).mapToObj(i -> String.format("node-%05d", i)).toList();
        List<String> order = BenchData.schedulerOrder(nodes, 16, new Random(3));
        assertThat(order).hasSize(5000).containsExactlyInAnyOrderElementsOf(nodes);
        // chunks of min(sqrt(5000), 5000/16 + 1) = 70: each chunk's nodes keep their order...
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            positions.add(order.indexOf(nodes.get(i)));
        }
        for (int i = 1; i < 5000; i++) {
            if (i % 70 != 0) {
                assertThat(positions.get(i)).as("node %d after node %d of its chunk", i, i - 1).isGreaterThan(positions.get(i - 1));
            }
        }
        // ...but consecutive nodes are mostly not neighbours in the list: 16 workers race
        long adjacent = IntStream.range(1, 5000).filter(i -> positions.get(i) == positions.get(i - 1) + 1).count();
        assertThat(adjacent).isBetween(100L, 1000L);
        assertThat(BenchData.schedulerOrder(nodes, 16, new Random(3))).isEqualTo(order); // deterministic
    }

    @Test
    void oneWorkerKeepsTheSnapshotOrder() {
        List<String> nodes = List.of("a", "b", "c", "d", "e");
        assertThat(BenchData.schedulerOrder(nodes, 1, new Random(1))).containsExactlyElementsOf(nodes);
    }
}
