package dev.berth.extender.protocol;

import java.nio.charset.StandardCharsets;

/**
 * A strict, streaming JSON reader over a request body as it arrived, UTF-8 bytes, that also reports
 * positions: the filter reply in {@code nodeCacheCapable: false} mode echoes each accepted Node
 * exactly as the scheduler sent it, which needs the byte span of every Node object. Gson's
 * {@code JsonReader} streams just as well but does not expose positions, hence this class. Reading
 * bytes rather than a decoded String saves decoding the whole body: only the strings berth keeps
 * are decoded, and node names the cache knows are matched on their bytes without being decoded.
 *
 * <p>It reads only what the caller asks for and skips the rest with {@link #skipValue()}, which
 * validates (so a reply never echoes invalid JSON) without building anything. Nesting deeper than
 * {@value #MAX_DEPTH} is refused instead of risking the stack. Every error is a
 * {@link BadRequestException} naming the byte offset. Invalid UTF-8 inside a string decodes to
 * U+FFFD, as decoding the whole body did.
 */
final class JsonCursor {
    static final int MAX_DEPTH = 200;

    private final byte[] b;
    private final int end;
    private int pos;

    /** Reads {@code body[0, length)}. */
    JsonCursor(byte[] body, int length) {
        this.b = body;
        this.end = length;
    }

    byte[] source() {
        return b;
    }

    int position() {
        return pos;
    }

    /** End of the body: {@link #source()} holds it in {@code [0, limit())}. */
    int limit() {
        return end;
    }

    /**
     * Moves forward to {@code position}, for a caller that read bytes from {@link #source()} itself
     * ({@link NodeNameReader}) and checked them.
     */
    void seek(int position) {
        if (position < pos || position > end) {
            throw new IllegalArgumentException("seek to " + position + " outside [" + pos + ", " + end + "]");
        }
        pos = position;
    }

    /** Skips whitespace and returns the next character without consuming it. */
    char peek() throws BadRequestException {
        skipWs();
        if (pos >= end) {
            throw error("unexpected end of body");
        }
        return (char) (b[pos] & 0xff);
    }

    /** Consumes a {@code null} literal if one is next. */
    boolean nextIsNull() throws BadRequestException {
        if (peek() == 'n') {
            literal("null");
            return true;
        }
        return false;
    }

    void beginObject() throws BadRequestException {
        expect('{', "an object");
    }

    void beginArray() throws BadRequestException {
        expect('[', "an array");
    }

    /**
     * Inside an object or array: consumes the separator and returns true when another element
     * follows, or consumes the closing bracket and returns false. {@code first} is true before the
     * first element.
     */
    boolean hasNext(boolean first, char close) throws BadRequestException {
        char c = peek();
        if (c == close) {
            pos++;
            return false;
        }
        if (!first) {
            if (c != ',') {
                throw error("expected ',' or '" + close + "'");
            }
            pos++;
            peek();
        }
        return true;
    }

    /** Reads an object member name and the colon after it. */
    String nextName() throws BadRequestException {
        if (peek() != '"') {
            throw error("expected a member name");
        }
        String name = readString();
        if (peek() != ':') {
            throw error("expected ':'");
        }
        pos++;
        return name;
    }

    /** Reads a string value, or {@code null} for a JSON null. */
    String nextStringOrNull(String what) throws BadRequestException {
        char c = peek();
        if (c == 'n') {
            literal("null");
            return null;
        }
        if (c != '"') {
            throw error(what + " must be a string");
        }
        return readString();
    }

    /**
     * Like {@link #nextStringOrNull(String)} for an element of an array or map: the name of the
     * offending element ({@code where[index]} or {@code where[key]}) is only built when there is
     * an error, which matters with thousands of node names per request.
     */
    String nextStringOrNull(String where, int index, String key) throws BadRequestException {
        char c = peek();
        if (c == '"') {
            return readString();
        }
        if (c == 'n') {
            literal("null");
            return null;
        }
        throw error(where + "[" + (key != null ? key : String.valueOf(index)) + "] must be a string");
    }

    /** Ends reading: only whitespace may follow the top-level value. */
    void finish() throws BadRequestException {
        skipWs();
        if (pos != end) {
            throw error("trailing data after the JSON value");
        }
    }

    void skipValue() throws BadRequestException {
        skipValue(0);
    }

