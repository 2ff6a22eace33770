package dev.berth.operator.reconcile;

import dev.berth.operator.act.ExecutionPolicy;
import dev.berth.operator.act.ReassignmentExecutor;
import dev.berth.operator.act.ReassignmentProgress;
import dev.berth.operator.api.Conditions;
import dev.berth.operator.api.HotPartitionsSpec;
import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.metrics.OperatorMetrics;
import dev.berth.operator.model.BrokerState;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.PartitionState;
import dev.berth.operator.observe.KafkaObserver;
import dev.berth.operator.plan.BatchOrigins;
import dev.berth.operator.plan.HotReplicas;
import dev.berth.operator.plan.Move;
import dev.berth.operator.plan.MoveReason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.PartitionReassignment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot partitions, second stage, as the phase {@value #PHASE} of {@link HotPartitionStep}'s operation:
 * with {@code mode: Replicas}, once leadership moved, the replica moves {@link HotReplicas} planned run
 * through the {@link ReassignmentExecutor}, one level-based pass at a time.
 *
 * <p><b>Goal:</b> cool a broker that leadership alone could not, moving as little data as the plan says
 * and keeping it safe. <b>Constraints:</b> every move is throttled by
 * {@code spec.rebalance.throttleBytesPerSec} and adds at most one replica at a time (the executor's
 * rule); the plan is the one recorded at the start (in details {@value #TARGETS} and {@value #ORIGINS}),
 * since rates exist only in the periodic observation; a partition that changed meanwhile is left alone.
 *
 * <p><b>Each pass</b> reads a fresh snapshot and sorts the planned partitions ({@link Kept#of}): a
 * partition that is gone, whose replica count changed, that holds a broker in neither its old nor its
 * planned list (someone else moved it), or whose planned brokers are not all registered while Kafka runs
 * no move of it, is left (a move in flight stays in flight: ending the phase beside it would leave it
 * running with its throttles on); the rest go to {@link ReassignmentExecutor#advance}, which submits,
 * elects the new leader and clears the throttles when all are done. When every kept move is done, the
 * operation ends with an Event {@value #MOVED}. Setting the mode to something else, asking for a scale, or a broker or controller to
 * move off a cordoned node ({@link RestartQueue#cordonMoveWanted}), or moves still unfinished at the
 * phase's deadline ({@link #allowance}: three times their bytes at the throttle; a Warning), or Kafka
 * refusing every move a pass submits and running none ({@link PausedMoves#refusedMoves}: the operator lacks
 * Alter on the cluster, say; a Warning with Kafka's words, rather than asking again until the deadline), stops it:
 * the moves Kafka runs toward the planned lists are cancelled and their partitions put back as they
 * were ({@link MoveCancel}: no data is lost, the old replicas never left), nothing new is submitted, the throttles are cleared and the operation ends. A
 * scale, or a node drain (whose evictions wait for the leader-aware move), does not wait for hours of
 * throttled copying; an image edit or placement drift does, as nothing outside waits for it.
 *
 * <p><b>Example:</b> clicks-0 [0] → [1] and clicks-1 [0] → [2], 30 MB each. Pass 1 submits both
 * (throttled), progress 0 of 60 MB; pass 2 finds both done and brokers 1 and 2 leading them: Event
 * {@code HotReplicasMoved} "Moved 2 of 2 partitions (57.2 MiB) to cooler brokers, which lead them; broker
 * 0 was the hottest.", throttles cleared, operation cleared.
 */
final class HotReplicaPhase {
    static final String PHASE = "MovingReplicas";
    /**
     * Details: partition name to its planned replica list, and to its list when planned (the key
     * {@link MoveCancel} reads: a stop cancels what runs and puts those partitions back in that order).
     */
    static final String TARGETS = "replicaTargets";
    static final String ORIGINS = MoveCancel.ORIGINS;
    /**
     * Event reason when the phase ends: a Warning when Kafka refused every move or the moves overran their
     * {@link #DEADLINE}, else Normal (done, or stopped for a spec change, a scale or a cordon).
     */
    static final String MOVED = "HotReplicasMoved";
    private static final Duration AGAIN = Duration.ofSeconds(2);
    private static final Duration SOON = Duration.ofMillis(500);
    private static final Logger LOG = LoggerFactory.getLogger(HotReplicaPhase.class);
    /** Details key: when the phase gives up on moves that have not finished (RFC 3339), see {@link #allowance}. */
    static final String DEADLINE = "replicaMovesDeadline";
    /** Details key: why the phase stops, once a stop has begun (the cancel takes several passes). */
    static final String STOPPING = "replicaMovesStopping";
    static final Duration MIN_ALLOWANCE = Duration.ofMinutes(15);
    static final int ALLOWANCE_FACTOR = 3;
    /** How a stop for the deadline starts; such a stop ends with a Warning. */
    static final String OVERDUE = "the replica moves did not finish by their deadline ";
    static final String OVERDUE_WHY = " (three times their bytes at the throttle, at least 15 min): a partition"
            + " written to faster than spec.rebalance.throttleBytesPerSec never catches up; raise it, or wait for"
            + " less produce";

    private HotReplicaPhase() {}

    /** The details that carry {@code plan} into this phase. */
    static Map<String, String> details(HotReplicas.Plan plan) {
        Map<String, List<Integer>> targets = new TreeMap<>();
        Map<String, List<Integer>> origins = new TreeMap<>();
        for (Move m : plan.moves()) {
            targets.put(m.name(), m.newReplicas());
            origins.put(m.name(), m.oldReplicas());
        }
        return Map.of(TARGETS, BatchOrigins.encode(targets), ORIGINS, BatchOrigins.encode(origins));
    }

    /** Whether {@code op} carries replica moves for this phase. */
    static boolean planned(OperationStatus op) {
        return !BatchOrigins.decode(op.details().get(TARGETS)).isEmpty();
    }

    /** The operation as it enters this phase (after the leadership moves, or at the start when there are none). */
    static OperationStatus enter(OperationStatus op, String message) {
        int total = BatchOrigins.decode(op.details().get(TARGETS)).size();
        return new OperationStatus(op.type(), PHASE, op.brokers(), 0L, null, 0, total, op.startedAt(), message,
                op.details());
    }

    /**
     * One pass of the phase.
     *
     * @param ended called once the operation ends (the cool-down starts then)
     */
    static StepResult pass(StepContext ctx, OperationStatus op, Runnable ended) throws Exception {
        HotPartitionsSpec hot = ctx.cluster().getSpec().rebalance().hotPartitions();
        String stop = op.details().get(STOPPING); // a stop, once begun, is finished
        if (stop == null) {
            stop = hot.mode() != HotPartitionsSpec.Mode.Replicas ? "spec.rebalance.hotPartitions.mode is " + hot.mode()
                    : RestartQueue.scaleWanted(ctx) ? "a scale is wanted" : RestartQueue.cordonMoveWanted(ctx);
        }
        if (stop != null) {
            return stop(ctx, op, stop, ended);
        }
        ClusterSnapshot s = new KafkaObserver(ctx.admin(), ctx.clock()).snapshot();
        Instant now = ctx.clock().instant();
        String since = op.details().get(Reshuffle.SETTLING_SINCE);
        boolean waitedEnough = since != null && !now.isBefore(Reshuffle.since(since, now).plus(Reshuffle.MAX_SETTLE));
        Kept kept = Kept.of(BatchOrigins.decode(op.details().get(TARGETS)), BatchOrigins.decode(op.details().get(ORIGINS)), s,
                running(ctx), waitedEnough);
        if (!kept.settling().isEmpty()) {
            // a finished move's old and new replicas, still listed a moment after it ended: read again soon
            return StepResult.of(Reshuffle.settling(op, now), SOON);
        }
        long throttle = Math.max(0, ctx.cluster().getSpec().rebalance().throttleBytesPerSec());
        Instant deadline = deadline(op.details().get(DEADLINE), now, kept.moves(), throttle);
        if (!now.isBefore(deadline)) {
            return stop(ctx, op, OVERDUE + Conditions.rfc3339(deadline) + OVERDUE_WHY, ended);
        }
        Map<String, String> details = without(op.details(), Reshuffle.SETTLING_SINCE);
        details.put(DEADLINE, Conditions.rfc3339(deadline));
        op = Reshuffle.withDetails(op, details);
        ExecutionPolicy policy = new ExecutionPolicy(throttle, ExecutionPolicy.DEFAULT.maxPartitionsInFlight());
        ReassignmentProgress progress = new ReassignmentExecutor(ctx.admin(), policy).advance(kept.moves());
        String refused = PausedMoves.refusedMoves(progress);
        if (refused != null) {
            return stop(ctx, op, refused, ended);
        }
        if (!progress.errors().isEmpty()) {
            LOG.warn("hot replicas of {}: Kafka refused {}", ctx.cluster().getMetadata().getName(), progress.errors());
        }
        if (progress.complete()) {
            OperatorMetrics.HOT_REPLICA_MOVES.inc(kept.moves().size());
            // the executor clears the throttles of the moves it was given; a move left on the way had some too
            Reshuffle.clearThrottlesIfIdle(ctx.admin(), s);
            return end(ctx, op, kept, progress.bytesTotal(), ended);
        }
        return StepResult.of(new OperationStatus(op.type(), PHASE, op.brokers(), progress.bytesDone(),
                progress.bytesTotal(), progress.partitionsDone(), kept.moves().size() + kept.left().size(),
                op.startedAt(), op.message(), op.details()), AGAIN);
    }

    /**
     * One pass of stopping for {@code why}: the moves Kafka runs toward the planned lists are cancelled and
     * their partitions put back ({@link MoveCancel}, several passes; the reason is kept in details, so the stop
     * goes on even if what caused it goes away), then the throttles come off and the operation ends. A
     * reassignment another tool runs on a planned partition is not this phase's, and is left alone.
     */
    private static StepResult stop(StepContext ctx, OperationStatus op, String why, Runnable ended) throws Exception {
        Map<String, List<Integer>> targets = BatchOrigins.decode(op.details().get(TARGETS));
        MoveCancel.Step undo = MoveCancel.step(ctx.admin(), (tp, r) -> ours(targets, MoveCancel.name(tp), r),
                op.details(), ctx.clock().instant());
        if (!undo.over()) {
            Map<String, String> details = new TreeMap<>(undo.details());
            details.put(STOPPING, why);
            return StepResult.of(Reshuffle.withDetails(Reshuffle.phase(op, PHASE, "Stopping (" + why + "): "
                    + undo.doing("replica moves")), details), SOON);
        }
        Reshuffle.clearThrottlesIfIdle(ctx.admin(), new KafkaObserver(ctx.admin(), ctx.clock()).snapshot());
        boolean failed = why.startsWith(OVERDUE) || why.startsWith(PausedMoves.REFUSED);
        return end(ctx, failed ? "Warning" : "Normal", "Stopped: " + why + "; the moves Kafka was"
                + " running are cancelled and their partitions put back; what moved before stays moved.", ended);
    }

    /**
     * Whether Kafka's running reassignment {@code r} of partition {@code name} is this phase's: it adds
     * only brokers of the planned list (a move adds one replica at a time toward it). Another tool's move
     * of a planned partition, to a broker outside that list, is not.
     */
    static boolean ours(Map<String, List<Integer>> targets, String name, PartitionReassignment r) {
        List<Integer> target = targets.get(name);
        return target != null && target.containsAll(r.addingReplicas());
    }

    /**
     * The phase's deadline: the one kept in details, or (the first pass, or a value that does not read) now
     * plus {@link #allowance} for the bytes {@code moves} add.
     */
    static Instant deadline(String kept, Instant now, List<Move> moves, long throttle) {
        if (kept != null) {
            try {
                return Instant.parse(kept.trim());
            } catch (java.time.format.DateTimeParseException e) {
                LOG.info("replica moves' deadline {} does not read; counted again from now", kept);
            }
        }
        long bytes = 0;
        for (Move m : moves) {
            bytes += m.sizeBytes() * m.adding().size();
        }
        return now.plus(allowance(bytes, throttle));
    }

    /**
     * How long replica moves of {@code bytes} may take: {@value #ALLOWANCE_FACTOR} times those bytes at the
     * throttle, and at least {@link #MIN_ALLOWANCE}. The moves leave one hot broker, whose outbound rate the
     * throttle caps, so bytes ÷ throttle is about how long they take when the new replicas keep up; three
     * times that leaves room for produce on the way. With no throttle, the default rate stands in. Counted
     * from the phase's first pass, on the bytes seen then: a partition written to faster than the throttle
     * grows while it is copied and never joins the ISR, so an allowance on today's bytes would never run out.
     * Examples: 1 GiB at 50 MiB/s takes 20 s, allowed 15 min; 100 GiB at 10 MiB/s about 2.8 h, allowed 8.5 h.
     */
    static Duration allowance(long bytes, long throttle) {
        long rate = throttle > 0 ? throttle : dev.berth.operator.api.RebalanceSpec.DEFAULT_THROTTLE;
        long seconds = (Math.max(0, bytes) + rate - 1) / rate;
        long capped = Math.min(seconds, Long.MAX_VALUE / 1000 / ALLOWANCE_FACTOR); // a Duration holds that many
        Duration scaled = Duration.ofSeconds(capped * ALLOWANCE_FACTOR);
        return scaled.compareTo(MIN_ALLOWANCE) < 0 ? MIN_ALLOWANCE : scaled;
    }

    private static StepResult end(StepContext ctx, OperationStatus op, Kept kept, long bytes, Runnable ended) {
        int planned = BatchOrigins.decode(op.details().get(TARGETS)).size();
        String message = "Moved " + kept.moves().size() + " of " + planned + " partitions ("
                + dev.berth.operator.plan.DiskRoom.size(bytes) + ") to cooler brokers, which lead them"
                + (op.details().containsKey(HotPartitionStep.HOT_BROKER) ? "; broker "
                + op.details().get(HotPartitionStep.HOT_BROKER) + " was the hottest" : "") + ".";
        if (!kept.left().isEmpty()) {
            message += " Left as they were (they changed meanwhile, or a planned broker is gone): "
                    + String.join(", ", kept.left()) + ".";
        }
        return end(ctx, kept.left().isEmpty() ? "Normal" : "Warning", message, ended);
    }

    private static StepResult end(StepContext ctx, String type, String message, Runnable ended) {
        ended.run();
        ctx.event(type, MOVED, message);
        return StepResult.of(null, null);
    }

    private static Map<String, String> without(Map<String, String> details, String key) {
        Map<String, String> out = new TreeMap<>(details);
        out.remove(key);
        return out;
    }

    /** Names of the partitions Kafka reassigns now. */
    private static Set<String> running(StepContext ctx) {
        Set<String> out = new TreeSet<>();
        ReassignmentExecutorAccess.running(ctx.admin()).keySet().forEach(tp -> out.add(MoveCancel.name(tp)));
        return out;
    }

    /**
     * The planned moves still worth doing, and the partitions left alone.
     *
     * @param moves from the list when planned to the planned list, with today's size
     * @param left partition names, sorted
     * @param settling partitions that list more replicas than planned while Kafka runs no move of theirs: a
     *     finished move still shown with its old and new replicas (describeTopics lags for a moment)
     */
    record Kept(List<Move> moves, Set<String> left, Set<String> settling) {
        /**
         * @param running partitions Kafka reassigns now: their list holds the replicas being added, so their
         *     replica count is not checked
         * @param waitedEnough passes have waited {@link Reshuffle#MAX_SETTLE} for a lagging list: it is
         *     not a lag (someone changed the replication factor), and the partition is left
         */
        static Kept of(Map<String, List<Integer>> targets, Map<String, List<Integer>> origins, ClusterSnapshot s,
                Set<String> running, boolean waitedEnough) {
            Map<String, PartitionState> now = new TreeMap<>();
            s.partitions().forEach(p -> now.put(p.name(), p));
            Set<Integer> registered = new HashSet<>();
            s.brokers().stream().map(BrokerState::id).forEach(registered::add);
            List<Move> moves = new ArrayList<>();
            Set<String> left = new TreeSet<>();
            Set<String> settling = new TreeSet<>();
            targets.forEach((name, target) -> {
                PartitionState p = now.get(name);
                List<Integer> from = origins.getOrDefault(name, List.of());
                Set<Integer> either = new HashSet<>(from);
                either.addAll(target);
                boolean recounted = !running.contains(name) && p != null && p.replicas().size() != target.size();
                if (p == null || target.isEmpty() || from.size() != target.size() || recounted && waitedEnough
                        || !either.containsAll(p.replicas())
                        || !running.contains(name) && !registered.containsAll(target)) {
                    left.add(name);
                } else if (recounted) {
                    settling.add(name);
                } else {
                    moves.add(new Move(p.topic(), p.partition(), from, target, MoveReason.HOT_REPLICA, p.sizeBytes()));
                }
            });
            return new Kept(List.copyOf(moves), left, settling);
        }
    }
}
