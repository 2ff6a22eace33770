package dev.berth.extender.http;

import dev.berth.extender.placement.BrokerPod;
import dev.berth.extender.placement.NodeScore;
import dev.berth.extender.placement.Reason;
import dev.berth.extender.protocol.Json;
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
 * @param facts the decoded pod (not logged; bind reuses it to reserve the right disk and cluster)
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
        StringBuilder b = new StringBuilder(256 + (names == null ? 0 : names.size() * 48));
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
        if (names != null && reasons != null) {
            int passed = 0;
            StringBuilder failed = new StringBuilder("{");
            for (int i = 0; i < names.size(); i++) {
                Reason r = reasons == null ? null : reasons[i];
                if (r == null) {
                    passed++;
                    continue;
                }
                if (failed.length() > 1) {
                    failed.append(',');
                }
                Json.string(failed, names.get(i)).append(':');
                Json.string(failed, r.text());
            }
            b.append(",\"passed\":").append(passed).append(",\"failed\":").append(failed).append('}');
        }
        if (scores != null) {
            b.append(",\"scores\":{");
            for (int i = 0; i < scores.length; i++) {
                NodeScore s = scores[i];
                if (i > 0) {
                    b.append(',');
                }
                Json.string(b, s.node()).append(":{\"total\":").append(s.total()).append(",\"rack\":").append(s.rack())
                        .append(",\"leaders\":").append(s.leaders()).append(",\"disk\":").append(s.disk())
                        .append(",\"load\":").append(s.load()).append('}');
            }
            b.append('}');
        }
        b.append(",\"chosen\":");
        Json.string(b, chosen);
        b.append(",\"error\":");
        Json.string(b, error);
        return b.append(",\"latencyUs\":").append(latencyMicros).append('}').toString();
    }
}
