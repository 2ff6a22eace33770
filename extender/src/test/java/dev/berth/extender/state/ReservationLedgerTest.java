package dev.berth.extender.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.extender.placement.NodeFacts;
import dev.berth.extender.placement.PlacedBroker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ReservationLedgerTest {
    private static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");

    private static PlacedBroker broker(String podKey, String cluster, long disk, boolean reserved) {
        return new PlacedBroker(podKey, cluster, 1, disk, 0, 0, reserved);
    }

    /** What the informer reports about a pod: key, uid, nodeName, deleted. */
    record Sighting(String podKey, String uid, String nodeName, boolean deleted) {}

    /**
     * Every row: reserve ns/b1 (uid u1) on n1 at T0 with a 120 s TTL, apply the sightings in order,
     * move the clock, then list the reservations on the queried node. u0 is an older incarnation of
     * ns/b1 (deleted and recreated under the same name), u2 a newer one.
     */
    record Row(String name, List<Sighting> sightings, Duration later, String node, List<String> expected) {}

    static Stream<Row> lifecycle() {
        Sighting unbound = new Sighting("ns/b1", "u1", null, false);
        return Stream.of(
                new Row("fresh reservation counts on its node", List.of(), Duration.ZERO, "n1", List.of("ns/b1")),
                new Row("and on no other node", List.of(), Duration.ZERO, "n2", List.of()),
                new Row("still live 1 ms before the TTL", List.of(), Duration.ofMillis(119_999), "n1",
                        List.of("ns/b1")), // boundary: just inside the TTL
                new Row("expired exactly at the TTL", List.of(), Duration.ofSeconds(120), "n1",
                        List.of()), // boundary: expiry instant is exclusive
                new Row("informer shows it bound: informer is the truth now",
                        List.of(new Sighting("ns/b1", "u1", "n1", false)), Duration.ZERO, "n1", List.of()),
                new Row("informer still shows it unbound: keep (informer lags)",
                        List.of(unbound), Duration.ZERO, "n1", List.of("ns/b1")), // the window the ledger exists for
                new Row("empty nodeName is unbound too",
                        List.of(new Sighting("ns/b1", "u1", "", false)), Duration.ZERO, "n1", List.of("ns/b1")),
                new Row("pod deleted before the informer saw it bound",
                        List.of(new Sighting("ns/b1", "u1", null, true)), Duration.ZERO, "n1", List.of()),
                new Row("an older incarnation's late DELETED says nothing about this pod: keep",
                        List.of(new Sighting("ns/b1", "u0", null, true)), Duration.ZERO, "n1",
                        List.of("ns/b1")), // operator reschedules re-use pod names; the informer lags
                new Row("an older incarnation's late update, still on its old node: keep",
                        List.of(new Sighting("ns/b1", "u0", "n0", false)), Duration.ZERO, "n1", List.of("ns/b1")),
                new Row("older incarnation's DELETED, then this one unbound, then bound: ends at the bind",
                        List.of(new Sighting("ns/b1", "u0", null, true), unbound, new Sighting("ns/b1", "u1", "n1", false)),
                        Duration.ZERO, "n1", List.of()),
                new Row("a newer incarnation after this one was sighted: this one is gone",
                        List.of(unbound, new Sighting("ns/b1", "u2", null, false)), Duration.ZERO, "n1", List.of()),
                new Row("a sighting without a UID does not count as sighted",
                        List.of(new Sighting("ns/b1", null, null, false), new Sighting("ns/b1", "u2", null, false)),
                        Duration.ZERO, "n1", List.of("ns/b1")),
                new Row("an unsighted reservation that only other UIDs mention still expires",
                        List.of(new Sighting("ns/b1", "u0", null, true)), Duration.ofSeconds(120), "n1", List.of()),
                new Row("sighting without a UID cannot prove another incarnation",
                        List.of(new Sighting("ns/b1", null, null, false)), Duration.ZERO, "n1", List.of("ns/b1")),
                new Row("another pod's sighting does not touch it",
                        List.of(new Sighting("ns/b2", "u9", "n1", false)), Duration.ZERO, "n1", List.of("ns/b1")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lifecycle")
    void reservationLivesUntilTheInformerKnowsOrItExpires(Row row) {
        MutableClock clock = new MutableClock(T0);
        ReservationLedger ledger = new ReservationLedger(clock, Duration.ofSeconds(120));
        ledger.reserve("u1", "n1", broker("ns/b1", "orders", 100, false));
        for (Sighting s : row.sightings()) {
            ledger.settle(s.podKey(), s.uid(), s.nodeName(), s.deleted());
        }
        clock.advance(row.later());
        assertThat(ledger.reservedOn(row.node()))
                .extracting(PlacedBroker::podKey)
                .containsExactlyElementsOf(row.expected());
        assertThat(ledger.reservedOn(row.node())).allMatch(PlacedBroker::reserved);
    }

    record MergeRow(String name, List<PlacedBroker> informer, List<String> reservedKeys, List<PlacedBroker> expected) {}

    static Stream<MergeRow> merges() {
        PlacedBroker boundB0 = broker("ns/b0", "orders", 50, false);
        return Stream.of(
                new MergeRow("nothing reserved: informer facts unchanged", List.of(boundB0), List.of(),
                        List.of(boundB0)),
                new MergeRow("reservation appended after the informer's brokers, flagged reserved",
                        List.of(boundB0), List.of("ns/b1"),
                        List.of(boundB0, broker("ns/b1", "orders", 100, true))),
                new MergeRow("pod already listed by the informer is not counted twice",
                        List.of(broker("ns/b1", "orders", 100, false)), List.of("ns/b1"),
                        List.of(broker("ns/b1", "orders", 100, false))), // settle event not processed yet
                new MergeRow("two reservations on an empty node", List.of(), List.of("ns/b1", "ns/b2"),
                        List.of(broker("ns/b1", "orders", 100, true), broker("ns/b2", "orders", 100, true))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("merges")
    void mergeAddsLiveReservationsOnce(MergeRow row) {
        ReservationLedger ledger = new ReservationLedger(new MutableClock(T0));
        for (String key : row.reservedKeys()) {
            ledger.reserve("uid-" + key, "n1", broker(key, "orders", 100, false));
        }
        NodeFacts facts = new NodeFacts("n1", "zone-a", 1000L, row.informer());
        NodeFacts merged = ledger.merge(facts);
        assertThat(merged.brokers()).containsExactlyInAnyOrderElementsOf(row.expected());
        assertThat(merged.name()).isEqualTo("n1");
        assertThat(merged.rack()).isEqualTo("zone-a");
        assertThat(merged.diskCapacityBytes()).isEqualTo(1000L);
    }

    @Test
    void reReservingAPodMovesItsReservation() {
        MutableClock clock = new MutableClock(T0);
        ReservationLedger ledger = new ReservationLedger(clock, Duration.ofSeconds(120));
        ledger.reserve("u1", "n1", broker("ns/b1", "orders", 100, false));
        clock.advance(Duration.ofSeconds(100));
        ledger.reserve("u1", "n2", broker("ns/b1", "orders", 100, false));
        clock.advance(Duration.ofSeconds(100));
        assertThat(ledger.reservedOn("n1")).isEmpty();
        assertThat(ledger.reservedOn("n2")).extracting(PlacedBroker::podKey).containsExactly("ns/b1");
        assertThat(ledger.size()).isEqualTo(1);
    }

    @Test
    void expiredReservationsAreDroppedFromTheCount() {
        MutableClock clock = new MutableClock(T0);
        ReservationLedger ledger = new ReservationLedger(clock, Duration.ofSeconds(10));
        ledger.reserve("u1", "n1", broker("ns/b1", "orders", 100, false));
        clock.advance(Duration.ofSeconds(5));
        ledger.reserve("u2", "n1", broker("ns/b2", "orders", 100, false));
        clock.advance(Duration.ofSeconds(5));
        assertThat(ledger.size()).isEqualTo(1);
        assertThat(ledger.reservedOn("n1")).extracting(PlacedBroker::podKey).containsExactly("ns/b2");
    }

    @Test
    void aFailedBindReleasesItsOwnReservationOnly() {
        ReservationLedger ledger = new ReservationLedger(new MutableClock(T0));
        ledger.reserve("u1", "n1", broker("ns/b1", "orders", 100, false));
        long before = ledger.changes();
        ledger.release("ns/b1", "u0", "n1"); // an older incarnation's failure must not drop it
        assertThat(ledger.reservedOn("n1")).extracting(PlacedBroker::podKey).containsExactly("ns/b1");
        assertThat(ledger.changes()).as("nothing dropped: cached tables still hold").isEqualTo(before);
        ledger.release("ns/b1", "u1", "n2"); // an attempt on n2 failed: the one that holds n1 is not it
        assertThat(ledger.reservedOn("n1")).extracting(PlacedBroker::podKey).containsExactly("ns/b1");
        assertThat(ledger.changes()).isEqualTo(before);
        ledger.release("ns/b1", "u1", "n1");
        assertThat(ledger.reservedOn("n1")).isEmpty();
        // counted, so a cached table stops charging the node for a bind that never happened
        assertThat(ledger.changes()).isEqualTo(before + 1);
        ledger.release("ns/b1", "u1", "n1");
        assertThat(ledger.changes()).as("a second release finds nothing").isEqualTo(before + 1);
    }

    @Test
    void zeroTtlIsRefused() {
        assertThatThrownBy(() -> new ReservationLedger(new MutableClock(T0), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive");
    }
}
