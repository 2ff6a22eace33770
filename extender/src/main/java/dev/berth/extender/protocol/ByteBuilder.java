package dev.berth.extender.protocol;

import dev.berth.extender.placement.NodeTable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable UTF-8 byte buffer for the names-mode replies, written once and sent as is: no
 * {@link StringBuilder}, no String, no second encoding pass. Node names the {@link NodeTable}
 * knows are copied from its packed bytes; anything else goes through {@link Json} escaping.
 */
public final class ByteBuilder {
    private byte[] buf;
    private int length;

    public ByteBuilder(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    /** Appends {@code s}, which the caller knows is ASCII (JSON punctuation and keys). */
    public ByteBuilder ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[length++] = (byte) s.charAt(i);
        }
        return this;
    }

    public ByteBuilder ascii(char c) {
        ensure(1);
        buf[length++] = (byte) c;
        return this;
    }

    public ByteBuilder bytes(byte[] b) {
        return bytes(b, 0, b.length);
    }

    public ByteBuilder bytes(byte[] b, int from, int n) {
        ensure(n);
        System.arraycopy(b, from, buf, length, n);
        length += n;
        return this;
    }

    public ByteBuilder integer(long v) {
        if (v >= 0 && v < 10) {
            return ascii((char) ('0' + v)); // scores 0..10 are most of what is written
        }
        if (v >= 10 && v < 100) {
            int x = (int) v;
            ensure(2);
            buf[length++] = (byte) ('0' + x / 10);
            buf[length++] = (byte) ('0' + x % 10);
            return this;
        }
        if (v < 0 || v > Integer.MAX_VALUE) {
            return ascii(Long.toString(v));
        }
        ensure(10);
        length = putDigits(buf, length, (int) v);
        return this;
    }

    /**
     * Writes {@code 0 <= x} in decimal into {@code out} at {@code at}, where the caller reserved
     * room for its digits (at most 10); returns the end.
     */
    public static int putDigits(byte[] out, int at, int x) {
        // int division by a constant compiles to a multiply; long division does not
        int digits = x < 10 ? 1 : x < 100 ? 2 : x < 1000 ? 3 : x < 10_000 ? 4 : x < 100_000 ? 5 : x < 1_000_000 ? 6
                : x < 10_000_000 ? 7 : x < 100_000_000 ? 8 : x < 1_000_000_000 ? 9 : 10;
        for (int i = at + digits - 1; i >= at; i--) {
            int q = x / 10;
            out[i] = (byte) ('0' + x - 10 * q);
            x = q;
        }
        return at + digits;
    }

    /** {@code s} as a quoted, escaped JSON string in UTF-8 ({@code null} as {@code null}). */
    public ByteBuilder jsonString(String s) {
        return bytes(Json.string(new StringBuilder(s == null ? 4 : s.length() + 2), s).toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Makes room for {@code n} more bytes and returns where they start in {@link #array()}: for
     * loops that write thousands of short entries, one capacity check per entry instead of one
     * per piece. Finish with {@link #advanceTo}.
     */
    public int reserve(int n) {
        ensure(n);
        return length;
    }

    /** Ends a write started by {@link #reserve}: the content now ends at {@code end}. */
    public void advanceTo(int end) {
        if (end < length || end > buf.length) {
            throw new IllegalArgumentException("end " + end + " outside [" + length + ", " + buf.length + "]");
        }
        length = end;
    }

    /**
     * Writes a constant made by {@link #words} into {@code out} at {@code at}, as 8-byte stores, and
     * returns its end. Reserve its length rounded up to 8 (at least 8): the last store may write
     * past the constant, where the next write goes.
     */
    public static int putWords(byte[] out, int at, long[] words) {
        int n = words.length - 1;
        LONGS.set(out, at, words[0]);
        if (n > 1) {
            LONGS.set(out, at + 8, words[1]);
            for (int k = 2; k < n; k++) {
                LONGS.set(out, at + 8 * k, words[k]);
            }
        }
        return at + (int) words[n];
    }

    /**
     * Writes the first {@code length} (at most 8) bytes of {@code word}, made by {@link #words},
     * into {@code out} at {@code at} as one 8-byte store; returns the end. Reserve 8 bytes: the
     * store may write past the constant, where the next write goes.
     */
    public static int putWord(byte[] out, int at, long word, int length) {
        LONGS.set(out, at, word);
        return at + length;
    }

    /** An ASCII or UTF-8 constant for {@link #putWords}: its bytes as 8-byte words, then its length. */
    public static long[] words(byte[] bytes) {
        int n = Math.max(1, (bytes.length + 7) / 8);
        byte[] padded = Arrays.copyOf(bytes, 8 * n);
        long[] words = new long[n + 1];
        for (int k = 0; k < n; k++) {
            words[k] = (long) LONGS.get(padded, 8 * k);
        }
        words[n] = bytes.length;
        return words;
    }

    /** {@link #words} of an ASCII string. */
    public static long[] words(String ascii) {
        return words(ascii.getBytes(StandardCharsets.US_ASCII));
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Empties the builder, keeping its capacity. */
    public void clear() {
        length = 0;
    }

    public int length() {
        return length;
    }

    /** The backing array; bytes {@code [0, length())} are the content. */
    public byte[] array() {
        return buf;
    }

    @Override
    public String toString() {
        return new String(buf, 0, length, StandardCharsets.UTF_8);
    }

    private void ensure(int more) {
        if (length + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(length + more, 2 * buf.length));
        }
    }
}
