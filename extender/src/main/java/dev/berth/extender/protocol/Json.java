package dev.berth.extender.protocol;

/** JSON string escaping for the hand-assembled replies and decision lines. */
public final class Json {
    private Json() {}

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** Length of the longest prefix of {@code s} that needs no escaping. */
    private static int plainPrefix(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\' || c == '\u2028' || c == '\u2029') {
                return i;
            }
        }
        return n;
    }

    /** Appends {@code s} as a quoted JSON string ({@code null} as {@code null}). */
    public static StringBuilder string(StringBuilder b, String s) {
        if (s == null) {
            return b.append("null");
        }
        int n = s.length();
        int clean = plainPrefix(s);
        if (clean == n) {
            return b.append('"').append(s).append('"'); // the common case: one bulk copy
        }
        b.append('"').append(s, 0, clean);
        for (int i = clean; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        b.append("\\u").append(HEX[c >> 12 & 15]).append(HEX[c >> 8 & 15])
                                .append(HEX[c >> 4 & 15]).append(HEX[c & 15]);
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"');
    }
}
