package dev.berth.extender.placement;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Map;

/**
 * Node names as bytes, for resolving a request body's names to {@link NodeTable} rows without
 * decoding them, and for copying names into replies.
 *
 * <p><b>Goal.</b> A names-mode request names up to 5,000 nodes, twice per pod; resolving a name
 * should cost about as much as reading it. <b>Constraint:</b> a match on a body's raw bytes must
 * prove the body held exactly that name.
 *
 * <p><b>Layout.</b> Names are packed one byte per character, in row order. Only names that JSON
 * copies verbatim (printable ASCII without {@code "} or {@code \}) are packed, so a match on the
 * raw bytes between two quotes proves the body held exactly that name. Any other spelling (escapes,
 * unusual characters) is decoded the slow way and found with {@link NodeTable#idOf}. A name that
 * appears twice is packed once, at its first row.
 *
 * <p><b>Lookups.</b>
 * <ul>
 *   <li>{@link #find}: open addressing over {@code 2^k ≥ 1.5n} slots, keyed by a hash of the name's
 *       bytes. Each slot is one long holding the name's offset, length and row, so a lookup touches
 *       the slot and then the name's bytes, nothing else.
 *   <li>{@link #guessAfter}: the row that followed the previous name in the last request, checked
 *       with one comparison. This is the index's one mutable part ({@link #learn}).
 * </ul>
 *
 * <p><b>Example.</b> Rows {@code n1, n2, odd"name}: packed {@code n1n2}, offsets {@code [0, 2, 4, 4]};
 * {@code find("n2")} is 1; {@code odd"name} is not packed (length 0) and is only found by value.
 */
public final class NameIndex {
    private final int size;
    private final byte[] packed;
    private final int[] packedStart;
    private final long[] slots;
    private final int[] follows;
    private volatile WrittenNames written;

