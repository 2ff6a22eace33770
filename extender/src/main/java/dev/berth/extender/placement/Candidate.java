package dev.berth.extender.placement;

/**
 * One node named in a scheduler request, as the engine sees it.
 *
 * @param name the node name exactly as the scheduler sent it
 * @param facts what is known about the node, or {@code null} when it could not be established
 * @param preset a reason already decided while reading the node (unknown to the cache, invalid
 *     annotation), or {@code null}; when set the node fails with it and no rule runs
 */
public record Candidate(String name, NodeFacts facts, Reason preset) {

    public static Candidate known(NodeFacts facts) {
        return new Candidate(facts.name(), facts, null);
    }

    public static Candidate failed(String name, Reason reason) {
        return new Candidate(name, null, reason);
    }
}
