package dev.berth.operator.plan;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Splits a partition's move into steps that each add at most one replica, computed from where the
 * partition is NOW, so an executor that restarts resumes from Kafka's state, not from memory.
 *
 * <p><b>Goal</b>: never copy two logs of one partition at once (one added replica in flight per
 * partition, as DESIGN.md asks), and keep every intermediate replica list at the target size.
 * <b>Algorithm</b> ({@link #next}): if current equals target, done. If nothing needs adding, the
 * next step is the target itself (a reorder or a shrink). Otherwise take the first broker a of the
 * target that current lacks, and the broker r that current has and target does not, preferring the
 * one at a's position in the target; the step is current with r replaced by a in place. When that
 * step already holds the target's brokers, the step is the target, so the last step also sets the
 * final order (the preferred leader).
 *
 * <p><b>Example.</b> [4,5,6] -&gt; [7,8,9]: [7,5,6], then [7,8,6], then [7,8,9].
 * [2,3,4] -&gt; [10,3,2]: one step, [10,3,2] (its brokers are {2,3,10} after replacing 4).
 */
public final class ReassignmentSteps {
    private ReassignmentSteps() {}

    /** {@link #next(List, List, Map)} without racks. */
    public static List<Integer> next(List<Integer> current, List<Integer> target) {
        return next(current, target, java.util.Map.of());
    }

    /**
     * The next replica list to ask Kafka for, or {@code null} when current already is target. With the
     * brokers' {@code racks}, a step never holds more replicas in one rack than both ends do: the planner
     * checks each move of a partition against the list its earlier moves left, in its own order, so the
     * target-order pairing could pass through a list with two replicas in one rack, for the whole throttled
     * copy. Example, racks 0:a 1:b 3:c 4:b: [0,1] -&gt; [4,3] is [0,4] then [4,3], not [4,1] (two in b). When
     * no pair keeps to that (or a rack is unknown), the first pair is taken, as without racks.
     */
    public static List<Integer> next(List<Integer> current, List<Integer> target, java.util.Map<Integer, String> racks) {
        if (current.equals(target)) {
            return null;
        }
        if (!racks.isEmpty()) {
            for (int at = 0; at < target.size(); at++) {
                Integer add = target.get(at);
                if (current.contains(add)) {
                    continue;
                }
                List<Integer> order = new ArrayList<>(); // the replica at the added one's position first
                if (at < current.size()) {
                    order.add(at);
                }
                for (int k = 0; k < current.size(); k++) {
                    if (k != at) {
                        order.add(k);
                    }
                }
                for (int k : order) {
                    if (target.contains(current.get(k))) {
                        continue;
                    }
                    List<Integer> step = new ArrayList<>(current);
                    step.set(k, add);
                    if (withinRacks(step, current, target, racks, racks.get(add))) {
                        return new HashSet<>(step).equals(new HashSet<>(target)) ? List.copyOf(target) : List.copyOf(step);
                    }
                }
            }
        }
        Integer add = null;
        int at = -1;
        for (int k = 0; k < target.size(); k++) {
            if (!current.contains(target.get(k))) {
                add = target.get(k);
                at = k;
                break;
            }
        }
        if (add == null) {
            return List.copyOf(target);
        }
        List<Integer> step = new ArrayList<>(current);
        int replace = -1;
        if (at < current.size() && !target.contains(current.get(at))) {
            replace = at;
        } else {
            for (int k = 0; k < current.size(); k++) {
                if (!target.contains(current.get(k))) {
                    replace = k;
                    break;
                }
            }
        }
        if (replace < 0) {
            step.add(add);
        } else {
            step.set(replace, add);
        }
        Set<Integer> have = new HashSet<>(step);
        return have.equals(new HashSet<>(target)) ? List.copyOf(target) : List.copyOf(step);
    }

    /** Whether {@code step} holds no more replicas in {@code rack} than {@code current} or {@code target} does. */
    private static boolean withinRacks(List<Integer> step, List<Integer> current, List<Integer> target,
            java.util.Map<Integer, String> racks, String rack) {
        if (rack == null) {
            return false; // unknown: leave it to the plain pairing
        }
        return count(step, racks, rack) <= Math.max(count(current, racks, rack), count(target, racks, rack));
    }

    private static int count(List<Integer> brokers, java.util.Map<Integer, String> racks, String rack) {
        int n = 0;
        for (Integer b : brokers) {
            n += rack.equals(racks.get(b)) ? 1 : 0;
        }
        return n;
    }

    /** Every step from current to target (for plans and tests). */
    public static List<List<Integer>> all(List<Integer> current, List<Integer> target) {
        List<List<Integer>> out = new ArrayList<>();
        List<Integer> at = current;
        for (List<Integer> s = next(at, target); s != null; s = next(at, target)) {
            out.add(s);
            at = s;
            if (out.size() > target.size() + current.size() + 1) {
                throw new IllegalStateException("no progress from " + current + " to " + target);
            }
        }
        return out;
    }
}
