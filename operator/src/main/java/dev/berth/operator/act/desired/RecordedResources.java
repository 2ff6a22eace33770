package dev.berth.operator.act.desired;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.berth.operator.api.ResourcesSpec;
import io.kubernetes.client.custom.Quantity;
import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;

/**
 * The container resources a Kafka pod was created for, as its {@link Names#ANN_RESOURCES} annotation
 * holds them: the spec's requests and limits as written, e.g.
 * {@code {"limits":{"memory":"4Gi"},"requests":{"cpu":"1","memory":"4Gi"}}}.
 *
 * <p>Drift is judged against this record when the pod has one ({@link #same}): the spec's amounts now
 * against the amounts then, each side exactly (a resource added or taken out differs too). Amounts compare
 * as numbers, so {@code 1} and {@code 1000m} are the same.
 */
public final class RecordedResources {
    private static final Gson GSON = new Gson();

    private RecordedResources() {}

    public static String write(ResourcesSpec r) {
        Map<String, Map<String, String>> out = new TreeMap<>();
        out.put("limits", new TreeMap<>(r.limits()));
        out.put("requests", new TreeMap<>(r.requests()));
        return GSON.toJson(out);
    }

    /**
     * Whether {@code recorded} (a pod's annotation) holds exactly the amounts of {@code wanted} (the annotation
     * the spec gives now, {@link #write}); {@code null} when it cannot say (no annotation: a pod from an older
     * berth; or one edited into something else), and the container itself must be compared.
     */
    public static Boolean same(String recorded, String wanted) {
        ResourcesSpec then = read(recorded);
        ResourcesSpec now = read(wanted);
        if (then == null || now == null) {
            return null;
        }
        return equal(then.requests(), now.requests()) && equal(then.limits(), now.limits());
    }

    /** The record as written, or null when it is missing or not what {@link #write} writes. */
    static ResourcesSpec read(String recorded) {
        if (recorded == null) {
            return null;
        }
        try {
            JsonElement root = JsonParser.parseString(recorded);
            if (!root.isJsonObject()) {
                return null;
            }
            Map<String, String> requests = RecordedConfig.strings(((JsonObject) root).get("requests"));
            Map<String, String> limits = RecordedConfig.strings(((JsonObject) root).get("limits"));
            if (requests == null || limits == null) {
                return null;
            }
            for (String amount : requests.values()) {
                amount(amount);
            }
            for (String amount : limits.values()) {
                amount(amount);
            }
            return new ResourcesSpec(requests, limits);
        } catch (RuntimeException e) { // not JSON, or an amount that is no quantity
            return null;
        }
    }

    private static boolean equal(Map<String, String> then, Map<String, String> now) {
        if (!then.keySet().equals(now.keySet())) {
            return false;
        }
        for (Map.Entry<String, String> e : now.entrySet()) {
            if (amount(then.get(e.getKey())).compareTo(amount(e.getValue())) != 0) {
                return false;
            }
        }
        return true;
    }

    private static BigDecimal amount(String quantity) {
        return Quantity.fromString(quantity).getNumber();
    }
}
