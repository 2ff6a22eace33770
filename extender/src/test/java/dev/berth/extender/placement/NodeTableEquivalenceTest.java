package dev.berth.extender.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The names-mode path ({@link NodeTable} rows, {@link PodOnTable}) must decide exactly what the
 * rules and scorers decide on {@link NodeFacts} records, which walk each node's broker list. Random
 * clusters cover what the table handles specially: the pod's own bound or reserved entries, other
 * brokers of its cluster, avoid-node, pinned racks, nodes without rack or capacity, invalid
 * capacity, a name requested twice and names the table does not know.
 */
class NodeTableEquivalenceTest {
    private static final Weights WEIGHTS = new Weights(3, 2, 1);

    @ParameterizedTest
    @EnumSource(LeaderMetric.class)
    void tableVerdictsAndScoresEqualTheRecordBasedRules(LeaderMetric metric) {
        Random random = new Random(20261125L + metric.ordinal());
        int checkedNodes = 0;
        int passed = 0;
        int skewed = 0;
        NodeTable last = null;
        for (int round = 0; round < 1000; round++) {
            List<NodeFacts> nodes = cluster(random);
            NodeTable table = built(random, nodes, last);
            last = table;
            BrokerPod pod = pod(random, nodes);
            int[] ids = request(random, nodes.size());
            int maxSkew = random.nextInt(4);
            PlacementEngine engine = new PlacementEngine(WEIGHTS, metric, maxSkew);

            RackCounts counts = RackCounts.of(pod, nodes);
            Reason[] verdicts = engine.filter(pod, table, ids, () -> counts);
            assertThat(table.rackCounts(pod).asMap()).isEqualTo(counts.asMap());
            Scores scores = engine.prioritize(pod, table, ids, () -> counts);

            // the rack skew rule, from the records: m over the racks of the nodes passing the other rules
            boolean unpinned = pod.pinnedRack() == null || pod.pinnedRack().isEmpty();
            java.util.Set<String> passingOthers = new java.util.HashSet<>();
            for (int id : ids) {
                if (id >= 0 && HardRules.check(pod, nodes.get(id)) == null) {
                    passingOthers.add(nodes.get(id).rack());
                }
            }
            int m = counts.minOver(passingOthers);
            java.util.function.Function<NodeFacts, Reason> expectedVerdict = node -> {
                Reason hard = HardRules.check(pod, node);
                if (hard == null && unpinned && pod.isBroker() && maxSkew > 0 && counts.count(node.rack()) + 1 - m > maxSkew) {
                    return Reason.RACK_SKEW;
                }
                return hard;
            };
            long maxLoad = 0;
            java.util.Set<String> offered = new java.util.HashSet<>();
            for (int id : ids) {
                if (id >= 0 && expectedVerdict.apply(nodes.get(id)) == null) {
                    maxLoad = Math.max(maxLoad, LeadershipScorer.load(pod, nodes.get(id), metric));
                    offered.add(nodes.get(id).rack());
                }
            }
            for (int i = 0; i < ids.length; i++) {
                checkedNodes++;
                if (ids[i] < 0) {
                    assertThat(verdicts[i]).isEqualTo(pod.isBroker() ? Reason.UNKNOWN_NODE : null);
                    assertThat(scores.total(i)).isZero();
                    continue;
                }
                NodeFacts node = nodes.get(ids[i]);
                Reason expected = expectedVerdict.apply(node);
                assertThat(verdicts[i]).as("round %d node %s pod %s skew %d", round, node, pod, maxSkew).isEqualTo(expected);
                skewed += expected == Reason.RACK_SKEW ? 1 : 0;
                if (expected != null || !pod.isBroker()) {
                    assertThat(scores.total(i)).isZero();
                    continue;
                }
                passed++;
                int rack = RackBalanceScorer.score(pod, node, counts, counts.minOver(offered));
                long load = LeadershipScorer.load(pod, node, metric);
                int leaders = LeadershipScorer.score(load, maxLoad);
                int disk = DiskHeadroomScorer.score(pod, node);
                assertThat(scores.at(i, node.name())).as("round %d node %s pod %s", round, node, pod)
                        .isEqualTo(new NodeScore(node.name(), WEIGHTS.combine(rack, leaders, disk), rack, leaders, disk, load));
            }
        }
        assertThat(checkedNodes).isGreaterThan(3000);
        assertThat(passed).as("enough nodes pass for the scores to be compared").isGreaterThan(300);
        assertThat(skewed).as("enough nodes meet the rack skew rule for it to be compared").isGreaterThan(50);
    }

