package dev.berth.operator.api;

import java.util.Map;
import java.util.TreeMap;

/**
 * Container resources, Kubernetes quantities by resource name.
 *
 * @param requests e.g. {@code cpu: "1", memory: 4Gi}
 * @param limits e.g. {@code memory: 4Gi}
 */
public record ResourcesSpec(Map<String, String> requests, Map<String, String> limits) {
    public ResourcesSpec {
        requests = requests == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(requests));
        limits = limits == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(limits));
    }
}
