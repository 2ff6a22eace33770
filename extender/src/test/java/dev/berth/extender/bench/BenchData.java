package dev.berth.extender.bench;

import dev.berth.extender.state.file.ClusterFile;
import dev.berth.extender.testing.SchedulerWire;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** The benchmark's data: the cluster, the broker pods to place, and the orders kube-scheduler lists nodes in. */
public final class BenchData {
    static final int NODES = 5_000;
    static final int PODS = 100;
    static final String RACK_LABEL = "topology.kubernetes.io/zone";
    /** kube-scheduler's default {@code parallelism}: goroutines that run its filter plugins. */
    static final int SCHEDULER_PARALLELISM = 16;

    private BenchData() {}

    /** 5,000 nodes over 10 racks, 1-4 Ti disks; 1,000 brokers of 50 clusters already placed with uneven leader loads. */
    public static ClusterFile cluster(Random r) {
        List<ClusterFile.Obj> nodes = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            Map<String, String> labels = i % 500 == 499 ? Map.of() : Map.of(RACK_LABEL, "rack-" + (i % 10));
            nodes.add(new ClusterFile.Obj(null, String.format("node-%05d", i), "uid-" + i, labels,
                    Map.of("berth.dev/disk-capacity", (1 + r.nextInt(4)) + "Ti"), null));
        }
        List<ClusterFile.Obj> brokers = new ArrayList<>();
        for (int b = 0; b < 1000; b++) {
            String cluster = "existing-" + (b % 50);
            brokers.add(new ClusterFile.Obj("kafka", cluster + "-broker-" + b, "u" + b,
                    Map.of("berth.dev/cluster", cluster, "berth.dev/broker-id", String.valueOf(b)),
                    Map.of("berth.dev/local-storage", (100 + r.nextInt(900)) + "Gi", "berth.dev/leaders", String.valueOf(r.nextInt(2000)),
                            "berth.dev/leader-bytes-in", r.nextInt(100) + "Mi"),
                    String.format("node-%05d", r.nextInt(NODES))));
        }
        return new ClusterFile(nodes, brokers);
    }

    /** 100 broker pods to place: half pinned to a rack, sizes 100-500 Gi, some of clusters that already have brokers. */
    public static List<String> pods(Random r) {
        List<String> pods = new ArrayList<>();
        for (int p = 0; p < PODS; p++) {
            String cluster = p % 2 == 0 ? "existing-" + (p % 50) : "new-" + (p % 20);
            Map<String, String> ann = new HashMap<>(Map.of("berth.dev/local-storage", (100 + r.nextInt(400)) + "Gi"));
            if (p % 4 < 2) {
                ann.put("berth.dev/rack", "rack-" + r.nextInt(10));
            }
            pods.add(SchedulerWire.pod("kafka", cluster + "-broker-" + (100 + p), "uid-p" + p,
                    Map.of("berth.dev/cluster", cluster, "berth.dev/broker-id", String.valueOf(100 + p)), ann));
        }
        return pods;
    }

    /**
     * The order in which kube-scheduler hands its feasible nodes to an extender, simulated.
     *
     * <p><b>What it models.</b> kube-scheduler's filter checks the nodes with {@code parallelism}
     * workers. Each worker takes the next chunk of consecutive nodes ({@code min(floor(sqrt(n)),
     * n / parallelism + 1)} of them, at least 1) and appends every node that passes to one shared list
     * at an atomically incremented index. So the list is the snapshot's order cut into chunks, with
     * the workers' nodes interleaved as they race. Here every node passes, and each step appends the
     * next node of a randomly chosen worker; a worker that ends its chunk takes the next one.
     *
     * <p><b>Example.</b> Nodes a..f, 2 workers, chunks of 2: the workers take {@code [a,b]} and
     * {@code [c,d]}. Choosing worker 2, 1, 1 appends {@code c, a, b}; worker 1 then takes {@code [e,f]};
     * choosing 2, 1, 1 more gives {@code c, a, b, d, e, f}.
     */
    static List<String> schedulerOrder(List<String> nodes, int parallelism, Random r) {
        int n = nodes.size();
        int chunk = Math.max(1, Math.min((int) Math.sqrt(n), n / parallelism + 1));
        int workers = Math.min(parallelism, (n + chunk - 1) / chunk);
        int[] next = new int[workers];
        int[] end = new int[workers];
        int taken = 0;
        List<Integer> busy = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            next[w] = taken;
            end[w] = Math.min(n, taken + chunk);
            taken = end[w];
            busy.add(w);
        }
        List<String> out = new ArrayList<>(n);
        while (!busy.isEmpty()) {
            int k = r.nextInt(busy.size());
            int w = busy.get(k);
            out.add(nodes.get(next[w]++));
            if (next[w] == end[w]) {
                if (taken < n) {
                    next[w] = taken;
                    end[w] = Math.min(n, taken + chunk);
                    taken = end[w];
                } else {
                    busy.remove(k);
                }
            }
        }
        return out;
    }
}