    private void skipValue(int depth) throws BadRequestException {
        if (depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH);
        }
        char c = peek();
        switch (c) {
            case '{' -> {
                pos++;
                boolean first = true;
                while (hasNext(first, '}')) {
                    first = false;
                    nextName();
                    skipValue(depth + 1);
                }
            }
            case '[' -> {
                pos++;
                boolean first = true;
                while (hasNext(first, ']')) {
                    first = false;
                    skipValue(depth + 1);
                }
            }
            case '"' -> skipString();
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    skipNumber();
                } else {
                    throw error("unexpected character '" + printable(c) + "'");
                }
            }
        }
    }

    private void expect(char c, String what) throws BadRequestException {
        if (peek() != c) {
            throw error("expected " + what);
        }
        pos++;
    }

    private void literal(String word) throws BadRequestException {
        int n = word.length();
        if (pos + n > end) {
            throw error("invalid literal");
        }
        for (int i = 0; i < n; i++) {
            if (b[pos + i] != word.charAt(i)) {
                throw error("invalid literal");
            }
        }
        pos += n;
    }

    private void skipWs() {
        while (pos < end) {
            byte c = b[pos];
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                pos++;
            } else {
                return;
            }
        }
    }

    private void skipNumber() throws BadRequestException {
        int start = pos;
        if (pos < end && b[pos] == '-') {
            pos++;
        }
        if (pos < end && b[pos] == '0') {
            pos++;
        } else if (!digits()) {
            throw errorAt(start, "invalid number");
        }
        if (pos < end && b[pos] == '.') {
            pos++;
            if (!digits()) {
                throw errorAt(start, "invalid number");
            }
        }
        if (pos < end && (b[pos] == 'e' || b[pos] == 'E')) {
            pos++;
            if (pos < end && (b[pos] == '+' || b[pos] == '-')) {
                pos++;
            }
            if (!digits()) {
                throw errorAt(start, "invalid number");
            }
        }
    }

    private boolean digits() {
        int start = pos;
        while (pos < end && b[pos] >= '0' && b[pos] <= '9') {
            pos++;
        }
        return pos > start;
    }

    /** At an opening quote: returns the decoded string and moves past the closing quote. */
    private String readString() throws BadRequestException {
        int start = ++pos;
        boolean ascii = true;
        while (pos < end) {
            byte c = b[pos];
            if (c == '"') {
                return new String(b, start, pos++ - start, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
            }
            if (c == '\\') {
                return readEscaped(start);
            }
            if (c >= 0 && c < 0x20) {
                throw error("control character in string");
            }
            ascii &= c >= 0;
            pos++;
        }
        throw errorAt(start - 1, "unterminated string");
    }

    /** Decodes runs of raw bytes as UTF-8 and escapes as chars, so surrogate pairs join up. */
    private String readEscaped(int start) throws BadRequestException {
        StringBuilder out = new StringBuilder(pos - start + 16);
        int run = start;
        while (pos < end) {
            byte c = b[pos];
            if (c == '"' || c == '\\') {
                out.append(new String(b, run, pos - run, StandardCharsets.UTF_8));
                pos++;
                if (c == '"') {
                    return out.toString();
                }
                out.append(escape());
                run = pos;
            } else if (c >= 0 && c < 0x20) {
                throw error("control character in string");
            } else {
                pos++;
            }
        }
        throw errorAt(start - 1, "unterminated string");
    }

    private void skipString() throws BadRequestException {
        int start = pos++;
        while (pos < end) {
            byte c = b[pos++];
            if (c == '"') {
                return;
            }
            if (c == '\\') {
                escape();
            } else if (c >= 0 && c < 0x20) {
                throw errorAt(pos - 1, "control character in string");
            }
        }
        throw errorAt(start, "unterminated string");
    }

    /** After a backslash: decodes one escape. */
    private char escape() throws BadRequestException {
        if (pos >= end) {
            throw error("unterminated escape");
        }
        char c = (char) (b[pos++] & 0xff);
        switch (c) {
            case '"', '\\', '/':
                return c;
            case 'b':
                return '\b';
            case 'f':
                return '\f';
            case 'n':
                return '\n';
            case 'r':
                return '\r';
            case 't':
                return '\t';
            case 'u': {
                if (pos + 4 > end) {
                    throw error("short \\u escape");
                }
                int v = 0;
                for (int i = 0; i < 4; i++) {
                    int d = Character.digit((char) (b[pos++] & 0xff), 16);
                    if (d < 0) {
                        throw errorAt(pos - 1, "invalid \\u escape");
                    }
                    v = v * 16 + d;
                }
                return (char) v;
            }
            default:
                throw errorAt(pos - 1, "invalid escape");
        }
    }

    BadRequestException error(String what) {
        return errorAt(pos, what);
    }

    private static BadRequestException errorAt(int at, String what) {
        return new BadRequestException("malformed JSON at offset " + at + ": " + what);
    }

    private static String printable(char c) {
        return c < 0x20 || c > 0x7e ? String.format("0x%02x", (int) c) : String.valueOf(c);
    }
}
