package dev.berth.extender.http;

import dev.berth.extender.placement.BrokerPod;
import dev.berth.extender.placement.Reason;
import dev.berth.extender.placement.Scores;
import dev.berth.extender.protocol.ByteBuilder;
import dev.berth.extender.protocol.NameList;
import dev.berth.extender.protocol.WireEncoder;
import java.nio.charset.StandardCharsets;
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
        Scores scores,
        String chosen,
        String error,
        long latencyMicros,
        BrokerPod facts) {

    public String toJson() {
        return appendJson(new ByteBuilder(256 + (names == null ? 0 : names.size() * 64))).toString();
    }

    /**
     * Appends the JSON line (without newline) to {@code b}, as UTF-8. The log writer reuses one
     * builder for every line: a 5,000-node line is a few hundred KB. Node names the cache's table
     * knows are copied as bytes from it ({@link NameList#appendQuoted}), never as Strings.
     */
    public ByteBuilder appendJson(ByteBuilder b) {
        b.ascii("{\"ts\":").jsonString(time.toString());
        b.ascii(",\"verb\":").jsonString(verb);
        b.ascii(",\"pod\":").jsonString(pod);
        b.ascii(",\"uid\":").jsonString(uid);
        b.ascii(",\"cluster\":").jsonString(cluster);
        b.ascii(",\"brokerId\":");
        if (brokerId == null) {
            b.ascii("null");
        } else {
            b.integer(brokerId);
        }
        b.ascii(",\"outcome\":").jsonString(outcome);
        if (names != null) {
            b.ascii(",\"candidates\":").integer(names.size());
        }
        if (names != null && reasons != null) {
            int passed = 0;
            for (int i = 0; i < names.size(); i++) {
                if (reasons[i] == null) {
                    passed++;
                }
            }
            b.ascii(",\"passed\":").integer(passed).ascii(",\"failed\":{");
            boolean first = true;
            for (int i = 0; i < names.size(); i++) {
                Reason r = reasons[i];
                if (r == null) {
                    continue;
                }
                if (!first) {
                    b.ascii(',');
                }
                first = false;
                name(b, i).bytes(WireEncoder.colonReason(r));
            }
            b.ascii('}');
        }
        if (scores != null) {
            b.ascii(",\"scores\":{");
            for (int i = 0; i < scores.size(); i++) {
                if (i > 0) {
                    b.ascii(',');
                }
                name(b, i).bytes(TOTAL).integer(scores.total(i)).bytes(RACK).integer(scores.rack(i))
                        .bytes(LEADERS).integer(scores.leaders(i)).bytes(DISK).integer(scores.disk(i))
                        .bytes(LOAD).integer(scores.load(i)).ascii('}');
            }
            b.ascii('}');
        }
        b.ascii(",\"chosen\":").jsonString(chosen);
        b.ascii(",\"error\":").jsonString(error);
        return b.ascii(",\"latencyUs\":").integer(latencyMicros).ascii('}');
    }

    private ByteBuilder name(ByteBuilder b, int i) {
        if (names instanceof NameList list) {
            list.appendQuoted(i, b);
        } else {
            b.jsonString(names.get(i));
        }
        return b;
    }

    private static final byte[] TOTAL = ascii(":{\"total\":");
    private static final byte[] RACK = ascii(",\"rack\":");
    private static final byte[] LEADERS = ascii(",\"leaders\":");
    private static final byte[] DISK = ascii(",\"disk\":");
    private static final byte[] LOAD = ascii(",\"load\":");
    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
