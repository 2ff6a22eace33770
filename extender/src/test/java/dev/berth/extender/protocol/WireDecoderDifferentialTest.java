package dev.berth.extender.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.berth.extender.placement.NodeFacts;
import dev.berth.extender.placement.NodeTable;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The wire decoder against a reference: Gson's reader in strict mode (RFC 8259, as Go's
 * {@code encoding/json} reads what kube-scheduler sends).
 *
 * <p>The hand-written cursor has its own number, string, escape and whitespace code, and a second
 * reader for node names that matches bytes against the table. Table tests pin the cases someone
 * thought of; this test draws the rest. Each body is written by a small random writer of its own
 * that spells the same strings in every legal way (raw, short escapes, {@code \}{@code u} escapes in
 * either case, surrogate pairs) with random whitespace and random unknown fields, so the expected
 * decoded values are known without trusting any parser:
 * <ul>
 *   <li>every such body is accepted, and the pod's labels and the node names (decoded with and
 *       without a node table) are exactly the strings written, and what Gson reads too;
 *   <li>every body with one to three random byte edits is refused with a {@link BadRequestException}
 *       when Gson refuses it, and accepted when Gson accepts it, or refused for its shape (a missing
 *       or mistyped field), never for its syntax. No other exception ever escapes.
 * </ul>
 * The seed is fixed, so a failure names a body that fails again.
 */
class WireDecoderDifferentialTest {
    private static final long SEED = 0x6265727468L;
    /** Refusals of valid JSON of the wrong shape: a missing or mistyped field, a bad label. */
    private static final Pattern SHAPE_ERROR = Pattern.compile(
            "must be a string|is missing|is empty|neither Nodes|both Nodes|expected an (object|array)|body is null|pod (label|annotation)");
    private static final TypeAdapter<JsonElement> TREE = new Gson().getAdapter(JsonElement.class);

    /** Characters strings are drawn from: ASCII, JSON's specials, controls, and beyond the BMP. */
    private static final String PALETTE = "abcXYZ019-._/ \"\\\b\f\n\r\t\u0000\u001f\u007f\u00e9\u00fc\u4e2d\u2028\u2029\ufffd";

    @Test
    void bodiesSpelledEveryLegalWayDecodeToExactlyTheirStrings() throws Exception {
        Random random = new Random(SEED);
        for (int n = 0; n < 3_000; n++) {
            Body body = Body.random(random);
            String text = body.json;
            try {
                ExtenderArgs plain = WireDecoder.extenderArgs(text);
                assertThat(plain.pod().labels()).as(text).isEqualTo(body.labels);
                assertThat(plain.nodeNames()).as(text).isEqualTo(body.names);

                NodeTable table = NodeTable.of(body.names.stream().filter(s -> random.nextBoolean()).distinct()
                        .map(s -> new NodeFacts(s, "r", null, List.of())).toList());
                byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                assertThat(WireDecoder.extenderArgs(bytes, bytes.length, table).nodeNames()).as(text).isEqualTo(body.names);
            } catch (BadRequestException e) {
                fail("refused a valid body: " + e.getMessage() + "\n" + text);
            }
            JsonElement tree = gson(text);
            assertThat(tree).as("the reference reads it too: %s", text).isNotNull();
            Map<String, String> gsonLabels = new LinkedHashMap<>();
            tree.getAsJsonObject().getAsJsonObject("Pod").getAsJsonObject("metadata").getAsJsonObject("labels")
                    .entrySet().forEach(e -> gsonLabels.put(e.getKey(), e.getValue().getAsString()));
            assertThat(gsonLabels).as(text).isEqualTo(body.labels);
        }
    }

