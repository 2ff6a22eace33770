package dev.berth.extender.testing;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a program's stderr as berth's runtime log: one JSON object per line, each with the fields
 * docs/logging.md promises (timestamp, level, threadName, loggerName, formattedMessage). Fails
 * naming the first line that is not such an object, so a stray plain-text line, a pretty-printed
 * object or a stack trace on its own lines is caught.
 */
public final class JsonLogLines {
    /** The fields every event carries. */
    public static final List<String> FIELDS = List.of("timestamp", "level", "threadName", "loggerName", "formattedMessage");

    private JsonLogLines() {}

    public static List<JsonObject> parse(List<String> lines) {
        List<JsonObject> events = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            events.add(parseOne(lines.get(i), i + 1));
        }
        return events;
    }

    public static JsonObject parseOne(String line, int lineNumber) {
        JsonElement e;
        try {
            e = JsonParser.parseString(line);
        } catch (RuntimeException ex) {
            throw new AssertionError("log line " + lineNumber + " is not JSON: " + line, ex);
        }
        if (!e.isJsonObject()) {
            throw new AssertionError("log line " + lineNumber + " is not a JSON object: " + line);
        }
        JsonObject o = e.getAsJsonObject();
        for (String field : FIELDS) {
            if (!o.has(field) || o.get(field).isJsonNull()) {
                throw new AssertionError("log line " + lineNumber + " has no " + field + ": " + line);
            }
        }
        return o;
    }

    public static String message(JsonObject event) {
        return event.get("formattedMessage").getAsString();
    }

    public static String level(JsonObject event) {
        return event.get("level").getAsString();
    }

    public static String logger(JsonObject event) {
        return event.get("loggerName").getAsString();
    }
}
