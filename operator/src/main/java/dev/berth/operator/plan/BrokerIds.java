package dev.berth.operator.plan;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which broker ids should have a pod.
 *
 * <p>Goals: keep every broker that exists (ids are Kafka identities: a broker's data and
 * registration belong to its id); add brokers until there are {@code replicas}; never bring back an
 * id that is being removed.
 *
 * <p>Constraints: ids are 0..{@value #MAX_ID} (controllers use 1000+); an id listed in
 * {@code spec.brokers.remove} or leaving in a running ScaleDown is never desired.
 *
 * <p>Algorithm: desired = known − leaving; while |desired| &lt; replicas add the lowest id that is in
 * neither known nor leaving ({@link #lowestFree}). When |desired| &gt; replicas nothing is dropped
 * here: choosing which broker to drain is the scale-down planner's job, and this planner must not
 * delete data. When 0..{@value #MAX_ID} has no free id left, desired stays short of replicas.
 *
 * <p>Example: known {0,1,2}, remove {1}, replicas 3 gives {0,2,3}; known {}, replicas 3 gives {0,1,2}.
 *
 * <p>{@link #lowestFree} is the one rule for naming new brokers: the operator creates them with it and
 * {@code plan --add-brokers} names them with it, so the dry run shows the ids the operator would use.
 */
public final class BrokerIds {
    private BrokerIds() {}

    public static final int MAX_ID = 999;

    public static SortedSet<Integer> desired(int replicas, Collection<Integer> known, Collection<Integer> leaving) {
        SortedSet<Integer> out = new TreeSet<>(known);
        out.removeAll(leaving);
        Set<Integer> taken = new HashSet<>(known);
        taken.addAll(leaving);
        out.addAll(lowestFree(replicas - out.size(), taken));
        return out;
    }

    /**
     * Which of a running scale-down's brokers still leave, now that the spec may want some back.
     *
     * <p>Goals: a drain the spec no longer asks for stops (the scale-down was 4 → 3, then replicas
     * went back to 4), instead of finishing and having a new broker created that takes the data back:
     * the data would move twice. A broker named in {@code spec.brokers.remove} always leaves.
     *
     * <p>Constraints: only while the drain can be called off ({@code cancellable}: before pods are
     * stopped; from then on the emptied broker is removed and a new one created). Only a known broker
     * (a status row or a live pod) comes back: it is the one {@link #desired} keeps.
     *
     * <p>Algorithm: staying = known − remove − opLeaving; room = replicas − |staying|; the {@code room}
     * lowest ids of (opLeaving ∩ known) − remove are wanted back; the rest of opLeaving still leaves.
     *
     * <p>Example: known {0,1,2,3}, a drain of {3}, remove {}: replicas 4 gives {} (3 stays, nothing
     * moves twice), replicas 3 gives {3}; remove {3} and replicas 4 gives {3} (a replacement). A drain
     * of {3,4} out of {0..4} with replicas raised to 4 gives {4}: broker 3 is kept.
     */
    public static SortedSet<Integer> stillLeaving(int replicas, Collection<Integer> known, Collection<Integer> remove,
            Collection<Integer> opLeaving, boolean cancellable) {
        SortedSet<Integer> leaving = new TreeSet<>(opLeaving);
        if (!cancellable) {
            return leaving;
        }
        Set<Integer> staying = new HashSet<>(known);
        staying.removeAll(remove);
        staying.removeAll(opLeaving);
        int room = replicas - staying.size();
        for (int id : opLeaving.stream().sorted().toList()) {
            if (room <= 0) {
                break;
            }
            if (known.contains(id) && !remove.contains(id)) {
                leaving.remove(id);
                room--;
            }
        }
        return leaving;
    }

    /**
     * The {@code n} lowest ids in 0..{@value #MAX_ID} that are not taken, ascending; fewer when the
     * range runs out (the caller decides whether that is an error). Taken ids outside the range are
     * ignored. Example: n 2, taken {0,2,3} gives [1,4].
     */
    public static List<Integer> lowestFree(int n, Collection<Integer> taken) {
        Set<Integer> used = new HashSet<>(taken);
        List<Integer> out = new ArrayList<>();
        for (int id = 0; id <= MAX_ID && out.size() < n; id++) {
            if (!used.contains(id)) {
                out.add(id);
            }
        }
        return out;
    }
}
