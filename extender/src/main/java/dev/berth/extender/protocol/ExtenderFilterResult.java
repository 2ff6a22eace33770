package dev.berth.extender.protocol;

import java.util.List;
import java.util.Map;

/**
 * {@code ExtenderFilterResult}: the nodes that pass ({@code Nodes} in full mode, echoed as sent;
 * {@code NodeNames} in names mode; the other one {@code null}), the per-node refusals split into
 * {@code FailedNodes} (transient) and {@code FailedAndUnresolvableNodes} (permanent), and
 * {@code Error} (empty on success).
 */
public record ExtenderFilterResult(
        List<WireNode> nodes,
        List<String> nodeNames,
        Map<String, String> failedNodes,
        Map<String, String> failedAndUnresolvableNodes,
        String error) {}
