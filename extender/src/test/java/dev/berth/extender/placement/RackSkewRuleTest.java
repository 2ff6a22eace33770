package dev.berth.extender.placement;

import static dev.berth.extender.placement.Fixtures.broker;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RackSkewRuleTest {
    private static final Reason X = Reason.SAME_CLUSTER_BROKER; // a node some other rule refused

    static Stream<Arguments> rows() {
        return Stream.of(
                // verdicts before, c(rack) per node, maxSkew, verdicts after
                Arguments.of(new Reason[] {null, null, null}, new int[] {2, 1, 1}, 1, new Reason[] {Reason.RACK_SKEW, null, null}),
                Arguments.of(new Reason[] {null, null}, new int[] {1, 1}, 1, new Reason[] {null, null}), // even racks: all pass
                Arguments.of(new Reason[] {null, null, null}, new int[] {3, 2, 1}, 2, new Reason[] {Reason.RACK_SKEW, null, null}),
                Arguments.of(new Reason[] {null, null}, new int[] {5, 0}, 0, new Reason[] {null, null}), // off
                // m comes only from nodes that pass the other rules: the empty rack behind X does not count
                Arguments.of(new Reason[] {null, X, null}, new int[] {2, 0, 3}, 1, new Reason[] {null, X, Reason.RACK_SKEW}),
                Arguments.of(new Reason[] {X, X}, new int[] {0, 4}, 1, new Reason[] {X, X}), // nothing passes: nothing to do
                Arguments.of(new Reason[] {null}, new int[] {7}, 1, new Reason[] {null}), // the one node on offer always passes
                Arguments.of(new Reason[] {null, null}, new int[] {Integer.MAX_VALUE, 0}, 1, new Reason[] {Reason.RACK_SKEW, null})); // no overflow
    }

    @ParameterizedTest
    @MethodSource("rows")
    void refusesRacksAboveTheEmptiestOnOfferByMoreThanTheSkew(Reason[] before, int[] counts, int maxSkew, Reason[] after) {
        Reason[] verdicts = before.clone();
        int refused = RackSkewRule.apply(verdicts, counts, maxSkew);
        assertThat(verdicts).containsExactly(after);
        assertThat(refused).isEqualTo((int) Arrays.stream(after).filter(r -> r == Reason.RACK_SKEW).count());
    }

    @Test
    void appliesOnlyToUnpinnedBrokersWithTheRuleOn() {
        assertThat(RackSkewRule.appliesTo(broker("orders", null, null, null), 1)).isTrue();
        assertThat(RackSkewRule.appliesTo(broker("orders", "", null, null), 1)).isTrue(); // an empty pin is no pin
        assertThat(RackSkewRule.appliesTo(broker("orders", "a", null, null), 1)).isFalse();
        assertThat(RackSkewRule.appliesTo(broker("orders", null, null, null), 0)).isFalse();
        assertThat(RackSkewRule.appliesTo(Fixtures.plainPod(), 1)).isFalse();
    }
}
