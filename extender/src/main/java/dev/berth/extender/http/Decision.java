package dev.berth.extender.http;

import dev.berth.extender.placement.BrokerPod;
import dev.berth.extender.placement.NodeScore;
import dev.berth.extender.placement.Reason;
import dev.berth.extender.protocol.Json;
import dev.berth.extender.protocol.NameList;
import java.time.Instant;
import java.util.List;

/**
 * One filter, prioritize or bind decision, as logged (one JSON line) and served by
 * {@code /decisions}. It holds references to what the verb already computed; the JSON is only
 * built off the request path.
 *
 * @param names candidate node names in request order (filter, prioritize)
 * @param reasons aligned with {@code names}: why each node failed, {@code null} when it passed
 * @param scores aligned with {@code names} (prioritize), or {@code null}
 * @param facts the decoded pod (not logged), or null
 * @param outcome short stable word: fit, no-fit, scored, bound, bind-failed, bad-request, not-synced
 */
public record Decision(
        Instant time,
        String verb,
        String pod,
        String uid,
        String cluster,
        Integer brokerId,
        String outcome,
        List<String> names,
        Reason[] reasons,
        NodeScore[] scores,
        String chosen,
        String error,
        long latencyMicros,
        BrokerPod facts) {

    public String toJson() {
        return appendJson(new StringBuilder(256 + (names == null ? 0 : names.size() * 64))).toString();
    }

    /**
     * Appends the JSON line (without newline) to {@code b}. The log writer reuses one builder for
     * every line: a 5,000-node line is a few hundred KB, and building it afresh each time (with the
     * builder doubling as it grows) was the largest allocation of the whole extender.
     */
    public StringBuilder appendJson(StringBuilder b) {
        b.append("{\"ts\":");
        Json.string(b, time.toString());
        b.append(",\"verb\":");
        Json.string(b, verb);
        b.append(",\"pod\":");
        Json.string(b, pod);
        b.append(",\"uid\":");
        Json.string(b, uid);
        b.append(",\"cluster\":");
        Json.string(b, cluster);
        b.append(",\"brokerId\":").append(brokerId);
        b.append(",\"outcome\":");
        Json.string(b, outcome);
        if (names != null) {
            b.append(",\"candidates\":").append(names.size());
        }
        boolean plain = NameList.plain(names); // score nodes carry the same names
        if (names != null && reasons != null) {
            int passed = 0;
            for (int i = 0; i < names.size(); i++) {
                if (reasons[i] == null) {
                    passed++;
                }
            }
            b.append(",\"passed\":").append(passed).append(",\"failed\":{");
            boolean first = true;
            for (int i = 0; i < names.size(); i++) {
                Reason r = reasons[i];
                if (r == null) {
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
        if (scores != null) {
            b.append(",\"scores\":{");
            for (int i = 0; i < scores.length; i++) {
                NodeScore s = scores[i];
                if (i > 0) {
                    b.append(',');
                }
                Json.string(b, s.node(), plain).append(":{\"total\":").append(s.total()).append(",\"rack\":").append(s.rack())
                        .append(",\"leaders\":").append(s.leaders()).append(",\"disk\":").append(s.disk())
                        .append(",\"load\":").append(s.load()).append('}');
            }
            b.append('}');
        }
        b.append(",\"chosen\":");
        Json.string(b, chosen);
        b.append(",\"error\":");
        Json.string(b, error);
        return b.append(",\"latencyUs\":").append(latencyMicros).append('}');
    }

    private static final String[] QUOTED_REASONS = new String[Reason.values().length];

    static {
        for (Reason r : Reason.values()) {
            QUOTED_REASONS[r.ordinal()] = Json.string(new StringBuilder(), r.text()).toString();
        }
    }
}
