package dev.berth.extender.protocol;

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

    public static String hostPriorities(List<HostPriority> list) {
        StringBuilder b = new StringBuilder(32 + list.size() * 32).append('[');
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
