package dev.berth.extender.http;

import dev.berth.extender.placement.NodeScore;

/** The one sentence of the bind Event: where the broker went and why. */
final class Explain {
    private Explain() {}

    static String bind(String node, String rack, Decision scored) {
        String where = "Placed on node " + node + (rack == null ? "" : " (rack " + rack + ")");
        if (scored != null && scored.scores() != null) {
            for (NodeScore s : scored.scores()) {
                if (s.node().equals(node)) {
                    return where + ": score " + s.total() + "/10 (rack balance " + s.rack() + ", leadership load "
                            + s.leaders() + ", disk headroom " + s.disk() + "), among " + scored.scores().length
                            + " scored node(s).";
                }
            }
        }
        return where + ": it passed every berth placement rule.";
    }
}
