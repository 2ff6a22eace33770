package dev.berth.operator.plan;

import java.util.Collection;
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
 * neither known nor leaving. When |desired| &gt; replicas nothing is dropped here: choosing which
 * broker to drain is the scale-down planner's job, and this planner must not delete data.
 *
 * <p>Example: known {0,1,2}, remove {1}, replicas 3 gives {0,2,3}; known {}, replicas 3 gives {0,1,2}.
 */
public final class BrokerIds {
    private BrokerIds() {}

    public static final int MAX_ID = 999;

    public static SortedSet<Integer> desired(int replicas, Collection<Integer> known, Collection<Integer> leaving) {
        SortedSet<Integer> out = new TreeSet<>(known);
        out.removeAll(leaving);
        int next = 0;
        while (out.size() < replicas && next <= MAX_ID) {
            if (!known.contains(next) && !leaving.contains(next)) {
                out.add(next);
            }
            next++;
        }
        return out;
    }
}
