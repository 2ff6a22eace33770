package dev.berth.operator.reconcile;

import dev.berth.operator.act.ExecutionPolicy;
import dev.berth.operator.act.Leadership;
import dev.berth.operator.act.ReassignmentExecutor;
import dev.berth.operator.act.ReassignmentProgress;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.observe.KafkaObserver;
import dev.berth.operator.plan.BatchOrigins;
import dev.berth.operator.plan.DiskRoom;
import dev.berth.operator.plan.PlanIntent;
import dev.berth.operator.plan.ReassignmentPlan;
import dev.berth.operator.plan.ReassignmentPlanner;
import dev.berth.operator.plan.PlanRefusedException;
import dev.berth.operator.plan.Problem;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.PartitionReassignment;
import org.apache.kafka.common.TopicPartition;

/**
 * One level-based pass of a data move shared by scale-up and scale-down. No plan is kept in
 * memory or in status: every pass re-reads Kafka and re-plans, so an operator restarted at any
 * point continues from what Kafka shows.
 *
 * <ol>
 *   <li>a reassignment is running in Kafka: wait (Kafka finishes it on its own);
 *   <li>otherwise read a fresh snapshot and plan the intent on it (seed 1: the same plan the
 *       {@code plan} CLI shows);
 *   <li>an empty plan (or, for a scale-up, one that moves some bytes but under a tenth of an average
 *       broker's bytes: producers keep growing partitions, so "perfectly even" is never reached) means done:
 *       preferred elections, throttles cleared ({@link #settled});
 *   <li>a plan that would give a broker more bytes than its disk can take with
 *       {@code spec.rebalance.minFreeDiskPercent} kept free ({@link DiskRoom}) is refused: nothing starts;
 *   <li>else submit the next steps through {@link ReassignmentExecutor#advance}.
 * </ol>
 */
final class Reshuffle {
    /**
     * Scale-up is balanced when what is left to move is at most this share of an average broker's bytes
     * (all replica bytes ÷ brokers): each receiver then holds at least 90 % of its share. A share of all
     * bytes (it was 2 %) shrinks a new broker's share with the cluster's size: at 30 brokers it stopped with
     * the new one at a third of its share, and from about 50 it never started.
     */
    static final double BALANCED_SHARE = 0.10;
    static final long SEED = 1;

    /**
     * Details keys of the progress while Kafka runs a batch: bytes / partitions done at the last plan, and
     * what the batch held when first seen running. Kept in status, so a restarted operator keeps counting.
     */
    static final String BASE_BYTES = "progressBaseBytesMoved";
    static final String BASE_PARTITIONS = "progressBasePartitionsDone";
    static final String BATCH_BYTES = "progressBatchBytes";
    static final String BATCH_PARTITIONS = "progressBatchPartitions";

    /**
     * @param running reassignments Kafka runs (waiting passes only): partition name to replicas being added
     */
    record Pass(boolean done, boolean waiting, ReassignmentPlan plan, ReassignmentProgress progress,
            Map<String, Integer> running, boolean settling) {

        Pass(boolean done, boolean waiting, ReassignmentPlan plan, ReassignmentProgress progress,
                Map<String, Integer> running) {
            this(done, waiting, plan, progress, running, false);
        }
    }

    /** Details key: when a pass first found the last batch's end not yet in describeTopics ({@link #lastBatch}). */
    static final String SETTLING_SINCE = "settlingSince";
    /**
     * How long passes wait for it: a lag is a moment, a longer list is not ours. A time, not a count of
     * passes, which come as fast as status writes wake the reconciler on a loaded machine.
     */
    static final java.time.Duration MAX_SETTLE = java.time.Duration.ofSeconds(30);

    private Reshuffle() {}

