package dev.berth.extender.protocol;

import dev.berth.extender.placement.NameIndex;
import dev.berth.extender.placement.Reason;
import dev.berth.extender.placement.Scores;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Encodes replies with the capitalised keys kube-scheduler's Go types use (it matches keys
 * case-insensitively, but capitalised is what it sends, so that is what berth answers). Replies are
 * written once, as UTF-8 bytes ({@link ByteBuilder}). In full mode the accepted nodes are echoed
 * from the request bytes, never re-encoded; node names a {@link NameList} resolved are copied from
 * the cache's table.
 */
public final class WireEncoder {
    private WireEncoder() {}

    /** {@code :"reason text"} per reason, as bytes and as words ({@link ByteBuilder#putWords}). */
    private static final byte[][] COLON_REASONS = new byte[Reason.values().length][];
    private static final long[][] COLON_REASON_WORDS = new long[Reason.values().length][];
    /** Room for the longest of them, rounded up to whole words. */
    private static final int COLON_REASON_ROOM;
    private static final byte[] HOST = ascii("{\"Host\":");
    private static final byte[] NEXT_HOST = ascii(",{\"Host\":");
    private static final byte[] SCORE = ascii(",\"Score\":");
    private static final long[] HOST_WORDS = ByteBuilder.words("{\"Host\":");
    private static final long[] NEXT_HOST_WORDS = ByteBuilder.words(",{\"Host\":");
    /** {@code ,"Score":s}} for the scores 0..10 a prioritize reply carries. */
    private static final long[][] SCORE_WORDS = new long[11][];

    static {
        for (int score = 0; score < SCORE_WORDS.length; score++) {
            SCORE_WORDS[score] = ByteBuilder.words(",\"Score\":" + score + "}");
        }
        int room = 0;
        for (Reason r : Reason.values()) {
            COLON_REASONS[r.ordinal()] = (":" + Json.string(new StringBuilder(), r.text())).getBytes(StandardCharsets.UTF_8);
            COLON_REASON_WORDS[r.ordinal()] = ByteBuilder.words(COLON_REASONS[r.ordinal()]);
            room = Math.max(room, 8 * (COLON_REASON_WORDS[r.ordinal()].length - 1));
        }
        COLON_REASON_ROOM = room;
    }

    /** A whole {@link ExtenderFilterResult} (tests and error replies); the verbs use {@link #filterReply}. */
    public static String filterResult(ExtenderFilterResult r) {
        ByteBuilder b = new ByteBuilder(128);
        b.ascii("{\"Nodes\":");
        nodes(b, r.nodes());
        b.ascii(",\"NodeNames\":");
        if (r.nodeNames() == null) {
            b.ascii("null");
        } else {
            b.ascii('[');
            for (int i = 0; i < r.nodeNames().size(); i++) {
                if (i > 0) {
                    b.ascii(',');
                }
                b.jsonString(r.nodeNames().get(i));
            }
            b.ascii(']');
        }
        b.ascii(",\"FailedNodes\":");
        map(b, r.failedNodes());
        b.ascii(",\"FailedAndUnresolvableNodes\":");
        map(b, r.failedAndUnresolvableNodes());
        b.ascii(",\"Error\":").jsonString(r.error() == null ? "" : r.error());
        return b.ascii('}').toString();
    }

    /**
     * The filter reply straight from the engine's verdicts, without building maps: the hot path at
     * thousands of nodes. {@code reasons} is aligned with {@code names}; a {@code null} reason means
     * the node passed. Full mode passes the accepted Node objects ({@code passedNodes}); names mode
     * passes null and gets the passed names in {@code NodeNames}.
     */
    public static ByteBuilder filterReply(List<String> names, Reason[] reasons, List<WireNode> passedNodes) {
        int hint = 128 + names.size() * 48;
        if (passedNodes != null) {
            for (WireNode n : passedNodes) {
                hint += n.end() - n.start() + 1;
            }
        }
        ByteBuilder b = new ByteBuilder(hint);
        Names quoted = new Names(names);
        b.ascii("{\"Nodes\":");
        nodes(b, passedNodes);
        if (passedNodes == null) {
            b.ascii(",\"NodeNames\":");
            int open = b.length();
            b.ascii('[');
            // the array prioritize will most likely be sent next (NameIndex#rememberWritten)
            NameIndex index = quoted.resolved() == null || quoted.resolved().table() == null ? null
                    : quoted.resolved().table().names();
            int[] rows = index != null ? new int[reasons.length] : null;
            int passed = 0;
            for (int i = 0; i < reasons.length; i++) {
                if (reasons[i] == null) {
                    quoted.append(i, b, passed > 0);
                    if (rows != null) {
                        rows[passed] = quoted.resolved().id(i);
                    }
                    passed++;
                }
            }
            b.ascii(']');
            if (index != null) {
                index.rememberWritten(b.array(), open, b.length(), Arrays.copyOf(rows, passed));
            }
        } else {
            b.ascii(",\"NodeNames\":null");
        }
        b.ascii(",\"FailedNodes\":");
        failures(b, quoted, reasons, false);
        b.ascii(",\"FailedAndUnresolvableNodes\":");
        failures(b, quoted, reasons, true);
        return b.ascii(",\"Error\":\"\"}");
    }

