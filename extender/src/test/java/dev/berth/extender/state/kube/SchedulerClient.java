package dev.berth.extender.state.kube;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Calls the extender the way kube-scheduler does with {@code nodeCacheCapable: true}: capitalised
 * keys, {@code "Nodes": null} beside {@code NodeNames}, the Pod as the scheduler's informer holds it
 * (lowerCamel, no kind/apiVersion), then prioritize over the nodes that passed (skipped when one is
 * left), then bind on the best score (first on ties, as the scheduler's order is not ours to guess).
 */
final class SchedulerClient {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String urlPrefix;

    SchedulerClient(String urlPrefix) {
        this.urlPrefix = urlPrefix;
    }

    record Filtered(List<String> nodeNames, Map<String, String> failed, Map<String, String> unresolvable, String error) {}

    /** One scheduling attempt: filter, prioritize, bind. */
    record Attempt(Filtered filtered, String chosen, String bindError) {}

    record Answer(int status, String body) {}

    Answer post(String verb, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(urlPrefix + "/" + verb))
                        .timeout(Duration.ofSeconds(15))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body());
    }

    Answer get(String path) throws IOException, InterruptedException {
        URI base = URI.create(urlPrefix);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body());
    }

    /** The Pod as kube-scheduler embeds it: the stored object without kind and apiVersion. */
    static String schedulerPod(JsonObject stored) {
        JsonObject pod = stored.deepCopy();
        pod.remove("kind");
        pod.remove("apiVersion");
        return pod.toString();
    }

    static String args(JsonObject storedPod, List<String> nodeNames) {
        JsonArray names = new JsonArray();
        nodeNames.forEach(names::add);
        return "{\"Pod\":" + schedulerPod(storedPod) + ",\"Nodes\":null,\"NodeNames\":" + names + "}";
    }

    static String bindArgs(JsonObject storedPod, String node) {
        JsonObject meta = storedPod.getAsJsonObject("metadata");
        JsonObject b = new JsonObject();
        b.addProperty("PodName", meta.get("name").getAsString());
        b.addProperty("PodNamespace", meta.get("namespace").getAsString());
        b.addProperty("PodUID", meta.get("uid").getAsString());
        b.addProperty("Node", node);
        return b.toString();
    }

    Filtered filter(JsonObject storedPod, List<String> nodeNames) throws IOException, InterruptedException {
        Answer a = post("filter", args(storedPod, nodeNames));
        if (a.status() != 200) {
            throw new IllegalStateException("filter answered " + a.status() + ": " + a.body());
        }
        JsonObject o = JsonParser.parseString(a.body()).getAsJsonObject();
        List<String> passed = new ArrayList<>();
        if (o.get("NodeNames") != null && o.get("NodeNames").isJsonArray()) {
            o.getAsJsonArray("NodeNames").forEach(e -> passed.add(e.getAsString()));
        }
        return new Filtered(passed, stringMap(o.get("FailedNodes")), stringMap(o.get("FailedAndUnresolvableNodes")),
                o.get("Error") == null ? "" : o.get("Error").getAsString());
    }

    Map<String, Integer> prioritize(JsonObject storedPod, List<String> nodeNames) throws IOException, InterruptedException {
        Answer a = post("prioritize", args(storedPod, nodeNames));
        if (a.status() != 200) {
            throw new IllegalStateException("prioritize answered " + a.status() + ": " + a.body());
        }
        Map<String, Integer> scores = new LinkedHashMap<>();
        for (JsonElement e : JsonParser.parseString(a.body()).getAsJsonArray()) {
            JsonObject hp = e.getAsJsonObject();
            scores.put(hp.get("Host").getAsString(), hp.get("Score").getAsInt());
        }
        return scores;
    }

    String bind(JsonObject storedPod, String node) throws IOException, InterruptedException {
        Answer a = post("bind", bindArgs(storedPod, node));
        if (a.status() != 200) {
            throw new IllegalStateException("bind answered " + a.status() + ": " + a.body());
        }
        return JsonParser.parseString(a.body()).getAsJsonObject().get("Error").getAsString();
    }

    Attempt schedule(JsonObject storedPod, List<String> nodeNames) throws IOException, InterruptedException {
        Filtered f = filter(storedPod, nodeNames);
        if (f.nodeNames().isEmpty()) {
            return new Attempt(f, null, null);
        }
        String chosen = f.nodeNames().get(0);
        if (f.nodeNames().size() > 1) {
            Map<String, Integer> scores = prioritize(storedPod, f.nodeNames());
            int best = Integer.MIN_VALUE;
            for (String n : f.nodeNames()) {
                int s = scores.getOrDefault(n, 0);
                if (s > best) {
                    best = s;
                    chosen = n;
                }
            }
        }
        return new Attempt(f, chosen, bind(storedPod, chosen));
    }

    private static Map<String, String> stringMap(JsonElement e) {
        Map<String, String> out = new LinkedHashMap<>();
        if (e != null && e.isJsonObject()) {
            e.getAsJsonObject().entrySet().forEach(en -> out.put(en.getKey(), en.getValue().getAsString()));
        }
        return out;
    }
}