    /**
     * @param offline brokers to plan with although describeCluster does not list them (a leaving
     *     broker that crashed still has replicas to move away; Kafka can reassign away from it)
     * @throws PlanRefusedException when a hard goal forbids the plan; nothing was submitted
     */
    static Pass pass(Admin admin, Clock clock, KafkaCluster cluster, PlanIntent intent,
            double doneBelowShare, Set<Integer> offline, Map<String, java.util.List<Integer>> lastBatch) {
        Map<TopicPartition, PartitionReassignment> running = ReassignmentExecutorAccess.running(admin);
        if (!running.isEmpty()) {
            keepThrottle(admin, cluster, running);
            Map<String, Integer> adding = new TreeMap<>();
            running.forEach((tp, r) -> adding.put(MoveCancel.name(tp), r.addingReplicas().size()));
            return new Pass(false, true, null, null, adding);
        }
        Map<Integer, String> remembered = new TreeMap<>();
        cluster.getStatus().brokers().forEach(b -> {
            if (b.rack() != null && !b.rack().isBlank()) {
                remembered.put(b.id(), b.rack());
            }
        });
        ClusterSnapshot s = new KafkaObserver(admin, clock).snapshotWith(offline, remembered);
        Map<String, java.util.List<Integer>> lists = new HashMap<>();
        s.partitions().forEach(p -> lists.put(p.name(), p.replicas()));
        if (!BatchOrigins.behind(lastBatch, lists).isEmpty()) {
            return new Pass(false, true, null, null, Map.of(), true); // plan once describeTopics shows the batch's end
        }
        ReassignmentPlan plan;
        try {
            plan = new ReassignmentPlanner(new Random(SEED)).plan(s, intent);
        } catch (PlanRefusedException e) {
            // paused with nothing moving: a follower that falls behind meanwhile (a broker restart)
            // must not catch up at the throttled rate; the next pass that moves sets them again
            Leadership.clearAllThrottles(admin, s);
            throw e;
        }
        if (settled(plan, s, doneBelowShare)) {
            Leadership.electPreferred(admin, Leadership.notPreferred(s));
            Leadership.clearAllThrottles(admin, s);
            return new Pass(true, false, plan, null, Map.of());
        }
        // the whole remaining plan against today's free space: each pass re-plans, so what is done
        // leaves the plan as its bytes leave the room
        java.util.List<Problem> full = DiskRoom.problems(plan.moves(), s.disks(),
                cluster.getSpec().rebalance().minFreeDiskPercent());
        if (!full.isEmpty()) {
            Leadership.clearAllThrottles(admin, s);
            throw new PlanRefusedException(full);
        }
        ExecutionPolicy policy = new ExecutionPolicy(
                Math.max(0, cluster.getSpec().rebalance().throttleBytesPerSec()),
                ExecutionPolicy.DEFAULT.maxPartitionsInFlight());
        ReassignmentProgress progress = new ReassignmentExecutor(admin, policy).advance(plan.moves());
        return new Pass(false, false, plan, progress, Map.of());
    }

    /**
     * The spec's throttle, on the brokers of the batch Kafka runs: a rate changed mid-batch applies
     * now, not at the next batch. A failure only waits for the next pass: the batch runs on anyway.
     */
    private static void keepThrottle(Admin admin, KafkaCluster cluster, Map<TopicPartition, PartitionReassignment> running) {
        Set<Integer> brokers = new TreeSet<>();
        running.values().forEach(r -> {
            brokers.addAll(r.replicas());
            brokers.addAll(r.addingReplicas());
            brokers.addAll(r.removingReplicas());
        });
        try {
            new dev.berth.operator.act.Throttles(admin).keepRate(brokers,
                    Math.max(0, cluster.getSpec().rebalance().throttleBytesPerSec()));
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(Reshuffle.class).warn("throttle of the running batch not adjusted yet: {}", e.toString());
        }
    }

    /**
     * Whether {@code plan} leaves nothing worth doing on {@code s}: it is empty, or it moves some bytes
     * but no more than {@code doneBelowShare} of an average broker's replica bytes. A plan that moves only empty
     * partitions is never settled: it costs nothing, and executing it is the only way they move.
     * (Counting its 0 bytes as "under 2 % of 0" once declared a scale-up on empty topics done without
     * moving anything, so it started again on every reconcile, and a drain of empty partitions
     * never ended.) Examples, share 10 % and 1 GB of replica bytes on 5 brokers (200 MB each): a plan
     * moving 30 MB is not settled, one moving 20 MB is, one moving 0 bytes in 12 moves is not, no move is;
     * share 0 (a drain): settled only when empty.
     */
    static boolean settled(ReassignmentPlan plan, ClusterSnapshot s, double doneBelowShare) {
        long total = s.partitions().stream().mapToLong(p -> p.sizeBytes() * p.replicas().size()).sum();
        return settled(plan.isEmpty(), plan.stats().bytesMoved(), total, s.brokers().size(), doneBelowShare);
    }

    /** {@link #settled(ReassignmentPlan, ClusterSnapshot, double)} on plain numbers. */
    static boolean settled(boolean planEmpty, long bytesMoving, long totalBytes, int brokers, double doneBelowShare) {
        return planEmpty || (bytesMoving > 0 && bytesMoving <= doneBelowShare * totalBytes / Math.max(1, brokers));
    }