    /** {@code names} in row order; {@code firstRow} maps each name to the first row that has it. */
    NameIndex(String[] names, Map<String, Integer> firstRow) {
        int n = names.length;
        size = n;
        int packedLength = 0;
        for (String name : names) {
            packedLength += name.length();
        }
        packed = new byte[packedLength + WORD_SLACK]; // putQuotedName reads two words from any name's start
        packedStart = new int[n + 1];
        slots = new long[Math.max(16, Integer.highestOneBit(Math.max(1, 3 * n / 2)) << 1)];
        int at = 0;
        for (int i = 0; i < n; i++) {
            packedStart[i] = at;
            String name = names[i];
            if (verbatim(name) && firstRow.get(name) == i && name.length() <= MAX_INDEXED && i < MAX_ROWS) {
                for (int k = 0; k < name.length(); k++) {
                    packed[at++] = (byte) name.charAt(k);
                }
                int mask = slots.length - 1;
                int slot = hash(packed, packedStart[i], at) & mask;
                while (slots[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                slots[slot] = (long) packedStart[i] << 32 | (long) name.length() << 24 | (i + 1);
            }
        }
        packedStart[n] = at;
        follows = new int[n + 1];
        for (int i = 0; i <= n; i++) {
            follows[i] = i; // before any request: row order
        }
    }

    /**
     * The id of the node whose name is exactly the bytes {@code body[start, end)} of a UTF-8
     * request body, or -1: unknown, or spelled with escapes or non-ASCII characters, which the
     * index does not hold (then ask {@link NodeTable#idOf} with the decoded name).
     */
    public int find(byte[] body, int start, int end) {
        int length = end - start;
        int mask = slots.length - 1;
        for (int slot = hash(body, start, end) & mask; ; slot = (slot + 1) & mask) {
            long entry = slots[slot];
            if (entry == 0) {
                return -1;
            }
            if ((int) (entry >>> 24 & 0xff) == length && sameBytes(body, start, packed, (int) (entry >>> 32), length)) {
                return (int) (entry & 0xffffff) - 1;
            }
        }
    }

    /**
     * The row that followed {@code previous} (the row of the name just before; -1 for a list's
     * first name) the last time a request named it, when {@code body} at {@code start} holds
     * exactly that row's name and then a closing quote; else -1 (then {@link #find}, and
     * {@link #learn} the answer).
     *
     * <p>A list in the same order as the last one is all right guesses: one comparison of the
     * name's bytes each, instead of scanning for the quote, hashing, probing and comparing.
     * kube-scheduler's filter lists are rarely like that (its parallel workers interleave their
     * chunks of nodes), and the reader stops guessing while guesses keep missing. Indexed names
     * hold no {@code "} or {@code \}, so the name's bytes followed by a quote are exactly that JSON
     * string.
     *
     * <p>The hints are the index's one mutable part, shared by request threads without locks: a
     * stale hint only costs a miss, because every guess is checked against the bytes.
     */
    public int guessAfter(int previous, byte[] body, int start, int end) {
        int guess = follows[previous + 1];
        if (guess >= size) {
            return -1;
        }
        int at = packedStart[guess];
        int length = packedStart[guess + 1] - at;
        return length > 0 && start + length < end && body[start + length] == '"'
                && sameBytes(body, start, packed, at, length) ? guess : -1;
    }

    /** Records that {@code row} followed {@code previous} in a request: the next {@link #guessAfter}. */
    public void learn(int previous, int row) {
        if (follows[previous + 1] != row) {
            follows[previous + 1] = row;
        }
    }

    /**
     * A names array berth wrote in a reply, from {@code [} to {@code ]}, and the rows it names in
     * order. Neither array is modified after it is made.
     */
    public record WrittenNames(byte[] bytes, int[] rows) {}

    /**
     * Remembers the names array a filter reply just wrote ({@code reply[from, to)}, naming
     * {@code rows}), for {@link #recallWritten}. Only a list whose every name is in the byte index
     * is kept: then its bytes decode to exactly these rows.
     *
     * <p>kube-scheduler sends prioritize exactly the nodes the extender's filter passed, in the
     * order of its {@code NodeNames}, re-encoded by Go's JSON encoder, which spells the indexed
     * names byte for byte as berth does. So the prioritize that follows a filter for the same pod
     * usually carries this array verbatim, and one comparison resolves all of it.
     */
    public void rememberWritten(byte[] reply, int from, int to, int[] rows) {
        for (int row : rows) {
            if (row < 0 || row >= size || indexedLength(row) == 0) {
                return;
            }
        }
        written = new WrittenNames(java.util.Arrays.copyOfRange(reply, from, to), rows);
    }

    /**
     * The last written names array when {@code body} at {@code start} (before {@code end}) holds
     * exactly its bytes, else null. Threads share the one slot without locks: a newer filter
     * replacing it only costs the older prioritize the usual decoding.
     */
    public WrittenNames recallWritten(byte[] body, int start, int end) {
        WrittenNames w = written;
        if (w == null || end - start < w.bytes.length) {
            return null;
        }
        return java.util.Arrays.equals(body, start, start + w.bytes.length, w.bytes, 0, w.bytes.length) ? w : null;
    }

    /** Length of row {@code id}'s name in the byte index (0 when the index does not hold it). */
    public int indexedLength(int id) {
        return packedStart[id + 1] - packedStart[id];
    }

    /**
     * Writes node {@code id}'s name as a JSON string (quotes included) into {@code out} at
     * {@code at}, where the caller reserved {@link #indexedLength}{@code (id) + }{@link #WORD_SLACK}
     * bytes; returns the end. Only for names the byte index holds ({@link #indexedLength} &gt; 0).
     *
     * <p>Replies and decision lines write up to 13,000 names per pod, so this is one of the hottest
     * loops. A name of up to 16 bytes (most node names: {@code node-00042}, {@code worker-17}) is
     * copied as two 8-byte words, whatever its length: no call, no per-length loop. The words may
     * write up to 15 bytes of the following names past the closing quote; the caller's next write
     * covers them, and they lie outside the content either way.
     */
    public int putQuotedName(int id, byte[] out, int at) {
        int from = packedStart[id];
        int length = packedStart[id + 1] - from;
        out[at] = '"';
        if (length <= 16) {
            LONGS.set(out, at + 1, (long) LONGS.get(packed, from));
            LONGS.set(out, at + 9, (long) LONGS.get(packed, from + 8));
        } else {
            System.arraycopy(packed, from, out, at + 1, length);
        }
        out[at + length + 1] = '"';
        return at + length + 2;
    }

    /** Room {@link #putQuotedName} needs besides the name itself: two quotes and its word overrun. */
    public static final int WORD_SLACK = 18;

    /** Printable ASCII without {@code "} and {@code \\}: a JSON string holds it unchanged, byte for byte. */
    private static boolean verbatim(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /** Longest name in the byte index (DNS names stop at 253); longer ones are found by {@link NodeTable#idOf}. */
    private static final int MAX_INDEXED = 255;
    /** Rows the byte index can name (24 bits in a slot). */
    private static final int MAX_ROWS = (1 << 24) - 2;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long K = 0x9E3779B97F4A7C15L;

    /**
     * A hash of every byte, eight at a time (a name's last word is read overlapping the one before
     * it): a byte-at-a-time polynomial was a serial chain of one multiply per character, the largest
     * cost of a names-mode request. Every byte counts, because real node names often share long
     * prefixes and suffixes ({@code ip-10-0-1-23.ec2.internal}).
     */
    private static int hash(byte[] b, int start, int end) {
        int n = end - start;
        long h = n * K;
        if (n >= 8) {
            int i = start;
            for (; i + 8 <= end; i += 8) {
                h = (h ^ (long) LONGS.get(b, i)) * K;
            }
            if (i < end) {
                h = (h ^ (long) LONGS.get(b, end - 8)) * K;
            }
        } else {
            long w = 0;
            for (int i = start; i < end; i++) {
                w = (w << 8) | (b[i] & 0xff);
            }
            h = (h ^ w) * K;
        }
        return (int) (h ^ (h >>> 29) ^ (h >>> 47));
    }

    /** {@code a[from, from + n)} equals {@code b[at, at + n)}, compared a word at a time. */
    private static boolean sameBytes(byte[] a, int from, byte[] b, int at, int n) {
        if (n < 8) {
            for (int k = 0; k < n; k++) {
                if (a[from + k] != b[at + k]) {
                    return false;
                }
            }
            return true;
        }
        int k = 0;
        for (; k + 8 <= n; k += 8) {
            if ((long) LONGS.get(a, from + k) != (long) LONGS.get(b, at + k)) {
                return false;
            }
        }
        return k == n || (long) LONGS.get(a, from + n - 8) == (long) LONGS.get(b, at + n - 8);
    }
}
