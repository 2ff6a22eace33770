package dev.berth.extender.placement;

import java.util.List;

/**
 * One broker pod looked at against one {@link NodeTable}: the per-node facts the rules and scorers
 * need, with the pod's own entries left out (a retried filter after the pod's bind was reserved
 * must not see the pod competing with itself).
 *
 * <p><b>Algorithm.</b> Built once per request, in time proportional to the brokers of the pod's
 * cluster, not to the nodes: the nodes holding another broker of the cluster are marked in a
 * bitmap; the pod's own placements (normally none, at most one bound and one reserved) are kept in
 * small arrays and subtracted from the table's per-node sums of disk and load.
 *
 * <p><b>Example.</b> Pod {@code kafka/b1} of cluster {@code c}, reserved on node 3 with 100Gi and
 * 20 leaders; cluster {@code c} also has {@code kafka/b0} on node 7. Node 7 is marked
 * same-cluster, node 3 is not; {@code usedByOthers(3)} is the table's {@code used(3)} − 100Gi and
 * {@code load(3)} its leaders − 20.
 */
final class PodOnTable {
    private final BrokerPod pod;
    private final NodeTable table;
    private final int[] avoided;
    private final long[] sameCluster;
    private final int[] selfNode;
    private final long[] selfDisk;
    private final long[] selfLeaders;
    private final long[] selfBytesIn;

    PodOnTable(BrokerPod pod, NodeTable table) {
        this.pod = pod;
        this.table = table;
        this.avoided = pod.avoidNode() == null ? new int[0] : table.idsOf(pod.avoidNode());
        String key = pod.key();
        List<NodeTable.Placement> same = table.brokersOf(pod.clusterKey());
        long[] marks = null;
        for (NodeTable.Placement p : same) {
            if (!HardRules.isSelf(pod, p.broker())) {
                if (marks == null) {
                    marks = new long[(table.size() + 63) >>> 6];
                }
                marks[p.node() >>> 6] |= 1L << p.node();
            }
        }
        this.sameCluster = marks;
        List<NodeTable.Placement> self = table.placementsOf(key);
        int n = self.size();
        selfNode = new int[n];
        selfDisk = new long[n];
        selfLeaders = new long[n];
        selfBytesIn = new long[n];
        for (int i = 0; i < n; i++) {
            PlacedBroker b = self.get(i).broker();
            selfNode[i] = self.get(i).node();
            selfDisk[i] = b.localStorageBytes();
            selfLeaders[i] = Math.max(0, b.leaders());
            selfBytesIn[i] = Math.max(0, b.leaderBytesIn());
        }
    }

    /** The first hard rule node {@code id} breaks for the pod, or {@code null}. */
    Reason verdict(int id) {
        int r = table.rack(id);
        boolean same = sameCluster != null && (sameCluster[id >>> 6] & (1L << id)) != 0;
        return HardRules.check(pod, avoided(id), r < 0 ? null : table.rackName(r), table.capacity(id), same, usedByOthers(id));
    }

    private boolean avoided(int id) {
        for (int a : avoided) {
            if (a == id) {
                return true;
            }
        }
        return false;
    }

    /** Local disk on node {@code id} held by brokers other than the pod. */
    long usedByOthers(int id) {
        long used = table.used(id);
        for (int i = 0; i < selfNode.length; i++) {
            if (selfNode[i] == id) {
                used -= selfDisk[i];
            }
        }
        return used;
    }

    /** L(n) of {@link LeadershipScorer}: the load of the other brokers on node {@code id}. */
    long load(int id, LeaderMetric metric) {
        long load = table.load(id, metric);
        for (int i = 0; i < selfNode.length; i++) {
            if (selfNode[i] == id) {
                load -= metric == LeaderMetric.BYTES_IN ? selfBytesIn[i] : selfLeaders[i];
            }
        }
        return load;
    }
}
