package dev.berth.extender.protocol;

import static dev.berth.extender.testing.SchedulerWire.namesArgs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.extender.placement.NodeFacts;
import dev.berth.extender.placement.NodeTable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class NodeNameReaderTest {
    /** Bytes given as text with {@code ~} for a 0x01 byte and {@code %} for a 0xC3 byte (UTF-8 lead). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "'abc\"'                      | 0 | 3",  // within the first word's tail loop (under 8 bytes)
        "'node-00001\"'               | 0 | 10", // in the second word
        "'node-001\"'                 | 0 | 8",  // first byte of the second word
        "'node-00\"x'                 | 0 | 7",  // last byte of the first word
        "'no-quote-here-at-all'       | 0 | 20", // none: the limit
        "'name\\\\\"rest\"'           | 0 | 4",  // a backslash comes first
        "'ab\"~~~~~~~~\"'             | 0 | 2",  // 0x01 bytes after the quote: false marks above it are not taken
        "'~~~~~~~~~~~~\"'             | 0 | 12", // 0x01 bytes only, then the quote
        "'%%%%%%%%%%%%\"'             | 0 | 12", // bytes over 0x7F are not quotes
        "'xx\"yyyyyyyyyyyy\"'         | 3 | 15", // starting past the first quote
        })
    void theClosingQuoteOrABackslashIsFoundEightBytesAtATime(String text, int from, int expected) {
        byte[] b = text.replace('~', '\u0001').getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '%') {
                b[i] = (byte) 0xC3;
            }
        }
        assertThat(NodeNameReader.quoteOrBackslash(b, from, b.length)).isEqualTo(expected);
    }

    @Test
    void longListsInKubeSchedulersInterleavedOrderResolveExactly() throws Exception {
        List<NodeFacts> facts = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            String name = "ip-10-0-" + (i / 250) + "-" + (i % 250) + ".eu-west-1.compute.internal";
            facts.add(new NodeFacts(name, "a", null, List.of()));
            names.add(name);
        }
        NodeTable table = NodeTable.of(facts);
        Random random = new Random(5);
        for (int request = 0; request < 12; request++) {
            List<String> list = new ArrayList<>(names);
            if (request % 3 != 0) {
                Collections.shuffle(list, random); // orders that defeat the guesses: pauses, then retries
            }
            for (int k = 0; k < 40; k++) { // unknown names and an escaped spelling stop the fast loop
                int at = random.nextInt(list.size());
                list.set(at, k % 2 == 0 ? list.get(at) + "-gone" : list.get(at));
            }
            String body = namesArgs("{\"metadata\":{\"name\":\"p\"}}", list);
            body = body.replace("\"" + list.get(7) + "\"", "\"" + list.get(7).replace("ip-", "ip\\u002d") + "\"");
            NameList resolved = (NameList) WireDecoder.extenderArgs(body, table).nodeNames();
            assertThat(resolved).hasSize(list.size());
            for (int k = 0; k < list.size(); k++) {
                assertThat(resolved.id(k)).as("request %d element %d %s", request, k, list.get(k)).isEqualTo(table.idOf(list.get(k)));
            }
        }
    }
}
