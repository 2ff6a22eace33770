package dev.berth.extender.placement;

import static dev.berth.extender.placement.Fixtures.broker;
import static dev.berth.extender.placement.Fixtures.node;
import static dev.berth.extender.placement.Fixtures.placed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ScorersTest {

    /** Racks a:2, b:1, c:1 brokers of "orders", d:0 only when a node of rack d exists. */
    private static List<NodeFacts> cluster(boolean withEmptyRackD) {
        List<NodeFacts> nodes = new java.util.ArrayList<>(List.of(
                node("a1", "a", 500L, placed("kafka/o0", "orders", 1, 0, 0)),
                node("a2", "a", 500L, placed("kafka/o1", "orders", 1, 0, 0), placed("kafka/e0", "events", 1, 0, 0)),
                node("b1", "b", 500L, placed("kafka/o2", "orders", 1, 0, 0)),
                node("c1", "c", 500L, placed("kafka/o3", "orders", 1, 0, 0)),
                node("x1", null, 500L, placed("kafka/o4", "orders", 1, 0, 0))));
        if (withEmptyRackD) {
            nodes.add(node("d1", "d", 500L));
        }
        return nodes;
    }

    static Stream<Arguments> rackRows() {
        return Stream.of(
                // pinned rack, node rack, with empty rack d, expected
                Arguments.of(null, "a", false, 5), // one more than the emptiest (b, c)
                Arguments.of(null, "b", false, 10), // an emptiest rack
                Arguments.of(null, "a", true, 0), // two more than empty rack d: floor at 0
                Arguments.of(null, "b", true, 5),
                Arguments.of(null, "d", true, 10),
                Arguments.of(null, "zz", false, 10), // rack the cache has no node of (full-mode labels newer than the cache): below min, capped at 10
                Arguments.of("a", "a", false, 10)); // pinned: every candidate is in its rack, constant 10
    }

    @ParameterizedTest
    @MethodSource("rackRows")
    void rackBalanceFavoursTheEmptiestRack(String pinned, String nodeRack, boolean emptyRack, int expected) {
        BrokerPod pod = broker("orders", pinned, null, null);
        RackCounts counts = RackCounts.of(pod, cluster(emptyRack));
        // every rack of the cluster is on offer here; PlacementEngineTest has a rack that is not
        int score = RackBalanceScorer.score(pod, node("n", nodeRack, 500L), counts, counts.minOver(counts.asMap().keySet()));
        assertThat(score).isEqualTo(expected);
    }

    @Test
    void rackCountsIgnoreOtherClustersNodesWithoutRackAndThePodItself() {
        BrokerPod pod = new BrokerPod("kafka", "o1", "u", "orders", 1, null, null, null);
        RackCounts counts = RackCounts.of(pod, cluster(true));
        assertThat(counts.asMap()).containsExactlyInAnyOrderEntriesOf(java.util.Map.of("a", 1, "b", 1, "c", 1, "d", 0));
        assertThat(counts.minOver(List.of("a", "b", "c", "d"))).isZero();
        assertThat(counts.minOver(List.of("a", "b"))).as("the racks on offer only").isEqualTo(1);
        assertThat(counts.minOver(List.of())).isZero();
        // a KafkaCluster of the same name in another namespace is another cluster: its brokers are not counted
        BrokerPod elsewhere = new BrokerPod("team-b", "o1", "u", "orders", 1, null, null, null);
        assertThat(RackCounts.of(elsewhere, cluster(true)).asMap()).containsExactlyInAnyOrderEntriesOf(
                java.util.Map.of("a", 0, "b", 0, "c", 0, "d", 0));
        assertThat(NodeTable.of(cluster(true)).rackCounts(elsewhere).asMap()).as("the node table agrees")
                .isEqualTo(RackCounts.of(elsewhere, cluster(true)).asMap());
        assertThat(NodeTable.of(cluster(true)).rackCounts(pod).asMap()).isEqualTo(counts.asMap());
    }

    @ParameterizedTest
    @CsvSource({
        // load, max load, expected
        "0, 0, 10",       // nobody leads anything: all nodes equal
        "0, 600, 10",     // empty node
        "300, 600, 5",
        "100, 600, 8",    // floor(8.33)
        "599, 600, 0",    // floor(0.016)
        "600, 600, 0",    // the heaviest node
        "9223372036854775000, 9223372036854775807, 0", // no overflow near Long.MAX_VALUE
        "1, 9223372036854775807, 9" // large denominators keep precision
    })
    void leadershipScoreFallsWithLoad(long load, long max, int expected) {
        assertThat(LeadershipScorer.score(load, max)).isEqualTo(expected);
    }

    @Test
    void leadershipLoadSumsTheChosenMetricOverOtherBrokers() {
        BrokerPod pod = broker("orders", null, null, null);
        NodeFacts n = node("n", "a", 500L, placed("kafka/e0", "events", 1, 120, 5_000_000),
                placed("kafka/l0", "logs", 1, 30, 7_000_000), placed("kafka/orders-broker-9", "orders", 1, 999, 999));
        assertThat(LeadershipScorer.load(pod, n, LeaderMetric.LEADERS)).isEqualTo(150);
        assertThat(LeadershipScorer.load(pod, n, LeaderMetric.BYTES_IN)).isEqualTo(12_000_000);
        // loads that would wrap past Long.MAX_VALUE are held there: the heaviest node never looks the lightest
        NodeFacts huge = node("h", "a", 500L, placed("kafka/e0", "events", 1, Long.MAX_VALUE - 1, 0),
                placed("kafka/l0", "logs", 1, 10, 0));
        assertThat(LeadershipScorer.load(pod, huge, LeaderMetric.LEADERS)).isEqualTo(Long.MAX_VALUE);
        assertThat(NodeTable.of(List.of(huge)).load(0, LeaderMetric.LEADERS)).isEqualTo(Long.MAX_VALUE);
    }

    static Stream<Arguments> diskRows() {
        return Stream.of(
                // capacity Gi, used Gi (other cluster), request Gi, expected
                Arguments.of(1024L, 300L, 100L, 6), // class comment example: 624/1024
                Arguments.of(500L, 0L, 100L, 8),
                Arguments.of(100L, 0L, 100L, 0), // exactly fills the node
                Arguments.of(1000L, 0L, 0L, 10), // zero-byte request leaves everything free
                Arguments.of(1000L, 0L, 1L, 9), // any request drops below 10
                Arguments.of(null, 0L, null, 10)); // network storage: disk irrelevant
    }

    @ParameterizedTest
    @MethodSource("diskRows")
    void diskHeadroomIsTheFreeShareAfterPlacing(Long capacityGi, long usedGi, Long requestGi, int expected) {
        BrokerPod pod = broker("orders", null, null, requestGi);
        NodeFacts n = usedGi > 0 ? node("n", "a", capacityGi, placed("kafka/e0", "events", usedGi, 0, 0)) : node("n", "a", capacityGi);
        assertThat(DiskHeadroomScorer.score(pod, n)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
        // wRack, wLeaders, wDisk, rack, leaders, disk, expected
        "3, 2, 1, 10, 5, 4, 7",   // the documented example: 44/6 = 7.33
        "3, 2, 1, 5, 0, 6, 4",    // 21/6 = 3.5 rounds half up
        "3, 2, 1, 10, 10, 10, 10",
        "3, 2, 1, 0, 0, 0, 0",
        "1, 0, 0, 7, 0, 0, 7",    // a single weight passes its part through
        "0, 0, 0, 10, 10, 10, 0", // all weights zero: no opinion
        "1, 1, 0, 5, 6, 10, 6"    // 11/2 = 5.5 rounds up; disk ignored
    })
    void weightsCombinePartsIntoOneScore(int wr, int wl, int wd, int rack, int leaders, int disk, int expected) {
        assertThat(new Weights(wr, wl, wd).combine(rack, leaders, disk)).isEqualTo(expected);
    }

    @Test
    void negativeWeightsAreRefusedWithTheValues() {
        assertThatThrownBy(() -> new Weights(-1, 2, 1)).hasMessageContaining("rack=-1");
    }

    @Test
    void fraction10IsTheExactFloorAtEveryMagnitude() {
        java.util.Random r = new java.util.Random(11);
        for (int i = 0; i < 200_000; i++) {
            int bits = 1 + r.nextInt(63);
            long den = 1 + (r.nextLong() >>> (64 - bits));
            long num = r.nextInt(4) == 0 ? den - r.nextInt(3) : (long) (r.nextDouble() * den); // edges near den too
            long expected = num <= 0 ? 0 : num >= den ? 10
                    : java.math.BigInteger.valueOf(num).multiply(java.math.BigInteger.TEN).divide(java.math.BigInteger.valueOf(den)).longValue();
            org.assertj.core.api.Assertions.assertThat(LeadershipScorer.fraction10(num, den)).as("%d / %d", num, den).isEqualTo(expected);
        }
        // exact multiples, where a double quotient may land just below the integer
        for (long den : new long[] {3, 7, 10, 1L << 40, 3L << 40, 999_999_999_999L}) {
            for (long k = 1; k < 10; k++) {
                long num = den * k / 10;
                if (num * 10 == den * k) {
                    org.assertj.core.api.Assertions.assertThat(LeadershipScorer.fraction10(num, den)).isEqualTo(k);
                }
            }
        }
    }
}
