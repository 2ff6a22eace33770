package dev.berth.operator.reconcile;

import static dev.berth.operator.reconcile.DayTwoRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.operator.api.Condition;
import dev.berth.operator.api.ConditionType;
import dev.berth.operator.api.OperationStatus;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code spec.rebalance.minFreeDiskPercent} against real brokers ({@link DayTwoRig}): a data move that would
 * leave a receiving broker less free disk than the reserve is refused with a condition and never started,
 * and it goes ahead once the reserve allows it. The brokers' real disk is the one under the test's temp
 * dir; a reserve of 99 % is more than any disk in use has free, so it stands for a full disk.
 */
class DiskReserveTest {
    static final Map<Integer, String> RACKS = Map.of(0, "a", 1, "b", 2, "c", 3, "a", 4, "b");

    static DayTwoRig rig;

    @BeforeAll
    static void start() throws Exception {
        rig = DayTwoRig.brokers("disk", RACKS, 4).orders(4, 400).operate(4, 10_000_000L).settled();
    }

    @AfterAll
    static void stop() {
        OperatorFixture.closeAll(rig);
    }

    @Test
    void aMoveTheDisksCannotTakeIsRefusedUntilTheReserveAllowsIt() throws Exception {
        FileStore disk = Files.getFileStore(rig.kafka.dataDir(0));
        Assumptions.assumeTrue(disk.getUsableSpace() < 0.98 * disk.getTotalSpace(),
                "a reserve of 99 % needs a disk more than 1 % used");
        Assumptions.assumeTrue(disk.getUsableSpace() > 0.15 * disk.getTotalSpace(),
                "the moves that go ahead at 10 % need a disk less than 85 % full");
        Map<Integer, List<Integer>> before = rig.replicas("orders");
        // each broker's row shows its disk, for kubectl get -o yaml
        await("the disks in status").atMost(WAIT).untilAsserted(() -> assertThat(rig.cluster().getStatus().brokers())
                .hasSize(4).allSatisfy(b -> {
                    assertThat(b.diskTotalBytes()).isEqualTo(disk.getTotalSpace());
                    assertThat(b.diskUsableBytes()).isPositive().isLessThanOrEqualTo(b.diskTotalBytes());
                }));

        // scale-down: refused before it starts, nothing changed
        rig.patch("{\"spec\":{\"rebalance\":{\"minFreeDiskPercent\":99},\"brokers\":{\"replicas\":3}}}");
        await("the scale-down is refused for disk").atMost(WAIT).untilAsserted(() -> {
            Condition blocked = rig.cluster().getStatus().condition(ConditionType.ScaleDownBlocked);
            assertThat(blocked).isNotNull();
            assertThat(blocked.isTrue()).isTrue();
            assertThat(blocked.reason()).isEqualTo("NotEnoughDisk");
            assertThat(blocked.message()).startsWith("Scale-down refused, nothing changed: broker ")
                    .containsPattern("would receive [0-9.]+ [KM]iB but has room for 0 B \\([0-9.]+ [GT]iB free, keeping")
                    .contains(": 99 % of ")
                    .contains("To fix: give the receiving brokers larger volumes");
        });
        // the Events of a pass are posted after its status write: awaited, not read once
        await("a ScaleDownRefused Warning").atMost(WAIT).until(() -> rig.eventReasons()
                .contains(ScaleEvent.SCALE_DOWN_REFUSED.reason()));
        assertThat(rig.cluster().getStatus().operation()).isNull();
        assertThat(rig.reassigning()).isFalse();
        assertThat(rig.replicas("orders")).isEqualTo(before);
        assertThat(List.of(0, 1, 2, 3)).allMatch(rig::registered);

        // the default reserve lets it go ahead, to the end
        rig.patch("{\"spec\":{\"rebalance\":{\"minFreeDiskPercent\":null}}}");
        await("the scale-down ends").atMost(WAIT).until(() -> rig.eventReasons()
                .contains(ScaleEvent.SCALE_DOWN_COMPLETE.reason()) && rig.cluster().getStatus().operation() == null);
        assertThat(rig.reason(ConditionType.ScaleDownBlocked)).isEqualTo("NotBlocked");
        assertThat(rig.replicasPerBroker("orders")).hasSize(3);

        // scale-up: the new broker is created, the reshuffle onto it is paused
        rig.patch("{\"spec\":{\"rebalance\":{\"minFreeDiskPercent\":99},\"brokers\":{\"replicas\":4}}}");
        await("the reshuffle is paused for disk").atMost(WAIT).untilAsserted(() -> {
            Condition blocked = rig.cluster().getStatus().condition(ConditionType.ScaleUpBlocked);
            assertThat(blocked).isNotNull();
            assertThat(blocked.isTrue()).isTrue();
            assertThat(blocked.reason()).isEqualTo("NotEnoughDisk");
            assertThat(blocked.message()).containsPattern("^broker [0-9]+ would receive ");
            OperationStatus op = rig.cluster().getStatus().operation();
            assertThat(op.type()).isEqualTo(OperationStatus.SCALE_UP);
            assertThat(op.message()).startsWith("Paused: broker ");
        });
        int added = rig.cluster().getStatus().operation().brokers().get(0);
        await("one Warning for the pause, not one per retry").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> rig.eventCount(ScaleEvent.DATA_MOVE_PAUSED.reason()) == 1);
        assertThat(rig.registered(added)).isTrue();
        assertThat(rig.reassigning()).isFalse();
        assertThat(rig.replicasPerBroker("orders")).doesNotContainKey(added);
        assertThat(rig.throttles()).isEmpty();

        rig.patch("{\"spec\":{\"rebalance\":{\"minFreeDiskPercent\":10}}}");
        await("the reshuffle goes on, to the end").atMost(WAIT).until(() -> rig.eventReasons()
                .contains(ScaleEvent.SCALE_UP_BALANCED.reason()) && rig.cluster().getStatus().operation() == null);
        assertThat(rig.replicasPerBroker("orders")).containsKey(added);
        assertThat(rig.reason(ConditionType.ScaleUpBlocked)).isEqualTo("NotBlocked");
    }
}
