package dev.berth.extender.state.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Nodes and Pods read from YAML as {@code kubectl get nodes,pods -o yaml} prints them: a
 * {@code List} (its {@code items}), or several {@code ---} documents, or both. Objects of other
 * kinds are ignored. Only names, labels, annotations and (for pods) {@code spec.nodeName} are read.
 * Uses the SnakeYAML that client-java already ships, with its safe constructor (plain maps and
 * lists, no arbitrary types).
 */
public record ClusterFile(List<Obj> nodes, List<Obj> pods) {

    /** One Kubernetes object, reduced to what berth reads. {@code nodeName} is null for nodes and unbound pods. */
    public record Obj(String namespace, String name, String uid, Map<String, String> labels,
            Map<String, String> annotations, String nodeName) {}

    public static ClusterFile read(Path file) throws IOException {
        return parse(Files.readString(file), file.toString());
    }

    /** {@code origin} names the source in error messages. */
    public static ClusterFile parse(String yaml, String origin) {
        List<Obj> nodes = new ArrayList<>();
        List<Obj> pods = new ArrayList<>();
        Yaml parser = new Yaml(new SafeConstructor(new LoaderOptions()));
        int doc = 0;
        try {
            for (Object o : parser.loadAll(yaml)) {
                doc++;
                collect(o, nodes, pods, origin + " document " + doc);
            }
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException) {
                throw e;
            }
            throw new IllegalArgumentException(origin + ": not valid YAML: " + e.getMessage(), e);
        }
        return new ClusterFile(List.copyOf(nodes), List.copyOf(pods));
    }

    private static void collect(Object o, List<Obj> nodes, List<Obj> pods, String where) {
        if (!(o instanceof Map<?, ?> map)) {
            return;
        }
        Object kind = map.get("kind");
        if (map.get("items") instanceof List<?> items) {
            for (int i = 0; i < items.size(); i++) {
                collect(items.get(i), nodes, pods, where + " item " + i);
            }
            return;
        }
        if ("Node".equals(kind)) {
            nodes.add(obj(map, where, false));
        } else if ("Pod".equals(kind)) {
            pods.add(obj(map, where, true));
        }
    }

    private static Obj obj(Map<?, ?> map, String where, boolean pod) {
        Map<?, ?> meta = map.get("metadata") instanceof Map<?, ?> m ? m : Map.of();
        String name = text(meta.get("name"));
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException(where + ": metadata.name is missing");
        }
        String nodeName = null;
        if (pod && map.get("spec") instanceof Map<?, ?> spec) {
            nodeName = text(spec.get("nodeName"));
        }
        String ns = text(meta.get("namespace"));
        return new Obj(pod && ns == null ? "default" : ns, name, text(meta.get("uid")),
                strings(meta.get("labels")), strings(meta.get("annotations")), nodeName);
    }

    /** YAML may type {@code 3} or {@code true} as numbers or booleans; labels are strings in Kubernetes. */
    private static Map<String, String> strings(Object o) {
        if (!(o instanceof Map<?, ?> m)) {
            return Map.of();
        }
        Map<String, String> out = new java.util.HashMap<>();
        m.forEach((k, v) -> {
            if (k != null && v != null) {
                out.put(String.valueOf(k), String.valueOf(v));
            }
        });
        return Map.copyOf(out);
    }

    private static String text(Object o) {
        return o == null ? null : String.valueOf(o);
    }
}
