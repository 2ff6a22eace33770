package dev.berth.operator.reconcile;

import dev.berth.operator.act.Leadership;
import dev.berth.operator.plan.BatchOrigins;
import java.time.Duration;
import java.time.Instant;
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
import java.util.function.BiPredicate;
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
 *   <li>record, under {@link #CANCELLED}, the replica lists from before their move ({@link #ORIGINS},
 *       written when the batch was submitted) of the running reassignments the caller selects: written
 *       ahead, so that an operator stopped right after the cancel still knows what to put back;
 *   <li>then cancel them;
 *   <li>once none runs: ask for each remembered partition's old order where Kafka's cancel left
 *       the same brokers in another order ({@link BatchOrigins#reorders}; no data moves);
 *   <li>once the orders match: preferred elections, so the first replica leads again; done.
 * </ol>
 * Only cancelled partitions are put back: a move that finished stays (its partition holds other
 * brokers, or it was a reorder the plan wanted). A reorder Kafka refuses is dropped, with a log line,
 * rather than asked for on every pass. Only partitions of the recorded batch are cancelled (when one is
 * recorded): another tool's reassignment on the same broker is left alone. While describeTopics
 * still shows a cancelled partition with its added replica (the answering broker's metadata lags),
 * the put-back waits, up to {@link #MAX_WAIT} (a time, not a count of passes: passes come as fast as
 * status writes wake the reconciler, and on a loaded machine five of them passed before the metadata
 * caught up, which left two partitions out of their old order for good).
 */
final class MoveCancel {
    private static final Logger LOG = LoggerFactory.getLogger(MoveCancel.class);
    /** Details key: the running batch's partitions with their replica lists before it ({@link BatchOrigins}). */
    static final String ORIGINS = "batchReplicasBefore";
    /** Details key: cancelled partitions still to be put back in their old order. */
    static final String CANCELLED = "cancelledReplicasBefore";
    /** Details key: when a pass first found describeTopics not yet showing the cancel (RFC 3339). */
    static final String WAITED = "putBackWaitingSince";
    /** How long the put-back waits for describeTopics to show the cancel before it goes on without those partitions. */
    static final Duration MAX_WAIT = Duration.ofSeconds(30);

    /**
     * What one pass did.
     *
     * @param over the moves are called off and put back: the caller may go on
     * @param details the operation's details to keep
     */
    record Step(boolean over, int recorded, int cancelled, int reordered, Map<String, String> details) {

        /** What this pass did, for the operation's message; {@code what} names the moves ("moves off brokers [3]"). */
        String doing(String what) {
            if (recorded > 0) {
                return "About to cancel " + recorded + " " + what + ": their replica lists from before are recorded first.";
            }
            if (cancelled > 0) {
                return "Cancelling " + cancelled + " " + what + ".";
            }
            return "Putting " + reordered + " partitions back in their replica order from before the cancelled moves.";
        }
    }

    private MoveCancel() {}

    static Step step(Admin admin, BiPredicate<TopicPartition, PartitionReassignment> which, Map<String, String> details,
            Instant at)
            throws Exception {
        Map<String, String> out = new TreeMap<>(details);
        Map<String, List<Integer>> putBack = BatchOrigins.decode(details.get(CANCELLED));
        Map<String, List<Integer>> origins = BatchOrigins.decode(details.get(ORIGINS));
        // only berth's own batch when it is recorded: another tool's reassignment on that broker is not ours to cancel
        List<TopicPartition> selected = new java.util.ArrayList<>();
        ReassignmentExecutorAccess.running(admin).forEach((tp, r) -> {
            if (which.test(tp, r) && (origins.isEmpty() || origins.containsKey(name(tp)))) {
                selected.add(tp);
            }
        });
        if (!selected.isEmpty()) {
            // write ahead: what a cancel will need to put back is in status before Kafka is asked to cancel,
            // so an operator that stops between the two still puts the partitions back
            int recorded = 0;
            for (TopicPartition tp : selected) {
                List<Integer> before = origins.get(name(tp));
                if (before != null && !before.equals(putBack.get(name(tp)))) {
                    putBack.put(name(tp), before);
                    recorded++;
                }
            }
            out.put(CANCELLED, BatchOrigins.encode(putBack));
            if (recorded > 0) {
                return new Step(false, recorded, 0, 0, out);
            }
            return new Step(false, 0, cancel(admin, selected).size(), 0, out);
        }
        out.remove(CANCELLED);
        if (putBack.isEmpty()) {
            out.remove(WAITED);
            return new Step(true, 0, 0, 0, out);
        }
        Map<String, TopicPartitionInfo> now = describe(admin, putBack.keySet());
        Map<String, List<Integer>> current = new HashMap<>();
        now.forEach((name, info) -> current.put(name, info.replicas().stream().map(Node::id).toList()));
        Set<String> behind = BatchOrigins.behind(putBack, current);
        if (!behind.isEmpty()) {
            Instant since = Reshuffle.since(details.get(WAITED), at);
            if (at.isBefore(since.plus(MAX_WAIT))) {
                // describeTopics does not show the cancel yet (the answering broker's metadata lags): next pass
                out.put(CANCELLED, BatchOrigins.encode(putBack));
                out.put(WAITED, dev.berth.operator.api.Conditions.rfc3339(since));
                return new Step(false, 0, 0, 0, out);
            }
            LOG.warn("{} still list more replicas than before their cancelled moves after {}; not put back in their"
                    + " old order", behind, MAX_WAIT);
        }
        out.remove(WAITED);
        Map<String, List<Integer>> reorders = BatchOrigins.reorders(putBack, current);
        if (!reorders.isEmpty()) {
            Set<String> refused = reorder(admin, reorders);
            refused.forEach(putBack::remove);
            out.put(CANCELLED, BatchOrigins.encode(putBack));
            return new Step(false, 0, 0, reorders.size() - refused.size(), out);
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
        return new Step(true, 0, 0, 0, out);
    }

    /**
     * Cancels the running reassignments {@code which} selects (Kafka drops the replicas being added);
     * returns the partitions it cancelled (one that finished meanwhile is not among them).
     */
    static Set<TopicPartition> cancel(Admin admin, List<TopicPartition> partitions) throws Exception {
        Map<TopicPartition, Optional<NewPartitionReassignment>> cancel = new HashMap<>();
        partitions.forEach(tp -> cancel.put(tp, Optional.empty()));
        Set<TopicPartition> done = new TreeSet<>(java.util.Comparator.comparing(TopicPartition::toString));
        if (cancel.isEmpty()) {
            return done;
        }
        Exception failed = null;
        for (var e : admin.alterPartitionReassignments(cancel).values().entrySet()) {
            try {
                e.getValue().get(10, TimeUnit.SECONDS);
                done.add(e.getKey());
            } catch (ExecutionException | java.util.concurrent.TimeoutException ex) {
                if (!(ex.getCause() instanceof NoReassignmentInProgressException)) {
                    LOG.warn("cancel of {} failed, tried again next pass: {}", e.getKey(), ex.toString());
                    failed = ex;
                }
            }
        }
        if (done.isEmpty() && failed != null) {
            throw failed; // nothing cancelled: this pass failed; with some cancelled, they are recorded first
        }
        return done;
    }

    /** Asks for each partition's order; returns the partitions Kafka refused. */
    static Set<String> reorder(Admin admin, Map<String, List<Integer>> orders) throws InterruptedException {
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

    /** The partitions' current state; a topic deleted meanwhile has nothing to put back, any other failure throws. */
    private static Map<String, TopicPartitionInfo> describe(Admin admin, Set<String> partitions) throws Exception {
        Set<String> topics = new TreeSet<>();
        partitions.forEach(p -> topics.add(partition(p).topic()));
        Map<String, TopicPartitionInfo> out = new HashMap<>();
        for (var e : admin.describeTopics(topics).topicNameValues().entrySet()) {
            TopicDescription t;
            try {
                t = e.getValue().get(10, TimeUnit.SECONDS);
            } catch (ExecutionException ex) {
                if (ex.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                    continue;
                }
                throw ex; // a transient failure: the next pass describes again, the record stays
            }
            t.partitions().forEach(p -> {
                String name = t.name() + "-" + p.partition();
                if (partitions.contains(name)) {
                    out.put(name, p);
                }
            });
        }
        return out;
    }

    /** "orders-0": how status details and plans name a partition (PartitionState#name). */
    static String name(TopicPartition tp) {
        return tp.topic() + "-" + tp.partition();
    }

    /** {@code topic-p} back to its TopicPartition (topic names may hold dashes; the last one splits). */
    static TopicPartition partition(String name) {
        int dash = name.lastIndexOf('-');
        return new TopicPartition(name.substring(0, dash), Integer.parseInt(name.substring(dash + 1)));
    }
}
