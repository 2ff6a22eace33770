package dev.berth.extender.http;

import dev.berth.extender.placement.Scores;

/** The one sentence of the bind Event: where the broker went and why. */
final class Explain {
    private Explain() {}

    static String bind(String node, String rack, Decision scored) {
        String where = "Placed on node " + node + (rack == null ? "" : " (rack " + rack + ")");
        if (scored != null && scored.scores() != null) {
            Scores s = scored.scores();
            for (int i = 0; i < s.size(); i++) {
                if (scored.names().get(i).equals(node)) {
                    return where + ": score " + s.total(i) + "/10 (rack balance " + s.rack(i) + ", leadership load "
                            + s.leaders(i) + ", disk headroom " + s.disk(i) + "), among " + s.size() + " scored node(s).";
                }
            }
        }
        return where + ": it passed every berth placement rule.";
    }
}
