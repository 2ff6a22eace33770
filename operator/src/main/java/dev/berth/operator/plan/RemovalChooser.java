package dev.berth.operator.plan;

import dev.berth.operator.model.BrokerState;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.PartitionState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which brokers a scale-down removes.
 *
 * <p><b>Goals</b>: the named brokers when there are any (the user knows best); otherwise the
 * brokers whose removal moves the fewest bytes. <b>Constraint</b>: the remaining brokers must pass
 * {@link CapacityCheck}; a cheap broker whose removal would break it (the last one of a rack) is
 * skipped. <b>Algorithm</b>: sort brokers by replica bytes ascending, ties by the higher id first
 * (the newest broker goes first, like a StatefulSet would); take them one by one, skipping any that
 * makes the check fail, until {@code count} are chosen.
 *
 * <p><b>Example.</b> Brokers 1(a) 40 GB, 2(b) 10 GB, 3(c) 10 GB, 4(c) 30 GB, topic RF 3 on 3 racks,
 * count 1: 3 and 2 tie on bytes, 3 is newer, but removing 3 leaves rack c with broker 4, so 3 is
 * chosen. Count 2: after 3, broker 2 would leave rack b empty (2 racks for RF 3) and is skipped;
 * 4 is the last of rack c; 1 is the last of rack a: refused with the check's problems.
 */
public final class RemovalChooser {
    private RemovalChooser() {}

    /**
     * @param named ids to remove, or empty to let the chooser pick
     * @param count how many to remove when none are named
     * @throws PlanRefusedException with numbers when no safe choice exists
     */
    public static Set<Integer> choose(ClusterSnapshot snapshot, Set<Integer> named, int count) {
        if (!named.isEmpty()) {
            List<Problem> problems = CapacityCheck.problems(snapshot, named);
            if (!problems.isEmpty()) {
                throw new PlanRefusedException(problems);
            }
            return new TreeSet<>(named);
        }
        if (count < 1) {
            throw new PlanRefusedException(RefusalReason.INVALID_INTENT,
                    "scale-down needs at least 1 broker to remove, got " + count);
        }
        Map<Integer, Long> bytes = bytesPerBroker(snapshot);
        List<BrokerState> order = new ArrayList<>(snapshot.brokers());
        order.sort(Comparator.<BrokerState>comparingLong(b -> bytes.getOrDefault(b.id(), 0L))
                .thenComparing(Comparator.comparingInt(BrokerState::id).reversed()));
        Set<Integer> chosen = new LinkedHashSet<>();
        List<Problem> lastProblems = List.of();
        for (BrokerState b : order) {
            if (chosen.size() == count) {
                break;
            }
            Set<Integer> attempt = new LinkedHashSet<>(chosen);
            attempt.add(b.id());
            List<Problem> problems = CapacityCheck.problems(snapshot, attempt);
            if (problems.isEmpty()) {
                chosen = attempt;
            } else if (lastProblems.isEmpty()) {
                lastProblems = problems;
            }
        }
        if (chosen.size() < count) {
            List<Problem> out = new ArrayList<>();
            out.add(new Problem(RefusalReason.NOT_ENOUGH_BROKERS, "only " + chosen.size()
                    + " of " + snapshot.brokers().size() + " brokers can be removed safely, "
                    + count + " asked"));
            out.addAll(lastProblems);
            throw new PlanRefusedException(out);
        }
        return new TreeSet<>(chosen);
    }

    /** Replica bytes per broker id (brokers holding nothing are absent). */
    public static Map<Integer, Long> bytesPerBroker(ClusterSnapshot snapshot) {
        Map<Integer, Long> bytes = new HashMap<>();
        for (PartitionState p : snapshot.partitions()) {
            for (int r : p.replicas()) {
                bytes.merge(r, Math.max(0, p.sizeBytes()), Long::sum);
            }
        }
        return bytes;
    }
}
