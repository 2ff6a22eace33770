package dev.berth.operator.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which of the planned pods to create now: new brokers go to the scheduler one at a time.
 *
 * <p><b>Goal.</b> The extender's rack skew and one-broker-per-node rules count the brokers it has
 * bound or reserved. kube-scheduler binds asynchronously (its PreBind waits for volumes, seconds with
 * a {@code WaitForFirstConsumer} class), so brokers created together are filtered before the first
 * of them is bound: each sees the same rack counts, and nothing spreads them over racks. Creating
 * the next new broker only once the previous one is placed makes every filter see the brokers before
 * it: a cluster's first three brokers land in three racks.
 *
 * <p><b>Constraints.</b>
 * <ul>
 *   <li>Only brokers without a rack wait: a broker pod created with a rack (healing, a move) is pinned,
 *       its rack is decided, and it goes at once. Controllers are not placed by berth.
 *   <li>Every broker pod being placed holds the new ones, a pinned one too: the extender counts a broker
 *       in its rack only once it is bound or reserved, so a new broker filtered while a recreated one waits
 *       for its node would see that rack one broker emptier, and be sent there.
 *   <li>Never a wait for ever. A broker pod is <em>being placed</em> while it is not terminating, has no
 *       node, is not reported {@code Unschedulable} by kube-scheduler (then no placement is in flight),
 *       and was created less than the hold ({@link #DEFAULT_HOLD}) ago (a scheduler that is down must not
 *       hold the cluster's other pods back).
 *   <li>The lowest id first, one per pass: a pod created a pass ago that the cache does not show yet is
 *       planned again as the lowest (its create finds it there), and nothing higher goes with it.
 * </ul>
 *
 * <p><b>Algorithm.</b> With {@code placing} the broker ids whose pods are being placed: when it is
 * not empty, every broker action without a rack waits; else the first such action whose old PVC is not
 * still being deleted goes and the others wait. Every other action goes. (A zero hold turns the queue
 * off: the apply stage then creates every planned pod at once.)
 *
 * <p><b>Example.</b> Planned [controller 0, Create broker 0, Create broker 1, Create broker 2,
 * Recreate broker 5 rack b], placing {} gives [controller 0, Create 0, Recreate 5 rack b]. The next
 * pass sees broker 0's pod without a node: placing {0}, and Create 1 and 2 wait. Once broker 0 is
 * bound, Create 1 goes.
 */
public final class PlacementQueue {
    /**
     * How long an unplaced broker pod holds the new ones at most: far above a placement's usual seconds
     * (a volume provisioned in PreBind included), short enough that a scheduler that is down or a pod it
     * never reports costs a new cluster minutes, not its brokers.
     */
    public static final Duration DEFAULT_HOLD = Duration.ofMinutes(2);

    private PlacementQueue() {}

    /** The actions to carry out this pass, in their planned order. */
    public static List<PodAction> admit(List<PodAction> planned, Set<Integer> placing) {
        return admit(planned, placing, Set.of());
    }

    /**
     * As {@link #admit(List, Set)}, leaving out the new brokers in {@code volumeGoing}: their old PVC is still
     * being deleted, so their pod cannot be created yet, and as the lowest they would hold every new broker
     * after them for as long as a finalizer keeps that PVC.
     */
    public static List<PodAction> admit(List<PodAction> planned, Set<Integer> placing, Set<Integer> volumeGoing) {
        List<PodAction> out = new ArrayList<>(planned.size());
        boolean newBrokerGoes = !placing.isEmpty(); // true once no further new broker may go
        for (PodAction a : planned) {
            boolean newBroker = "broker".equals(a.role()) && a.rack() == null;
            if (!newBroker) {
                out.add(a);
            } else if (volumeGoing.contains(a.index())) {
                continue;
            } else if (!newBrokerGoes) {
                out.add(a);
                newBrokerGoes = true;
            }
        }
        return List.copyOf(out);
    }

    /**
     * True when a broker pod is being placed (see the class comment), from its plain facts.
     *
     * @param nodeName {@code spec.nodeName}, or {@code null}
     * @param unschedulable kube-scheduler set {@code PodScheduled=False} with reason {@code Unschedulable}
     * @param created its {@code creationTimestamp}, or {@code null} when unknown (then it holds: a pod
     *     the apiserver wrote always has one)
     * @param hold how long after its creation it holds at most; zero: never
     */
    public static boolean beingPlaced(boolean terminating, String nodeName, boolean unschedulable, Instant created,
            Instant now, Duration hold) {
        if (terminating || unschedulable || (nodeName != null && !nodeName.isEmpty())) {
            return false;
        }
        return !hold.isZero() && (created == null || now.isBefore(created.plus(hold)));
    }
}
