package dev.berth.operator.plan;

import dev.berth.operator.model.BrokerState;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.PartitionState;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The planner's scratch pad: the snapshot turned into arrays indexed by broker and partition, with
 * per-broker loads kept up to date as replicas move. Package-private; planners mutate it, the
 * outside world only ever sees the {@link ReassignmentPlan} diff.
 *
 * <p>A broker without a rack counts as a rack of its own, so it never collides with anyone.
 */
final class WorkingModel {
    final int[] brokerId;
    final String[] rackName;
    final int[] rack;
    final boolean[] active;
    final int activeRacks;

    final List<PartitionState> partitions;
    final long[] size;
    final int[][] original;
    final int[][] replicas;
    final MoveReason[] reason;

    final long[] bytes;
    final int[] count;
    final int[] leaders;

    private final Map<Integer, Integer> indexOf = new HashMap<>();

    /**
     * @param extra brokers to add that the snapshot does not have (dry-run scale-up)
     * @param removed ids of brokers that will not remain
     */
    WorkingModel(ClusterSnapshot snapshot, List<BrokerState> extra, Set<Integer> removed) {
        TreeMap<Integer, BrokerState> all = new TreeMap<>();
        snapshot.brokers().forEach(b -> all.put(b.id(), b));
        extra.forEach(b -> all.putIfAbsent(b.id(), b));
        int n = all.size();
        brokerId = new int[n];
        rackName = new String[n];
        rack = new int[n];
        active = new boolean[n];
        Map<String, Integer> rackIds = new HashMap<>();
        int i = 0;
        for (BrokerState b : all.values()) {
            brokerId[i] = b.id();
            rackName[i] = b.rack();
            String key = b.rack() != null ? "r:" + b.rack() : "b:" + b.id();
            rack[i] = rackIds.computeIfAbsent(key, k -> rackIds.size());
            active[i] = !removed.contains(b.id());
            indexOf.put(b.id(), i);
            i++;
        }
        boolean[] seen = new boolean[rackIds.size()];
        int racks = 0;
        for (int b = 0; b < n; b++) {
            if (active[b] && !seen[rack[b]]) {
                seen[rack[b]] = true;
                racks++;
            }
        }
        activeRacks = racks;

        partitions = snapshot.partitions();
        int p = partitions.size();
        size = new long[p];
        original = new int[p][];
        replicas = new int[p][];
        reason = new MoveReason[p];
        bytes = new long[n];
        count = new int[n];
        leaders = new int[n];
        for (int q = 0; q < p; q++) {
            PartitionState ps = partitions.get(q);
            size[q] = Math.max(0, ps.sizeBytes());
            int[] r = new int[ps.replicas().size()];
            for (int k = 0; k < r.length; k++) {
                Integer idx = indexOf.get(ps.replicas().get(k));
                if (idx == null) {
                    throw new PlanRefusedException(RefusalReason.UNKNOWN_BROKER, "partition "
                            + ps.name() + " has a replica on broker " + ps.replicas().get(k)
                            + ", which is not registered (down): berth plans only with every replica"
                            + " holder registered, so bring broker " + ps.replicas().get(k) + " back (the"
                            + " operator recreates its pod) and plan again");
                }
                r[k] = idx;
                bytes[idx] += size[q];
                count[idx]++;
            }
            if (r.length > 0) {
                leaders[r[0]]++;
            }
            original[q] = r;
            replicas[q] = r.clone();
        }
    }

    int brokers() {
        return brokerId.length;
    }

    int partitionCount() {
        return size.length;
    }

    Integer index(int id) {
        return indexOf.get(id);
    }

    /** Rack-awareness is a hard goal for a partition while there are at least RF racks. */
    boolean rackAware(int p) {
        return activeRacks >= replicas[p].length;
    }

