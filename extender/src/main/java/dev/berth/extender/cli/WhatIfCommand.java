package dev.berth.extender.cli;

import dev.berth.extender.placement.BrokerPod;
import dev.berth.extender.placement.Candidate;
import dev.berth.extender.placement.LeaderMetric;
import dev.berth.extender.placement.NodeFacts;
import dev.berth.extender.placement.NodeScore;
import dev.berth.extender.placement.PlacementEngine;
import dev.berth.extender.placement.RackCounts;
import dev.berth.extender.placement.Reason;
import dev.berth.extender.placement.Weights;
import dev.berth.extender.protocol.BadRequestException;
import dev.berth.extender.protocol.Facts;
import dev.berth.extender.state.file.ClusterFile;
import dev.berth.extender.state.file.FileClusterState;
import dev.berth.extender.state.file.NodeOffer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code what-if}: places one pod against a cluster file with the same engine {@code serve} uses,
 * and prints each node's verdict, reason and score parts, then the node berth would prefer.
 */
final class WhatIfCommand {
    static final Set<String> FLAGS = Set.of("cluster-file", "pod", "rack-label", "weight-rack", "weight-leaders",
            "weight-disk", "score-leaders-by", "max-rack-skew");

    static final String HELP = """
            Usage: java -jar berth-extender.jar what-if --cluster-file FILE --pod POD.yaml [flags]

            Places one pod against a cluster file (Nodes and Pods as `kubectl get nodes,pods -A -o yaml` prints
            them, every namespace's brokers included: a List or several --- documents) and prints, per node,
            the verdict with its reason and the score parts, then names the node berth prefers (highest total;
            ties go to the first node in the file). Nodes kube-scheduler would not offer (cordoned, or with a
            NoSchedule/NoExecute taint the pod does not tolerate) are listed as skip, as serve never sees them.
            Exit code 0 when a node fits, 1 when none does, 2 on bad flags or files.

            Flags (default, and why):
              --cluster-file FILE   required: the nodes, and the broker pods already bound (spec.nodeName)
              --pod FILE            required: the pod to place (the first Pod in the file)
              --rack-label KEY      topology.kubernetes.io/zone: the well-known label cloud nodes carry
              --weight-rack N       3, --weight-leaders N 2, --weight-disk N 1: as serve (see serve --help)
              --score-leaders-by M  leaders: as serve
              --max-rack-skew N     1: as serve (0 turns the rack skew rule off)
            """ + "\n" + ScoringHelp.TEXT;

    private WhatIfCommand() {}

    static int run(String[] args, PrintStream out, PrintStream err) {
        Flags f;
        try {
            f = Flags.parse(args, 1, FLAGS);
            if (f.help()) {
                out.print(HELP);
                return 0;
            }
            if (f.get("cluster-file") == null || f.get("pod") == null) {
                throw new IllegalArgumentException("--cluster-file and --pod are required");
            }
            String rackLabel = ServeCommand.rackLabel(f, ServeOptions.Scoring.DEFAULT.rackLabel());
            PlacementEngine engine = new PlacementEngine(
                    new Weights(f.integer("weight-rack", Weights.DEFAULT.rack(), 0),
                            f.integer("weight-leaders", Weights.DEFAULT.leaders(), 0),
                            f.integer("weight-disk", Weights.DEFAULT.disk(), 0)),
                    LeaderMetric.fromFlag(f.get("score-leaders-by", LeaderMetric.LEADERS.flag())), ServeCommand.maxRackSkew(f));
            ClusterFile cluster = ClusterFile.read(Path.of(f.get("cluster-file"))).requireNodes(f.get("cluster-file"));
            ClusterFile podFile = ClusterFile.read(Path.of(f.get("pod")));
            if (podFile.pods().isEmpty()) {
                throw new IllegalArgumentException(f.get("pod") + ": no Pod in the file");
            }
            ClusterFile.Obj p = podFile.pods().get(0);
            BrokerPod pod = Facts.brokerPod(p.namespace(), p.name(), p.uid(), p.labels(), p.annotations());
            return report(pod, p.tolerations(), cluster, new FileClusterState(cluster, rackLabel), engine, out);
        } catch (IllegalArgumentException | BadRequestException e) {
            err.println("what-if: " + e.getMessage());
            err.println("run `what-if --help` for the flags");
            return 2;
        } catch (IOException e) {
            err.println("what-if: cannot read " + e.getMessage());
            return 2;
        }
    }

