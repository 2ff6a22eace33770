package dev.berth.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a KafkaCluster gets for what it leaves out. The CRD declares no {@code default:}, so these
 * records are where the defaults live; the field descriptions {@code kubectl explain} shows name them.
 */
class SpecDefaultsTest {
    @Test
    void anEmptySpecGetsEveryDefault() {
        KafkaClusterSpec s = KafkaClusterSpec.defaults();
        assertThat(s.kafkaVersion()).isEqualTo("4.4.0");
        assertThat(s.image()).isEqualTo("apache/kafka:4.4.0");
        assertThat(s.config()).isEmpty();
        assertThat(s.controllers()).isEqualTo(new ControllersSpec(3, new StorageSpec("10Gi", null, false)));
        assertThat(s.brokers()).isEqualTo(new BrokersSpec(3, new StorageSpec("100Gi", null, false),
                new ResourcesSpec(null, null), List.of()));
        assertThat(s.placement()).isEqualTo(new PlacementSpec("berth-scheduler", "topology.kubernetes.io/zone"));
        RebalanceSpec r = s.rebalance();
        assertThat(r.throttleBytesPerSec()).as("50 MiB/s").isEqualTo(52_428_800L);
        assertThat(r.onScale()).isEqualTo(RebalanceSpec.OnScale.Rebalance);
        assertThat(r.minFreeDiskPercent()).isEqualTo(10);
        assertThat(r.hotPartitions()).isEqualTo(new HotPartitionsSpec(HotPartitionsSpec.Mode.Leadership, 25, 1_048_576L));
    }

    @Test
    void blankStringsAreLeftOutButWhatIsSetIsKept() {
        record Row(String why, KafkaClusterSpec spec, String version, String image) {}
        Row[] rows = {
            new Row("a blank version is the default one", new KafkaClusterSpec(" ", null, null, null, null, null, null),
                    "4.4.0", "apache/kafka:4.4.0"),
            new Row("the image follows the version", new KafkaClusterSpec("4.3.1", "", null, null, null, null, null),
                    "4.3.1", "apache/kafka:4.3.1"),
            new Row("an image of one's own is kept", new KafkaClusterSpec("4.3.1", "registry.local/kafka:4.3.1-7", null,
                    null, null, null, null), "4.3.1", "registry.local/kafka:4.3.1-7"),
        };
        for (Row r : rows) {
            assertThat(r.spec().kafkaVersion()).as(r.why()).isEqualTo(r.version());
            assertThat(r.spec().image()).as(r.why()).isEqualTo(r.image());
        }
        assertThat(new PlacementSpec(" ", "")).isEqualTo(PlacementSpec.defaults());
        assertThat(new PlacementSpec("other", "rack")).extracting(PlacementSpec::schedulerName, PlacementSpec::rackLabel)
                .containsExactly("other", "rack");
        assertThat(new ControllersSpec(5, new StorageSpec(null, "fast", true)).storage())
                .as("a storage block without a size keeps the default size").isEqualTo(new StorageSpec("10Gi", "fast", true));
        assertThat(new HotPartitionsSpec(HotPartitionsSpec.Mode.Off, null, 5L))
                .isEqualTo(new HotPartitionsSpec(HotPartitionsSpec.Mode.Off, 25, 5L));
        assertThat(new RebalanceSpec(7L, RebalanceSpec.OnScale.None, null, 30))
                .isEqualTo(new RebalanceSpec(7L, RebalanceSpec.OnScale.None, HotPartitionsSpec.defaults(), 30));
    }

    @Test
    void aMergePatchsNullTakesAConfigKeyOut() {
        java.util.Map<String, String> config = new java.util.HashMap<>();
        config.put("log.retention.hours", "72");
        config.put("num.io.threads", null);
        assertThat(KafkaClusterSpec.defaults().withConfig(config).config()).isEqualTo(Map.of("log.retention.hours", "72"));
    }

    @Test
    void anOperationWithoutBrokersOrDetailsHasEmptyOnesAndOnlyAScaleDownsBrokersAreLeaving() {
        OperationStatus up = new OperationStatus(OperationStatus.SCALE_UP, "Moving", List.of(3), 0L, 0L, 0, 0, null, null, null);
        assertThat(up.details()).isEmpty();
        assertThat(up.leavingBrokers()).isEmpty();
        OperationStatus down = new OperationStatus(OperationStatus.SCALE_DOWN, "Draining", null, 0L, 0L, 0, 0, null, null,
                Map.of("b", "2", "a", "1"));
        assertThat(down.brokers()).isEmpty();
        assertThat(down.details().keySet()).as("in key order, for stable status diffs").containsExactly("a", "b");
        OperationStatus leaving = new OperationStatus(OperationStatus.SCALE_DOWN, "Draining", List.of(4, 5), 0L, 0L, 0, 0,
                null, null, null);
        assertThat(leaving.leavingBrokers()).containsExactly(4, 5);
        ConditionType t = ConditionType.values()[0];
        assertThat(List.of(Condition.of(t, true, "R", "m"), Condition.of(t, false, "R", "m"), Condition.unknown(t, "R", "m")))
                .extracting(Condition::isTrue).containsExactly(true, false, false);
    }
}
