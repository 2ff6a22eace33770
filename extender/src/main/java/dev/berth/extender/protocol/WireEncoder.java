package dev.berth.extender.protocol;

import dev.berth.extender.placement.Reason;
import dev.berth.extender.placement.Scores;
import java.util.List;
import java.util.Map;

/**
 * Encodes replies with the capitalised keys kube-scheduler's Go types use (it matches keys
 * case-insensitively, but capitalised is what it sends, so that is what berth answers). In full
 * mode the accepted nodes are echoed from the request bytes, never re-encoded.
 */
public final class WireEncoder {
    private WireEncoder() {}

    public static String filterResult(ExtenderFilterResult r) {
        int hint = 128;
        if (r.nodes() != null) {
            for (WireNode n : r.nodes()) {
                hint += n.end() - n.start() + 1;
            }
        }
        StringBuilder b = new StringBuilder(hint);
        b.append("{\"Nodes\":");
        if (r.nodes() == null) {
            b.append("null");
        } else {
            b.append("{\"metadata\":{},\"items\":[");
            for (int i = 0; i < r.nodes().size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                r.nodes().get(i).appendRaw(b);
            }
            b.append("]}");
        }
        b.append(",\"NodeNames\":");
        if (r.nodeNames() == null) {
            b.append("null");
        } else {
            b.append('[');
            for (int i = 0; i < r.nodeNames().size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                Json.string(b, r.nodeNames().get(i));
            }
            b.append(']');
        }
        b.append(",\"FailedNodes\":");
        map(b, r.failedNodes());
        b.append(",\"FailedAndUnresolvableNodes\":");
        map(b, r.failedAndUnresolvableNodes());
        b.append(",\"Error\":");
        Json.string(b, r.error() == null ? "" : r.error());
        return b.append('}').toString();
    }

    private static final String[] QUOTED_REASONS = new String[Reason.values().length];
    /** {@code :"reason text"} per reason, in UTF-8, for the byte replies. */
    private static final byte[][] COLON_REASONS = new byte[Reason.values().length][];

