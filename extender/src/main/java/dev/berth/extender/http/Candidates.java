package dev.berth.extender.http;

import dev.berth.extender.placement.Candidate;
import dev.berth.extender.placement.NodeFacts;
import dev.berth.extender.placement.Reason;
import dev.berth.extender.protocol.ExtenderArgs;
import dev.berth.extender.protocol.Facts;
import dev.berth.extender.protocol.WireNode;
import dev.berth.extender.state.ClusterState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds the engine's candidates from a request and the cache, one per requested node, in request
 * order. Names mode takes every fact from the cache. Full mode takes the node's rack and disk from
 * the Node object the scheduler sent, and the brokers on it from the cache. Either way a node the
 * cache has not seen fails with {@link Reason#UNKNOWN_NODE}: without the cache berth cannot know
 * which brokers already sit there.
 */
final class Candidates {
    private Candidates() {}

    static List<Candidate> of(ExtenderArgs args, ClusterState state, String rackLabel) {
        List<Candidate> out = new ArrayList<>(args.size());
        if (args.fullNodes()) {
            for (WireNode n : args.nodes()) {
                Optional<NodeFacts> cached = state.node(n.name());
                out.add(cached.isEmpty() ? Candidate.failed(n.name(), Reason.UNKNOWN_NODE)
                        : Candidate.known(Facts.node(n, rackLabel, cached.get().brokers())));
            }
        } else {
            for (String name : args.nodeNames()) {
                Optional<NodeFacts> cached = state.node(name);
                out.add(cached.isEmpty() ? Candidate.failed(name, Reason.UNKNOWN_NODE) : Candidate.known(cached.get()));
            }
        }
        return out;
    }
}
