package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.operator.act.Throttles;
import dev.berth.operator.api.OperationStatus;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code rebalance.throttleBytesPerSec} raised while a drain's batch runs ({@link DayTwoRig}: real
 * KRaft brokers, the Kubernetes API bed, the operator). The batch starts at 1 KB/s, at which its last
 * 0.2 MB would take minutes.
 *
 * <p>Before, a new rate was set only when the next batch was submitted, so the running batch kept
 * the old rate to its end (23 s in the probe at 20 KB/s; minutes here), and an emergency lowering was
 * ignored the same way. Now every pass that waits on a batch brings its brokers to the spec's rate.
 */
class ThrottleChangeTest {
    static final Map<Integer, String> RACKS = Map.of(0, "a", 1, "b", 2, "c", 3, "a");

    static DayTwoRig rig;

    @BeforeAll
    static void start() throws Exception {
        // 1.2 MB a partition: a replica fetch copies 1 MB before the throttle holds the rest
        rig = DayTwoRig.brokers("rate", RACKS, 4).orders(6, 2400).operate(4, 1_000L);
    }

    @AfterAll
    static void stop() {
        OperatorFixture.closeAll(rig);
    }

    @Test
    void aRaisedThrottleReachesTheBatchThatRuns() throws Exception {
        rig.patch("{\"spec\":{\"brokers\":{\"replicas\":3,\"remove\":[3]}}}");
        await("a batch runs at 1 KB/s").atMost(DayTwoRig.WAIT).until(() -> {
            OperationStatus op = rig.cluster().getStatus().operation();
            return op != null && rig.reassigning() && "1000".equals(rate(0));
        });

        rig.patch("{\"spec\":{\"rebalance\":{\"throttleBytesPerSec\":50000000}}}");
        await("the running batch gets the new rate").atMost(Duration.ofSeconds(20))
                .until(() -> !rig.reassigning() || "50000000".equals(rate(0)));
        await("the drain ends at the new rate").atMost(Duration.ofSeconds(60)).until(() ->
                !rig.registered(3) && rig.cluster().getStatus().operation() == null);
        assertThat(rig.replicasPerBroker("orders")).doesNotContainKey(3);
    }

    /** Broker {@code id}'s leader replication rate as set on it, or null. */
    static String rate(int id) throws Exception {
        ConfigResource r = new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(id));
        var e = rig.admin().describeConfigs(java.util.List.of(r)).all().get().get(r).get(Throttles.LEADER_RATE);
        return e == null ? null : e.value();
    }
}
