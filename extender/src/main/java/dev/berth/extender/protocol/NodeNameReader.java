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
 * what decoding the JSON string and looking it up would give, for any spelling. A list of more
 * than {@link #MAX_NAMES} names is refused (400).
 *
 * <p><b>Algorithm.</b> First the whole array: prioritize is sent exactly the {@code NodeNames} the
 * filter reply for the same pod wrote, so when the array is byte for byte the last one written
 * ({@link NameIndex#recallWritten}), its rows are known without reading a name. Otherwise, per
 * element, cheapest first:
 * <ol>
 *   <li>Guess: the row that followed the previous element's row last time
 *       ({@link NameIndex#guessAfter}), checked with one comparison. A list in last request's
 *       order is all guesses. kube-scheduler's own lists are not: its 16 parallel filter workers
 *       interleave their chunks of nodes differently every time. So after four misses in a row
 *       the loop stops guessing for the next 64 elements.
 *   <li>Find: find the closing quote (eight bytes at a time) and look the bytes up in the table's
 *       hash index ({@link NameIndex#find}); the answer becomes the next guess
 *       ({@link NameIndex#learn}).
 *   <li>Decode: anything else (escapes, non-ASCII, whitespace oddities, a name the table does not
 *       know) is decoded as a JSON string and looked up by value, or kept as an unknown name.
 * </ol>
 * Steps 1 and 2 run in one tight loop over elements separated by bare commas ({@link #fastRun});
 * the general loop handles the element that stops it and starts the next run. Steps 1 and 2 only
 * ever match names the table indexed, which contain no {@code "} or {@code \} and are ASCII: such a
 * name followed by a quote is exactly that JSON string.
 *
 * <p><b>Example.</b> Table rows {@code n1, n2, n3}. Request {@code ["n1","n2","n3"]}: with fresh
 * hints (table order) all three are guesses. Request {@code ["n1","n3"]}: {@code n1} is guessed,
 * the guess {@code n2} fails on {@code n3}, which is found and learnt, so the next
 * {@code ["n1","n3"]} is all guesses. {@code n1} written with an escaped character decodes to
 * {@code n1} and is found by value: row 0.
 */
final class NodeNameReader {
    private NodeNameReader() {}

    /**
     * Misses in a row after which {@link #fastRun} stops guessing for {@link #UNGUESSED} elements.
     * kube-scheduler's parallel filter interleaves the nodes of its 16 workers, so in a real list
     * most guesses miss, and a miss costs about 8 ns (a mispredicted branch and a cache miss on the
     * guessed name) on top of the hash lookup that follows. A list in last request's order never
     * misses four times in a row, so it keeps every guess.
     */
    private static final int GIVE_UP_AFTER = 4;
    private static final int UNGUESSED = 64;

    /**
     * Names one request may carry: about 20 times the 5,000 nodes Kubernetes supports. Each name
     * the table does not know becomes a String, so a 64 MiB body of 16.7 million {@code "a"} took
     * about 1 GB. Checked only where the array of ids grows, which never grows past it: no cost per
     * name.
     */
    static final int MAX_NAMES = 100_000;

    private static final java.lang.invoke.VarHandle LONGS = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
            long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long QUOTES = 0x2222222222222222L;
    private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;

    /**
     * Index of the first {@code "} or {@code \} in {@code b[from, limit)}, or {@code limit}: eight
     * bytes at a time. A byte equal to the sought one is a zero byte of {@code word ^ pattern}, and
     * {@code (x - ONES) & ~x & HIGHS} marks the lowest zero byte of {@code x} exactly (marks above it
     * may be false, and are never looked at).
     */
    static int quoteOrBackslash(byte[] b, int from, int limit) {
        int i = from;
        for (; i + 8 <= limit; i += 8) {
            long w = (long) LONGS.get(b, i);
            long q = w ^ QUOTES;
            long s = w ^ BACKSLASHES;
            long found = ((q - ONES) & ~q & HIGHS) | ((s - ONES) & ~s & HIGHS);
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        while (i < limit && b[i] != '"' && b[i] != '\\') {
            i++;
        }
        return i;
    }

    static NameList read(JsonCursor c, String where, NodeTable table) throws BadRequestException {
        int[] ids = new int[Math.min(MAX_NAMES, table == null ? 1024 : Math.max(16, table.size()))];
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
            if (n == ids.length) { // the array is full and another name follows
                if (n == MAX_NAMES) {
                    throw new BadRequestException(where + " has more than " + MAX_NAMES + " node names");
                }
                ids = Arrays.copyOf(ids, Math.min(2 * n, MAX_NAMES));
            }
            if (index != null) {
                int before = n;
                n = fastRun(c, index, ids, n, previous);
                if (n > before) {
                    previous = ids[n - 1];
                    continue;
                }
            }
            String name = c.nextStringOrNull(where, n, null);
            int id = table == null || name == null ? -1 : table.idOf(name);
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
     * Steps 1 and 2 from the start of an element, in one tight loop: takes elements while each is
     * a plain string naming a row the byte index holds (guessed, else found by hash and learnt) and
     * the next follows after a bare comma, storing rows into {@code ids} from {@code n} (while room
     * is left). Leaves the cursor after the last element taken, before its comma or the closing
     * bracket, so the general loop goes on from there (step 3 for the element that stopped it).
     * Returns the new {@code n}.
     */
    private static int fastRun(JsonCursor c, NameIndex index, int[] ids, int n, int previous) {
        byte[] b = c.source();
        int limit = c.limit();
        int p = c.position();
        int taken = p; // just after the last element taken
        int missed = 0; // guesses missed in a row
        int unguessed = 0; // elements left to take without guessing
        while (n < ids.length && p < limit && b[p] == '"') {
            int row = -1;
            if (unguessed > 0) {
                unguessed--;
            } else {
                row = index.guessAfter(previous, b, p + 1, limit);
                missed = row >= 0 ? 0 : missed + 1;
                if (missed == GIVE_UP_AFTER) {
                    missed = 0;
                    unguessed = UNGUESSED; // the order is not last request's: stop paying for misses
                }
            }
            int close;
            if (row >= 0) {
                close = p + 1 + index.indexedLength(row);
            } else {
                close = quoteOrBackslash(b, p + 1, limit);
                if (close >= limit || b[close] != '"') {
                    break; // an escape, or no closing quote: step 3 decodes (or refuses) it
                }
                row = index.find(b, p + 1, close);
                if (row < 0) {
                    break;
                }
                index.learn(previous, row);
            }
            ids[n++] = row;
            previous = row;
            p = close + 1;
            taken = p;
            if (p + 1 >= limit || b[p] != ',') {
                break;
            }
            p++;
        }
        c.seek(taken);
        return n;
    }
}
