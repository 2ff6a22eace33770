package dev.berth.extender.protocol;

import dev.berth.extender.placement.NameIndex;
import dev.berth.extender.placement.NodeTable;
import java.util.Arrays;

/**
 * Reads a names-mode {@code NodeNames} array into rows of the cache's {@link NodeTable}, matching
 * names on the body's bytes.
 *
 * <p><b>Goal.</b> A filter request names up to 5,000 nodes and arrives for every pod, so resolving
 * a name has to cost about as much as reading it. <b>Constraint:</b> the answer must be exactly
 * what decoding the JSON string and looking it up would give, for any spelling.
 *
 * <p><b>Algorithm.</b> First the whole array: prioritize is sent exactly the {@code NodeNames} the
 * filter reply for the same pod wrote, so when the array is byte for byte the last one written
 * ({@link NameIndex#recallWritten}), its rows are known without reading a name. Otherwise, per
 * element, cheapest first:
 * <ol>
 *   <li>Guess: the row that followed the previous element's row last time
 *       ({@link NameIndex#guessAfter}). kube-scheduler lists nodes in a stable order, so from the
 *       second request on nearly every guess is right. A run of right guesses separated by bare
 *       commas is taken in one tight loop ({@link #guessedRun}).
 *   <li>Find: scan to the closing quote and look the bytes up in the table's hash index
 *       ({@link NameIndex#find}); the answer becomes the next guess ({@link NameIndex#learn}).
 *   <li>Decode: anything else (escapes, non-ASCII, whitespace oddities, a name the table does not
 *       know) is decoded as a JSON string and looked up by value, or kept as an unknown name.
 * </ol>
 * Steps 1 and 2 only ever match names the table indexed, which contain no {@code "} or {@code \}
 * and are ASCII: such a name followed by a quote is exactly that JSON string.
 *
 * <p><b>Example.</b> Table rows {@code n1, n2, n3}. Request {@code ["n1","n2","n3"]}: with fresh
 * hints (table order) all three are guesses. Request {@code ["n1","n3"]}: {@code n1} is guessed,
 * the guess {@code n2} fails on {@code n3}, which is found and learnt, so the next
 * {@code ["n1","n3"]} is all guesses. {@code n1} written with an escaped character decodes to
 * {@code n1} and is found by value: row 0.
 */
final class NodeNameReader {
    private NodeNameReader() {}

    static NameList read(JsonCursor c, String where, NodeTable table) throws BadRequestException {
        int[] ids = new int[table == null ? 1024 : Math.max(16, table.size())];
        String[] unknown = null; // made on the first name the table does not know
        int n = 0;
        int previous = -1; // the last known name's row: the guess for the next one
        NameIndex index = table == null ? null : table.names();
        NameIndex.WrittenNames written = index == null ? null : index.recallWritten(c.source(), c.position(), c.limit());
        if (written != null) {
            c.seek(c.position() + written.bytes().length);
            return new NameList(table, written.rows(), null);
        }
        c.beginArray();
        for (boolean first = true; c.hasNext(first, ']'); first = false) {
            if (index != null) {
                int before = n;
                n = guessedRun(c, index, ids, n, previous);
                if (n > before) {
                    previous = ids[n - 1];
                    continue;
                }
            }
            int id = index == null ? -1 : found(c, index, previous);
            String name = null;
            if (id < 0) {
                name = c.nextStringOrNull(where, n, null);
                id = table == null || name == null ? -1 : table.idOf(name);
            }
            if (n == ids.length) {
                ids = Arrays.copyOf(ids, 2 * n);
            }
            ids[n] = id;
            if (id >= 0) {
                previous = id;
            } else {
                if (name == null || name.isEmpty()) {
                    throw new BadRequestException(where + "[" + n + "] is empty");
                }
                if (unknown == null) {
                    unknown = new String[ids.length];
                } else if (unknown.length < ids.length) {
                    unknown = Arrays.copyOf(unknown, ids.length);
                }
                unknown[n] = name;
            }
            n++;
        }
        return new NameList(table, Arrays.copyOf(ids, n), unknown == null ? null : Arrays.copyOf(unknown, n));
    }

    /**
     * Step 1 from the start of an element: takes elements while each is the guessed row's name and
     * the next follows after a bare comma, storing rows into {@code ids} from {@code n} (while room
     * is left). Leaves the cursor after the last element taken, before its comma or the closing
     * bracket, so the general loop goes on from there. Returns the new {@code n}.
     */
    private static int guessedRun(JsonCursor c, NameIndex index, int[] ids, int n, int previous) {
        byte[] b = c.source();
        int limit = c.limit();
        int p = c.position();
        int taken = p; // just after the last element taken
        while (n < ids.length && p < limit && b[p] == '"') {
            int row = index.guessAfter(previous, b, p + 1, limit);
            if (row < 0) {
                break;
            }
            ids[n++] = row;
            previous = row;
            p += index.indexedLength(row) + 2;
            taken = p;
            if (p + 1 >= limit || b[p] != ',') {
                break;
            }
            p++;
        }
        c.seek(taken);
        return n;
    }

    /**
     * Steps 1 and 2 for one element: its row when the element is a plain string the table indexes
     * (the cursor then moves past it), else -1 with the cursor where it was.
     */
    private static int found(JsonCursor c, NameIndex index, int previous) {
        byte[] b = c.source();
        int limit = c.limit();
        int p = c.position();
        if (p >= limit || b[p] != '"') {
            return -1;
        }
        int guess = index.guessAfter(previous, b, p + 1, limit);
        if (guess >= 0) {
            c.seek(p + index.indexedLength(guess) + 2);
            return guess;
        }
        int close = p + 1;
        while (close < limit && b[close] != '"') {
            close++;
        }
        int id = close < limit ? index.find(b, p + 1, close) : -1;
        if (id >= 0) {
            index.learn(previous, id);
            c.seek(close + 1);
        }
        return id;
    }
}
