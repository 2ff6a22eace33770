package dev.berth.extender.http;

import dev.berth.extender.placement.BrokerPod;
import dev.berth.extender.placement.Reason;
import dev.berth.extender.placement.Scores;
import dev.berth.extender.protocol.ByteBuilder;
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
     * builder for every line. Node names the cache's table knows are copied as bytes from it,
     * never as Strings.
     *
     * <p>The per-node parts are written compactly, because at 5,000 nodes they are the whole line
     * and the log's cost (formatting, copying, storing) grows with its bytes:
     * <ul>
     *   <li>{@code failed} groups nodes by reason, in {@link Reason} order:
     *       {@code {"node has no rack label":["x1"],"broker rack mismatch":["a1","a2"]}}; this is
     *       also how kube-scheduler's own FailedScheduling message counts them;
     *   <li>{@code scores} gives each node an array in the order {@code scoreParts} names, once per
     *       line: {@code "scoreParts":["total","rack","leaders","disk","load"],"scores":{"b2":[8,10,10,0,0]}}.
     * </ul>
     * A filter over 5,000 nodes of which 4,500 fail on rack, and a prioritize over 2,700, take
     * about 60 KB and 80 KB instead of 160 KB and 175 KB as one object per node.
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
            appendFailed(b);
        }
        if (scores != null) {
            appendScores(b);
        }
        b.ascii(",\"chosen\":").jsonString(chosen);
        b.ascii(",\"error\":").jsonString(error);
        return b.ascii(",\"latencyUs\":").integer(latencyMicros).ascii('}');
    }

    /** {@code ,"passed":n,"failed":{"reason":["node",...],...}}: failed nodes grouped by reason. */
    private void appendFailed(ByteBuilder b) {
        int[] perReason = new int[Reason.values().length];
        int passed = 0;
        for (int i = 0; i < names.size(); i++) {
            if (reasons[i] == null) {
                passed++;
            } else {
                perReason[reasons[i].ordinal()]++;
            }
        }
        b.ascii(",\"passed\":").integer(passed).ascii(",\"failed\":{");
        boolean firstReason = true;
        for (Reason r : Reason.values()) {
            if (perReason[r.ordinal()] == 0) {
                continue;
            }
            if (!firstReason) {
                b.ascii(',');
            }
            firstReason = false;
            b.jsonString(r.text()).ascii(":[");
            boolean first = true;
            for (int i = 0; i < names.size(); i++) {
                if (reasons[i] == r) {
                    name(b, i, !first);
                    first = false;
                }
            }
            b.ascii(']');
        }
        b.ascii('}');
    }

    /** {@code ,"scoreParts":[...],"scores":{"node":[total,rack,leaders,disk,load],...}}. */
    private void appendScores(ByteBuilder b) {
        b.ascii(",\"scoreParts\":[\"total\",\"rack\",\"leaders\",\"disk\",\"load\"],\"scores\":{");
        for (int i = 0; i < scores.size(); i++) {
            name(b, i, i > 0);
            b.ascii(':');
            parts(b, i);
        }
        b.ascii('}');
    }

    /** {@code [t,r,l,d,load]} of node {@code i}. */
    private void parts(ByteBuilder b, int i) {
        int at = b.reserve(SCORE_ROOM);
        byte[] out = b.array();
        out[at] = '[';
        at = ByteBuilder.putSmall(out, at + 1, scores.total(i));
        out[at] = ',';
        at = ByteBuilder.putSmall(out, at + 1, scores.rack(i));
        out[at] = ',';
        at = ByteBuilder.putSmall(out, at + 1, scores.leaders(i));
        out[at] = ',';
        at = ByteBuilder.putSmall(out, at + 1, scores.disk(i));
        out[at] = ',';
        b.advanceTo(at + 1);
        b.integer(scores.load(i)).ascii(']');
    }

    /** Appends name {@code i} as a JSON string, after a comma when {@code comma}. */
    private void name(ByteBuilder b, int i, boolean comma) {
        if (names instanceof NameList list) {
            list.appendQuoted(i, b, comma);
            return;
        }
        if (comma) {
            b.ascii(',');
        }
        b.jsonString(names.get(i));
    }

    /** Room for {@code [t,r,l,d,} with four scores of at most two digits. */
    private static final int SCORE_ROOM = 16;
}
