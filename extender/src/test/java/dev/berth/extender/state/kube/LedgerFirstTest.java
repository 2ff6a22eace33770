package dev.berth.extender.state.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.extender.placement.NodeFacts;
import dev.berth.extender.placement.PlacedBroker;
import dev.berth.extender.state.ReservationLedger;
import dev.berth.extender.state.kube.KubeFacts.NodeBase;
import dev.berth.extender.state.kube.KubeFacts.PodPlacement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A bind's re-check reads one node from the index and the ledger while the informer's handler moves a
 * broker from the ledger to the index ({@link InformerClusterState#ledgerFirst}). The handler's event is
 * made to land inside the ledger's read (the ledger's clock runs it): read index first, that is between
 * the two reads, and the broker was in neither. Read ledger first, an event between the reads finds the
 * broker in both, and it counts once.
 */
class LedgerFirstTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** A clock that runs {@code onNextRead} once, on the first read after it is armed. */
    static final class Interleaving extends Clock {
        Runnable onNextRead;

        @Override
        public Instant instant() {
            Runnable r = onNextRead;
            onNextRead = null;
            if (r != null) {
                r.run();
            }
            return T0;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    @Test
    void aBrokerBoundBetweenTheTwoReadsIsStillOnItsNode() {
        Interleaving clock = new Interleaving();
        ReservationLedger ledger = new ReservationLedger(clock);
        NodeIndex index = new NodeIndex();
        index.upsertNode(new NodeBase("n1", "a", 1000L, List.of()));
        PlacedBroker b0 = new PlacedBroker("kafka/orders-broker-0", "orders", 0, 100L, 0, 0, false);
        ledger.reserve("uid-0", "n1", b0); // bound by this extender, the informer has not shown it yet

        // the informer shows b0 bound, as upsertPod applies it: index first, then the ledger settles
        clock.onNextRead = () -> {
            index.upsertPod(new PodPlacement(b0.podKey(), "uid-0", "n1", b0, List.of()));
            ledger.settle(b0.podKey(), "uid-0", "n1", false);
        };
        NodeFacts seen = InformerClusterState.ledgerFirst("n1", ledger, index).orElseThrow();

        assertThat(clock.onNextRead).as("the event landed during the read").isNull();
        assertThat(seen.brokers()).extracting(PlacedBroker::podKey).containsExactly("kafka/orders-broker-0");
        assertThat(ledger.size()).as("settled meanwhile").isZero();
    }

    @Test
    void aBrokerInBothIsCountedOnce() {
        ReservationLedger ledger = new ReservationLedger(Clock.fixed(T0, ZoneOffset.UTC));
        NodeIndex index = new NodeIndex();
        index.upsertNode(new NodeBase("n1", "a", 1000L, List.of()));
        PlacedBroker b0 = new PlacedBroker("kafka/orders-broker-0", "orders", 0, 100L, 0, 0, false);
        ledger.reserve("uid-0", "n1", b0);
        index.upsertPod(new PodPlacement(b0.podKey(), "uid-0", "n1", b0, List.of()));

        assertThat(InformerClusterState.ledgerFirst("n1", ledger, index).orElseThrow().brokers()).hasSize(1);
        assertThat(InformerClusterState.ledgerFirst("n2", ledger, index)).as("a node the index lacks").isEmpty();
    }
}
