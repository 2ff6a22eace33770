package dev.berth.operator.reconcile;

import static dev.berth.operator.reconcile.DayTwoRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.operator.api.Condition;
import dev.berth.operator.api.ConditionType;
import dev.berth.operator.api.OperationStatus;
import dev.berth.testbed.kafka.KafkaAwait;
import dev.berth.testbed.kafka.KafkaRecords;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code spec.rebalance.minFreeDiskPercent} against real brokers ({@link DayTwoRig}): a data move that would
 * leave a receiving broker less free disk than the reserve is refused with a condition and never started,
 * and it goes ahead once the reserve allows it. The brokers' real disk is the one under the test's temp
 * dir; a reserve of 99 % is more than any disk in use has free, so it stands for a full disk.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
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
    @Order(1)
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

    /**
     * The drain checks the disks again before each batch, not only at its start: the reserve raised while a
     * batch runs (as a disk filling up with other data would) pauses the drain once that batch ends. Nothing
     * else is submitted, the throttles come off, {@code ScaleDownBlocked} says why, one {@code DataMovePaused}
     * Warning is posted, and the broker keeps what it still holds. Lowered again, the drain ends.
     */
    @Test
    @Order(2)
    void aDrainWhoseNextBatchNoLongerFitsPausesAndEndsOnceTheReserveAllowsIt() throws Exception {
        // 12 partitions of 1.2 MB, all on one broker that shares its rack (one alone in its rack could not go: RF 3
        // needs three racks), with one replica in each other rack: more than one batch (10 partitions) to drain
        Map<Integer, String> racks = KafkaAwait.racks(rig.admin());
        int leaving = racks.keySet().stream().filter(id -> java.util.Collections.frequency(racks.values(),
                racks.get(id)) > 1).findFirst().orElseThrow();
        List<Integer> others = new java.util.ArrayList<>();
        racks.forEach((id, rack) -> {
            if (!rack.equals(racks.get(leaving)) && others.stream().noneMatch(o -> racks.get(o).equals(rack))) {
                others.add(id);
            }
        });
        Map<Integer, List<Integer>> assignment = new java.util.TreeMap<>();
        for (int p = 0; p < 12; p++) {
            assignment.put(p, p % 2 == 0 ? List.of(leaving, others.get(0), others.get(1))
                    : List.of(others.get(0), leaving, others.get(1)));
        }
        KafkaAwait.createTopic(rig.admin(), "many", assignment);
        for (int p = 0; p < 12; p++) {
            KafkaRecords.produce(rig.bootstrap(), "many", p, 0, 2400, 500);
        }
        long pausedBefore = rig.eventCount(ScaleEvent.DATA_MOVE_PAUSED.reason());
        int held = 12 + rig.replicasPerBroker("orders").getOrDefault(leaving, 0);
        rig.patch("{\"spec\":{\"brokers\":{\"replicas\":3,\"remove\":[" + leaving + "]},"
                + "\"rebalance\":{\"throttleBytesPerSec\":20000}}}");
        await("the drain's first batch runs, throttled").atMost(WAIT).until(() -> {
            OperationStatus op = rig.cluster().getStatus().operation();
            return op != null && OperationStatus.SCALE_DOWN.equals(op.type()) && rig.reassigning();
        });
        assertThat(rig.cluster().getStatus().operation().brokers()).containsExactly(leaving);

        rig.patch("{\"spec\":{\"rebalance\":{\"minFreeDiskPercent\":99,\"throttleBytesPerSec\":50000000}}}");
        await("paused after the batch: nothing running, no throttle, the condition says why").atMost(WAIT)
                .untilAsserted(() -> {
                    assertThat(rig.reassigning()).isFalse();
                    assertThat(rig.throttles()).isEmpty();
                    Condition blocked = rig.cluster().getStatus().condition(ConditionType.ScaleDownBlocked);
                    assertThat(blocked).isNotNull();
                    assertThat(blocked.isTrue()).isTrue();
                    assertThat(blocked.reason()).isEqualTo("NotEnoughDisk");
                    assertThat(blocked.message()).startsWith("Drain paused: broker ").contains(" would receive ")
                            .contains("To fix: give the receiving brokers larger volumes");
                    OperationStatus op = rig.cluster().getStatus().operation();
                    assertThat(op).isNotNull();
                    assertThat(op.type()).isEqualTo(OperationStatus.SCALE_DOWN);
                    assertThat(op.phase()).isEqualTo(ScaleDownStep.DRAINING);
                    assertThat(op.message()).startsWith("Drain paused: broker ");
                });
        await("one Warning for the pause, not one per retry").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> rig.eventCount(ScaleEvent.DATA_MOVE_PAUSED.reason()) == pausedBefore + 1);
        assertThat(RollingRestartTest.messagesOf(rig, ScaleEvent.DATA_MOVE_PAUSED.reason())).anySatisfy(m -> assertThat(m)
                .startsWith("Drain of brokers [" + leaving + "] paused: broker ").contains(" would receive ")
                .endsWith(". To fix: " + dev.berth.operator.plan.RefusalReason.NOT_ENOUGH_DISK.remedy() + "."));
        assertThat(rig.registered(leaving)).isTrue();
        assertThat(rig.replicasPerBroker("many").getOrDefault(leaving, 0) + rig.replicasPerBroker("orders")
                .getOrDefault(leaving, 0)).as("the first batch moved, the rest waits").isPositive().isLessThan(held);

        rig.patch("{\"spec\":{\"rebalance\":{\"minFreeDiskPercent\":null}}}");
        await("the drain ends, broker " + leaving + " removed").atMost(WAIT).until(() -> !rig.registered(leaving)
                && rig.cluster().getStatus().operation() == null);
        assertThat(rig.reason(ConditionType.ScaleDownBlocked)).isEqualTo("NotBlocked");
        assertThat(rig.replicasPerBroker("many")).doesNotContainKey(leaving);
        assertThat(rig.replicas("many").values()).allMatch(r -> r.size() == 3 && r.stream().distinct().count() == 3);
        for (int p = 0; p < 12; p++) {
            assertThat(KafkaRecords.consumeAll(rig.bootstrap(), new TopicPartition("many", p))).hasSize(2400);
        }
    }
}