    private static int report(BrokerPod pod, List<NodeOffer.Toleration> tolerations, ClusterFile cluster,
            FileClusterState state, PlacementEngine engine, PrintStream out) {
        List<Candidate> candidates = new ArrayList<>();
        List<String> notOffered = new ArrayList<>();
        for (ClusterFile.Obj n : cluster.nodes()) {
            String why = NodeOffer.notOffered(n.unschedulable(), n.taints(), tolerations);
            if (why == null) { // kube-scheduler's own filters come first: serve is never asked about the others
                candidates.add(Candidate.known(state.node(n.name()).orElseThrow()));
            } else {
                notOffered.add(String.format("%-16s %-10s %-7s %5s %4s %7s %4s  not offered by kube-scheduler: %s",
                        n.name(), rackOf(state, n.name()), "skip", "-", "-", "-", "-", why));
            }
        }
        RackCounts counts = RackCounts.of(pod, state.nodes());
        Reason[] reasons = engine.filter(pod, candidates, () -> counts);
        NodeScore[] scores = engine.prioritize(pod, candidates, () -> counts);
        out.println(describe(pod));
        out.printf("%-16s %-10s %-7s %5s %4s %7s %4s  %s%n", "NODE", "RACK", "VERDICT", "TOTAL", "RACK", "LEADERS", "DISK", "REASON / LOAD");
        notOffered.forEach(out::println);
        int best = -1;
        for (int i = 0; i < candidates.size(); i++) {
            NodeFacts n = candidates.get(i).facts();
            String rack = n.rack() == null ? "-" : n.rack();
            if (reasons[i] != null) {
                out.printf("%-16s %-10s %-7s %5s %4s %7s %4s  %s (%s)%n", n.name(), rack, "reject", "-", "-", "-", "-",
                        reasons[i].text(), reasons[i].permanent() ? "permanent" : "transient");
                continue;
            }
            NodeScore s = scores[i];
            if (pod.isBroker()) {
                out.printf("%-16s %-10s %-7s %5d %4d %7d %4d  leader load %d%n", n.name(), rack, "pass", s.total(), s.rack(),
                        s.leaders(), s.disk(), s.load());
            } else {
                out.printf("%-16s %-10s %-7s %5d %4s %7s %4s  not a broker: score 0%n", n.name(), rack, "pass", 0, "-", "-", "-");
            }
            if (best < 0 || s.total() > scores[best].total()) {
                best = i;
            }
        }
        if (best < 0) {
            out.println("chosen: none (no node passes the hard rules)");
            return 1;
        }
        out.println("chosen: " + candidates.get(best).name() + " (score " + scores[best].total() + "/10)");
        return 0;
    }

    private static String rackOf(FileClusterState state, String node) {
        String rack = state.node(node).map(NodeFacts::rack).orElse(null);
        return rack == null ? "-" : rack;
    }

    private static String describe(BrokerPod pod) {
        if (!pod.isBroker()) {
            return "pod " + pod.key() + ": not a broker (no berth.dev/cluster label, or a berth.dev/role other than"
                    + " broker), berth has no opinion (every node passes, score 0)";
        }
        return "pod " + pod.key() + ": cluster " + pod.cluster() + ", broker " + (pod.brokerId() == null ? "?" : pod.brokerId())
                + ", rack " + (pod.pinnedRack() == null ? "not yet pinned" : pod.pinnedRack())
                + ", local storage " + (pod.localStorageBytes() == null ? "none (network storage)" : pod.localStorageBytes() + " bytes")
                + (pod.avoidNode() == null ? "" : ", avoiding " + pod.avoidNode());
    }
}
