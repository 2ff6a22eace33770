package dev.berth.extender.protocol;

import java.util.Map;

/**
 * The part of the {@code Pod} in an extender request that berth reads: {@code metadata.name},
 * {@code namespace}, {@code uid}, {@code labels}, {@code annotations}. Everything else in the
 * (lowerCamel, kind-less) Pod JSON is skipped unread.
 */
public record WirePod(String name, String namespace, String uid, Map<String, String> labels, Map<String, String> annotations) {
    public WirePod {
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
    }
}
