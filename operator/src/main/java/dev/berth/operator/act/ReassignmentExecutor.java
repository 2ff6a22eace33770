package dev.berth.operator.act;

import dev.berth.operator.observe.DeletedTopics;
import dev.berth.operator.plan.Move;
import dev.berth.operator.plan.ReassignmentSteps;
import dev.berth.operator.plan.ThrottlePlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.PartitionReassignment;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.ElectionNotNeededException;

/**
 * Executes a reassignment plan against Kafka, one level-based pass at a time.
 *
 * <p><b>Algorithm</b> of {@link #advance} (each pass reads Kafka first, so a restarted operator
 * resumes where Kafka is, never where its memory was):
 * <ol>
 *   <li>describeTopics of the plan's topics and listPartitionReassignments;
 *   <li>per move: in flight (Kafka lists it), done (replicas equal the target in order, ISR full,
 *       preferred leader leads), waiting for the ISR or a preferred election, or ready for its
 *       next step ({@link ReassignmentSteps#next}: at most one added replica);
 *   <li>while anything is left: throttles on (the rate on every broker involved, the moving
 *       replicas on their topics, see {@link ThrottlePlan});
 *   <li>submit next steps until {@code maxPartitionsInFlight} reassignments run;
 *   <li>preferred election for partitions whose replicas are in place but whose leader is not
 *       the target's first replica;
 *   <li>when every partition is done, clear the throttles and report complete.
 * </ol>
 * A partition whose topic was deleted meanwhile counts as done (nothing left to move).
 */
public final class ReassignmentExecutor {
    private static final long TIMEOUT_SECONDS = 10;

    private final Admin admin;
    private final ExecutionPolicy policy;
    private final Throttles throttles;
    private boolean throttled;

    public ReassignmentExecutor(Admin admin, ExecutionPolicy policy) {
        this.admin = admin;
        this.policy = policy;
        this.throttles = new Throttles(admin);
    }