    static {
        for (Reason r : Reason.values()) {
            QUOTED_REASONS[r.ordinal()] = Json.string(new StringBuilder(), r.text()).toString();
            COLON_REASONS[r.ordinal()] = (":" + QUOTED_REASONS[r.ordinal()]).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /**
     * The names-mode filter reply, written as bytes straight from the engine's verdicts: the hot
     * path at thousands of nodes. {@code reasons} is aligned with {@code names}; a {@code null}
     * reason means the node passed.
     */
    public static ByteBuilder filterReply(NameList names, Reason[] reasons) {
        ByteBuilder b = new ByteBuilder(128 + names.size() * 48);
        b.ascii("{\"Nodes\":null,\"NodeNames\":[");
        boolean first = true;
        for (int i = 0; i < reasons.length; i++) {
            if (reasons[i] == null) {
                if (!first) {
                    b.ascii(',');
                }
                first = false;
                names.appendQuoted(i, b);
            }
        }
        b.ascii("],\"FailedNodes\":");
        failures(b, names, reasons, false);
        b.ascii(",\"FailedAndUnresolvableNodes\":");
        failures(b, names, reasons, true);
        return b.ascii(",\"Error\":\"\"}");
    }

    private static void failures(ByteBuilder b, NameList names, Reason[] reasons, boolean permanent) {
        b.ascii('{');
        boolean first = true;
        for (int i = 0; i < reasons.length; i++) {
            Reason r = reasons[i];
            if (r == null || r.permanent() != permanent) {
                continue;
            }
            if (!first) {
                b.ascii(',');
            }
            first = false;
            names.appendQuoted(i, b);
            b.bytes(COLON_REASONS[r.ordinal()]);
        }
        b.ascii('}');
    }

    private static final byte[] HOST = "{\"Host\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] NEXT_HOST = ",{\"Host\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] SCORE = ",\"Score\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** The names-mode prioritize reply as bytes: {@code [{"Host":"n1","Score":7},...]}. */
    public static ByteBuilder hostPriorities(NameList names, Scores scores) {
        ByteBuilder b = new ByteBuilder(32 + names.size() * 40).ascii('[');
        for (int i = 0; i < scores.size(); i++) {
            b.bytes(i == 0 ? HOST : NEXT_HOST);
            names.appendQuoted(i, b);
            b.bytes(SCORE).integer(scores.total(i)).ascii('}');
        }
        return b.ascii(']');
    }

    /**
     * The filter reply straight from the engine's verdicts, without building maps: the hot path at
     * thousands of nodes. {@code reasons} is aligned with {@code names}; exactly one of
     * {@code passedNodes} (full mode) and {@code passedNames} is non-null.
     */
    public static String filterReply(List<WireNode> passedNodes, List<String> passedNames, List<String> names, Reason[] reasons) {
        boolean plain = NameList.plain(names); // passedNames are a subset of names
        int hint = 128 + names.size() * 56;
        if (passedNodes != null) {
            for (WireNode n : passedNodes) {
                hint += n.end() - n.start() + 1;
            }
        }
        StringBuilder b = new StringBuilder(hint);
        b.append("{\"Nodes\":");
        if (passedNodes == null) {
            b.append("null,\"NodeNames\":[");
            for (int i = 0; i < passedNames.size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                Json.string(b, passedNames.get(i), plain);
            }
            b.append(']');
        } else {
            b.append("{\"metadata\":{},\"items\":[");
            for (int i = 0; i < passedNodes.size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                passedNodes.get(i).appendRaw(b);
            }
            b.append("]},\"NodeNames\":null");
        }
        b.append(",\"FailedNodes\":");
        failures(b, names, reasons, false, plain);
        b.append(",\"FailedAndUnresolvableNodes\":");
        failures(b, names, reasons, true, plain);
        return b.append(",\"Error\":\"\"}").toString();
    }

    private static void failures(StringBuilder b, List<String> names, Reason[] reasons, boolean permanent, boolean plain) {
        b.append('{');
        boolean first = true;
        for (int i = 0; i < reasons.length; i++) {
            Reason r = reasons[i];
            if (r == null || r.permanent() != permanent) {
                continue;
            }
            if (!first) {
                b.append(',');
            }
            first = false;
            Json.string(b, names.get(i), plain).append(':').append(QUOTED_REASONS[r.ordinal()]);
        }
        b.append('}');
    }

    public static String hostPriorities(List<HostPriority> list) {
        StringBuilder b = new StringBuilder(32 + list.size() * 48).append('[');
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append("{\"Host\":");
            Json.string(b, list.get(i).host());
            b.append(",\"Score\":").append(list.get(i).score()).append('}');
        }
        return b.append(']').toString();
    }

    /** The full-mode prioritize reply: {@code names} aligned with {@code scores}. */
    public static String hostPriorities(List<String> names, Scores scores) {
        StringBuilder b = new StringBuilder(32 + scores.size() * 48).append('[');
        for (int i = 0; i < scores.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append("{\"Host\":");
            Json.string(b, names.get(i));
            b.append(",\"Score\":").append(scores.total(i)).append('}');
        }
        return b.append(']').toString();
    }

    public static String bindingResult(ExtenderBindingResult r) {
        StringBuilder b = new StringBuilder("{\"Error\":");
        Json.string(b, r.error() == null ? "" : r.error());
        return b.append('}').toString();
    }

    /** A filter reply that decides nothing: used for 400/503 answers, which carry only {@code Error}. */
    public static String filterError(String error) {
        return filterResult(new ExtenderFilterResult(null, null, Map.of(), Map.of(), error));
    }

    private static void map(StringBuilder b, Map<String, String> m) {
        b.append('{');
        boolean first = true;
        for (Map.Entry<String, String> e : m.entrySet()) {
            if (!first) {
                b.append(',');
            }
            first = false;
            Json.string(b, e.getKey());
            b.append(':');
            Json.string(b, e.getValue());
        }
        b.append('}');
    }
}