    /**
     * An operation that cannot go on for a reason outside it (the spec became invalid): its throttles
     * are cleared once Kafka runs no reassignment, as when a plan is refused. A batch still running
     * keeps them: Kafka finishes it, and the next reconcile clears them. {@code known} names the
     * brokers and topics to clear: the last periodic observation serves (a topic created since has no
     * throttle of ours), so a paused pass adds one Admin call, not a fresh snapshot's six.
     */
    static void clearThrottlesIfIdle(Admin admin, ClusterSnapshot known) {
        if (ReassignmentExecutorAccess.running(admin).isEmpty()) {
            Leadership.clearAllThrottles(admin, known);
        }
    }

    /**
     * {@link #progress} after a pass that planned and submitted: the batch's partitions with their
     * replica lists from before go to details ({@link MoveCancel#ORIGINS}), so a call-off can put them
     * back in their order. A pass that submitted nothing drops the old batch's: it is over.
     */
    static OperationStatus submitted(OperationStatus op, String phase, Pass pass, String message) {
        OperationStatus next = progress(op, phase, pass.plan(), message);
        Map<String, String> details = new TreeMap<>(next.details());
        details.remove(SETTLING_SINCE);
        Map<String, java.util.List<Integer>> from = pass.progress() == null ? Map.of() : pass.progress().submittedFrom();
        if (from.isEmpty()) {
            details.remove(MoveCancel.ORIGINS);
        } else {
            details.put(MoveCancel.ORIGINS, BatchOrigins.encode(from));
        }
        return withDetails(next, details);
    }

    /**
     * The last batch's partitions with their lists from before it, for {@link #pass} to check that
     * describeTopics shows the batch's end; empty once passes waited {@link #MAX_SETTLE} for it.
     */
    static Map<String, java.util.List<Integer>> lastBatch(OperationStatus op, Instant now) {
        String since = op.details().get(SETTLING_SINCE);
        boolean waitedEnough = since != null && !now.isBefore(since(since, now).plus(MAX_SETTLE));
        return waitedEnough ? Map.of() : BatchOrigins.decode(op.details().get(MoveCancel.ORIGINS));
    }

    /** The operation after a pass that waited for describeTopics to show the last batch's end. */
    static OperationStatus settling(OperationStatus op, Instant now) {
        Map<String, String> details = new TreeMap<>(op.details());
        Instant since = since(op.details().get(SETTLING_SINCE), now);
        details.put(SETTLING_SINCE, dev.berth.operator.api.Conditions.rfc3339(since));
        return withDetails(op, details);
    }

    /**
     * The start of a wait kept in details (RFC 3339), or {@code now} when none is kept, it is unreadable
     * (a hand-edited status) or in the future: a bad value restarts the wait rather than ending it.
     */
    static Instant since(String recorded, Instant now) {
        if (recorded == null) {
            return now;
        }
        try {
            Instant since = Instant.parse(recorded.trim());
            return since.isAfter(now) ? now : since;
        } catch (java.time.format.DateTimeParseException e) {
            return now;
        }
    }

    /** A number kept in details; {@code otherwise} when absent or not a number (a hand-edited status). */
    static int intDetail(Map<String, String> details, String key, int otherwise) {
        return (int) Math.min(Integer.MAX_VALUE, longDetail(details, key, otherwise));
    }

