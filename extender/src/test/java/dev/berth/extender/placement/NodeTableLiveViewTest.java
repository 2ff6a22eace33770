package dev.berth.extender.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.AbstractCollection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The informer-backed cache hands {@link NodeTable} a live view of its nodes, which an informer
 * event can grow or shrink while the table is built: the table must hold what one pass over the
 * view saw, never fail (a filter would answer 500) and never leave a row without a name.
 */
class NodeTableLiveViewTest {

    /** A collection whose size() was read before a node joined (or left): iteration disagrees. */
    private static Collection<NodeFacts> changingWhileRead(int reportedSize, int iterated) {
        List<NodeFacts> seen = new ArrayList<>();
        for (int i = 0; i < iterated; i++) {
            seen.add(new NodeFacts("n" + i, "rack-" + (i % 3), 1L << 40, List.of()));
        }
        return new AbstractCollection<>() {
            @Override
            public Iterator<NodeFacts> iterator() {
                return seen.iterator();
            }

            @Override
            public int size() {
                return reportedSize;
            }
        };
    }

    @ParameterizedTest(name = "size() says {0}, iteration yields {1}")
    @CsvSource({
        "3, 4", // a node joined during the build
        "4, 3", // a node left during the build
        "0, 2", // the first nodes arrive while the first filter builds
    })
    void tableHoldsWhatOnePassSaw(int reported, int iterated) {
        NodeTable fresh = NodeTable.of(changingWhileRead(reported, iterated));
        NodeTable rebuilt = NodeTable.of(changingWhileRead(reported, iterated), NodeTable.of(changingWhileRead(iterated, iterated)));

        for (NodeTable table : List.of(fresh, rebuilt)) {
            assertThat(table.size()).isEqualTo(iterated);
            for (int id = 0; id < iterated; id++) {
                assertThat(table.name(id)).isEqualTo("n" + id);
                assertThat(table.idOf("n" + id)).isEqualTo(id);
            }
        }
    }
}
