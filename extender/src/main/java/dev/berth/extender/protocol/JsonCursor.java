package dev.berth.extender.protocol;

import dev.berth.extender.placement.NodeTable;
import java.nio.charset.StandardCharsets;

/**
 * A strict, streaming JSON reader over a request body held as a String, that also reports
 * positions: the filter reply in {@code nodeCacheCapable: false} mode echoes each accepted Node
 * exactly as the scheduler sent it, which needs the source span of every Node object. Gson's
 * {@code JsonReader} streams just as well but does not expose positions, hence this class.
 *
 * <p>It reads only what the caller asks for and skips the rest with {@link #skipValue()}, which
 * validates (so a reply never echoes invalid JSON) without building anything. Nesting deeper than
 * {@value #MAX_DEPTH} is refused instead of risking the stack. Every error is a
 * {@link BadRequestException} naming the offset.
 */
final class JsonCursor {
    static final int MAX_DEPTH = 200;

    private final String s;
    private final int end;
    private int pos;
    /** Whether the last {@link #nextNodeName} read a name that JSON output copies verbatim. */
    private boolean lastPlain;
    private String lastName;
    /** The body one byte per character, made on the first node name looked up in a table. */
    private byte[] latin1;

    JsonCursor(String s) {
        this.s = s;
        this.end = s.length();
    }

    String source() {
        return s;
    }

    int position() {
        return pos;
    }

    /** Skips whitespace and returns the next character without consuming it. */
    char peek() throws BadRequestException {
        skipWs();
        if (pos >= end) {
            throw error("unexpected end of body");
        }
        return s.charAt(pos);
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

    /**
     * Reads one element of a {@code NodeNames} array and returns its row in {@code table} (which
     * may be null), or -1 when the table does not know it. The decoded name is then in
     * {@link #lastName()} ({@code null} for a JSON null). A name the table knows is matched on the
     * body's characters, without building a String: a match proves the element held exactly that
     * name, because the table only indexes names that JSON writes without escapes.
     */
    int nextNodeName(String where, int index, NodeTable table) throws BadRequestException {
        lastPlain = false;
        lastName = null;
        if (table != null) {
            int id = knownName(table);
            if (id >= 0) {
                return id;
            }
        }
        if (peek() != '"') {
            lastName = nextStringOrNull(where, index, null);
            return -1;
        }
        int start = pos + 1;
        int close = s.indexOf('"', start);
        if (close < 0) {
            lastName = readString(); // unterminated: the general path reports it
            return -1;
        }
        lastPlain = true;
        for (int i = start; i < close; i++) {
            char c = s.charAt(i);
            if (c == '\\' || c < 0x20) {
                lastPlain = false;
                lastName = readString(); // escapes and errors take the general path
                return table == null ? -1 : table.idOf(lastName);
            }
            if (c == '\u2028' || c == '\u2029') {
                lastPlain = false; // valid, but escaped on output
            }
        }
        pos = close + 1;
        lastName = s.substring(start, close);
        return table == null ? -1 : table.idOf(lastName);
    }

    /**
     * The fast path of {@link #nextNodeName}: when the cursor is at a string of plain characters
     * that {@code table} knows, consumes it and returns its row; else consumes nothing and
     * returns -1. The range up to the next quote is matched as is: a range holding an escape or a
     * control character matches no indexed name, so it falls to the general path.
     */
    private int knownName(NodeTable table) {
        if (latin1 == null) {
            latin1 = s.getBytes(StandardCharsets.ISO_8859_1); // one byte per char: positions stay
        }
        byte[] b = latin1;
        int p = pos;
        if (p >= end || b[p] != '"') {
            return -1; // whitespace first, or not a string: the general path decides
        }
        int q = s.indexOf('"', p + 1); // an escaped quote ends the range early: then no name matches
        if (q < 0) {
            return -1;
        }
        int id = table.find(b, p + 1, q);
        if (id >= 0) {
            pos = q + 1;
            lastPlain = true;
        }
        return id;
    }

    /** The name decoded by the last {@link #nextNodeName} that returned -1 or went the slow way. */
    String lastName() {
        return lastName;
    }

    boolean lastPlain() {
        return lastPlain;
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
        if (!s.startsWith(word, pos)) {
            throw error("invalid literal");
        }
        pos += word.length();
    }

    private void skipWs() {
        while (pos < end) {
            char c = s.charAt(pos);
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                pos++;
            } else {
                return;
            }
        }
    }

    private void skipNumber() throws BadRequestException {
        int start = pos;
        if (pos < end && s.charAt(pos) == '-') {
            pos++;
        }
        if (pos < end && s.charAt(pos) == '0') {
            pos++;
        } else if (!digits()) {
            throw errorAt(start, "invalid number");
        }
        if (pos < end && s.charAt(pos) == '.') {
            pos++;
            if (!digits()) {
                throw errorAt(start, "invalid number");
            }
        }
        if (pos < end && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
            pos++;
            if (pos < end && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
                pos++;
            }
            if (!digits()) {
                throw errorAt(start, "invalid number");
            }
        }
    }

    private boolean digits() {
        int start = pos;
        while (pos < end && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
            pos++;
        }
        return pos > start;
    }

    /** At an opening quote: returns the decoded string and moves past the closing quote. */
    private String readString() throws BadRequestException {
        int start = ++pos;
        while (pos < end) {
            char c = s.charAt(pos);
            if (c == '"') {
                return s.substring(start, pos++);
            }
            if (c == '\\') {
                return readEscaped(start);
            }
            if (c < 0x20) {
                throw error("control character in string");
            }
            pos++;
        }
        throw errorAt(start - 1, "unterminated string");
    }

    private String readEscaped(int start) throws BadRequestException {
        StringBuilder b = new StringBuilder(pos - start + 16).append(s, start, pos);
        while (pos < end) {
            char c = s.charAt(pos++);
            if (c == '"') {
                return b.toString();
            }
            if (c == '\\') {
                b.append(escape());
            } else if (c < 0x20) {
                throw errorAt(pos - 1, "control character in string");
            } else {
                b.append(c);
            }
        }
        throw errorAt(start - 1, "unterminated string");
    }

    private void skipString() throws BadRequestException {
        int start = pos++;
        while (pos < end) {
            char c = s.charAt(pos++);
            if (c == '"') {
                return;
            }
            if (c == '\\') {
                escape();
            } else if (c < 0x20) {
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
        char c = s.charAt(pos++);
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
                    int d = Character.digit(s.charAt(pos++), 16);
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
        return c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }
}
