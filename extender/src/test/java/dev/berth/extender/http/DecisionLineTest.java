package dev.berth.extender.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.berth.extender.placement.BrokerPod;
import dev.berth.extender.placement.LeaderMetric;
import dev.berth.extender.placement.NodeFacts;
import dev.berth.extender.placement.NodeTable;
import dev.berth.extender.placement.PlacedBroker;
import dev.berth.extender.placement.PlacementEngine;
import dev.berth.extender.placement.Reason;
import dev.berth.extender.placement.Scores;
import dev.berth.extender.placement.Weights;
import dev.berth.extender.protocol.NameList;
import dev.berth.extender.protocol.WireDecoder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The per-node parts of a decision line: failures grouped by reason, scores as arrays in the order
 * {@code scoreParts} names. Names come three ways (copied from the table's bytes, a name the table
 * does not know and that needs escaping, and a full-mode list of Strings) and must read the same.
 */
class DecisionLineTest {
    private static final NodeTable TABLE = NodeTable.of(List.of(
            new NodeFacts("n1", "a", 1L << 40, List.of()),
            new NodeFacts("n2", null, 1L << 40, List.of()),
            new NodeFacts("n3", "b", 1L << 40, List.of(new PlacedBroker("kafka/other-0", "other", 0, 1L << 30, 123_456_789L, 0, false)))));
    private static final BrokerPod POD = new BrokerPod("kafka", "orders-0", "u0", "orders", 0, null, null, 1L << 30);
    private static final String BODY = "{\"Pod\":{\"metadata\":{\"name\":\"orders-0\"}},\"NodeNames\":[\"n1\",\"ghost\",\"a\\\"b\",\"n2\",\"n3\"]}";

    @Test
    void failuresAreGroupedByReasonInEnumOrderWhereverTheNamesComeFrom() throws Exception {
        NameList resolved = (NameList) WireDecoder.extenderArgs(BODY, TABLE).nodeNames();
        assertThat(resolved.ids()).containsExactly(0, -1, -1, 1, 2);
        Reason[] reasons = {null, Reason.UNKNOWN_NODE, Reason.UNKNOWN_NODE, Reason.NO_RACK_LABEL, null};
        for (List<String> names : List.of(resolved, List.of("n1", "ghost", "a\"b", "n2", "n3"))) {
            JsonObject line = line(filter(names, reasons, null));
            assertThat(line.get("candidates").getAsInt()).isEqualTo(5);
            assertThat(line.get("passed").getAsInt()).isEqualTo(2);
            assertThat(line.getAsJsonObject("failed").toString())
                    .isEqualTo("{\"node not in berth cache yet\":[\"ghost\",\"a\\\"b\"],\"node has no rack label\":[\"n2\"]}");
        }
    }

    @Test
    void aFilterThatRefusesNothingHasAnEmptyFailedObject() throws Exception {
        JsonObject line = line(filter(List.of("n1", "n3"), new Reason[2], null));
        assertThat(line.get("passed").getAsInt()).isEqualTo(2);
        assertThat(line.getAsJsonObject("failed").size()).isZero();
    }

    @Test
    void scoresAreOneArrayPerNodeInTheOrderScorePartsNames() throws Exception {
        NameList resolved = (NameList) WireDecoder.extenderArgs(BODY, TABLE).nodeNames();
        Scores scores = new PlacementEngine(Weights.DEFAULT, LeaderMetric.LEADERS).prioritize(POD, TABLE, resolved.ids(),
                () -> TABLE.rackCounts(POD));
        JsonObject line = line(filter(resolved, null, scores));
        assertThat(line.get("scoreParts").toString()).isEqualTo("[\"total\",\"rack\",\"leaders\",\"disk\",\"load\"]");
        JsonObject byNode = line.getAsJsonObject("scores");
        assertThat(byNode.keySet()).containsExactly("n1", "ghost", "a\"b", "n2", "n3");
        for (int i = 0; i < resolved.size(); i++) {
            JsonArray parts = byNode.getAsJsonArray(resolved.get(i));
            assertThat(List.of(parts.get(0).getAsInt(), parts.get(1).getAsInt(), parts.get(2).getAsInt(), parts.get(3).getAsInt()))
                    .as(resolved.get(i)).containsExactly(scores.total(i), scores.rack(i), scores.leaders(i), scores.disk(i));
            assertThat(parts.get(4).getAsLong()).isEqualTo(scores.load(i));
        }
        // n3 carries the load, n1 (rack a, nothing on it) the best score: real values, not zeros
        assertThat(byNode.get("n3").toString()).endsWith(",123456789]");
        assertThat(byNode.getAsJsonArray("n1").get(0).getAsInt()).isEqualTo(10);
        assertThat(byNode.get("ghost").toString()).isEqualTo("[0,0,0,0,0]");
    }

