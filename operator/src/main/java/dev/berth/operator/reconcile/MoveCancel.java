package dev.berth.operator.reconcile;

import dev.berth.operator.act.Leadership;
import dev.berth.operator.plan.BatchOrigins;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.PartitionReassignment;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.NoReassignmentInProgressException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls off moves Kafka runs and puts their partitions back exactly as they were, in level-based
 * passes whose memory is {@code status.operation.details} (a restarted operator goes on):
 *
 * <ol>
 *   <li>cancel the running reassignments the caller selects; remember those partitions' replica
 *       lists from before their move ({@link #ORIGINS}, written when the batch was submitted) under
 *       {@link #CANCELLED};
 *   <li>once none runs: ask for each remembered partition's old order where Kafka's cancel left
 *       the same brokers in another order ({@link BatchOrigins#reorders}; no data moves);
 *   <li>once the orders match: preferred elections, so the first replica leads again; done.
 * </ol>
 * Only cancelled partitions are put back: a move that finished stays (its partition holds other
 * brokers, or it was a reorder the plan wanted). A reorder Kafka refuses is dropped, with a log line,
 * rather than asked for on every pass.
 */
final class MoveCancel {
    private static final Logger LOG = LoggerFactory.getLogger(MoveCancel.class);
    /** Details key: the running batch's partitions with their replica lists before it ({@link BatchOrigins}). */
    static final String ORIGINS = "batchReplicasBefore";
    /** Details key: cancelled partitions still to be put back in their old order. */
    static final String CANCELLED = "cancelledReplicasBefore";

    /**
     * What one pass did.
     *
     * @param over the moves are called off and put back: the caller may go on
     * @param details the operation's details to keep
     */
    record Step(boolean over, int cancelled, int reordered, Map<String, String> details) {}

    private MoveCancel() {}

    static Step step(Admin admin, Predicate<PartitionReassignment> which, Map<String, String> details)
            throws Exception {
        Map<String, String> out = new TreeMap<>(details);
        Map<String, List<Integer>> putBack = BatchOrigins.decode(details.get(CANCELLED));
        Set<TopicPartition> cancelled = cancel(admin, which);
        if (!cancelled.isEmpty()) {
            Map<String, List<Integer>> origins = BatchOrigins.decode(details.get(ORIGINS));
            cancelled.forEach(tp -> {
                List<Integer> before = origins.get(name(tp));
                if (before != null) {
                    putBack.put(name(tp), before);
                }
            });
            out.put(CANCELLED, BatchOrigins.encode(putBack));
            return new Step(false, cancelled.size(), 0, out);
        }
        out.remove(CANCELLED);
        if (putBack.isEmpty()) {
            return new Step(true, 0, 0, out);
        }
        Map<String, TopicPartitionInfo> now = describe(admin, putBack.keySet());
        Map<String, List<Integer>> current = new HashMap<>();
        now.forEach((name, info) -> current.put(name, info.replicas().stream().map(Node::id).toList()));
        Map<String, List<Integer>> reorders = BatchOrigins.reorders(putBack, current);
        if (!reorders.isEmpty()) {
            Set<String> refused = reorder(admin, reorders);
            refused.forEach(putBack::remove);
            out.put(CANCELLED, BatchOrigins.encode(putBack));
            return new Step(false, 0, reorders.size() - refused.size(), out);
        }
        Set<TopicPartition> elect = new HashSet<>();
        now.forEach((name, info) -> {
            Node leader = info.leader();
            int first = info.replicas().isEmpty() ? -1 : info.replicas().get(0).id();
            if ((leader == null || leader.id() != first) && info.isr().stream().anyMatch(n -> n.id() == first)) {
                elect.add(partition(name));
            }
        });
        if (Leadership.electPreferred(admin, elect) > 0) {
            LOG.info("preferred elections after a call-off failed for some of {}; Kafka's own leader balancing follows", elect);
        }
        return new Step(true, 0, 0, out);
    }

    /**
     * Cancels the running reassignments {@code which} selects (Kafka drops the replicas being added);
     * returns the partitions it cancelled (one that finished meanwhile is not among them).
     */
    static Set<TopicPartition> cancel(Admin admin, Predicate<PartitionReassignment> which) throws Exception {
        Map<TopicPartition, Optional<NewPartitionReassignment>> cancel = new HashMap<>();
        ReassignmentExecutorAccess.running(admin).forEach((tp, r) -> {
            if (which.test(r)) {
                cancel.put(tp, Optional.empty());
            }
        });
        Set<TopicPartition> done = new TreeSet<>(java.util.Comparator.comparing(TopicPartition::toString));
        if (cancel.isEmpty()) {
            return done;
        }
        for (var e : admin.alterPartitionReassignments(cancel).values().entrySet()) {
            try {
                e.getValue().get(10, TimeUnit.SECONDS);
                done.add(e.getKey());
            } catch (ExecutionException ex) {
                if (!(ex.getCause() instanceof NoReassignmentInProgressException)) {
                    throw ex; // anything but "finished meanwhile": the next pass tries again
                }
            }
        }
        return done;
    }

    /** Asks for each partition's order; returns the partitions Kafka refused. */
    private static Set<String> reorder(Admin admin, Map<String, List<Integer>> orders) throws InterruptedException {
        Map<TopicPartition, Optional<NewPartitionReassignment>> submit = new HashMap<>();
        orders.forEach((name, order) -> submit.put(partition(name), Optional.of(new NewPartitionReassignment(order))));
        Set<String> refused = new TreeSet<>();
        for (var e : admin.alterPartitionReassignments(submit).values().entrySet()) {
            try {
                e.getValue().get(10, TimeUnit.SECONDS);
            } catch (ExecutionException | java.util.concurrent.TimeoutException ex) {
                LOG.warn("{} not put back in its order {}: {}", e.getKey(), orders.get(name(e.getKey())), ex.toString());
                refused.add(name(e.getKey()));
            }
        }
        return refused;
    }

    private static Map<String, TopicPartitionInfo> describe(Admin admin, Set<String> partitions) throws Exception {
        Set<String> topics = new TreeSet<>();
        partitions.forEach(p -> topics.add(partition(p).topic()));
        Map<String, TopicPartitionInfo> out = new HashMap<>();
        Map<String, TopicDescription> described;
        try {
            described = admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return out; // a topic deleted meanwhile: nothing of it to put back
        }
        described.values().forEach(t -> t.partitions().forEach(p -> {
            String name = t.name() + "-" + p.partition();
            if (partitions.contains(name)) {
                out.put(name, p);
            }
        }));
        return out;
    }

    private static String name(TopicPartition tp) {
        return tp.topic() + "-" + tp.partition();
    }

    private static TopicPartition partition(String name) {
        int dash = name.lastIndexOf('-');
        return new TopicPartition(name.substring(0, dash), Integer.parseInt(name.substring(dash + 1)));
    }
}