    /** One pass: read Kafka, submit what may start, report progress. Never blocks on data. */
    public ReassignmentProgress advance(List<Move> moves) {
        Set<String> topics = new TreeSet<>();
        moves.forEach(m -> topics.add(m.topic()));
        Map<TopicPartition, TopicPartitionInfo> now = describe(topics);
        Map<TopicPartition, PartitionReassignment> running =
                get(admin.listPartitionReassignments().reassignments(), "listPartitionReassignments");

        long bytesTotal = 0;
        long bytesDone = 0;
        int done = 0;
        int inFlight = 0;
        Map<TopicPartition, List<Integer>> ready = new LinkedHashMap<>();
        Set<TopicPartition> elect = new HashSet<>();
        Set<String> existing = new HashSet<>();
        List<String> errors = new ArrayList<>();
        Map<Integer, String> racks = null; // read once, when a step is to be made
        for (Move m : moves) {
            TopicPartition tp = new TopicPartition(m.topic(), m.partition());
            int adds = m.adding().size();
            bytesTotal += m.sizeBytes() * adds;
            TopicPartitionInfo info = now.get(tp);
            if (info == null) {
                done++;
                bytesDone += m.sizeBytes() * adds;
                continue;
            }
            existing.add(m.topic());
            List<Integer> current = ids(info.replicas());
            PartitionReassignment r = running.get(tp);
            List<Integer> settled = new ArrayList<>(current);
            if (r != null) {
                settled.removeAll(r.addingReplicas());
                inFlight++;
            }
            int missing = (int) m.newReplicas().stream().filter(b -> !settled.contains(b)).count();
            bytesDone += m.sizeBytes() * Math.max(0, adds - Math.min(adds, missing));
            if (r != null) {
                continue;
            }
            if (current.size() != m.newReplicas().size()) {
                // berth never changes a partition's replica count: a plan that does was made from a list
                // that still showed a finished move's old and new replicas; the next pass plans again
                errors.add(tp + ": planned " + m.newReplicas().size() + " replicas, Kafka lists " + current.size()
                        + "; not submitted");
                continue;
            }
            if (!current.equals(m.newReplicas())) {
                racks = racks == null ? dev.berth.operator.observe.RegisteredRacks.all(admin) : racks;
                ready.put(tp, ReassignmentSteps.next(current, m.newReplicas(), racks));
                continue;
            }
            // the move is done once the replicas it added are in sync and its first replica leads: a follower it
            // did not touch may lag (or be down) for reasons of its own, and waiting for it held the operation,
            // and every restart behind it, until the phase's deadline called a finished move off
            Set<Integer> isr = new HashSet<>(ids(info.isr()));
            boolean addedInSync = isr.containsAll(m.adding());
            Node leader = info.leader();
            if (addedInSync && leader != null && leader.id() == m.newReplicas().get(0)) {
                done++;
            } else if (addedInSync && isr.contains(m.newReplicas().get(0))) {
                elect.add(tp);
            }
        }
        ThrottlePlan throttle = ThrottlePlan.of(moves);
        // a deleted topic's entry makes Kafka refuse the whole call: throttle what exists. The operator plans
        // afresh each pass, so only a deletion since this pass's snapshot reaches here; moves kept across
        // passes (runToCompletion) would meet it on every pass
        ThrottlePlan live = ThrottlePlan.of(moves.stream().filter(m -> existing.contains(m.topic())).toList());
        boolean left = done < moves.size();
        if (left && policy.throttleBytesPerSec() > 0 && !throttled && !live.isEmpty()) {
            throttles.alterThrottles(live, policy.throttleBytesPerSec());
            throttled = true;
        }
        Map<TopicPartition, Optional<NewPartitionReassignment>> submit = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, List<Integer>> e : ready.entrySet()) {
            if (inFlight + submit.size() >= policy.maxPartitionsInFlight()) {
                break;
            }
            submit.put(e.getKey(), Optional.of(new NewPartitionReassignment(e.getValue())));
        }
        Map<String, List<Integer>> submittedFrom = new TreeMap<>();
        if (!submit.isEmpty()) {
            admin.alterPartitionReassignments(submit).values().forEach((tp, f) -> {
                Optional<String> failed = error(tp, f, "reassign");
                failed.ifPresent(errors::add);
                // a call that timed out may yet be carried out: it is recorded like an accepted one, so that a
                // call-off finds it among berth's batch and puts it back, instead of leaving it running
                if (failed.isEmpty() || failed.get().endsWith(TIMED_OUT)) {
                    submittedFrom.put(tp.topic() + "-" + tp.partition(), ids(now.get(tp).replicas()));
                }
            });
        }
        if (!elect.isEmpty()) {
            var partitions = get(admin.electLeaders(ElectionType.PREFERRED, elect).partitions(),
                    "electLeaders");
            partitions.forEach((tp, failure) -> failure
                    .filter(t -> !(t instanceof ElectionNotNeededException))
                    .ifPresent(t -> errors.add(tp + ": elect " + t.getClass().getSimpleName())));
        }
        boolean complete = done == moves.size();
        // Cleared on every complete pass, not only by the instance that set them: an operator that
        // restarted mid-plan must not leave a throttle behind.
        if (complete && policy.throttleBytesPerSec() > 0 && !throttle.isEmpty()) {
            throttles.clearThrottles(throttle, existing);
            throttled = false;
        }
        return new ReassignmentProgress(bytesDone, bytesTotal, done, moves.size(),
                inFlight + submittedFrom.size(), complete, errors, submittedFrom);
    }

    /**
     * Passes until complete, {@code poll} apart. For the CLI and tests; the operator calls
     * {@link #advance} once per reconcile instead.
     */
    public ReassignmentProgress runToCompletion(List<Move> moves, Duration timeout, Duration poll)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            ReassignmentProgress p = advance(moves);
            if (p.complete()) {
                return p;
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("plan not complete after " + timeout + ": " + p);
            }
            Thread.sleep(poll.toMillis());
        }
    }

    /** The plan's partitions as Kafka lists them; a deleted topic's are absent ({@link DeletedTopics}). */
    private Map<TopicPartition, TopicPartitionInfo> describe(Set<String> topics) {
        Map<TopicPartition, TopicPartitionInfo> out = new HashMap<>();
        if (topics.isEmpty()) {
            return out;
        }
        existing(admin.describeTopics(topics).topicNameValues(), "describeTopics").forEach((name, d) ->
                d.partitions().forEach(p -> out.put(new TopicPartition(name, p.partition()), p)));
        return out;
    }

    /** {@link DeletedTopics#without}, with this layer's exceptions. */
    static <K, T> Map<K, T> existing(Map<K, org.apache.kafka.common.KafkaFuture<T>> futures, String call) {
        try {
            return DeletedTopics.without(futures, TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + call, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaCallException(call, e);
        }
    }

    /** How an {@link #error} that timed out ends: the call may still be carried out by Kafka. */
    public static final String TIMED_OUT = " timed out";

    /**
     * What went wrong with one partition's call, or empty. A time-out, the Admin client's own (its calls give
     * up after {@code default.api.timeout.ms}) or this wait's, reads "timed out": the call may still be
     * carried out, so it is no refusal ({@code PausedMoves.refusedMoves}).
     */
    public static Optional<String> error(TopicPartition tp, Future<?> f, String what) {
        try {
            f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return Optional.empty();
        } catch (ExecutionException e) {
            Throwable t = e.getCause() == null ? e : e.getCause();
            if (t instanceof org.apache.kafka.common.errors.TimeoutException) {
                return Optional.of(tp + ": " + what + TIMED_OUT);
            }
            return Optional.of(tp + ": " + what + " " + t.getClass().getSimpleName());
        } catch (TimeoutException e) {
            return Optional.of(tp + ": " + what + TIMED_OUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(tp + ": interrupted");
        }
    }

    static <T> T get(org.apache.kafka.common.KafkaFuture<T> f, String call) {
        try {
            return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + call, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaCallException(call, e);
        }
    }

    static List<Integer> ids(List<Node> nodes) {
        List<Integer> out = new ArrayList<>(nodes.size());
        nodes.forEach(n -> out.add(n.id()));
        return out;
    }
}
