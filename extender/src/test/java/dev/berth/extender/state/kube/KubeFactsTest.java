package dev.berth.extender.state.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.extender.placement.Keys;
import dev.berth.extender.placement.NodeFacts;
import dev.berth.extender.placement.PlacedBroker;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class KubeFactsTest {

    record DiskRow(String raw, Long bytes, List<String> problems) {}

    static Stream<DiskRow> disks() {
        String key = "berth.dev/disk-capacity: ";
        return Stream.of(
                new DiskRow(null, null, List.of()), // absent: the node offers no local disk
                new DiskRow("100Gi", 107_374_182_400L, List.of()),
                new DiskRow("1.5Ti", 1_649_267_441_664L, List.of()), // fraction of a binary suffix
                new DiskRow("500G", 500_000_000_000L, List.of()), // decimal suffix
                new DiskRow("107374182400", 107_374_182_400L, List.of()), // plain bytes
                new DiskRow("1e3", 1_000L, List.of()), // exponent form
                new DiskRow("0", 0L, List.of()), // boundary: zero is a valid capacity
                new DiskRow("1500m", 2L, List.of()), // boundary: 1.5 bytes round up, never down
                new DiskRow("10GB", NodeFacts.INVALID_CAPACITY,
                        List.of(key + "not a Kubernetes quantity: 10GB")), // common typo: GB is no suffix
                new DiskRow("-1Gi", NodeFacts.INVALID_CAPACITY, List.of(key + "negative quantity: -1Gi")),
                new DiskRow("9Ei", NodeFacts.INVALID_CAPACITY,
                        List.of(key + "quantity too large: 9Ei"))); // boundary: 9 EiB exceeds a long
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("disks")
    void nodeDiskCapacityParsesWithClientJavaAndAReasonWhenUnreadable(DiskRow row) {
        V1Node node = new V1Node().metadata(new V1ObjectMeta().name("n1")
                .annotations(row.raw() == null ? null : Map.of("berth.dev/disk-capacity", row.raw())));
        KubeFacts.NodeBase base = KubeFacts.node(node, Keys.DEFAULT_RACK_LABEL);
        assertThat(base.diskCapacityBytes()).isEqualTo(row.bytes());
        assertThat(base.problems()).isEqualTo(row.problems());
    }

    @Test
    void nodeReadsRackFromTheConfiguredLabelAndDiskFromItsAnnotation() {
        V1Node node = new V1Node().metadata(new V1ObjectMeta()
                .name("n1")
                .labels(Map.of("topology.kubernetes.io/zone", "zone-a", "rack", "r7"))
                .annotations(Map.of("berth.dev/disk-capacity", "2Ti")));
        assertThat(KubeFacts.node(node, "topology.kubernetes.io/zone"))
                .isEqualTo(new KubeFacts.NodeBase("n1", "zone-a", 2_199_023_255_552L, List.of()));
        assertThat(KubeFacts.node(node, "rack").rack()).isEqualTo("r7");
    }

    @Test
    void nodeWithoutLabelsOrAnnotationsHasNoRackAndNoDisk() {
        V1Node node = new V1Node().metadata(new V1ObjectMeta().name("bare"));
        assertThat(KubeFacts.node(node, Keys.DEFAULT_RACK_LABEL))
                .isEqualTo(new KubeFacts.NodeBase("bare", null, null, List.of()));
    }

    @Test
    void anEmptyRackLabelIsNoRack() {
        V1Node node = new V1Node().metadata(new V1ObjectMeta().name("n1")
                .labels(Map.of("topology.kubernetes.io/zone", "")));
        assertThat(KubeFacts.node(node, Keys.DEFAULT_RACK_LABEL).rack()).isNull();
    }

    private static V1Pod pod(String node, String phase, Map<String, String> labels, Map<String, String> annotations) {
        return new V1Pod()
                .metadata(new V1ObjectMeta().namespace("kafka").name("orders-broker-3").uid("u-3")
                        .labels(labels).annotations(annotations))
                .spec(new V1PodSpec().nodeName(node))
                .status(phase == null ? null : new V1PodStatus().phase(phase));
    }

    @Test
    void brokerPodCarriesClusterIdStorageAndLeadership() {
        V1Pod pod = pod("n1", "Running",
                Map.of("berth.dev/cluster", "orders", "berth.dev/broker-id", "3"),
                Map.of("berth.dev/local-storage", "100Gi", "berth.dev/leaders", "42",
                        "berth.dev/leader-bytes-in", "5Mi"));
        KubeFacts.PodPlacement p = KubeFacts.pod(pod);
        assertThat(p.podKey()).isEqualTo("kafka/orders-broker-3");
        assertThat(p.uid()).isEqualTo("u-3");
        assertThat(p.nodeName()).isEqualTo("n1");
        assertThat(p.problems()).isEmpty();
        assertThat(p.broker()).isEqualTo(
                new PlacedBroker("kafka/orders-broker-3", "orders", 3, 107_374_182_400L, 42, 5_242_880L, false));
    }

    record PhaseRow(String node, String phase, String boundNode) {}

    static Stream<PhaseRow> phases() {
        return Stream.of(
                new PhaseRow("n1", "Running", "n1"),
                new PhaseRow("n1", "Pending", "n1"), // bound but not started: holds the node already
                new PhaseRow("n1", null, "n1"), // no status yet right after the bind
                new PhaseRow(null, "Pending", null), // not scheduled
                new PhaseRow("", "Pending", null), // empty nodeName is unbound
                new PhaseRow("n1", "Succeeded", null), // finished pods free their node
                new PhaseRow("n1", "Failed", null));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("phases")
    void aPodOccupiesItsNodeUntilItFinishes(PhaseRow row) {
        V1Pod pod = pod(row.node(), row.phase(), Map.of("berth.dev/cluster", "orders"), null);
        assertThat(KubeFacts.pod(pod).nodeName()).isEqualTo(row.boundNode());
    }

    @Test
    void malformedPodAnnotationsCountAsZeroWithReasons() {
        V1Pod pod = pod("n1", "Running",
                Map.of("berth.dev/cluster", "orders", "berth.dev/broker-id", "three"),
                Map.of("berth.dev/local-storage", "100GB", "berth.dev/leaders", "-4"));
        KubeFacts.PodPlacement p = KubeFacts.pod(pod);
        assertThat(p.broker().localStorageBytes()).isZero();
        assertThat(p.broker().leaders()).isZero();
        assertThat(p.broker().brokerId()).isNull();
        assertThat(p.problems()).containsExactly(
                "berth.dev/local-storage: not a Kubernetes quantity: 100GB",
                "berth.dev/leaders: negative quantity: -4",
                "berth.dev/broker-id: not an integer: \"three\"");
    }

    /**
     * Too large is not nothing: a placed broker annotated {@code 8Ei} of local disk (past a long) fills its node,
     * and a node it is on refuses the next broker for disk. Counted as 0, it let that broker onto a full node.
     */
    @Test
    void annotationsTooLargeForALongCountAsTheMostNotAsNothing() {
        V1Pod pod = pod("n1", "Running", Map.of("berth.dev/cluster", "orders"),
                Map.of("berth.dev/local-storage", "8Ei", "berth.dev/leaders", "1e30"));
        KubeFacts.PodPlacement p = KubeFacts.pod(pod);
        assertThat(p.broker().localStorageBytes()).isEqualTo(Long.MAX_VALUE);
        assertThat(p.broker().leaders()).isEqualTo(Long.MAX_VALUE);
        assertThat(p.problems()).containsExactly("berth.dev/local-storage: quantity too large: 8Ei",
                "berth.dev/leaders: quantity too large: 1e30");
        dev.berth.extender.placement.NodeFacts full = new dev.berth.extender.placement.NodeFacts("n1", "a", 4L << 40,
                java.util.List.of(p.broker()));
        dev.berth.extender.placement.BrokerPod next = new dev.berth.extender.placement.BrokerPod("kafka", "events-0", "u",
                "events", 0, null, null, 100L << 30);
        assertThat(dev.berth.extender.placement.HardRules.check(next, full))
                .isEqualTo(dev.berth.extender.placement.Reason.DISK_FULL);
    }
}