    static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    /** Replicas of p in rack r, not counting broker {@code except}. */
    int inRack(int p, int r, int except) {
        int c = 0;
        for (int x : replicas[p]) {
            if (x != except && rack[x] == r) {
                c++;
            }
        }
        return c;
    }

    /**
     * May p's replica on {@code from} move to {@code to}? The target must be active and not hold p;
     * with rack-awareness the target's rack must be free of p's other replicas, without it the move
     * may not pile more replicas into one rack than {@code from}'s rack held.
     */
    boolean canMove(int p, int from, int to) {
        if (!active[to] || contains(replicas[p], to)) {
            return false;
        }
        int there = inRack(p, rack[to], from);
        if (rackAware(p)) {
            return there == 0;
        }
        return there + 1 <= Math.max(1, inRack(p, rack[from], -1));
    }

    /** Replace p's replica on {@code from} by {@code to}, in the same position. */
    void move(int p, int from, int to, MoveReason why) {
        int[] r = replicas[p];
        for (int k = 0; k < r.length; k++) {
            if (r[k] == from) {
                r[k] = to;
                bytes[from] -= size[p];
                bytes[to] += size[p];
                count[from]--;
                count[to]++;
                if (k == 0) {
                    leaders[from]--;
                    leaders[to]++;
                }
                mark(p, why);
                return;
            }
        }
        throw new IllegalStateException("broker index " + from + " holds no replica of " + p);
    }

    /** Make the replica at position k the preferred leader (swap with position 0). */
    void promote(int p, int k, MoveReason why) {
        int[] r = replicas[p];
        if (k == 0) {
            return;
        }
        leaders[r[0]]--;
        leaders[r[k]]++;
        int t = r[0];
        r[0] = r[k];
        r[k] = t;
        mark(p, why);
    }

    private void mark(int p, MoveReason why) {
        if (reason[p] == null) {
            reason[p] = why;
        }
    }

    boolean changed(int p) {
        return !Arrays.equals(original[p], replicas[p]);
    }

    int activeCount() {
        int c = 0;
        for (boolean a : active) {
            c += a ? 1 : 0;
        }
        return c;
    }

    long totalBytes() {
        long t = 0;
        for (int b = 0; b < brokers(); b++) {
            t += bytes[b];
        }
        return t;
    }

    /**
     * Fair share per broker of {@code load} (bytes or counts, indexed by broker). Normally the mean
     * over active brokers. When every partition has exactly one replica in each active rack (RF
     * equal to the number of racks, the usual 3-racks-RF-3 layout), each rack's total is fixed
     * and replicas can only move within a rack, so the fair share is the mean of the broker's rack.
     */
    double[] fairShare(long[] load) {
        int racks = 0;
        for (int r : rack) {
            racks = Math.max(racks, r + 1);
        }
        boolean locked = activeRacks > 0;
        for (int p = 0; p < partitionCount() && locked; p++) {
            locked = replicas[p].length == activeRacks && rackAware(p) && spreadOverRacks(p);
        }
        double[] sum = new double[locked ? racks : 1];
        int[] members = new int[sum.length];
        for (int b = 0; b < brokers(); b++) {
            if (active[b]) {
                sum[locked ? rack[b] : 0] += load[b];
                members[locked ? rack[b] : 0]++;
            }
        }
        double[] out = new double[brokers()];
        for (int b = 0; b < brokers(); b++) {
            int g = locked ? rack[b] : 0;
            out[b] = members[g] == 0 ? 0 : sum[g] / members[g];
        }
        return out;
    }

    private boolean spreadOverRacks(int p) {
        for (int x : replicas[p]) {
            if (inRack(p, rack[x], x) > 0) {
                return false;
            }
        }
        return true;
    }

    long[] countsAsLongs() {
        long[] out = new long[brokers()];
        for (int b = 0; b < brokers(); b++) {
            out[b] = count[b];
        }
        return out;
    }

    long totalReplicas() {
        long t = 0;
        for (int c : count) {
            t += c;
        }
        return t;
    }
}