    @Test
    void editedBodiesAreRefusedExactlyWhenTheReferenceRefusesThem() {
        Random random = new Random(SEED + 1);
        int refused = 0;
        int accepted = 0;
        for (int n = 0; n < 20_000; n++) {
            byte[] bytes = edit(Body.random(random).json.getBytes(StandardCharsets.UTF_8), random);
            String text = new String(bytes, StandardCharsets.UTF_8);
            boolean valid = gson(text) != null;
            try {
                WireDecoder.extenderArgs(bytes, bytes.length, null);
                if (!valid) {
                    fail("accepted what the reference refuses:\n" + text);
                }
                accepted++;
            } catch (BadRequestException e) {
                if (valid && !SHAPE_ERROR.matcher(e.getMessage()).find()) {
                    fail("called valid JSON malformed (" + e.getMessage() + "):\n" + text);
                }
                refused++;
            } catch (RuntimeException e) {
                throw new AssertionError("not a BadRequestException for:\n" + text, e);
            }
        }
        // the edits must exercise both sides, or the comparison proves little
        assertThat(refused).isGreaterThan(5_000);
        assertThat(accepted).isGreaterThan(2_000);
    }

    /** Gson's strict reading of a whole document, or {@code null} when it refuses it. */
    private static JsonElement gson(String text) {
        try {
            JsonReader reader = new JsonReader(new StringReader(text));
            reader.setStrictness(Strictness.STRICT);
            JsonElement tree = TREE.read(reader);
            return reader.peek() == JsonToken.END_DOCUMENT ? tree : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** One to three edits: a byte deleted, replaced or inserted, from bytes JSON cares about. */
    private static byte[] edit(byte[] in, Random random) {
        byte[] significant = "{}[]\",:\\ \t\n0123456789-+.eEtrufalsn/ux\u0001".getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = in;
        for (int e = random.nextInt(3); e >= 0; e--) {
            int at = random.nextInt(out.length);
            byte b = significant[random.nextInt(significant.length)];
            byte[] next;
            switch (random.nextInt(3)) {
                case 0 -> {
                    next = new byte[out.length - 1];
                    System.arraycopy(out, 0, next, 0, at);
                    System.arraycopy(out, at + 1, next, at, out.length - at - 1);
                }
                case 1 -> {
                    next = out.clone();
                    next[at] = b;
                }
                default -> {
                    next = new byte[out.length + 1];
                    System.arraycopy(out, 0, next, 0, at);
                    next[at] = b;
                    System.arraycopy(out, at, next, at + 1, out.length - at);
                }
            }
            out = next;
        }
        return out;
    }

    /** A names-mode body with the strings it holds. */
    private record Body(String json, Map<String, String> labels, List<String> names) {
        static Body random(Random r) {
            Writer w = new Writer(r);
            Map<String, String> labels = new LinkedHashMap<>();
            for (int i = r.nextInt(4); i > 0; i--) {
                labels.put("k" + labels.size() + randomText(r, 3), randomText(r, 8));
            }
            List<String> names = new ArrayList<>();
            for (int i = r.nextInt(5); i > 0; i--) {
                String name = r.nextBoolean() ? "node-" + r.nextInt(50) : "n" + randomText(r, 10);
                names.add(name);
            }
            w.open('{');
            w.unknownFields(2);
            w.key("Pod").open('{');
            w.unknownFields(1);
            w.key("metadata").open('{');
            w.key("name").string("p" + randomText(r, 4));
            w.unknownFields(1);
            w.key("labels").open('{');
            labels.forEach((k, v) -> w.key(k).string(v));
            w.close('}').close('}').close('}');
            w.key("NodeNames").open('[');
            names.forEach(w::string);
            w.close(']');
            if (r.nextBoolean()) {
                w.key("Nodes").literal("null");
            }
            w.unknownFields(1);
            w.close('}');
            return new Body(w.text(), labels, names);
        }

        private static String randomText(Random r, int maxLength) {
            StringBuilder s = new StringBuilder();
            for (int i = r.nextInt(maxLength + 1); i > 0; i--) {
                if (r.nextInt(12) == 0) {
                    s.appendCodePoint(0x1F600 + r.nextInt(64)); // a surrogate pair in UTF-16
                } else {
                    s.append(PALETTE.charAt(r.nextInt(PALETTE.length())));
                }
            }
            return s.toString();
        }
    }

    /** Writes JSON with random spacing, spellings and extra fields; commas are its business. */
    private static final class Writer {
        private final Random r;
        private final StringBuilder out = new StringBuilder();
        private boolean first = true;

        Writer(Random r) {
            this.r = r;
        }

        Writer open(char c) {
            separate();
            out.append(c);
            first = true;
            return this;
        }

        Writer close(char c) {
            space();
            out.append(c);
            first = false;
            return this;
        }

        Writer key(String k) {
            separate();
            spell(k);
            space();
            out.append(':');
            first = true; // the value that follows takes no comma
            return this;
        }

        Writer string(String s) {
            separate();
            spell(s);
            first = false;
            return this;
        }

        Writer literal(String s) {
            separate();
            out.append(s);
            first = false;
            return this;
        }

        void unknownFields(int max) {
            for (int i = r.nextInt(max + 1); i > 0; i--) {
                key("x" + r.nextInt(1000)).value(0);
            }
        }

        private void value(int depth) {
            int kind = r.nextInt(depth > 3 ? 5 : 7);
            switch (kind) {
                case 0 -> literal(r.nextBoolean() ? "true" : r.nextBoolean() ? "false" : "null");
                case 1, 2 -> literal(number());
                case 3, 4 -> string(Body.randomText(r, 6));
                case 5 -> {
                    open('[');
                    for (int i = r.nextInt(4); i > 0; i--) {
                        value(depth + 1);
                    }
                    close(']');
                }
                default -> {
                    open('{');
                    for (int i = r.nextInt(4); i > 0; i--) {
                        key(Body.randomText(r, 4)).value(depth + 1);
                    }
                    close('}');
                }
            }
        }

        private String number() {
            StringBuilder n = new StringBuilder();
            if (r.nextBoolean()) {
                n.append('-');
            }
            n.append(r.nextInt(4) == 0 ? "0" : String.valueOf(1 + r.nextInt(99_999)));
            if (r.nextBoolean()) {
                n.append('.').append(r.nextInt(1000));
            }
            if (r.nextInt(3) == 0) {
                n.append(r.nextBoolean() ? 'e' : 'E').append(switch (r.nextInt(3)) {
                    case 0 -> "";
                    case 1 -> "+";
                    default -> "-";
                }).append(r.nextInt(40));
            }
            return n.toString();
        }

        private void separate() {
            space();
            if (!first) {
                out.append(',');
                space();
            }
            first = false;
        }

        private void space() {
            if (r.nextInt(4) == 0) {
                out.append(" \t\n\r".charAt(r.nextInt(4)));
            }
        }

        /** A string in one of its legal spellings, chosen per character. */
        private void spell(String s) {
            out.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                int how = r.nextInt(4);
                String shortForm = switch (c) {
                    case '"' -> "\\\"";
                    case '\\' -> "\\\\";
                    case '\b' -> "\\b";
                    case '\f' -> "\\f";
                    case '\n' -> "\\n";
                    case '\r' -> "\\r";
                    case '\t' -> "\\t";
                    case '/' -> how == 0 ? "\\/" : "/";
                    default -> null;
                };
                if (Character.isHighSurrogate(c)) {
                    // both halves in the same spelling: raw UTF-8 for the code point, or two escapes
                    char low = s.charAt(++i);
                    out.append(how == 1 ? String.format("\\u%04x\\u%04X", (int) c, (int) low) : "" + c + low);
                } else if (shortForm != null && how != 1) {
                    out.append(shortForm);
                } else if (c < 0x20 || c == '"' || c == '\\' || how == 1) {
                    String hex = String.format("%04x", (int) c);
                    out.append("\\u").append(r.nextBoolean() ? hex : hex.toUpperCase());
                } else {
                    out.append(c);
                }
            }
            out.append('"');
        }

        String text() {
            space();
            return out.toString();
        }
    }
}
