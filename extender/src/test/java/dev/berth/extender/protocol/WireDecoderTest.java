package dev.berth.extender.protocol;

import dev.berth.extender.placement.NodeFacts;
import dev.berth.extender.placement.NodeTable;
import dev.berth.extender.placement.Reason;
import static dev.berth.extender.testing.SchedulerWire.fullArgs;
import static dev.berth.extender.testing.SchedulerWire.namesArgs;
import static dev.berth.extender.testing.SchedulerWire.node;
import static dev.berth.extender.testing.SchedulerWire.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonParser;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WireDecoderTest {
    private static final String POD = pod("kafka", "orders-broker-2", "uid-2",
            Map.of("berth.dev/cluster", "orders", "berth.dev/broker-id", "2"),
            Map.of("berth.dev/local-storage", "1.5Ti", "note", "a&b<c>"));

    @Test
    void namesModeBodyAsTheSchedulerSendsIt() throws Exception {
        ExtenderArgs args = WireDecoder.extenderArgs(namesArgs(POD, List.of("n1", "n2")));
        assertThat(args.fullNodes()).isFalse();
        assertThat(args.nodeNames()).containsExactly("n1", "n2");
        assertThat(args.pod().name()).isEqualTo("orders-broker-2");
        assertThat(args.pod().namespace()).isEqualTo("kafka");
        assertThat(args.pod().uid()).isEqualTo("uid-2");
        assertThat(args.pod().labels()).containsEntry("berth.dev/cluster", "orders");
        assertThat(args.pod().annotations()).containsEntry("note", "a&b<c>"); // Go's \u0026 \u003c \u003e decoded
    }

    private static final NodeTable TABLE = NodeTable.of(List.of(
            new NodeFacts("shared-node-1", "a", null, List.of()),
            new NodeFacts("shared-node-2", "b", null, List.of()),
            new NodeFacts("ip-10-0-0-1.eu-west-1.compute.internal", "a", null, List.of()),
            new NodeFacts("odd?name", "a", null, List.of())));

    @Test
    void namesTheTableKnowsResolveToTheirRowsAndTheTablesStrings() throws Exception {
        NameList names = (NameList) WireDecoder.extenderArgs(namesArgs(POD,
                List.of("shared-node-2", "ghost", "ip-10-0-0-1.eu-west-1.compute.internal", "shared-node-1")), TABLE).nodeNames();
        assertThat(names.ids()).containsExactly(1, -1, 2, 0);
        assertThat(names).containsExactly("shared-node-2", "ghost", "ip-10-0-0-1.eu-west-1.compute.internal", "shared-node-1");
        assertThat(names.get(0)).isSameAs(TABLE.name(1)); // not a copy out of the body
        assertThat(names.table()).isSameAs(TABLE);
    }

    @Test
    void aGuessFromTheLastRequestOnlyCountsWhenTheWholeNameMatches() throws Exception {
        NodeTable table = NodeTable.of(List.of(new NodeFacts("n1", "a", null, List.of()), new NodeFacts("n2", "a", null, List.of()),
                new NodeFacts("n2x", "a", null, List.of()), new NodeFacts("node-000001", "a", null, List.of()),
                new NodeFacts("node-000002", "a", null, List.of())));
        assertThat(ids(table, "[\"n1\",\"n2\"]")).containsExactly(0, 1); // n2 now follows n1
        assertThat(ids(table, "[\"n1\",\"n2x\"]")).containsExactly(0, 2); // the guess n2 is a prefix: not it
        assertThat(ids(table, "[\"n1\",\"n\"]")).containsExactly(0, -1);   // a prefix of the guess n2x
        assertThat(ids(table, "[\"n1\",\"n2\\u0078\"]")).containsExactly(0, 2); // n2x escaped: found by name
        assertThat(ids(table, "[\"node-000001\",\"node-000002\"]")).containsExactly(3, 4);
        assertThat(ids(table, "[\"node-000001\",\"node-000001\"]")).containsExactly(3, 3); // same first 8 bytes as the guess
    }

    @Test
    void namesResolveTheSameWhateverTheOrderOfEarlierRequests() throws Exception {
        List<String> known = new java.util.ArrayList<>();
        List<NodeFacts> facts = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String name = i % 4 == 0 ? "n" + i : i % 4 == 1 ? "node-" + String.format("%08d", i) : i % 4 == 2 ? "n" + i + "x" : "n" + (i - 3);
            facts.add(new NodeFacts(name, "a", null, List.of())); // i % 4 == 3 repeats a name: its first row
            known.add(name);
        }
        NodeTable table = NodeTable.of(facts);
        java.util.Random random = new java.util.Random(11);
        for (int request = 0; request < 300; request++) {
            List<String> names = new java.util.ArrayList<>();
            for (int k = random.nextInt(30); k >= 0; k--) {
                String name = known.get(random.nextInt(known.size()));
                names.add(random.nextInt(10) == 0 ? name.substring(0, name.length() - 1) : random.nextInt(10) == 0 ? name + "0" : name);
            }
            String body = namesArgs(POD, names);
            if (request % 3 == 1) {
                body = body.replace("\",\"", "\", \""); // whitespace between elements: off the fast path
            }
            NameList resolved = (NameList) WireDecoder.extenderArgs(body, table).nodeNames();
            for (int k = 0; k < names.size(); k++) {
                assertThat(resolved.ids()[k]).as("request %d name %s", request, names.get(k)).isEqualTo(table.idOf(names.get(k)));
            }
        }
    }

    @Test
    void prioritizeResolvesTheArrayTheFilterReplyWroteWithOneComparison() throws Exception {
        NodeTable table = NodeTable.of(List.of(new NodeFacts("n1", "a", null, List.of()), new NodeFacts("n2", "a", null, List.of()),
                new NodeFacts("n3", "a", null, List.of()), new NodeFacts("n22", "a", null, List.of())));
        NameList filtered = (NameList) WireDecoder.extenderArgs(namesArgs(POD, List.of("n3", "n1", "n2", "n22")), table).nodeNames();
        ByteBuilder reply = WireEncoder.filterReply(filtered, new Reason[] {null, Reason.RACK_MISMATCH, null, null}, null);
        List<String> passed = nodeNames(reply.toString());
        assertThat(passed).containsExactly("n3", "n2", "n22");

        String prioritize = namesArgs(POD, passed); // what kube-scheduler sends next: the passed names, in order
        byte[] body = prioritize.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(table.names().recallWritten(body, prioritize.indexOf("[\"n3\""), body.length)).isNotNull();
        assertThat(ids(table, "[\"n3\",\"n2\",\"n22\"]")).containsExactly(2, 1, 3);
        // anything else is read name by name, and only a byte-identical array is recalled
        for (String other : List.of("[\"n3\",\"n2\",\"n22\",\"n1\"]", "[\"n3\",\"n2\"]", "[\"n3\",\"n2\",\"n2\"]",
                "[\"n3\", \"n2\",\"n22\"]", "[\"n3\",\"n2\",\"n\\u0032\\u0032\"]", "[\"n3\",\"n2\",\"n21\"]")) {
            byte[] bytes = other.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertThat(table.names().recallWritten(bytes, 0, bytes.length)).as(other).isNull();
            int[] ids = ids(table, other);
            List<String> names = JsonParser.parseString(other).getAsJsonArray().asList().stream().map(e -> e.getAsString()).toList();
            for (int k = 0; k < names.size(); k++) {
                assertThat(ids[k]).as("%s name %d", other, k).isEqualTo(table.idOf(names.get(k)));
            }
        }
    }

    @Test
    void aWrittenArrayWithANameTheByteIndexDoesNotHoldIsNotRemembered() throws Exception {
        // row 2 repeats row 0's name: its bytes decode to row 0, so recalling "row 2" would be wrong
        NodeTable table = NodeTable.of(List.of(new NodeFacts("n1", "a", null, List.of()), new NodeFacts("n2", "a", null, List.of()),
                new NodeFacts("n1", "b", null, List.of())));
        NameList rows = new NameList(table, new int[] {1, 2}, null);
        ByteBuilder reply = WireEncoder.filterReply(rows, new Reason[2], null);
        assertThat(nodeNames(reply.toString())).containsExactly("n2", "n1");
        byte[] array = "[\"n2\",\"n1\"]".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(table.names().recallWritten(array, 0, array.length)).isNull();
        assertThat(ids(table, "[\"n2\",\"n1\"]")).containsExactly(1, 0);
    }

    private static List<String> nodeNames(String filterReply) {
        return JsonParser.parseString(filterReply).getAsJsonObject().getAsJsonArray("NodeNames").asList().stream()
                .map(e -> e.getAsString()).toList();
    }

    private static int[] ids(NodeTable table, String array) throws Exception {
        return ((NameList) WireDecoder.extenderArgs("{\"Pod\":{\"metadata\":{\"name\":\"p\"}},\"NodeNames\":" + array + "}", table)
                .nodeNames()).ids();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "'[\"shared\\u002dnode-1\"]' | 0",  // an escaped spelling of a known name: found the slow way
        "'[\"shared-node-1\\\"\"]'   | -1", // the known name plus an escaped quote is another name
        "'[\"odd?name\"]'              | 0",  // printable ASCII is matched on its bytes
        "'[\"odd\u4e2dname\"]'         | -1", // a multi-byte UTF-8 character is not '?': no match on bytes, none by name
        "'[ \"shared-node-2\" ]'       | 1",  // whitespace around the element
        })
    void everySpellingResolvesToTheRowOfTheNameItDecodesTo(String array, int expectedId) throws Exception {
        NodeTable table = NodeTable.of(List.of(new NodeFacts(expectedId == 0 && array.contains("odd") ? "odd?name" : "shared-node-1", "a", null, List.of()),
                new NodeFacts("shared-node-2", "b", null, List.of())));
        NameList names = (NameList) WireDecoder.extenderArgs(
                "{\"Pod\":{\"metadata\":{\"name\":\"p\"}},\"NodeNames\":" + array + "}", table).nodeNames();
        assertThat(names.ids()).containsExactly(expectedId);
        if (expectedId >= 0) {
            assertThat(names.get(0)).isEqualTo(table.name(expectedId));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "'[\"n-1\",\"n-2\"]'              | n-1;n-2         | true",  // DNS names: copied verbatim into replies
        "'[ \"n-1\" , \"n-2\" ]'          | n-1;n-2         | true",  // whitespace between elements
        "'[\"a\\\"b\",\"n-2\"]'        | a\"b;n-2       | false", // escaped quote: decoded, and escaped again on output
        "'[\"a\\u0041\",\"n-2\"]'       | aA;n-2          | true",  // \\u escape: decoded, aA needs no escaping
        "'[\"x\u2028y\"]'                  | x\u2028y       | false", // valid raw, but JSON output escapes U+2028
        })
    void nodeNamesAreDecodedExactlyAndEscapedAgainInReplies(String array, String expected, boolean verbatim) throws Exception {
        List<String> names = WireDecoder.extenderArgs("{\"Pod\":{\"metadata\":{\"name\":\"p\"}},\"Nodes\":null,\"NodeNames\":" + array + "}").nodeNames();
        assertThat(names).containsExactly(expected.split(";"));
        String reply = WireEncoder.filterReply(names, new dev.berth.extender.placement.Reason[names.size()], null).toString();
        List<String> back = new java.util.ArrayList<>();
        com.google.gson.JsonParser.parseString(reply).getAsJsonObject().getAsJsonArray("NodeNames").forEach(e -> back.add(e.getAsString()));
        assertThat(back).isEqualTo(names);
        assertThat(reply.contains("\"" + names.get(0) + "\"")).as("first name copied verbatim").isEqualTo(verbatim);
    }

    @Test
    void fullModeKeepsEachNodeRawAndSkipsManagedFields() throws Exception {
        String n1 = node("n1", Map.of("topology.kubernetes.io/zone", "rack-a"), Map.of("berth.dev/disk-capacity", "500G"), 3);
        String n2 = node("n2", Map.of(), Map.of(), 0);
        ExtenderArgs args = WireDecoder.extenderArgs(fullArgs(POD, List.of(n1, n2)));
        assertThat(args.fullNodes()).isTrue();
        assertThat(args.nodes()).extracting(WireNode::name).containsExactly("n1", "n2");
        assertThat(args.nodes().get(0).raw()).isEqualTo(n1); // byte for byte, escapes included
        assertThat(args.nodes().get(1).raw()).isEqualTo(n2);
        assertThat(args.nodes().get(0).labels()).containsEntry("topology.kubernetes.io/zone", "rack-a");
        assertThat(args.nodes().get(0).annotations()).containsEntry("berth.dev/disk-capacity", "500G");
        assertThat(n1).contains("managedFields").contains("\\u003c");
    }

    @Test
    void lowerCaseAndMixedCaseKeysAreAcceptedAsGoDoes() throws Exception {
        ExtenderArgs args = WireDecoder.extenderArgs("{\"pod\":{\"metadata\":{\"name\":\"p\"}},\"nodenames\":[\"a\"],\"NODES\":null}");
        assertThat(args.nodeNames()).containsExactly("a");
        ExtenderBindingArgs bind = WireDecoder.bindingArgs("{\"podName\":\"p\",\"podNamespace\":\"ns\",\"podUID\":\"u\",\"node\":\"n\"}");
        assertThat(bind).isEqualTo(new ExtenderBindingArgs("p", "ns", "u", "n"));
    }

    @Test
    void unknownFieldsAnywhereAreIgnored() throws Exception {
        ExtenderArgs args = WireDecoder.extenderArgs("{\"Extra\":{\"deep\":[1,2.5e-3,true,false,null,\"x\"]},\"Pod\":{\"kind\":\"Pod\",\"metadata\":"
                + "{\"name\":\"p\",\"generateName\":\"p-\",\"labels\":null}},\"NodeNames\":[],\"Nodes\":null}");
        assertThat(args.nodeNames()).isEmpty();
        assertThat(args.pod().labels()).isEmpty();
    }

    @Test
    void multiByteCharactersDecodeAndEchoByteForByte() throws Exception {
        String node = "{\"metadata\":{\"name\":\"n1\",\"labels\":{\"zone\":\"z\u00fcrich-\u00e4\ud83d\ude00\",\"esc\":\"\\u00fc\\ud83d\\ude00\"}}}";
        ExtenderArgs args = WireDecoder.extenderArgs("{\"Pod\":{\"metadata\":{\"name\":\"p\"}},\"Nodes\":[" + node + "]}");
        assertThat(args.nodes().get(0).labels()).containsEntry("zone", "z\u00fcrich-\u00e4\ud83d\ude00")
                .containsEntry("esc", "\u00fc\ud83d\ude00"); // an escaped surrogate pair joins into one code point
        ByteBuilder reply = WireEncoder.filterReply(List.of("n1"), new dev.berth.extender.placement.Reason[1], args.nodes());
        assertThat(reply.toString()).contains(node);
    }

    @Test
    void bareArrayOfNodesIsAcceptedToo() throws Exception {
        ExtenderArgs args = WireDecoder.extenderArgs("{\"Pod\":{\"metadata\":{\"name\":\"p\"}},\"Nodes\":[{\"metadata\":{\"name\":\"n1\"}}]}");
        assertThat(args.nodes()).extracting(WireNode::name).containsExactly("n1");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|unexpected end of body",                                                        // empty body: Go would also fail
        "null|body is null",
        "[]|expected an object",
        "{\"Pod\":null,\"NodeNames\":[]}|Pod is missing",
        "{\"Pod\":{\"metadata\":{}},\"NodeNames\":[]}|Pod.metadata.name is missing",
        "{\"Pod\":{\"metadata\":null},\"NodeNames\":[]}|Pod.metadata.name is missing",           // valid JSON: null is absent
        "{\"Pod\":{\"metadata\":null,\"spec\":{}},\"NodeNames\":[]}|Pod.metadata.name is missing",
        "{\"Pod\":{\"metadata\":{\"name\":\"p\"}},\"Nodes\":{\"items\":[{\"metadata\":null,\"spec\":{}}]}}|Nodes.items[0].metadata.name is missing",
        "{\"Pod\":{\"metadata\":{\"name\":\"p\"}}}|neither Nodes nor NodeNames",
        "{\"Pod\":{\"metadata\":{\"name\":\"p\"}},\"Nodes\":null,\"NodeNames\":null}|both Nodes and NodeNames are null",
        "{\"Pod\":{\"metadata\":{\"name\":\"p\"}},\"Nodes\":[],\"NodeNames\":[]}|exactly one must be",
        "{\"Pod\":{\"metadata\":{\"name\":\"p\"}},\"NodeNames\":[\"\"]}|NodeNames[0] is empty",
        "{\"Pod\":{\"metadata\":{\"name\":\"p\"}},\"NodeNames\":[1]}|NodeNames[0] must be a string",
        "{\"Pod\":{\"metadata\":{\"name\":\"p\"}},\"Nodes\":{\"items\":[{\"metadata\":{}}]}}|Nodes.items[0].metadata.name is missing",
        "{\"Pod\":{\"metadata\":{\"name\":\"p\",\"labels\":{\"a\":1}}},\"NodeNames\":[]}|Pod.metadata.labels[a] must be a string",
        "{\"Pod\":{\"metadata\":{\"name\":\"p\"}},\"NodeNames\":[]} x|trailing data",
        "{\"Pod\":{\"metadata\":{\"name\":\"p\\q\"}},\"NodeNames\":[]}|invalid escape",
        "{\"Pod\":{\"metadata\":{\"name\":\"p\"}},\"NodeNames\":[],\"x\":01}|expected ',' or '}'",   // leading zero ends the number early
        "{\"Pod\":{\"metadata\":{\"name\":\"p\"}},\"NodeNames\":[],\"x\":tru}|invalid literal",
        "{\"Pod\":{\"metadata\":{\"name\":\"p\"}} \"NodeNames\":[]}|expected ',' or '}'"
    })
    void malformedBodiesAreRefusedWithAReason(String body, String reason) {
        assertThatThrownBy(() -> WireDecoder.extenderArgs(body)).isInstanceOf(BadRequestException.class).hasMessageContaining(reason);
    }

    @Test
    void deepNestingIsRefusedNotAStackOverflow() {
        String deep = "{\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + ",\"Pod\":{\"metadata\":{\"name\":\"p\"}},\"NodeNames\":[]}";
        assertThatThrownBy(() -> WireDecoder.extenderArgs(deep)).hasMessageContaining("nesting deeper than");
    }

    /**
     * At most 100,000 names per request, known or not (each unknown one is a String): 16.7 million
     * names of 64 MiB took about 1 GB. With and without a table, since the table's rows size the
     * first array of ids.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "100000 | a             | NULL",                                    // the cap itself is read
        "100001 | a             | NodeNames has more than 100000 node names",
        "100001 | shared-node-1 | NodeNames has more than 100000 node names", // known names, taken by the fast loop
        "100000 | shared-node-1 | NULL",
    })
    void nodeNamesPastTheCapAreRefused(int count, String name, String problem) throws Exception {
        String body = namesArgs(POD, java.util.Collections.nCopies(count, name));
        for (NodeTable table : java.util.Arrays.asList(TABLE, null)) {
            if (problem == null) {
                assertThat(WireDecoder.extenderArgs(body, table).nodeNames()).as("table %s", table != null).hasSize(count);
            } else {
                assertThatThrownBy(() -> WireDecoder.extenderArgs(body, table)).as("table %s", table != null)
                        .isInstanceOf(BadRequestException.class).hasMessage(problem);
            }
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"PodName\":\"p\",\"PodNamespace\":\"ns\",\"PodUID\":\"u\"}|Node is missing",
        "{\"PodName\":\"p\",\"PodNamespace\":\"ns\",\"Node\":\"n\"}|PodUID is missing",              // the Binding's precondition
        "{\"PodName\":\"p\",\"PodNamespace\":\"ns\",\"PodUID\":\"\",\"Node\":\"n\"}|PodUID is missing", // empty is no UID either
        "{\"PodName\":\"p\",\"PodNamespace\":\"ns\",\"PodUID\":null,\"Node\":\"n\"}|PodUID is missing",
        "{\"PodName\":\"\",\"PodNamespace\":\"ns\",\"Node\":\"n\"}|PodName is missing",
        "{\"PodName\":\"p\",\"Node\":\"n\"}|PodNamespace is missing",
        "{\"PodName\":5,\"PodNamespace\":\"ns\",\"Node\":\"n\"}|PodName must be a string",
        "{\"PodName\":\"p\",\"PodNamespace\":\"ns\",\"Node\":\"n\"}{}|trailing data"
    })
    void malformedBindBodiesAreRefused(String body, String reason) {
        assertThatThrownBy(() -> WireDecoder.bindingArgs(body)).hasMessageContaining(reason);
    }

    @Test
    void aBindBodyMayEndInWhitespaceAsAFileWrittenByHandDoes() throws Exception {
        assertThat(WireDecoder.bindingArgs("{\"PodName\":\"p\",\"PodNamespace\":\"ns\",\"PodUID\":\"u\",\"Node\":\"n\"}\r\n\t "))
                .isEqualTo(new ExtenderBindingArgs("p", "ns", "u", "n"));
    }

    @Test
    void filterReplyUsesCapitalisedKeysAndEchoesNodesVerbatim() throws Exception {
        String n1 = node("n1", Map.of("topology.kubernetes.io/zone", "a"), Map.of(), 1);
        ExtenderArgs args = WireDecoder.extenderArgs(fullArgs(POD, List.of(n1)));
        String reply = WireEncoder.filterResult(new ExtenderFilterResult(args.nodes(), null,
                Map.of("n2", "not enough free local disk"), Map.of("n3", "node has no rack label \"x\""), ""));
        assertThat(reply).startsWith("{\"Nodes\":{\"metadata\":{},\"items\":[" + n1 + "]},\"NodeNames\":null,");
        var json = JsonParser.parseString(reply).getAsJsonObject();
        assertThat(json.keySet()).containsExactly("Nodes", "NodeNames", "FailedNodes", "FailedAndUnresolvableNodes", "Error");
        assertThat(json.getAsJsonObject("FailedAndUnresolvableNodes").get("n3").getAsString()).isEqualTo("node has no rack label \"x\"");
        assertThat(WireEncoder.hostPriorities(List.of(new HostPriority("n1", 7)))).isEqualTo("[{\"Host\":\"n1\",\"Score\":7}]");
        assertThat(WireEncoder.bindingResult(new ExtenderBindingResult(""))).isEqualTo("{\"Error\":\"\"}");
    }

    @Test
    void podFactsParseQuantitiesAndRefuseBadOnes() throws Exception {
        var pod = Facts.brokerPod(WireDecoder.extenderArgs(namesArgs(POD, List.of())).pod());
        assertThat(pod.localStorageBytes()).isEqualTo(1_649_267_441_664L);
        assertThat(pod.brokerId()).isEqualTo(2);
        String bad = pod("kafka", "b", "u", Map.of("berth.dev/cluster", "orders"), Map.of("berth.dev/local-storage", "huge"));
        assertThatThrownBy(() -> Facts.brokerPod(WireDecoder.extenderArgs(namesArgs(bad, List.of())).pod()))
                .hasMessageContaining("berth.dev/local-storage").hasMessageContaining("huge");
        String badId = pod("kafka", "b", "u", Map.of("berth.dev/cluster", "orders", "berth.dev/broker-id", "two"), Map.of());
        assertThatThrownBy(() -> Facts.brokerPod(WireDecoder.extenderArgs(namesArgs(badId, List.of())).pod()))
                .hasMessageContaining("berth.dev/broker-id");
        String plain = pod("web", "w", "u", Map.of(), Map.of("berth.dev/local-storage", "huge"));
        assertThat(Facts.brokerPod(WireDecoder.extenderArgs(namesArgs(plain, List.of())).pod()).isBroker()).isFalse(); // not ours: not validated
    }
}
