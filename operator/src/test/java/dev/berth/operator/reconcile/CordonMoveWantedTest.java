package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.act.desired.DesiredPods;
import dev.berth.operator.api.BrokersSpec;
import dev.berth.operator.api.ControllersSpec;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.api.KafkaClusterSpec;
import dev.berth.operator.api.StorageSpec;
import dev.berth.operator.observe.KubeView;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * What makes a hot-replica move stop for a drain ({@link RestartQueue#cordonMoveWanted}): broker 0 on
 * node n0, broker 1 on n1, controller 1000 on m0. The broker case also runs on real brokers in
 * {@code HotReplicaMovesTest}.
 */
class CordonMoveWantedTest {
    static final KafkaClusterSpec NETWORK = KafkaClusterSpec.defaults().withControllers(new ControllersSpec(1, null))
            .withBrokers(new BrokersSpec(2, null, null, null));
    static final KafkaClusterSpec LOCAL = NETWORK.withBrokers(new BrokersSpec(2, new StorageSpec("100Gi", null, true),
            null, null));

    record Row(String why, KafkaClusterSpec spec, Set<String> cordoned, String wanted, Set<Integer> desired) {
        Row(String why, KafkaClusterSpec spec, Set<String> cordoned, String wanted) {
            this(why, spec, cordoned, wanted, Set.of(0, 1));
        }
    }

    @Test
    void aBrokerOrControllerThatMustMoveOffACordonedNodeIsWantedOnesThatStayAreNot() {
        Row[] rows = {
            new Row("nothing cordoned", NETWORK, Set.of(), null),
            new Row("nodes not watched", NETWORK, null, null),
            new Row("a broker's node", NETWORK, Set.of("n1"), "broker 1 is on cordoned node n1"),
            new Row("brokers first, lowest id first", NETWORK, Set.of("n0", "n1", "m0"),
                    "broker 0 is on cordoned node n0"),
            new Row("the controller's node", NETWORK, Set.of("m0"), "controller 1000 is on cordoned node m0"),
            new Row("a node nobody is on", NETWORK, Set.of("s9"), null),
            new Row("a local broker stays with its data: nothing to make way for", LOCAL, Set.of("n1"), null),
            new Row("a broker the spec no longer wants: no restart moves it, the scale-down removes it", NETWORK,
                    Set.of("n1"), null, Set.of(0)),
        };
        for (Row r : rows) {
            KafkaCluster c = new KafkaCluster(new V1ObjectMeta().name("demo").namespace("kafka")
                    .uid("6f1c2b7e-3d4a-4b5c-8d9e-0f1a2b3c4d5e").generation(1L), r.spec());
            V1Pod b0 = DesiredPods.broker(c, 0, "a");
            b0.getSpec().setNodeName("n0");
            V1Pod b1 = DesiredPods.broker(c, 1, "b");
            b1.getSpec().setNodeName("n1");
            V1Pod k0 = DesiredPods.controller(c, 0, "a");
            k0.getSpec().setNodeName("m0");
            KubeView view = new KubeView(Map.of(b0.getMetadata().getName(), b0, b1.getMetadata().getName(), b1,
                    k0.getMetadata().getName(), k0), Map.of(), Map.of(), Map.of(), Set.of(), r.cordoned());
            StepContext ctx = new StepContext(c, view, null, null, new TreeSet<>(r.desired()), null, null,
                    Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), new StepEvents());
            assertThat(RestartQueue.cordonMoveWanted(ctx)).as(r.why()).isEqualTo(r.wanted());
        }
    }
}
