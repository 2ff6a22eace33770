package dev.berth.operator.plan;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which pods to create, and whether each is a first creation or healing.
 *
 * <p>Goal: every desired node id has a pod. Constraints: never delete anything; a node id that was
 * known before (it has a status row) is recreated with the rack remembered in that row, so the
 * extender pins it back to the same rack and Kafka sees the same {@code broker.rack}.
 *
 * <p>Algorithm: for each desired id in ascending order without a pod, emit {@code Recreate} when the id
 * is remembered, else {@code Create}; the rack is the remembered one (or {@code null}), and so is the
 * node to avoid when the id is being moved off a node.
 *
 * <p>Example: desired {0,1,2}, pods {0,2}, remembered {0:a, 1:b, 2:c} gives [Recreate 1 rack b]; with
 * avoid {1:n7}, [Recreate 1 rack b avoiding n7];
 * desired {0,1,2}, pods {}, remembered {} gives [Create 0, Create 1, Create 2].
 */
public final class PodPlanner {
    private PodPlanner() {}

    /**
     * @param role role of every id
     * @param desired ids that must have a pod
     * @param present ids that have a pod (terminating ones included: their name is still taken)
     * @param rememberedRacks ids that had a pod before, with their rack (values may be {@code null})
     */
    public static List<PodAction> plan(String role, Collection<Integer> desired, Set<Integer> present,
            Map<Integer, String> rememberedRacks) {
        return plan(role, desired, present, rememberedRacks, Map.of());
    }

    /** @param avoid ids being moved off a node, with that node */
    public static List<PodAction> plan(String role, Collection<Integer> desired, Set<Integer> present,
            Map<Integer, String> rememberedRacks, Map<Integer, String> avoid) {
        List<PodAction> out = new ArrayList<>();
        desired.stream().sorted().filter(id -> !present.contains(id)).forEach(id -> out.add(new PodAction(role, id,
                rememberedRacks.containsKey(id) ? PodAction.Kind.Recreate : PodAction.Kind.Create,
                rememberedRacks.get(id), avoid.get(id))));
        return List.copyOf(out);
    }
}
