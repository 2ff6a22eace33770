package dev.berth.testbed.k8s;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.JsonSerializer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Creates the objects of a YAML text through the bridge, as {@code kubectl create -f} would.
 *
 * <ul>
 *   <li>Several documents ({@code ---}) and {@code kind: List} (its {@code items}) both work;
 *       empty documents are skipped.</li>
 *   <li>Order: CustomResourceDefinitions first, then Namespaces, then the rest in file order, so a
 *       file may hold a CRD and its custom resources.</li>
 *   <li>The collection path comes from apiVersion and kind: built-in kinds from a table, custom
 *       kinds from the stored CRD (plural and scope). A namespaced object without a namespace
 *       goes to {@code default}.</li>
 *   <li>{@code status} in the YAML is kept, as if a kubelet or controller had reported it: when
 *       the create dropped it (a CRD with the status subresource), it is written through
 *       {@code /status}.</li>
 *   <li>Any refusal fails loudly: a fixture that did not load is a broken test.</li>
 * </ul>
 */
final class ManifestLoader {

    /** YAML timestamps come back as strings (RFC 3339), not as java.util.Date objects. */
    private static final Gson GSON = new GsonBuilder()
            .registerTypeHierarchyAdapter(Date.class,
                    (JsonSerializer<Date>) (d, t, c) -> new JsonPrimitive(d.toInstant().toString()))
            .create();

    private final MockConnection api;

    /** @param api a connection to the bridge (so kind repair and binding rules apply) */
    ManifestLoader(MockConnection api) {
        this.api = api;
    }

    List<JsonObject> load(String yamlText) throws IOException, InterruptedException {
        List<JsonObject> objects = new ArrayList<>();
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yamlText)) {
            if (doc instanceof Map<?, ?>) {
                JsonObject o = GSON.toJsonTree(doc).getAsJsonObject();
                if ("List".equals(string(o, "kind")) && o.has("items")) {
                    o.getAsJsonArray("items").forEach(i -> objects.add(i.getAsJsonObject()));
                } else {
                    objects.add(o);
                }
            } else if (doc != null) {
                throw new IllegalArgumentException("a YAML document is not an object: " + doc);
            }
        }
        objects.sort(Comparator.comparingInt(ManifestLoader::rank)); // stable: file order within a rank
        List<JsonObject> created = new ArrayList<>();
        for (JsonObject o : objects) {
            created.add(create(o));
        }
        return created;
    }

    private static int rank(JsonObject o) {
        String kind = string(o, "kind");
        return "CustomResourceDefinition".equals(kind) ? 0 : "Namespace".equals(kind) ? 1 : 2;
    }

    JsonObject create(JsonObject o) throws IOException, InterruptedException {
        String apiVersion = string(o, "apiVersion");
        String kind = string(o, "kind");
        if (apiVersion == null || kind == null) {
            throw new IllegalArgumentException("apiVersion and kind are required in a manifest: " + o);
        }
        String group = ResourcePaths.groupOf(apiVersion);
        String plural;
        boolean namespaced;
        Optional<String> builtin = ResourcePaths.builtinPlural(group, kind);
        if (builtin.isPresent()) {
            plural = builtin.get();
            namespaced = !ResourcePaths.builtinClusterScoped(group, kind);
        } else {
            Optional<JsonObject> crd = api.findCrd(group, null, kind);
            if (crd.isEmpty()) {
                throw new IllegalArgumentException("no CRD serves " + kind + " in " + apiVersion
                        + ": load or register the CRD first");
            }
            JsonObject spec = crd.get().getAsJsonObject("spec");
            plural = spec.getAsJsonObject("names").get("plural").getAsString();
            namespaced = !"Cluster".equals(string(spec, "scope"));
        }
        JsonObject meta = o.has("metadata") ? o.getAsJsonObject("metadata") : new JsonObject();
        String namespace = null;
        if (namespaced) {
            namespace = Optional.ofNullable(string(meta, "namespace")).orElse("default");
            meta.addProperty("namespace", namespace);
            o.add("metadata", meta);
        }
        String collection = ResourcePaths.collectionPath(apiVersion, namespace, plural);
        JsonObject created = send("POST", collection, o);
        JsonElement wanted = o.get("status");
        if (wanted != null && !wanted.equals(created.get("status"))) {
            created.add("status", wanted);
            created = send("PUT", collection + "/" + string(created.getAsJsonObject("metadata"), "name") + "/status",
                    created);
        }
        return created;
    }

    private JsonObject send(String method, String path, JsonObject body) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = api.send(method, path, "application/json",
                body.toString().getBytes(StandardCharsets.UTF_8));
        String text = MockConnection.text(r.body());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + text);
        }
        return GSON.fromJson(text, JsonObject.class);
    }

    private static String string(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? null : e.getAsString();
    }
}
