package dev.berth.extender.placement;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A dense snapshot of the nodes the cache knows: every node gets an integer id, and its facts sit
 * in primitive arrays indexed by it. This is what {@code filter} and {@code prioritize} read in
 * names mode. The facts never change; names are resolved by a {@link NameIndex}.
 *
 * <p><b>Why.</b> A names-mode request lists up to 5,000 node names, and the scheduler sends two of
 * them per pod. Looking each name up in a map of {@link NodeFacts} records and walking each node's
 * broker list cost three to five dependent cache misses per node, which made the extender several
 * times slower than moving the bytes. Here a name is resolved straight from the request body's
 * characters to an id ({@link NameIndex}), and every rule then reads a few arrays of 5,000 longs that
 * stay in the CPU cache.
 *
 * <p><b>What it holds, per node id:</b> name, rack (an index into {@link #racks()}, or -1), disk
 * capacity ({@link #NO_CAPACITY} when absent, {@link NodeFacts#INVALID_CAPACITY} when invalid),
 * and the sums over the brokers on the node of local disk, leaders and leader bytes-in. Brokers are
 * also indexed by cluster and by pod, so the rules can leave out the pod being placed (its own
 * reservation never counts against it) without scanning every node.
 *
 * <p><b>Example.</b> Nodes {@code n1} (rack a, 1Ti, broker {@code kafka/b0} of cluster {@code c}
 * with 100Gi and 30 leaders) and {@code n2} (no rack label): ids 0 and 1, racks {@code [a]},
 * {@code rack = [0, -1]}, {@code used = [100Gi, 0]}, {@code leaders = [30, 0]}; cluster {@code c}
 * has one placement, on node 0; {@code names().find("n2")} is 1.
 */
public final class NodeTable {
    /** {@link #capacity} of a node without {@code berth.dev/disk-capacity}. */
    public static final long NO_CAPACITY = Long.MIN_VALUE;

    /** One broker on one node. */
    public record Placement(int node, PlacedBroker broker) {}

    private final String[] names;
    private final String[] racks;
    private final int[] rack;
    private final long[] capacity;
    private final long[] used;
    private final long[] leaders;
    private final long[] bytesIn;
    private final NameIndex index;
    private final Map<String, Integer> byName;
    private final Map<String, List<Placement>> byCluster;
    private final Map<String, List<Placement>> byPod;
    private boolean repeatsNames;
    private int boundBrokers;
    private int reservedBrokers;

    private NodeTable(Collection<NodeFacts> live, NodeTable previous) {
        // One pass over the collection first: a cache's view may gain or lose a node while the
        // table is built (an informer event), and toArray copes with that where size() then a
        // second iteration would not.
        List<NodeFacts> nodes = Arrays.asList(live.toArray(NodeFacts[]::new));
        int n = nodes.size();
        boolean sameNames = previous != null && sameNames(nodes, previous.names);
        names = sameNames ? previous.names : new String[n];
        rack = new int[n];
        capacity = new long[n];
        used = new long[n];
        leaders = new long[n];
        bytesIn = new long[n];
        byName = sameNames ? previous.byName : new HashMap<>(Math.max(16, 2 * n));
        byCluster = new HashMap<>();
        byPod = new HashMap<>();
        Map<String, Integer> rackIds = new HashMap<>();
        List<String> rackList = new ArrayList<>();
        int id = 0;
        for (NodeFacts f : nodes) {
            if (!sameNames) {
                if (byName.putIfAbsent(f.name(), id) != null) {
                    repeatsNames = true; // a name twice: each keeps its row, lookups find the first
                }
                names[id] = f.name();
            }
            if (f.rack() == null || f.rack().isEmpty()) {
                rack[id] = -1;
            } else {
                rack[id] = rackIds.computeIfAbsent(f.rack(), r -> {
                    rackList.add(r);
                    return rackList.size() - 1;
                });
            }
            capacity[id] = f.diskCapacityBytes() == null ? NO_CAPACITY : f.diskCapacityBytes();
            List<PlacedBroker> brokers = f.brokers();
            for (int b = 0, m = brokers.size(); b < m; b++) {
                PlacedBroker broker = brokers.get(b);
                used[id] = plus(used[id], broker.localStorageBytes());
                leaders[id] = plus(leaders[id], Math.max(0, broker.leaders()));
                bytesIn[id] = plus(bytesIn[id], Math.max(0, broker.leaderBytesIn()));
                reservedBrokers += broker.reserved() ? 1 : 0;
                boundBrokers += broker.reserved() ? 0 : 1;
                Placement p = new Placement(id, broker);
                byCluster.computeIfAbsent(broker.clusterKey(), c -> new ArrayList<>(4)).add(p);
                byPod.computeIfAbsent(broker.podKey(), k -> new ArrayList<>(1)).add(p);
            }
            id++;
        }
        this.size = id;
        racks = rackList.toArray(String[]::new);
        if (sameNames) {
            repeatsNames = previous.repeatsNames;
        }
        index = sameNames ? previous.index : new NameIndex(names, byName);
    }

    private static boolean sameNames(Collection<NodeFacts> nodes, String[] names) {
        if (nodes.size() != names.length) {
            return false;
        }
        int i = 0;
        for (NodeFacts f : nodes) {
            if (!f.name().equals(names[i++])) {
                return false;
            }
        }
        return true;
    }

    private final int size;

    /**
     * A table of {@code nodes}, ids in iteration order. A repeated name (a full-mode request may
     * list a node twice) gets a row each; {@link NameIndex#find} and {@link #idOf} return the first.
     */
    /**
     * {@code a + b} for the per-node sums, held at {@link Long#MAX_VALUE} instead of wrapping: three
     * brokers annotated 3Ei each (a slip, or a hostile annotation) wrapped the disk in use negative, and a
     * full node passed the disk rule. Both are 0 or more.
     */
    public static long plus(long a, long b) {
        long sum = a + b;
        return sum < 0 && a >= 0 && b >= 0 ? Long.MAX_VALUE : sum;
    }

    public static NodeTable of(Collection<NodeFacts> nodes) {
        return new NodeTable(nodes, null);
    }

    /**
     * Like {@link #of(Collection)}, but when {@code nodes} names exactly the nodes of
     * {@code previous} (may be null), in the same order, the new table shares its names, name
     * lookups and {@link NameIndex} instead of building them again. That is the usual rebuild: a
     * bind, a reservation or a broker's leader count changes facts, not names. At 5,000 nodes the
     * names are more than half of a build (the benchmark prints both), and the index's guesses and
     * remembered reply carry over, since every row keeps its number.
     */
    public static NodeTable of(Collection<NodeFacts> nodes, NodeTable previous) {
        return new NodeTable(nodes, previous);
    }

    public int size() {
        return size;
    }

    /** Brokers on the table's nodes whose pods are bound there ({@code reserved} false). */
    public int boundBrokers() {
        return boundBrokers;
    }

    /** Brokers held on a node by an in-flight bind the cache has not shown yet. */
    public int reservedBrokers() {
        return reservedBrokers;
    }

    public String name(int id) {
        return names[id];
    }

    /** Distinct rack values, indexed by {@link #rack(int)}. */
    public String[] racks() {
        return racks.clone();
    }

    int rackCount() {
        return racks.length;
    }

    String rackName(int rackIndex) {
        return racks[rackIndex];
    }

    /** Index into {@link #racks()}, or -1 for a node without a rack label. */
    public int rack(int id) {
        return rack[id];
    }

    /** Disk capacity in bytes, {@link #NO_CAPACITY} or {@link NodeFacts#INVALID_CAPACITY}. */
    public long capacity(int id) {
        return capacity[id];
    }

    /** Local disk held by every broker on the node. */
    public long used(int id) {
        return used[id];
    }

    /** Sum of the brokers' {@code metric} on the node (negative values count as 0). */
    public long load(int id, LeaderMetric metric) {
        return metric == LeaderMetric.BYTES_IN ? bytesIn[id] : leaders[id];
    }

    /**
     * Brokers of the KafkaCluster {@code clusterKey} ({@code namespace/cluster}, {@link BrokerPod#clusterKey}),
     * one entry per broker (empty when none).
     */
    public List<Placement> brokersOf(String clusterKey) {
        List<Placement> p = clusterKey == null ? null : byCluster.get(clusterKey);
        return p == null ? List.of() : p;
    }

    /** Where pod {@code podKey} ({@code namespace/name}) sits, bound or reserved (normally at most once). */
    public List<Placement> placementsOf(String podKey) {
        List<Placement> p = byPod.get(podKey);
        return p == null ? List.of() : p;
    }

    /**
     * Brokers of the pod's cluster per rack over every node of the table, the pod itself left out:
     * the input of {@link RackBalanceScorer}. Every rack with a node appears, with 0 when it holds
     * none of the cluster's brokers.
     */
    public RackCounts rackCounts(BrokerPod pod) {
        int[] counts = new int[racks.length];
        for (Placement p : brokersOf(pod.clusterKey())) {
            int r = rack[p.node()];
            if (r >= 0 && !HardRules.isSelf(pod, p.broker())) {
                counts[r]++;
            }
        }
        Map<String, Integer> perRack = new HashMap<>();
        for (int r = 0; r < racks.length; r++) {
            perRack.put(racks[r], counts[r]);
        }
        return RackCounts.of(perRack);
    }

    /** Rows named {@code name}: one, none, or several when the table was built with a name twice. */
    public int[] idsOf(String name) {
        int first = idOf(name);
        if (first < 0 || !repeatsNames) {
            return first < 0 ? new int[0] : new int[] {first};
        }
        int[] out = new int[size];
        int n = 0;
        for (int i = first; i < size; i++) {
            if (names[i].equals(name)) {
                out[n++] = i;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** The id of {@code name}, or -1. */
    public int idOf(String name) {
        Integer id = name == null ? null : byName.get(name);
        return id == null ? -1 : id;
    }

    /** The names' byte index: resolving request bytes to ids, and copying names into replies. */
    public NameIndex names() {
        return index;
    }
}
