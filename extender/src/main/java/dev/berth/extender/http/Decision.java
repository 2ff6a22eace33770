package dev.berth.extender.http;

import dev.berth.extender.placement.BrokerPod;
import dev.berth.extender.placement.NameIndex;
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
 * @param outcome short stable word: fit, no-fit, scored, bound or bind-failed (a refused request, bad-request
 *     or not-synced, is only counted in the metrics and logged: it makes no decision)
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

    /**
     * {@code ,"scoreParts":[...],"scores":{"node":[total,rack,leaders,disk,load],...}}. An entry
     * whose name the table holds and whose parts are 0..10 (every entry, in practice) is written
     * with one capacity check: the name word-copied from the table, then {@code :[t,r,} and
     * {@code l,d,} as one precomputed word each, then the load's digits.
     *
     * <p>A node the request named twice is written once: its two entries score alike, and a JSON
     * object with a key twice loses one of them in most readers (jq keeps the last) anyway.
     */
    private void appendScores(ByteBuilder b) {
        b.ascii(",\"scoreParts\":[\"total\",\"rack\",\"leaders\",\"disk\",\"load\"],\"scores\":{");
        NameList known = names instanceof NameList list && list.table() != null ? list : null;
        NameIndex index = known == null ? null : known.table().names();
        long[] seenRows = known == null ? null : new long[(known.table().size() + 63) >>> 6];
        java.util.Set<String> seenNames = null; // names the table does not hold: rare
        boolean first = true;
        for (int i = 0; i < scores.size(); i++) {
            int id = known == null ? -1 : known.id(i);
            if (id >= 0) {
                long bit = 1L << id;
                if ((seenRows[id >>> 6] & bit) != 0) {
                    continue;
                }
                seenRows[id >>> 6] |= bit;
            } else {
                seenNames = seenNames == null ? new java.util.HashSet<>() : seenNames;
                if (!seenNames.add(names.get(i))) {
                    continue;
                }
            }
            boolean comma = !first;
            first = false;
            int length = id < 0 ? 0 : index.indexedLength(id);
            int pair = PartWords.pair(scores.total(i), scores.rack(i));
            int pair2 = PartWords.pair(scores.leaders(i), scores.disk(i));
            long load = scores.load(i);
            if (length > 0 && pair >= 0 && pair2 >= 0 && load >= 0 && load <= Integer.MAX_VALUE) {
                int at = b.reserve(1 + length + NameIndex.WORD_SLACK + 8 + 8 + 11);
                byte[] out = b.array();
                if (comma) {
                    out[at++] = ',';
                }
                at = index.putQuotedName(id, out, at);
                at = ByteBuilder.putWord(out, at, PartWords.OPEN[pair], PartWords.OPEN_LENGTH[pair]);
                at = ByteBuilder.putWord(out, at, PartWords.MIDDLE[pair2], PartWords.MIDDLE_LENGTH[pair2]);
                at = ByteBuilder.putDigits(out, at, (int) load);
                out[at] = ']';
                b.advanceTo(at + 1);
                continue;
            }
            name(b, i, comma);
            b.ascii(':');
            parts(b, i);
        }
        b.ascii('}');
    }

    /** {@code [t,r,l,d,load]} of node {@code i}. */
    private void parts(ByteBuilder b, int i) {
        b.ascii('[').integer(scores.total(i)).ascii(',').integer(scores.rack(i)).ascii(',').integer(scores.leaders(i))
                .ascii(',').integer(scores.disk(i)).ascii(',').integer(scores.load(i)).ascii(']');
    }

    /**
     * The score parts of a decision line as words: {@code :[t,r,} and {@code l,d,} for every pair
     * of parts in 0..10, at most 8 bytes each, indexed by {@link #pair}.
     */
    private static final class PartWords {
        static final int SIZE = 11;
        static final long[] OPEN = new long[SIZE * SIZE];
        static final int[] OPEN_LENGTH = new int[SIZE * SIZE];
        static final long[] MIDDLE = new long[SIZE * SIZE];
        static final int[] MIDDLE_LENGTH = new int[SIZE * SIZE];

        static {
            for (int x = 0; x < SIZE; x++) {
                for (int y = 0; y < SIZE; y++) {
                    String open = ":[" + x + "," + y + ",";
                    String middle = x + "," + y + ",";
                    OPEN[x * SIZE + y] = ByteBuilder.words(open)[0];
                    OPEN_LENGTH[x * SIZE + y] = open.length();
                    MIDDLE[x * SIZE + y] = ByteBuilder.words(middle)[0];
                    MIDDLE_LENGTH[x * SIZE + y] = middle.length();
                }
            }
        }

        /** The index of parts {@code (x, y)}, or -1 when either is outside 0..10. */
        static int pair(int x, int y) {
            return x >= 0 && x < SIZE && y >= 0 && y < SIZE ? x * SIZE + y : -1;
        }
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
}