    /**
     * The prioritize reply: {@code [{"Host":"n1","Score":7},...]}, {@code names} aligned with
     * {@code scores}. An entry whose name the table holds and whose score is 0..10 (every entry,
     * in practice) is written with one capacity check and word stores: its constant parts are
     * precomputed words, its name is word-copied from the table.
     */
    public static ByteBuilder hostPriorities(List<String> names, Scores scores) {
        ByteBuilder b = new ByteBuilder(32 + names.size() * 40).ascii('[');
        NameList resolved = names instanceof NameList l && l.table() != null ? l : null;
        NameIndex index = resolved == null ? null : resolved.table().names();
        for (int i = 0; i < scores.size(); i++) {
            int id = resolved == null ? -1 : resolved.id(i);
            int length = id < 0 ? 0 : index.indexedLength(id);
            int score = scores.total(i);
            if (length > 0 && score >= 0 && score < SCORE_WORDS.length) {
                int at = b.reserve(16 + length + NameIndex.WORD_SLACK + 16);
                byte[] out = b.array();
                at = ByteBuilder.putWords(out, at, i == 0 ? HOST_WORDS : NEXT_HOST_WORDS);
                at = index.putQuotedName(id, out, at);
                b.advanceTo(ByteBuilder.putWords(out, at, SCORE_WORDS[score]));
                continue;
            }
            b.bytes(i == 0 ? HOST : NEXT_HOST);
            if (resolved != null) {
                resolved.appendQuoted(i, b, false);
            } else {
                b.jsonString(names.get(i));
            }
            b.bytes(SCORE).integer(score).ascii('}');
        }
        return b.ascii(']');
    }

    public static String hostPriorities(List<HostPriority> list) {
        ByteBuilder b = new ByteBuilder(32 + list.size() * 40).ascii('[');
        for (int i = 0; i < list.size(); i++) {
            b.bytes(i == 0 ? HOST : NEXT_HOST).jsonString(list.get(i).host()).bytes(SCORE).integer(list.get(i).score()).ascii('}');
        }
        return b.ascii(']').toString();
    }

    public static String bindingResult(ExtenderBindingResult r) {
        return "{\"Error\":" + Json.string(new StringBuilder(), r.error() == null ? "" : r.error()) + "}";
    }

    /** A filter reply that decides nothing: used for 400/503 answers, which carry only {@code Error}. */
    public static String filterError(String error) {
        return filterResult(new ExtenderFilterResult(null, null, Map.of(), Map.of(), error));
    }

    /** Appends quoted node names: from the table's bytes when a {@link NameList} resolved them. */
    private record Names(List<String> names, NameList resolved) {
        Names(List<String> names) {
            this(names, names instanceof NameList n ? n : null);
        }

        void append(int i, ByteBuilder b, boolean comma) {
            if (resolved != null) {
                resolved.appendQuoted(i, b, comma);
                return;
            }
            if (comma) {
                b.ascii(',');
            }
            b.jsonString(names.get(i));
        }
    }

    private static void nodes(ByteBuilder b, List<WireNode> nodes) {
        if (nodes == null) {
            b.ascii("null");
            return;
        }
        b.ascii("{\"metadata\":{},\"items\":[");
        for (int i = 0; i < nodes.size(); i++) {
            if (i > 0) {
                b.ascii(',');
            }
            nodes.get(i).appendRaw(b);
        }
        b.ascii("]}");
    }

    private static void failures(ByteBuilder b, Names names, Reason[] reasons, boolean permanent) {
        b.ascii('{');
        boolean first = true;
        for (int i = 0; i < reasons.length; i++) {
            Reason r = reasons[i];
            if (r == null || r.permanent() != permanent) {
                continue;
            }
            names.append(i, b, !first);
            first = false;
            int at = b.reserve(COLON_REASON_ROOM);
            b.advanceTo(ByteBuilder.putWords(b.array(), at, COLON_REASON_WORDS[r.ordinal()]));
        }
        b.ascii('}');
    }

    private static void map(ByteBuilder b, Map<String, String> m) {
        b.ascii('{');
        boolean first = true;
        for (Map.Entry<String, String> e : m.entrySet()) {
            if (!first) {
                b.ascii(',');
            }
            first = false;
            b.jsonString(e.getKey()).ascii(':').jsonString(e.getValue());
        }
        b.ascii('}');
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
