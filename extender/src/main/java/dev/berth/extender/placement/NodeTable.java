package dev.berth.extender.placement;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A dense snapshot of the nodes the cache knows: every node gets an integer id, and its facts sit
 * in primitive arrays indexed by it. This is what {@code filter} and {@code prioritize} read in
 * names mode. The facts never change; the one mutable part is a hint per row, which row the last
 * request named after it ({@link #guessAfter}), so a name is usually resolved by one comparison.
 *
 * <p><b>Why.</b> A names-mode request lists up to 5,000 node names, and the scheduler sends two of
 * them per pod. Looking each name up in a map of {@link NodeFacts} records and walking each node's
 * broker list cost three to five dependent cache misses per node, which made the extender several
 * times slower than moving the bytes. Here a name is resolved straight from the request body's
 * characters to an id ({@link #find}), and every rule then reads a few arrays of 5,000 longs that
 * stay in the CPU cache.
 *
 * <p><b>What it holds, per node id:</b> name, rack (an index into {@link #racks()}, or -1), disk
 * capacity ({@link #NO_CAPACITY} when absent, {@link NodeFacts#INVALID_CAPACITY} when invalid),
 * and the sums over the brokers on the node of local disk, leaders and leader bytes-in. Brokers are
 * also indexed by cluster and by pod, so the rules can leave out the pod being placed (its own
 * reservation never counts against it) without scanning every node.
 *
 * <p><b>Name index.</b> Open addressing over {@code 2^k ≥ 1.5n} slots, keyed by a hash of the name's
 * bytes. Each slot is one long holding the name's offset, length and row, so a lookup touches the
 * slot and then the name's bytes, nothing else. Names are stored packed, one byte per character, in id order; only names that JSON
 * copies verbatim (printable ASCII without {@code "} or {@code \}) are in it, so a match on the raw
 * bytes between two quotes of a body proves the body held exactly that name. Any other
 * spelling (escapes, unusual characters) is decoded the slow way and found with {@link #idOf}.
 *
 * <p><b>Example.</b> Nodes {@code n1} (rack a, 1Ti, broker {@code kafka/b0} of cluster {@code c}
 * with 100Gi and 30 leaders) and {@code n2} (no rack label): ids 0 and 1, racks {@code [a]},
 * {@code rack = [0, -1]}, {@code used = [100Gi, 0]}, {@code leaders = [30, 0]}; cluster {@code c}
 * has one placement, on node 0; {@code find("n2")} is 1.
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
    private final byte[] packed;
    private final int[] packedStart;
    private final long[] slots;
    private final int[] follows;
    private final Map<String, Integer> byName;
    private final Map<String, List<Placement>> byCluster;
    private final Map<String, List<Placement>> byPod;
    private boolean repeatsNames;

    private NodeTable(Collection<NodeFacts> nodes) {
        int n = nodes.size();
        names = new String[n];
        rack = new int[n];
        capacity = new long[n];
        used = new long[n];
        leaders = new long[n];
        bytesIn = new long[n];
        byName = new HashMap<>(Math.max(16, 2 * n));
        byCluster = new HashMap<>();
        byPod = new HashMap<>();
        Map<String, Integer> rackIds = new HashMap<>();
        List<String> rackList = new ArrayList<>();
        int id = 0;
        int packedLength = 0;
        for (NodeFacts f : nodes) {
            if (byName.putIfAbsent(f.name(), id) != null) {
                repeatsNames = true; // a name twice: each keeps its row, lookups find the first
            }
            names[id] = f.name();
            packedLength += f.name().length();
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
                used[id] += broker.localStorageBytes();
                leaders[id] += Math.max(0, broker.leaders());
                bytesIn[id] += Math.max(0, broker.leaderBytesIn());
                Placement p = new Placement(id, broker);
                byCluster.computeIfAbsent(broker.cluster(), c -> new ArrayList<>(4)).add(p);
                byPod.computeIfAbsent(broker.podKey(), k -> new ArrayList<>(1)).add(p);
            }
            id++;
        }
        this.size = id;
        racks = rackList.toArray(String[]::new);
        packed = new byte[packedLength];
        packedStart = new int[id + 1];
        slots = new long[Math.max(16, Integer.highestOneBit(Math.max(1, 3 * id / 2)) << 1)];
        int at = 0;
        for (int i = 0; i < id; i++) {
            packedStart[i] = at;
            String name = names[i];
            if (verbatim(name) && byName.get(name) == i && name.length() <= MAX_INDEXED && i < MAX_ROWS) {
                for (int k = 0; k < name.length(); k++) {
                    packed[at++] = (byte) name.charAt(k);
                }
                int mask = slots.length - 1;
                int slot = hash(packed, packedStart[i], at) & mask;
                while (slots[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                slots[slot] = (long) packedStart[i] << 32 | (long) name.length() << 24 | (i + 1);
            }
        }
        packedStart[id] = at;
        follows = new int[id + 1];
        for (int i = 0; i <= id; i++) {
            follows[i] = i; // before any request: table order
        }
    }

    private final int size;

    /**
     * A table of {@code nodes}, ids in iteration order. A repeated name (a full-mode request may
     * list a node twice) gets a row each; {@link #find} and {@link #idOf} return the first.
     */
    public static NodeTable of(Collection<NodeFacts> nodes) {
        return new NodeTable(nodes);
    }

    public int size() {
        return size;
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

    /** Brokers of {@code cluster}, one entry per broker (empty when none). */
    public List<Placement> brokersOf(String cluster) {
        List<Placement> p = cluster == null ? null : byCluster.get(cluster);
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
        for (Placement p : brokersOf(pod.cluster())) {
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

    /**
     * The id of the node whose name is exactly the bytes {@code body[start, end)} of a UTF-8
     * request body, or -1: unknown, or spelled with escapes or non-ASCII characters, which the
     * index does not hold (then ask {@link #idOf} with the decoded name).
     */
    public int find(byte[] body, int start, int end) {
        int length = end - start;
        int mask = slots.length - 1;
        for (int slot = hash(body, start, end) & mask; ; slot = (slot + 1) & mask) {
            long entry = slots[slot];
            if (entry == 0) {
                return -1;
            }
            if ((int) (entry >>> 24 & 0xff) == length && sameBytes(body, start, packed, (int) (entry >>> 32), length)) {
                return (int) (entry & 0xffffff) - 1;
            }
        }
    }

    /**
     * The row that followed {@code previous} (the row of the name just before; -1 for a list's
     * first name) the last time a request named it, when {@code body} at {@code start} holds
     * exactly that row's name and then a closing quote; else -1 (then {@link #find}, and
     * {@link #learn} the answer).
     *
     * <p>kube-scheduler lists nodes in its snapshot's order, which only changes when nodes come
     * or go, so consecutive requests name the same rows in the same order, in runs (its parallel
     * filter shuffles chunks of consecutive nodes). A right guess costs one comparison of the name's
     * bytes instead of scanning for the quote, hashing, probing and comparing. Indexed names hold no
     * {@code "} or {@code \}, so the name's bytes followed by a quote are exactly that JSON string.
     *
     * <p>The hints are the table's one mutable part, shared by request threads without locks: a
     * stale hint only costs a miss, because every guess is checked against the bytes.
     */
    public int guessAfter(int previous, byte[] body, int start, int end) {
        int guess = follows[previous + 1];
        if (guess >= size) {
            return -1;
        }
        int at = packedStart[guess];
        int length = packedStart[guess + 1] - at;
        return length > 0 && start + length < end && body[start + length] == '"'
                && sameBytes(body, start, packed, at, length) ? guess : -1;
    }

    /** Records that {@code row} followed {@code previous} in a request: the next {@link #guessAfter}. */
    public void learn(int previous, int row) {
        if (follows[previous + 1] != row) {
            follows[previous + 1] = row;
        }
    }

    /** Length of row {@code id}'s name in the byte index (0 when the index does not hold it). */
    public int indexedLength(int id) {
        return packedStart[id + 1] - packedStart[id];
    }

    /**
     * Appends node {@code id}'s name to {@code out} as a JSON string (quotes included) and returns
     * true, when the name is in the packed index (it then needs no escaping); else returns false
     * and appends nothing.
     */
    public boolean appendQuotedName(int id, ByteSink out) {
        int from = packedStart[id];
        int length = packedStart[id + 1] - from;
        if (length == 0) {
            return false; // only names outside the index pack to nothing (a name is never empty)
        }
        out.quoted(packed, from, length);
        return true;
    }

    /**
     * Writes node {@code id}'s name as a JSON string (quotes included) into {@code out} at
     * {@code at}, where the caller reserved {@link #indexedLength}{@code (id) + 2} bytes; returns the
     * end. Only for names the byte index holds ({@link #indexedLength} &gt; 0).
     */
    public int putQuotedName(int id, byte[] out, int at) {
        int from = packedStart[id];
        int length = packedStart[id + 1] - from;
        out[at] = '"';
        System.arraycopy(packed, from, out, at + 1, length);
        out[at + length + 1] = '"';
        return at + length + 2;
    }

    /** Where a byte reply can copy names from: implemented by the protocol's byte builder. */
    public interface ByteSink {
        void quoted(byte[] bytes, int from, int length);
    }

    /** Printable ASCII without {@code "} and {@code \\}: a JSON string holds it unchanged, byte for byte. */
    private static boolean verbatim(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /** Longest name in the byte index (DNS names stop at 253); longer ones are found by {@link #idOf}. */
    private static final int MAX_INDEXED = 255;
    /** Rows the byte index can name (24 bits in a slot). */
    private static final int MAX_ROWS = (1 << 24) - 2;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long K = 0x9E3779B97F4A7C15L;

    /**
     * A hash of every byte, eight at a time (a name's last word is read overlapping the one before
     * it): a byte-at-a-time polynomial was a serial chain of one multiply per character, the largest
     * cost of a names-mode request. Every byte counts, because real node names often share long
     * prefixes and suffixes ({@code ip-10-0-1-23.ec2.internal}).
     */
    private static int hash(byte[] b, int start, int end) {
        int n = end - start;
        long h = n * K;
        if (n >= 8) {
            int i = start;
            for (; i + 8 <= end; i += 8) {
                h = (h ^ (long) LONGS.get(b, i)) * K;
            }
            if (i < end) {
                h = (h ^ (long) LONGS.get(b, end - 8)) * K;
            }
        } else {
            long w = 0;
            for (int i = start; i < end; i++) {
                w = (w << 8) | (b[i] & 0xff);
            }
            h = (h ^ w) * K;
        }
        return (int) (h ^ (h >>> 29) ^ (h >>> 47));
    }

    /** {@code a[from, from + n)} equals {@code b[at, at + n)}, compared a word at a time. */
    private static boolean sameBytes(byte[] a, int from, byte[] b, int at, int n) {
        if (n < 8) {
            for (int k = 0; k < n; k++) {
                if (a[from + k] != b[at + k]) {
                    return false;
                }
            }
            return true;
        }
        int k = 0;
        for (; k + 8 <= n; k += 8) {
            if ((long) LONGS.get(a, from + k) != (long) LONGS.get(b, at + k)) {
                return false;
            }
        }
        return k == n || (long) LONGS.get(a, from + n - 8) == (long) LONGS.get(b, at + n - 8);
    }
}
