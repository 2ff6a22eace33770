package dev.berth.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PlacementQueueTest {
    private static final PodAction C0 = new PodAction("controller", 0, PodAction.Kind.Create, null);
    private static final PodAction B0 = new PodAction("broker", 0, PodAction.Kind.Create, null);
    private static final PodAction B1 = new PodAction("broker", 1, PodAction.Kind.Create, null);
    private static final PodAction B2 = new PodAction("broker", 2, PodAction.Kind.Create, null);
    private static final PodAction R5 = new PodAction("broker", 5, PodAction.Kind.Recreate, "b");
    private static final PodAction R6 = new PodAction("broker", 6, PodAction.Kind.Recreate, null); // no rack remembered

    static Stream<Arguments> rows() {
        return Stream.of(
                // the class comment's example, both passes
                Arguments.of(List.of(C0, B0, B1, B2, R5), Set.of(), List.of(C0, B0, R5)),
                Arguments.of(List.of(C0, B1, B2, R5), Set.of(0), List.of(C0, R5)),
                // broker 0 placed: the next new one goes, alone
                Arguments.of(List.of(B1, B2), Set.of(), List.of(B1)),
                // a recreated broker without a rack is placed like a new one
                Arguments.of(List.of(R6, B1), Set.of(), List.of(R6)),
                Arguments.of(List.of(R6), Set.of(3), List.of()),
                // a pinned one never waits
                Arguments.of(List.of(R5), Set.of(0, 1), List.of(R5)),
                Arguments.of(List.of(), Set.of(), List.of()));
    }

    @ParameterizedTest
    @MethodSource("rows")
    void oneUnpinnedBrokerAtATimeAndOnlyWhenNoneIsBeingPlaced(List<PodAction> planned, Set<Integer> placing,
            List<PodAction> admitted) {
        assertThat(PlacementQueue.admit(planned, placing)).containsExactlyElementsOf(admitted);
    }

    @Test
    void aNewBrokerWhoseOldVolumeIsStillGoingIsPassedOver() {
        assertThat(PlacementQueue.admit(List.of(B0, B1, B2), Set.of(), Set.of(0))).containsExactly(B1);
        assertThat(PlacementQueue.admit(List.of(B0, B1, B2), Set.of(), Set.of(0, 1))).containsExactly(B2);
        // a pinned one goes anyway (createPods skips it until the volume is gone), and takes no turn
        assertThat(PlacementQueue.admit(List.of(R5, B1), Set.of(), Set.of(5))).containsExactly(R5, B1);
        assertThat(PlacementQueue.admit(List.of(B0, B1), Set.of(), Set.of())).containsExactly(B0);
    }

    @Test
    void aPodIsBeingPlacedUntilItHasANodeOrTheSchedulerGaveUpOrTheHoldIsOver() {
        Instant created = Instant.parse("2026-11-28T12:00:00Z");
        Instant now = created.plusSeconds(30);
        Duration hold = PlacementQueue.DEFAULT_HOLD;
        assertThat(hold).isEqualTo(Duration.ofMinutes(2));
        assertThat(PlacementQueue.beingPlaced(false, null, false, created, now, hold)).isTrue();
        assertThat(PlacementQueue.beingPlaced(false, "", false, created, now, hold)).isTrue(); // empty is none
        assertThat(PlacementQueue.beingPlaced(false, "n1", false, created, now, hold)).isFalse();
        assertThat(PlacementQueue.beingPlaced(false, null, true, created, now, hold)).isFalse();
        assertThat(PlacementQueue.beingPlaced(true, null, false, created, now, hold)).isFalse();
        assertThat(PlacementQueue.beingPlaced(false, null, false, null, now, hold)).isTrue();
        // the hold ends exactly hold after the creation, and a zero hold never holds
        assertThat(PlacementQueue.beingPlaced(false, null, false, created, created.plus(hold).minusMillis(1), hold)).isTrue();
        assertThat(PlacementQueue.beingPlaced(false, null, false, created, created.plus(hold), hold)).isFalse();
        assertThat(PlacementQueue.beingPlaced(false, null, false, created, now, Duration.ZERO)).isFalse();
    }
}