    @Test
    void namesCopiedInWordsFromTheTableReadExactlyAsNamesWrittenFromStrings() throws Exception {
        List<String> wide = List.of("a", "node-07", "node-007", "node-00000000007", "node-000000000007",
                "ip-10-0-0-1.eu-west-1.compute.internal", "w".repeat(253), "odd\"name", "z");
        List<NodeFacts> nodes = new java.util.ArrayList<>();
        for (int i = 0; i < wide.size(); i++) {
            nodes.add(new NodeFacts(wide.get(i), i % 3 == 0 ? null : "r" + i % 2, (long) (i + 1) << 36,
                    List.of(new PlacedBroker("kafka/x-" + i, "x", i, 1L << 30, 1000L * i + 7, (1L << 33) * i + 5, false))));
        }
        NodeTable table = NodeTable.of(nodes);
        List<String> order = new java.util.ArrayList<>(wide);
        order.add(3, "ghost");
        java.util.Collections.reverse(order);
        NameList resolved = (NameList) WireDecoder.extenderArgs(dev.berth.extender.testing.SchedulerWire.namesArgs(
                "{\"metadata\":{\"name\":\"orders-0\"}}", order), table).nodeNames();
        Reason[] reasons = new Reason[order.size()];
        for (int i = 0; i < reasons.length; i++) {
            reasons[i] = i % 3 == 0 ? null : Reason.values()[i % Reason.values().length];
        }
        List<String> plain = List.copyOf(resolved);
        assertThat(filter(resolved, reasons, null).toJson()).isEqualTo(filter(plain, reasons, null).toJson());
        // leaders loads fit an int and take the word path; bytes-in loads past 2^31 take the plain one
        for (LeaderMetric metric : LeaderMetric.values()) {
            Scores scores = new PlacementEngine(Weights.DEFAULT, metric).prioritize(POD, table, resolved.ids(),
                    () -> table.rackCounts(POD));
            assertThat(filter(resolved, null, scores).toJson()).as(metric.name()).isEqualTo(filter(plain, null, scores).toJson())
                    .contains("\"node-000000000007\":[", "\"z\":[", "\"odd\\\"name\":[");
        }
        Scores bytesIn = new PlacementEngine(Weights.DEFAULT, LeaderMetric.BYTES_IN).prioritize(POD, table, resolved.ids(),
                () -> table.rackCounts(POD));
        assertThat(filter(resolved, null, bytesIn).toJson()).contains(",68719476741]");
    }

    @Test
    void aNodeNamedTwiceIsScoredOnceInTheLineSoNoReaderLosesAnEntry() throws Exception {
        String twice = "{\"Pod\":{\"metadata\":{\"name\":\"orders-0\"}},\"NodeNames\":[\"n3\",\"ghost\",\"n1\",\"n3\",\"ghost\",\"n1\"]}";
        NameList resolved = (NameList) WireDecoder.extenderArgs(twice, TABLE).nodeNames();
        Scores scores = new PlacementEngine(Weights.DEFAULT, LeaderMetric.LEADERS).prioritize(POD, TABLE, resolved.ids(),
                () -> TABLE.rackCounts(POD));
        for (List<String> names : List.of(resolved, List.copyOf(resolved))) { // table rows, and plain strings
            String json = filter(names, null, scores).toJson();
            String object = json.substring(json.indexOf("\"scores\":{"));
            assertThat(object).startsWith("\"scores\":{\"n3\":[").contains(",\"ghost\":[0,0,0,0,0],\"n1\":[");
            for (String name : List.of("n3", "ghost", "n1")) {
                assertThat(object.split("\"" + name + "\":\\[", -1)).as(name + " once").hasSize(2);
            }
            assertThat(line(filter(names, null, scores)).getAsJsonObject("scores").keySet()).containsExactly("n3", "ghost", "n1");
        }
    }

    @Test
    void everyRowOfATableWiderThanOneWordOfSeenBitsIsScoredOnce() throws Exception {
        // the writer marks rows it wrote in a long[] of one bit per row: rows 64 and up live in later words
        List<NodeFacts> nodes = new java.util.ArrayList<>();
        List<String> order = new java.util.ArrayList<>();
        for (int i = 0; i < 130; i++) {
            nodes.add(new NodeFacts(String.format("n%03d", i), "r" + i % 3, 1L << 40, List.of()));
            order.add(String.format("n%03d", 129 - i));
        }
        order.add("n129"); // and one named twice
        NodeTable table = NodeTable.of(nodes);
        NameList resolved = (NameList) WireDecoder.extenderArgs(dev.berth.extender.testing.SchedulerWire.namesArgs(
                "{\"metadata\":{\"name\":\"orders-0\"}}", order), table).nodeNames();
        assertThat(resolved.ids()).contains(0, 63, 64, 127, 128, 129);
        Scores scores = new PlacementEngine(Weights.DEFAULT, LeaderMetric.LEADERS).prioritize(POD, table, resolved.ids(),
                () -> table.rackCounts(POD));
        JsonObject byNode = line(filter(resolved, null, scores)).getAsJsonObject("scores");
        assertThat(byNode.keySet()).hasSize(130).startsWith("n129", "n128", "n127").endsWith("n001", "n000");
        assertThat(filter(resolved, null, scores).toJson()).isEqualTo(filter(List.copyOf(resolved), null, scores).toJson());
    }

    private static Decision filter(List<String> names, Reason[] reasons, Scores scores) {
        return new Decision(Instant.parse("2026-11-25T12:00:00Z"), reasons != null ? "filter" : "prioritize", POD.key(), POD.uid(),
                POD.cluster(), POD.brokerId(), "fit", names, reasons, scores, null, null, 7, POD);
    }

    private static JsonObject line(Decision d) {
        return JsonParser.parseString(d.toJson()).getAsJsonObject();
    }
}
