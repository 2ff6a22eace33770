package dev.berth.operator.act.desired;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code spec.config} a broker pod runs, as its {@link Names#ANN_CONFIG} annotation holds it: a
 * JSON object of strings sorted by key, e.g. {@code {"log.retention.ms":"3600000"}}. Readable with
 * {@code kubectl get pod -o jsonpath}, and what a later configuration edit is compared with.
 */
public final class RecordedConfig {
    /** Without HTML escaping: a person reads it, and values such as JAAS lines hold '=' and quotes. */
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private RecordedConfig() {}

    public static String write(Map<String, String> config) {
        return GSON.toJson(new TreeMap<>(config));
    }

    /**
     * The recorded configuration, or {@code null} when the annotation is missing (a pod created by an
     * older berth) or is not an object of strings (edited by hand): then nothing is known of what the
     * pod runs, and only a restart brings it to the spec.
     */
    public static Map<String, String> read(String annotation) {
        if (annotation == null) {
            return null;
        }
        try {
            return strings(JsonParser.parseString(annotation));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** A JSON object of strings as a sorted map, or null when {@code json} is anything else (also null). */
    static Map<String, String> strings(JsonElement json) {
        if (json == null || !json.isJsonObject()) {
            return null;
        }
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, JsonElement> e : ((JsonObject) json).entrySet()) {
            if (!e.getValue().isJsonPrimitive() || !e.getValue().getAsJsonPrimitive().isString()) {
                return null;
            }
            out.put(e.getKey(), e.getValue().getAsString());
        }
        return out;
    }
}
