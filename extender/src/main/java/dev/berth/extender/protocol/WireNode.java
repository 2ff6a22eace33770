package dev.berth.extender.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A Node from {@code Nodes.items} of an extender request ({@code nodeCacheCapable: false}):
 * {@code metadata.name}, {@code labels} and {@code annotations}, plus where its JSON sits in the
 * request body's bytes, so an accepted node is echoed byte for byte in the filter reply.
 */
public record WireNode(String name, Map<String, String> labels, Map<String, String> annotations,
        byte[] source, int start, int end) {

    /** Appends the node's JSON exactly as it arrived. */
    public void appendRaw(ByteBuilder out) {
        out.bytes(source, start, end - start);
    }

    public String raw() {
        return new String(source, start, end - start, StandardCharsets.UTF_8);
    }
}