    static long longDetail(Map<String, String> details, String key, long otherwise) {
        String v = details.get(key);
        if (v == null) {
            return otherwise;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    /**
     * The operation narrowed to {@code brokers} after moves were called off: bytes and partitions
     * moved so far are kept, the totals are unknown until the next plan, and the batch bookkeeping is
     * dropped. (Kept, it counted every cancelled partition as done once it left Kafka's running list.)
     */
    static OperationStatus narrowed(OperationStatus op, String phase, java.util.List<Integer> brokers, String message,
            Map<String, String> details) {
        Map<String, String> d = new TreeMap<>(details);
        d.remove(BATCH_BYTES);
        d.remove(BATCH_PARTITIONS);
        d.remove(MoveCancel.ORIGINS);
        long moved = op.bytesMoved() == null ? 0 : op.bytesMoved();
        int done = op.partitionsDone() == null ? 0 : op.partitionsDone();
        d.put(BASE_BYTES, Long.toString(moved));
        d.put(BASE_PARTITIONS, Integer.toString(done));
        return new OperationStatus(op.type(), phase, brokers, moved, null, done, null, op.startedAt(), message, d);
    }

    static OperationStatus withDetails(OperationStatus op, Map<String, String> details) {
        return new OperationStatus(op.type(), op.phase(), op.brokers(), op.bytesMoved(), op.bytesTotal(),
                op.partitionsDone(), op.partitionsTotal(), op.startedAt(), op.message(), details);
    }

    /** The operation with progress from this pass: totals only grow, moved = total - left. */
    static OperationStatus progress(OperationStatus op, String phase, ReassignmentPlan plan,
            String message) {
        long left = plan == null ? 0 : plan.stats().bytesMoved();
        int partsLeft = plan == null ? 0 : plan.moves().size();
        long moved = op.bytesMoved() == null ? 0 : op.bytesMoved();
        long total = Math.max(op.bytesTotal() == null ? 0 : op.bytesTotal(), moved + left);
        int partsDone = op.partitionsDone() == null ? 0 : op.partitionsDone();
        int partsTotal = Math.max(op.partitionsTotal() == null ? 0 : op.partitionsTotal(),
                partsDone + partsLeft);
        long movedNow = Math.max(moved, total - left);
        int doneNow = Math.max(partsDone, partsTotal - partsLeft);
        Map<String, String> details = new TreeMap<>(op.details());
        details.remove(BATCH_BYTES);
        details.remove(BATCH_PARTITIONS);
        details.put(BASE_BYTES, Long.toString(movedNow));
        details.put(BASE_PARTITIONS, Integer.toString(doneNow));
        return new OperationStatus(op.type(), phase, op.brokers(), movedNow, total, doneNow, partsTotal,
                op.startedAt(), message, details);
    }

    /**
     * Progress while Kafka runs the batch the last plan submitted (no re-plan happens then): a partition
     * that left Kafka's list of running reassignments counts as done, with its size times the replicas
     * it added. Example: base 0 of 3,000 bytes, batch first seen as 3 partitions of 1,000 bytes adding one
     * replica each; with one still running, 2,000 bytes and 2 partitions are done. Never goes back, never
     * passes the totals; an operation without totals (no plan yet) is returned unchanged.
     *
     * @param running partition name to replicas it is adding, as listPartitionReassignments reports
     * @param sizes partition name to its size in bytes (the last observation)
     */
    static OperationStatus inFlight(OperationStatus op, Map<String, Integer> running, Map<String, Long> sizes) {
        if (op.bytesTotal() == null || op.partitionsTotal() == null) {
            return op;
        }
        long runningBytes = 0;
        for (Map.Entry<String, Integer> e : running.entrySet()) {
            runningBytes += sizes.getOrDefault(e.getKey(), 0L) * e.getValue();
        }
        Map<String, String> details = new TreeMap<>(op.details());
        details.putIfAbsent(BATCH_BYTES, Long.toString(runningBytes));
        details.putIfAbsent(BATCH_PARTITIONS, Integer.toString(running.size()));
        long moved = op.bytesMoved() == null ? 0 : op.bytesMoved();
        int done = op.partitionsDone() == null ? 0 : op.partitionsDone();
        long base = longDetail(details, BASE_BYTES, moved);
        int baseParts = intDetail(details, BASE_PARTITIONS, done);
        long finishedBytes = Math.max(0, longDetail(details, BATCH_BYTES, runningBytes) - runningBytes);
        int finishedParts = Math.max(0, intDetail(details, BATCH_PARTITIONS, running.size()) - running.size());
        return new OperationStatus(op.type(), op.phase(), op.brokers(),
                Math.min(op.bytesTotal(), Math.max(moved, base + finishedBytes)), op.bytesTotal(),
                Math.min(op.partitionsTotal(), Math.max(done, baseParts + finishedParts)), op.partitionsTotal(),
                op.startedAt(), op.message(), details);
    }

    /** Partition name to size in bytes, from the last observation ({@code null}: none yet). */
    static Map<String, Long> sizes(dev.berth.operator.model.KafkaObservation o) {
        Map<String, Long> out = new HashMap<>();
        if (o != null) {
            o.snapshot().partitions().forEach(p -> out.put(p.name(), p.sizeBytes()));
        }
        return out;
    }

    static String now(StepContext ctx) {
        return dev.berth.operator.api.Conditions.rfc3339(ctx.clock().instant());
    }

    static OperationStatus phase(OperationStatus op, String phase, String message) {
        return new OperationStatus(op.type(), phase, op.brokers(), op.bytesMoved(), op.bytesTotal(),
                op.partitionsDone(), op.partitionsTotal(), op.startedAt(), message, op.details());
    }
}
