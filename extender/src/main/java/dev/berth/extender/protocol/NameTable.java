package dev.berth.extender.protocol;

/**
 * Canonical {@link String} instances for node names read from request bodies.
 *
 * <p><b>Why.</b> Names-mode requests repeat the same 5,000 node names in every filter and
 * prioritize call. Reading them as fresh substrings cost about 280 KB of garbage per request, a
 * fresh hash per name for the cache lookup, and, because the decision ring keeps the last few
 * hundred decisions, tens of MB of duplicate names copied at every young GC. Here a name is looked
 * up by its characters in the body, without allocating, and the same instance (with its
 * {@code hashCode} cached) is returned every time.
 *
 * <p><b>Algorithm.</b> A direct-mapped table of {@value #SLOTS} slots indexed by a cheap hash of the
 * name's length and last (up to) 8 characters, where node names differ. A hit compares length and
 * characters, so a bad hash costs only misses, never a wrong answer. Only names without escapes or
 * control characters are stored ({@link JsonCursor} checks on a miss), so a hit also proves the
 * range in the body was a plain string. A miss makes the substring and stores it, evicting whatever
 * shared the slot: the table never grows, and at most {@value #SLOTS} names of at most
 * {@value #MAX_LENGTH} characters are retained (a few MB at worst). Slots are read and written
 * without locks: a racing reader sees the old or the new String, both complete (String's fields are
 * final), and either is checked by comparison.
 *
 * <p><b>Example.</b> Two requests both naming {@code "node-00042"} get the same String instance; a
 * name longer than {@value #MAX_LENGTH} characters is returned as a plain substring every time.
 */
final class NameTable {
    static final int SLOTS = 1 << 16;
    static final int MAX_LENGTH = 128;

    private static final String[] TABLE = new String[SLOTS];

    private NameTable() {}

    /** The stored name equal to {@code source[start, end)}, or null. */
    static String lookup(String source, int start, int end) {
        int length = end - start;
        if (length > MAX_LENGTH) {
            return null;
        }
        String known = TABLE[slot(source, start, end)];
        return known != null && known.length() == length && source.regionMatches(start, known, 0, length) ? known : null;
    }

    /** Stores and returns {@code source.substring(start, end)}; the caller checked it holds no escapes. */
    static String store(String source, int start, int end) {
        String name = source.substring(start, end);
        if (end - start <= MAX_LENGTH) {
            TABLE[slot(source, start, end)] = name;
        }
        return name;
    }

    private static int slot(String source, int start, int end) {
        int h = end - start;
        for (int i = Math.max(start, end - 8); i < end; i++) {
            h = 31 * h + source.charAt(i);
        }
        h *= 0x9E3779B9; // spread the low bits, which names like node-00042 vary least in their high bits
        return (h ^ (h >>> 16)) & (SLOTS - 1);
    }
}
