package dev.berth.extender.protocol;

import static dev.berth.extender.testing.SchedulerWire.namesArgs;
import static dev.berth.extender.testing.SchedulerWire.pod;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.extender.placement.BrokerPod;
import dev.berth.extender.placement.LeaderMetric;
import dev.berth.extender.placement.NodeFacts;
import dev.berth.extender.placement.NodeTable;
import dev.berth.extender.placement.PlacedBroker;
import dev.berth.extender.placement.PlacementEngine;
import dev.berth.extender.placement.Reason;
import dev.berth.extender.placement.Scores;
import dev.berth.extender.placement.Weights;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The names-mode replies copy names from the table's packed bytes in 8-byte words and write their
 * constant parts as precomputed words ({@link NameIndex#putQuotedName}, {@link ByteBuilder#putWords}).
 * They must be byte for byte what the plain encoders write from Strings, for every name length
 * around the word boundaries, for the table's last name (whose words read into the packed slack),
 * and for names the byte index does not hold (escaped, non-ASCII, a duplicate row, unknown).
 */
class WordCopyRepliesTest {
    private static final List<String> NAMES = List.of(
            "a", "n-1", "node-07", "node-007", "node-0000000007", "node-00000000007", "node-000000000007",
            "ip-10-0-0-1.eu-west-1.compute.internal", "w".repeat(253), "odd\"name", "x\u00e9y", "n-1", "z");
    private static final NodeTable TABLE = table();
    private static final String POD = pod("kafka", "orders-0", "u0", Map.of("berth.dev/cluster", "orders"), Map.of());

    private static NodeTable table() {
        List<NodeFacts> nodes = new ArrayList<>();
        for (int i = 0; i < NAMES.size(); i++) {
            List<PlacedBroker> brokers = i % 3 == 0 ? List.of() : List.of(new PlacedBroker("kafka/other-" + i, "other", i, 1L << 30, 0, i * 7, false));
            nodes.add(new NodeFacts(NAMES.get(i), i % 4 == 0 ? null : "rack-" + i % 3, (long) (i + 1) << 36, brokers));
        }
        return NodeTable.of(nodes);
    }

    /**
     * Every table name once (kube-scheduler never repeats one; the table's second {@code n-1} row
     * is simply not in the byte index) and one the table does not know, in a shuffled order.
     */
    private static NameList request(long seed) throws BadRequestException {
        List<String> order = new ArrayList<>(new java.util.LinkedHashSet<>(NAMES));
        order.add("ghost");
        Collections.shuffle(order, new Random(seed));
        return (NameList) WireDecoder.extenderArgs(namesArgs(POD, order), TABLE).nodeNames();
    }

    @Test
    void filterRepliesEqualThePlainEncoderByteForByte() throws Exception {
        Reason[] kinds = {null, Reason.RACK_MISMATCH, null, Reason.DISK_FULL, Reason.NO_RACK_LABEL, Reason.SAME_CLUSTER_BROKER};
        for (long seed = 0; seed < 20; seed++) {
            NameList names = request(seed);
            Reason[] reasons = new Reason[names.size()];
            List<String> passed = new ArrayList<>();
            Map<String, String> failed = new LinkedHashMap<>();
            Map<String, String> unresolvable = new LinkedHashMap<>();
            for (int i = 0; i < reasons.length; i++) {
                Reason r = kinds[(int) ((i + seed) % kinds.length)];
                reasons[i] = r;
                if (r == null) {
                    passed.add(names.get(i));
                } else {
                    (r.permanent() ? unresolvable : failed).put(names.get(i), r.text());
                }
            }
            String plain = WireEncoder.filterResult(new ExtenderFilterResult(null, passed, failed, unresolvable, ""));
            assertThat(WireEncoder.filterReply(names, reasons, null).toString()).as("seed %d", seed).isEqualTo(plain);
        }
    }

    @Test
    void prioritizeRepliesEqualThePlainEncoderByteForByte() throws Exception {
        BrokerPod pod = new BrokerPod("kafka", "orders-0", "u0", "orders", 0, null, null, 1L << 30);
        PlacementEngine engine = new PlacementEngine(Weights.DEFAULT, LeaderMetric.LEADERS);
        for (long seed = 0; seed < 20; seed++) {
            NameList names = request(seed);
            Scores scores = engine.prioritize(pod, TABLE, names.ids(), () -> TABLE.rackCounts(pod));
            List<HostPriority> plain = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                plain.add(new HostPriority(names.get(i), scores.total(i)));
            }
            assertThat(WireEncoder.hostPriorities(names, scores).toString()).as("seed %d", seed)
                    .isEqualTo(WireEncoder.hostPriorities(plain));
        }
        assertThat(WireEncoder.hostPriorities(List.of(new HostPriority("n", 10), new HostPriority("m", 0))))
                .isEqualTo("[{\"Host\":\"n\",\"Score\":10},{\"Host\":\"m\",\"Score\":0}]");
    }

    @Test
    void constantsWrittenAsWordsEndWhereTheirBytesEnd() {
        for (String constant : List.of("", "x", ",\"Score\":7}", ",\"Score\":10}", "{\"Host\":", ":\"node already hosts a broker of this cluster\"")) {
            byte[] out = new byte[80];
            java.util.Arrays.fill(out, (byte) '#');
            out[0] = '[';
            int end = ByteBuilder.putWords(out, 1, ByteBuilder.words(constant));
            assertThat(end).isEqualTo(1 + constant.length());
            assertThat(new String(out, 0, end, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("[" + constant);
        }
    }
}
