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
 * Nodes and Pods read from YAML as {@code kubectl get nodes,pods -A -o yaml} prints them: a
 * {@code List} (its {@code items}), or several {@code ---} documents, or both. The API's own
 * {@code NodeList} and {@code PodList}, whose items carry no {@code kind}, are read too. Objects of
 * other kinds are ignored. Only names, labels, annotations, (for nodes) {@code spec.unschedulable} and
 * {@code spec.taints}, and (for pods) {@code spec.nodeName}, {@code spec.tolerations} and
 * {@code status.phase} are read: a Succeeded or Failed pod occupies no node. A node, or a pod
 * (namespace and name), listed twice is an error: which copy is meant?
 * Uses the SnakeYAML that client-java already ships, with its safe constructor (plain maps and
 * lists, no arbitrary types).
 */
public record ClusterFile(List<Obj> nodes, List<Obj> pods) {

    /**
     * One Kubernetes object, reduced to what berth reads. {@code nodeName} is null for nodes and unbound pods;
     * {@code unschedulable} and {@code taints} are a node's, {@code tolerations} a pod's (what decides
     * whether kube-scheduler offers the node at all: {@link NodeOffer}).
     */
    public record Obj(String namespace, String name, String uid, Map<String, String> labels,
            Map<String, String> annotations, String nodeName, boolean unschedulable, List<NodeOffer.Taint> taints,
            List<NodeOffer.Toleration> tolerations) {
        public Obj(String namespace, String name, String uid, Map<String, String> labels,
                Map<String, String> annotations, String nodeName) {
            this(namespace, name, uid, labels, annotations, nodeName, false, List.of(), List.of());
        }
    }

    /**
     * Reads and parses {@code file}. An unreadable file is an {@link IOException} whose message
     * names the file and says why in words ("no such file", "is a directory", "not UTF-8 text").
     */
    public static ClusterFile read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IOException(file + ": not UTF-8 text (a YAML file was expected)", e);
        } catch (IOException e) {
            throw new IOException(file + ": " + (Files.isDirectory(file) ? "is a directory" : e.toString()), e);
        }
        return parse(text, file.toString());
    }

    /** This file, when it lists at least one Node; {@code origin} names it in the error. */
    public ClusterFile requireNodes(String origin) {
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException(origin + ": no Node in the file (a List or documents of kind Node,"
                    + " as `kubectl get nodes,pods -A -o yaml` prints them)");
        }
        return this;
    }

    /** {@code origin} names the source in error messages. */
    public static ClusterFile parse(String yaml, String origin) {
        List<Obj> nodes = new ArrayList<>();
        List<Obj> pods = new ArrayList<>();
        Yaml parser = new Yaml(new SafeConstructor(loaderOptions()));
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
        requireUnique(nodes, "node", origin);
        requireUnique(pods, "pod", origin);
        return new ClusterFile(List.copyOf(nodes), List.copyOf(pods));
    }

    /**
     * The largest file read, in code points: 256 MiB. SnakeYAML's default of 3 MiB refuses what
     * {@code kubectl get nodes,pods -A -o yaml} prints for a few hundred nodes (Nodes carry large
     * annotations, and the pods come on top); 256 MiB holds tens of thousands. The file is the
     * operator's own, read once at start. The other defaults stay (aliases per collection, nesting
     * depth), as does the safe constructor.
     */
    static final int CODE_POINT_LIMIT = 256 << 20;

    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(CODE_POINT_LIMIT);
        return options;
    }

    private static void requireUnique(List<Obj> objs, String what, String origin) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Obj o : objs) {
            String key = o.namespace() == null ? o.name() : o.namespace() + "/" + o.name();
            if (!seen.add(key)) {
                throw new IllegalArgumentException(origin + ": " + what + " " + key + " is listed twice");
            }
        }
    }

    private static void collect(Object o, List<Obj> nodes, List<Obj> pods, String where) {
        collect(o, null, nodes, pods, where);
    }

    /** {@code itemKind}: the kind a typed list ({@code NodeList}, {@code PodList}) gives its items. */
    private static void collect(Object o, String itemKind, List<Obj> nodes, List<Obj> pods, String where) {
        if (!(o instanceof Map<?, ?> map)) {
            return;
        }
        Object kind = map.get("kind") == null ? itemKind : map.get("kind");
        if (map.get("items") instanceof List<?> items) {
            String typed = "NodeList".equals(kind) ? "Node" : "PodList".equals(kind) ? "Pod" : null;
            for (int i = 0; i < items.size(); i++) {
                collect(items.get(i), typed, nodes, pods, where + " item " + i);
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
        boolean unschedulable = false;
        List<NodeOffer.Taint> taints = new ArrayList<>();
        List<NodeOffer.Toleration> tolerations = new ArrayList<>();
        if (map.get("spec") instanceof Map<?, ?> spec) {
            if (pod) {
                nodeName = text(spec.get("nodeName"));
                for (Map<?, ?> t : maps(spec.get("tolerations"))) {
                    tolerations.add(new NodeOffer.Toleration(text(t.get("key")), text(t.get("operator")),
                            text(t.get("value")), text(t.get("effect"))));
                }
            } else {
                unschedulable = Boolean.TRUE.equals(spec.get("unschedulable")) || "true".equals(text(spec.get("unschedulable")));
                for (Map<?, ?> t : maps(spec.get("taints"))) {
                    taints.add(new NodeOffer.Taint(text(t.get("key")), text(t.get("value")), text(t.get("effect"))));
                }
            }
        }
        if (pod && map.get("status") instanceof Map<?, ?> status
                && ("Succeeded".equals(status.get("phase")) || "Failed".equals(status.get("phase")))) {
            nodeName = null; // a finished pod holds no node, as the Kubernetes backend reads it
        }
        String ns = text(meta.get("namespace"));
        return new Obj(pod && ns == null ? "default" : ns, name, text(meta.get("uid")),
                strings(meta.get("labels")), strings(meta.get("annotations")), nodeName, unschedulable,
                List.copyOf(taints), List.copyOf(tolerations));
    }

    /** The maps of a YAML list ({@code spec.taints}, {@code spec.tolerations}); anything else in it is skipped. */
    private static List<Map<?, ?>> maps(Object o) {
        List<Map<?, ?>> out = new ArrayList<>();
        if (o instanceof List<?> list) {
            for (Object e : list) {
                if (e instanceof Map<?, ?> m) {
                    out.add(m);
                }
            }
        }
        return out;
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
