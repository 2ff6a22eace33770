package dev.berth.operator.plan;

import dev.berth.operator.model.BrokerState;
import dev.berth.operator.model.ClusterSnapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** What the planner is asked to do. */
public sealed interface PlanIntent {

    /** Short stable description, e.g. {@code add-brokers 7,8} or {@code remove-brokers 3}. */
    String describe();

    /**
     * Scale-up: spread load onto these brokers. A broker already in the snapshot (registered, maybe
     * holding a few replicas) is a receiver as it is; one not in it is added empty, which is how the
     * dry-run CLI plans for brokers that do not exist yet.
     */
    record AddBrokers(List<BrokerState> brokers) implements PlanIntent {
        public AddBrokers {
            brokers = List.copyOf(brokers);
        }

        @Override
        public String describe() {
            return "add-brokers " + brokers.stream().map(b -> String.valueOf(b.id()))
                    .collect(Collectors.joining(","));
        }
    }

    /** Scale-down: move every replica off these brokers, and nothing else. */
    record RemoveBrokers(Set<Integer> brokerIds) implements PlanIntent {
        public RemoveBrokers {
            brokerIds = Set.copyOf(new TreeSet<>(brokerIds));
        }

        @Override
        public String describe() {
            return "remove-brokers " + new TreeSet<>(brokerIds).stream().map(String::valueOf)
                    .collect(Collectors.joining(","));
        }
    }

    /** Move replicas from brokers above the mean to brokers below it, and even leaders. */
    record Rebalance() implements PlanIntent {
        @Override
        public String describe() {
            return "rebalance";
        }
    }

    /**
     * {@code n} new brokers named as the operator names them ({@link BrokerIds#lowestFree}): the lowest
     * ids in 0..{@value BrokerIds#MAX_ID} that no broker of the snapshot has and no replica names (a
     * broker that is down still owns its id). Racks: the given ones round-robin; without any, each
     * goes to the rack that has the fewest brokers (ties: rack name order), so racks stay even; a
     * cluster without racks gets brokers without racks.
     *
     * <p>Example: brokers {0,2,3,4,5}, n 2 gives 1 and 6; no brokers, n 1 gives 0.
     *
     * @throws PlanRefusedException {@code NO_FREE_BROKER_ID} when fewer than {@code n} ids are free
     */
    static AddBrokers addBrokers(ClusterSnapshot snapshot, int n, List<String> racks) {
        if (n < 1) {
            throw new PlanRefusedException(RefusalReason.INVALID_INTENT,
                    "add-brokers needs at least 1 broker, got " + n);
        }
        Set<Integer> taken = new HashSet<>();
        snapshot.brokers().forEach(b -> taken.add(b.id()));
        snapshot.partitions().forEach(p -> taken.addAll(p.replicas()));
        List<Integer> ids = BrokerIds.lowestFree(n, taken);
        if (ids.size() < n) {
            throw new PlanRefusedException(RefusalReason.NO_FREE_BROKER_ID, "add-brokers " + n
                    + " needs " + n + " free broker ids, but only " + ids.size() + " of 0.."
                    + BrokerIds.MAX_ID + " are free");
        }
        Map<String, Integer> perRack = new TreeMap<>();
        for (BrokerState b : snapshot.brokers()) {
            if (b.rack() != null) {
                perRack.merge(b.rack(), 1, Integer::sum);
            }
        }
        List<BrokerState> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String rack;
            if (racks != null && !racks.isEmpty()) {
                rack = racks.get(i % racks.size());
            } else if (perRack.isEmpty()) {
                rack = null;
            } else {
                rack = perRack.entrySet().stream()
                        .min(Map.Entry.<String, Integer>comparingByValue()
                                .thenComparing(Map.Entry.comparingByKey()))
                        .orElseThrow().getKey();
                perRack.merge(rack, 1, Integer::sum);
            }
            out.add(new BrokerState(ids.get(i), rack, null, 0));
        }
        out.sort(Comparator.comparingInt(BrokerState::id));
        return new AddBrokers(out);
    }
}
