package dev.berth.extender.protocol;

import dev.berth.extender.placement.NodeTable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes and validates extender request bodies, once, in one place. Every way a body can be
 * wrong ends here as a {@link BadRequestException} (HTTP 400 with that reason); what comes out is
 * complete and safe to use.
 *
 * <p>Keys of the extender envelope are matched case-insensitively, as Go's {@code encoding/json}
 * does: {@code Pod}, {@code pod} and {@code POD} are the same key. Unknown keys are skipped. Only
 * the metadata fields berth reads are decoded; {@code managedFields}, {@code spec}, {@code status}
 * and the rest are skipped without building anything. {@code Nodes} is a {@code NodeList}
 * ({@code {"metadata":{},"items":[...]}}); a bare array of nodes is accepted too.
 */
public final class WireDecoder {
    private WireDecoder() {}

    public static ExtenderArgs extenderArgs(String body) throws BadRequestException {
        return extenderArgs(body, null);
    }

    public static ExtenderArgs extenderArgs(String body, NodeTable table) throws BadRequestException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return extenderArgs(bytes, bytes.length, table);
    }

    /**
     * Decodes {@code body[0, length)}, resolving {@code NodeNames} against {@code table} (may be
     * null) on the way: the returned {@link NameList} carries each name's row.
     */
    public static ExtenderArgs extenderArgs(byte[] body, int length, NodeTable table) throws BadRequestException {
        JsonCursor c = new JsonCursor(body, length);
        if (c.nextIsNull()) {
            throw new BadRequestException("body is null, expected ExtenderArgs");
        }
        WirePod pod = null;
        List<WireNode> nodes = null;
        List<String> names = null;
        boolean nodesSeen = false;
        boolean namesSeen = false;
        c.beginObject();
        for (boolean first = true; c.hasNext(first, '}'); first = false) {
            String key = c.nextName();
            if (key.equalsIgnoreCase("Pod")) {
                pod = c.nextIsNull() ? null : pod(c);
            } else if (key.equalsIgnoreCase("Nodes")) {
                nodes = c.nextIsNull() ? null : nodeList(c);
                nodesSeen = true;
            } else if (key.equalsIgnoreCase("NodeNames")) {
                names = c.nextIsNull() ? null : NodeNameReader.read(c, "NodeNames", table);
                namesSeen = true;
            } else {
                c.skipValue();
            }
        }
        c.finish();
        if (pod == null) {
            throw new BadRequestException("Pod is missing");
        }
        if (pod.name() == null || pod.name().isEmpty()) {
            throw new BadRequestException("Pod.metadata.name is missing");
        }
        if (nodes == null && names == null) {
            throw new BadRequestException(nodesSeen || namesSeen
                    ? "both Nodes and NodeNames are null" : "neither Nodes nor NodeNames is present");
        }
        if (nodes != null && names != null) {
            throw new BadRequestException("both Nodes and NodeNames are set; exactly one must be");
        }
        return new ExtenderArgs(pod, nodes, names);
    }

    public static ExtenderBindingArgs bindingArgs(String body) throws BadRequestException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return bindingArgs(bytes, bytes.length);
    }

    public static ExtenderBindingArgs bindingArgs(byte[] body, int length) throws BadRequestException {
        JsonCursor c = new JsonCursor(body, length);
        if (c.nextIsNull()) {
            throw new BadRequestException("body is null, expected ExtenderBindingArgs");
        }
        String name = null;
        String namespace = null;
        String uid = null;
        String node = null;
        c.beginObject();
        for (boolean first = true; c.hasNext(first, '}'); first = false) {
            String key = c.nextName();
            if (key.equalsIgnoreCase("PodName")) {
                name = c.nextStringOrNull("PodName");
            } else if (key.equalsIgnoreCase("PodNamespace")) {
                namespace = c.nextStringOrNull("PodNamespace");
            } else if (key.equalsIgnoreCase("PodUID")) {
                uid = c.nextStringOrNull("PodUID");
            } else if (key.equalsIgnoreCase("Node")) {
                node = c.nextStringOrNull("Node");
            } else {
                c.skipValue();
            }
        }
        c.finish();
        requireText(name, "PodName");
        requireText(namespace, "PodNamespace");
        // kube-scheduler always sends it, and the Binding carries it as its precondition: without
        // it, a pod deleted and created again under the same name could be bound in its place
        requireText(uid, "PodUID");
        requireText(node, "Node");
        return new ExtenderBindingArgs(name, namespace, uid, node);
    }

    private static void requireText(String value, String field) throws BadRequestException {
        if (value == null || value.isEmpty()) {
            throw new BadRequestException(field + " is missing");
        }
    }

    private static WirePod pod(JsonCursor c) throws BadRequestException {
        Meta meta = null;
        c.beginObject();
        for (boolean first = true; c.hasNext(first, '}'); first = false) {
            if (c.nextName().equalsIgnoreCase("metadata")) {
                meta = c.nextIsNull() ? null : meta(c, "Pod.metadata"); // null: as absent
            } else {
                c.skipValue();
            }
        }
        meta = meta == null ? Meta.EMPTY : meta;
        return new WirePod(meta.name, meta.namespace, meta.uid, meta.labels, meta.annotations);
    }

    private static List<WireNode> nodeList(JsonCursor c) throws BadRequestException {
        if (c.peek() == '[') {
            return nodeArray(c);
        }
        List<WireNode> items = null;
        c.beginObject();
        for (boolean first = true; c.hasNext(first, '}'); first = false) {
            if (c.nextName().equalsIgnoreCase("items")) {
                items = c.nextIsNull() ? List.of() : nodeArray(c);
            } else {
                c.skipValue();
            }
        }
        return items == null ? List.of() : items;
    }

    private static List<WireNode> nodeArray(JsonCursor c) throws BadRequestException {
        List<WireNode> nodes = new ArrayList<>();
        c.beginArray();
        for (boolean first = true; c.hasNext(first, ']'); first = false) {
            c.peek();
            int start = c.position();
            if (c.peek() != '{') {
                throw c.error("Nodes.items[" + nodes.size() + "] must be an object");
            }
            Meta meta = null;
            c.beginObject();
            for (boolean f = true; c.hasNext(f, '}'); f = false) {
                if (c.nextName().equalsIgnoreCase("metadata")) {
                    meta = c.nextIsNull() ? null : meta(c, "Nodes.items[].metadata"); // null: as absent
                } else {
                    c.skipValue();
                }
            }
            if (meta == null || meta.name == null || meta.name.isEmpty()) {
                throw new BadRequestException("Nodes.items[" + nodes.size() + "].metadata.name is missing");
            }
            nodes.add(new WireNode(meta.name, meta.labels, meta.annotations, c.source(), start, c.position()));
        }
        return nodes;
    }

    private static Meta meta(JsonCursor c, String where) throws BadRequestException {
        Meta m = new Meta();
        c.beginObject();
        for (boolean first = true; c.hasNext(first, '}'); first = false) {
            String key = c.nextName();
            if (key.equalsIgnoreCase("name")) {
                m.name = c.nextStringOrNull(where + ".name");
            } else if (key.equalsIgnoreCase("namespace")) {
                m.namespace = c.nextStringOrNull(where + ".namespace");
            } else if (key.equalsIgnoreCase("uid")) {
                m.uid = c.nextStringOrNull(where + ".uid");
            } else if (key.equalsIgnoreCase("labels")) {
                m.labels = stringMap(c, where + ".labels");
            } else if (key.equalsIgnoreCase("annotations")) {
                m.annotations = stringMap(c, where + ".annotations");
            } else {
                c.skipValue();
            }
        }
        return m;
    }

    private static Map<String, String> stringMap(JsonCursor c, String where) throws BadRequestException {
        if (c.nextIsNull()) {
            return Map.of();
        }
        Map<String, String> map = new HashMap<>();
        c.beginObject();
        for (boolean first = true; c.hasNext(first, '}'); first = false) {
            String key = c.nextName();
            String value = c.nextStringOrNull(where, -1, key);
            if (value != null) {
                map.put(key, value);
            }
        }
        return map;
    }

    private static final class Meta {
        static final Meta EMPTY = new Meta();
        String name;
        String namespace;
        String uid;
        Map<String, String> labels = Map.of();
        Map<String, String> annotations = Map.of();
    }
}
