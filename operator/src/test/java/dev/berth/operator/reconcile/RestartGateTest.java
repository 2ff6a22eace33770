package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.plan.RestartSafety.Blocker;
import dev.berth.operator.plan.RestartSafety.Reason;
import java.util.List;
import org.junit.jupiter.api.Test;

class RestartGateTest {
    static final Blocker AT = new Blocker("orders-0", Reason.AT_MIN_ISR, 2, 2);
    static final Blocker BELOW = new Blocker("orders-1", Reason.UNDER_MIN_ISR, 1, 2);

    /** The worst blocker names the wait, whichever partition sorts first. */
    @Test
    void theWaitIsNamedByItsWorstBlocker() {
        assertThat(RestartGate.reason(List.of(AT))).isEqualTo("IsrAtMinInsync");
        assertThat(RestartGate.reason(List.of(BELOW))).isEqualTo("IsrBelowMinInsync");
        assertThat(RestartGate.reason(List.of(AT, BELOW))).isEqualTo("IsrBelowMinInsync");
        assertThat(RestartGate.reason(List.of(BELOW, AT))).isEqualTo("IsrBelowMinInsync");
    }
}
