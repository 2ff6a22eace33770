package dev.berth.extender.cli;

/** The rules and the score formula, printed by {@code serve --help} and {@code what-if --help} (same text as the README). */
final class ScoringHelp {
    private ScoringHelp() {}

    static final String TEXT = """
            Placement (pods labelled berth.dev/cluster only; other pods pass every node with score 0):
              Hard rules, in order (the first broken one is the node's reason):
                avoid-node    pod annotation berth.dev/avoid-node names the node  -> "broker is moving off this node"
                rack label    node has no rack label                              -> "node has no rack label"
                pinned rack   pod berth.dev/rack set and differs from node's rack  -> "broker rack mismatch"
                local disk    pod asks berth.dev/local-storage = R and node berth.dev/disk-capacity = C is
                              missing / invalid / C < R                           -> "node offers no local disk" /
                                                                                     "node disk capacity annotation is invalid" /
                                                                                     "node disk smaller than broker storage"
                one per node  another broker of the same cluster bound or reserved -> "node already hosts a broker of this cluster"
                free disk     C - U < R, U = local disk of other brokers on node  -> "not enough free local disk"
                rack skew     pod not pinned and c(rack) + 1 - m > maxSkew (default 1), c = brokers of the cluster
                              per rack, m = min c over the racks of the nodes passing the rules above
                                                                                  -> "another rack has fewer brokers of this cluster"
              Permanent reasons go to FailedAndUnresolvableNodes, the one-broker-per-node and free-disk
              reasons to FailedNodes; a node the cache has not seen -> FailedNodes "node not in berth cache yet".
              Soft scores, each 0..10:
                rack    = clamp(10 - 5 * (c(rack) - min_r c(r)), 0, 10)  c = brokers of the cluster per rack; 10 if pinned;
                          min over the racks of the scored nodes that pass the hard rules (with maxSkew 1,
                          every passing node is in such a rack and scores 10; the score matters for maxSkew >= 2 or 0)
                leaders = Lmax == 0 ? 10 : floor(10 * (Lmax - L) / Lmax)
                          L = sum of berth.dev/leaders (or leader-bytes-in) of brokers on the node, Lmax over scored nodes
                disk    = floor(10 * max(0, C - U - R) / C)          10 for network storage (no local-storage)
              total = round_half_up((wr*rack + wl*leaders + wd*disk) / (wr + wl + wd)), 0 if all weights are 0
              Example, weights 3/2/1: rack 10, leaders 5, disk 4 -> (30 + 10 + 4) / 6 = 7.33 -> 7.
            """;
}
