package dev.berth.operator.plan;

import dev.berth.operator.model.BrokerState;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.PartitionState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Safety rule: can the brokers that remain after a removal hold every topic?
 *
 * <p><b>Constraints checked</b> (each failure is a {@link Problem} with numbers):
 * <ol>
 *   <li>every id to remove is registered ({@code UNKNOWN_BROKER});
 *   <li>at least one broker remains ({@code INVALID_INTENT});
 *   <li>for every topic, remaining brokers &ge; its replication factor ({@code NOT_ENOUGH_BROKERS});
 *   <li>for every topic that is rack-aware now (racks &ge; RF), remaining racks &ge; RF
 *       ({@code NOT_ENOUGH_RACKS}): a removal never silently gives up rack-awareness (not
 *       repeated when too few brokers remain anyway).
 * </ol>
 * The replication factor of a topic is the one the snapshot declares (the observe layer does not count
 * replicas a reassignment is still adding); only a topic the snapshot does not declare falls back to the
 * largest replica count among its partitions. Counting a partition mid-reassignment (RF 3 listing 4
 * replicas) would refuse a safe removal. A broker without a rack counts
 * as a rack of its own.
 *
 * <p><b>Example.</b> Brokers 1,2,3 in racks a,b,c, topic {@code orders} RF 3. Removing 3 gives
 * "remaining 2 brokers cannot hold RF 3 of topic orders". With brokers 1..6 in racks a,b,c,a,b,c,
 * removing 3 and 6 gives "topic orders needs 3 racks for RF 3, found 2 among the remaining
 * brokers".
 */
public final class CapacityCheck {
    private CapacityCheck() {}

    /** Problems that forbid removing {@code remove}; empty means the removal is safe to plan. */
    public static List<Problem> problems(ClusterSnapshot snapshot, Set<Integer> remove) {
        List<Problem> out = new ArrayList<>();
        Set<Integer> known = new HashSet<>();
        snapshot.brokers().forEach(b -> known.add(b.id()));
        for (int id : new java.util.TreeSet<>(remove)) {
            if (!known.contains(id)) {
                out.add(new Problem(RefusalReason.UNKNOWN_BROKER, "broker " + id
                        + " is not registered (registered: " + new java.util.TreeSet<>(known) + ")"));
            }
        }
        List<BrokerState> remaining = snapshot.brokers().stream()
                .filter(b -> !remove.contains(b.id())).toList();
        if (remaining.isEmpty()) {
            out.add(new Problem(RefusalReason.INVALID_INTENT,
                    "removing " + remove.size() + " of " + snapshot.brokers().size()
                            + " brokers leaves none"));
            return out;
        }
        int racksBefore = racks(snapshot.brokers());
        int racksAfter = racks(remaining);
        for (Map.Entry<String, Integer> e : replicationFactors(snapshot).entrySet()) {
            int rf = e.getValue();
            if (remaining.size() < rf) {
                out.add(new Problem(RefusalReason.NOT_ENOUGH_BROKERS, "remaining "
                        + remaining.size() + " brokers cannot hold RF " + rf + " of topic "
                        + e.getKey()));
            }
            if (remaining.size() >= rf && racksBefore >= rf && racksAfter < rf) {
                out.add(new Problem(RefusalReason.NOT_ENOUGH_RACKS, "topic " + e.getKey()
                        + " needs " + rf + " racks for RF " + rf + ", found " + racksAfter
                        + " among the remaining brokers"));
            }
        }
        return out;
    }

    static int racks(List<BrokerState> brokers) {
        Set<String> racks = new HashSet<>();
        for (BrokerState b : brokers) {
            racks.add(b.rack() != null ? "r:" + b.rack() : "b:" + b.id());
        }
        return racks.size();
    }

    /** Topic name to replication factor, sorted by name. */
    static Map<String, Integer> replicationFactors(ClusterSnapshot snapshot) {
        Map<String, Integer> rf = new TreeMap<>();
        snapshot.topics().forEach((name, t) -> rf.put(name, t.replicationFactor()));
        Map<String, Integer> undeclared = new TreeMap<>();
        for (PartitionState p : snapshot.partitions()) {
            if (!snapshot.topics().containsKey(p.topic())) {
                undeclared.merge(p.topic(), p.replicas().size(), Math::max);
            }
        }
        rf.putAll(undeclared);
        return rf;
    }
}
