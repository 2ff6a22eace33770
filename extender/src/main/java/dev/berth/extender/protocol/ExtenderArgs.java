package dev.berth.extender.protocol;

import java.util.List;

/**
 * {@code ExtenderArgs} of {@code k8s.io/kube-scheduler/extender/v1}, the body of {@code filter}
 * and {@code prioritize}: {@code {"Pod":{...},"Nodes":{"items":[...]}|null,"NodeNames":[...]|null}}.
 * Exactly one of {@code nodes} (full mode, {@code nodeCacheCapable: false}) and {@code nodeNames}
 * (names mode) is non-null; {@link WireDecoder} enforces it.
 */
public record ExtenderArgs(WirePod pod, List<WireNode> nodes, List<String> nodeNames) {

    public boolean fullNodes() {
        return nodes != null;
    }

    /** The node names in request order, whichever mode. */
    public List<String> names() {
        if (nodeNames != null) {
            return nodeNames;
        }
        return nodes.stream().map(WireNode::name).toList();
    }

    public int size() {
        return nodes != null ? nodes.size() : nodeNames.size();
    }
}
