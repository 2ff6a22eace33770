package dev.berth.extender.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.extender.placement.NodeFacts;
import dev.berth.extender.placement.NodeTable;
import dev.berth.extender.placement.PlacedBroker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TableCacheTest {
    private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");

    @Test
    void aTableIsReusedUntilTheCounterMovesOrItsValidityEnds() {
        TableCache cache = new TableCache();
        AtomicInteger builds = new AtomicInteger();
        java.util.List<NodeTable> given = new java.util.ArrayList<>();
        java.util.function.Function<NodeTable, TableCache.Built> build = last -> {
            given.add(last);
            builds.incrementAndGet();
            return new TableCache.Built(NodeTable.of(List.of(new NodeFacts("n" + builds.get(), "a", null, List.of()))),
                    T0.plusSeconds(120));
        };
        NodeTable first = cache.get(7, T0, build);
        assertThat(cache.get(7, T0.plusSeconds(119), build)).isSameAs(first);
        assertThat(builds).hasValue(1);
        NodeTable second = cache.get(8, T0.plusSeconds(1), build); // something changed
        assertThat(second).isNotSameAs(first);
        assertThat(second.name(0)).isEqualTo("n2");
        assertThat(cache.get(8, T0.plusSeconds(120), build)).isNotSameAs(second); // a reservation in it expired
        assertThat(builds).hasValue(3);
        assertThat(given).containsExactly(null, first, second); // each build may share the last table's names
    }

    @Test
    void theLedgerCountsWritesThatChangeWhatATableHolds() {
        Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
        ReservationLedger ledger = new ReservationLedger(clock, Duration.ofSeconds(120));
        PlacedBroker b = new PlacedBroker("kafka/b1", "c", 1, 100, 0, 0, false);
        long start = ledger.changes();
        assertThat(ledger.earliestExpiry()).isNull();

        ledger.settle("kafka/other", "u9", "n1", false); // no reservation: nothing changes
        assertThat(ledger.changes()).isEqualTo(start);
        ledger.reserve("u1", "n1", b);
        assertThat(ledger.changes()).isEqualTo(start + 1);
        assertThat(ledger.earliestExpiry()).isEqualTo(T0.plusSeconds(120));
        ledger.settle("kafka/b1", "u1", null, false); // still unbound in the informer: kept
        assertThat(ledger.changes()).isEqualTo(start + 1);
        ledger.settle("kafka/b1", "u1", "n1", false); // the informer shows it: ended
        assertThat(ledger.changes()).isEqualTo(start + 2);
        assertThat(ledger.size()).isZero();
    }

    @Test
    void theEarliestExpiryIsTheFirstOfSeveralReservationsWhicheverWasMadeFirst() {
        MutableClock clock = new MutableClock(T0);
        ReservationLedger ledger = new ReservationLedger(clock, Duration.ofSeconds(120));
        for (int i = 0; i < 5; i++) { // several, so that map order cannot hand the answer over
            ledger.reserve("u" + i, "n" + i, new PlacedBroker("kafka/b" + i, "c", i, 100, 0, 0, false));
            clock.advance(Duration.ofSeconds(10));
        }
        // a cached table holds until the first of them expires, not the last
        assertThat(ledger.earliestExpiry()).isEqualTo(T0.plusSeconds(120));
        ledger.release("kafka/b0", "u0", "n0");
        assertThat(ledger.earliestExpiry()).isEqualTo(T0.plusSeconds(130));
    }
}