    /**
     * The table of {@code nodes} as a backend builds it: fresh; rebuilt from a table of the same
     * names with other facts, sharing its names; or rebuilt from the last round's table, sharing
     * only when the names happen to match, in order.
     */
    private static NodeTable built(Random r, List<NodeFacts> nodes, NodeTable last) {
        int how = r.nextInt(3);
        if (how == 0) {
            return NodeTable.of(nodes);
        }
        if (how == 1) {
            List<NodeFacts> before = new ArrayList<>();
            for (NodeFacts f : nodes) {
                before.add(new NodeFacts(f.name(), "rack-9", 1L, List.of()));
            }
            NodeTable previous = NodeTable.of(before);
            NodeTable table = NodeTable.of(nodes, previous);
            assertThat(table.names()).isSameAs(previous.names());
            return table;
        }
        NodeTable table = NodeTable.of(nodes, last);
        boolean sameNames = last != null && last.size() == nodes.size();
        for (int i = 0; sameNames && i < nodes.size(); i++) {
            sameNames = nodes.get(i).name().equals(last.name(i));
        }
        assertThat(last != null && table.names() == last.names()).isEqualTo(sameNames);
        return table;
    }

    @Test
    void namesResolveToTheirFirstRowAndUnknownNamesToMinusOne() {
        NodeTable table = NodeTable.of(List.of(
                new NodeFacts("n1", "a", null, List.of()),
                new NodeFacts("n2", null, null, List.of()),
                new NodeFacts("n1", "b", null, List.of())));
        byte[] body = "[\"n2\",\"n1\",\"n3\",\"n\"]".getBytes();
        assertThat(table.names().find(body, 2, 4)).isEqualTo(1);
        assertThat(table.names().find(body, 7, 9)).isEqualTo(0); // a repeated name: its first row
        assertThat(table.names().find(body, 12, 14)).isEqualTo(-1);
        assertThat(table.names().find(body, 17, 18)).isEqualTo(-1); // a prefix of known names
        assertThat(table.idOf("n1")).isZero();
        assertThat(table.idOf("n3")).isEqualTo(-1);
        assertThat(table.rack(2)).isEqualTo(1);
        assertThat(table.racks()).containsExactly("a", "b");
        assertThat(table.rack(1)).isEqualTo(-1);
    }

    @Test
    void longNamesThatShareEverythingButOneByteAreToldApart() {
        List<NodeFacts> nodes = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            nodes.add(new NodeFacts("ip-10-0-" + (i / 250) + "-" + (i % 250) + ".eu-west-1.compute.internal", "a", null, List.of()));
        }
        NodeTable table = NodeTable.of(nodes);
        for (int i = 0; i < nodes.size(); i++) {
            byte[] name = nodes.get(i).name().getBytes();
            assertThat(table.names().find(name, 0, name.length)).isEqualTo(i);
        }
    }

    private static List<NodeFacts> cluster(Random r) {
        int n = 1 + r.nextInt(14);
        List<NodeFacts> nodes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String rack = r.nextInt(8) == 0 ? null : r.nextInt(10) == 0 ? "" : "rack-" + r.nextInt(3);
            Long capacity = r.nextInt(8) == 0 ? null : r.nextInt(15) == 0 ? NodeFacts.INVALID_CAPACITY : (long) (50 + r.nextInt(1000));
            List<PlacedBroker> brokers = new ArrayList<>();
            for (int b = r.nextInt(4); b > 0; b--) {
                String cluster = "c" + r.nextInt(3);
                // pod names repeat across nodes on purpose: the pod being placed may be among them
                brokers.add(new PlacedBroker("kafka/" + cluster + "-b" + r.nextInt(4), cluster, r.nextInt(4),
                        r.nextInt(300), r.nextInt(50) - 5, r.nextInt(1000), r.nextBoolean()));
            }
            nodes.add(new NodeFacts(r.nextInt(12) == 0 && i > 0 ? nodes.get(0).name() : "node-" + i, rack, capacity, brokers));
        }
        return nodes;
    }

    private static BrokerPod pod(Random r, List<NodeFacts> nodes) {
        String cluster = r.nextInt(10) == 0 ? null : "c" + r.nextInt(3);
        String avoid = r.nextInt(4) == 0 ? nodes.get(r.nextInt(nodes.size())).name() : null;
        String rack = r.nextInt(3) == 0 ? "rack-" + r.nextInt(3) : null;
        Long storage = r.nextInt(5) == 0 ? null : (long) r.nextInt(400);
        return new BrokerPod("kafka", (cluster == null ? "x" : cluster) + "-b" + r.nextInt(4), "uid", cluster, 1, rack, avoid, storage);
    }

    /** Row ids as a request names them: some twice, some unknown (-1), in any order. */
    private static int[] request(Random r, int size) {
        int[] ids = new int[1 + r.nextInt(size + 3)];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = r.nextInt(10) == 0 ? -1 : r.nextInt(size);
        }
        return ids;
    }
}
