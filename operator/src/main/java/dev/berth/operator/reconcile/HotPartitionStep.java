package dev.berth.operator.reconcile;

import dev.berth.operator.act.Leadership;
import dev.berth.operator.act.desired.Names;
import dev.berth.operator.api.HotPartitionsSpec;
import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.metrics.OperatorMetrics;
import dev.berth.operator.model.BrokerState;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.PartitionState;
import dev.berth.operator.observe.KafkaObserver;
import dev.berth.operator.observe.KubeView;
import dev.berth.operator.plan.BatchOrigins;
import dev.berth.operator.plan.DiskRoom;
import dev.berth.operator.plan.HotLeaders;
import dev.berth.operator.plan.HotReplicas;
import dev.berth.operator.plan.Move;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

/**
 * Hot-partition rebalancing: hands leadership of the partitions that make some brokers lead much more
 * produce than others to other in-sync replicas ({@link HotLeaders}), as an operation of type
 * {@value #TYPE} in {@code status.operation}; no data moves. With {@code mode: Replicas}, a broker that
 * stays hot then gives its replica of a partition it leads to a cooler broker ({@link HotReplicas}, run
 * by {@link HotReplicaPhase}), throttled.
 *
 * <p><b>Goal:</b> even the produce load brokers take as leaders, with the cheapest tool there is.
 * <b>Constraints:</b> not with {@code spec.rebalance.hotPartitions.mode: Off}; only when nothing
 * else is in flight, every desired broker has a pod and is registered with Kafka, no scale is wanted and
 * no reassignment runs; at most once per {@link #COOL_DOWN} per cluster, so that a burst of produce
 * does not move leadership back and forth.
 *
 * <p><b>Steps.</b>
 * <ol>
 *   <li><b>Start:</b> plan on the periodic observation (the only one with rates: a fresh read has no
 *       earlier sizes to estimate them from). A non-empty plan is recorded, with each partition's new
 *       order in details ({@value #ORDERS}), phase {@value #MOVING}, Event {@code LeaderRebalanceStarted};
 *       nothing changes in Kafka on that pass, so a refused status write loses nothing.
 *   <li><b>Moving</b>, from a fresh read of Kafka each pass: a partition whose order is not the planned
 *       one yet is reordered (a reassignment to the same replicas), then every planned partition whose
 *       first replica does not lead gets a preferred election. A partition that disappeared, whose
 *       replicas changed, or whose new leader fell out of sync, is left as it is. The new order makes the
 *       new leader preferred, so Kafka's own leader balancing keeps it there.
 *   <li><b>Moving replicas</b> (mode {@code Replicas}, when the start planned some): after the leadership
 *       moves end, or at once when there were none, phase {@value HotReplicaPhase#PHASE}.
 *   <li>A broker still hot after the plan (or with no move that helps) gets a Warning
 *       {@code LeaderRebalanceInsufficient}, naming the busiest partition it leads; with no move at all,
 *       that Warning alone, once per {@link #COOL_DOWN}.
 *   <li><b>End</b> when every planned partition is led by its new leader or was left, or
 *       {@link #MOVE_FOR} after the start (a time, not a count of passes: passes come as fast as status
 *       writes wake the reconciler, faster than a lagging describeTopics catches up): Event
 *       {@code LeaderRebalanced} (a Warning when some partition did not move), the operation cleared,
 *       unless replica moves come next.
 * </ol>
 * Setting the mode to {@code Off} ends an operation in flight; what moved stays moved.
 *
 * <p><b>Example:</b> broker 0 leads clicks-0, -1 and -2 at 100 KB/s each, brokers 1 and 2 lead nothing
 * that is written to. The plan makes clicks-0 [1,0,2] and clicks-1 [2,0,1]; after one pass each broker
 * leads one of them, and the Event says the hottest broker went from 300 to 100 KB/s.
 */
public final class HotPartitionStep implements OperationStep {
    public static final String TYPE = "LeaderRebalance";
    static final String MOVING = "MovingLeadership";
    /** Details: partition name to its planned replica order ({@link BatchOrigins#encode}). */
    static final String ORDERS = "orders";
    /** Details: the hottest broker when planned, its leader bytes-in then and as planned, and the mean. */
    static final String HOT_BROKER = "hotBroker";
    static final String HOT_BEFORE = "hotBytesInPerSec";
    static final String HOT_AFTER = "plannedBytesInPerSec";
    static final String MEAN = "meanBytesInPerSec";
    /** How long passes ask Kafka for the planned leaders before the operation ends with what it got. */
    static final Duration MOVE_FOR = Duration.ofSeconds(30);
    /**
     * The least time between two rebalances of one cluster: Kafka's own leader balancing checks every
     * 300 s ({@code leader.imbalance.check.interval.seconds}), and berth moves leadership no more often.
     * Kept in memory: after an operator restart one rebalance may come sooner, which is harmless.
     */
    static final Duration COOL_DOWN = Duration.ofMinutes(5);
    private static final Duration SOON = Duration.ofSeconds(1);
    private static final Duration AGAIN = Duration.ofSeconds(2);

    /** Event reasons. */
    enum Event {
        /** Some broker leads more produce than the tolerance allows: moving leadership. */
        STARTED("LeaderRebalanceStarted"),
        /** The moves are done (Normal) or some partition could not move (Warning). */
        DONE("LeaderRebalanced"),
        /**
         * A Warning: a broker stays hot after what the mode allows (a partition alone carries more than its
         * share, or has no other in-sync replica); with mode Leadership it says whether mode Replicas would
         * help. Alone (no move at all), at most once per {@link #COOL_DOWN}.
         */
        INSUFFICIENT("LeaderRebalanceInsufficient");

        final String reason;

        Event(String reason) {
            this.reason = reason;
        }
    }

    /** namespace/name to when its last rebalance ended. */
    private final Map<String, Instant> lastEnded = new ConcurrentHashMap<>();
    /**
     * namespace/name to when a Warning alone (no move) was last posted: kept apart from {@link #lastEnded},
     * so that saying what cannot be fixed does not hold back a rebalance that can, once the loads change
     * or the mode does.
     */
    private final Map<String, Instant> lastWarned = new ConcurrentHashMap<>();

    @Override
    public StepResult step(StepContext ctx) throws Exception {
        StepResult gated = OperationStep.gate(ctx, TYPE, AGAIN);
        if (gated != null) {
            return gated;
        }
        HotPartitionsSpec hot = ctx.cluster().getSpec().rebalance().hotPartitions();
        OperationStatus op = ctx.operation();
        if (op == null) {
            return hot.mode() != HotPartitionsSpec.Mode.Off ? start(ctx, hot) : StepResult.NOTHING;
        }
        if (HotReplicaPhase.PHASE.equals(op.phase())) {
            String key = key(ctx);
            Instant at = ctx.clock().instant();
            return HotReplicaPhase.pass(ctx, op, () -> lastEnded.put(key, at));
        }
        ClusterSnapshot s = new KafkaObserver(ctx.admin(), ctx.clock()).snapshot();
        Progress p = Progress.of(BatchOrigins.decode(op.details().get(ORDERS)), s);
        Instant now = ctx.clock().instant();
        boolean inTime = now.isBefore(Reshuffle.since(op.startedAt(), now).plus(MOVE_FOR));
        if (hot.mode() != HotPartitionsSpec.Mode.Off && !p.settled() && inTime) {
            return move(ctx, op, p);
        }
        return end(ctx, op, p, hot.mode());
    }

    private StepResult start(StepContext ctx, HotPartitionsSpec hot) throws Exception {
        Instant last = lastEnded.get(key(ctx));
        if (last != null && ctx.clock().instant().isBefore(last.plus(COOL_DOWN))) {
            return StepResult.NOTHING;
        }
        ClusterSnapshot s = ctx.kafka().observation().snapshot();
        if (RestartQueue.scaleWanted(ctx) || !everyBrokerUp(ctx, s)) {
            return StepResult.NOTHING;
        }
        HotLeaders.Policy policy = new HotLeaders.Policy(hot.tolerancePercent() / 100.0, hot.minBytesInPerSec(),
                HotLeaders.MAX_MOVES);
        HotLeaders.Plan plan = HotLeaders.plan(s, policy);
        // planned in either mode: with Leadership, the Warning says whether mode Replicas would help
        HotReplicas.Plan possible = HotReplicas.plan(s, plan, new HotLeaders.Policy(policy.tolerance(),
                policy.minBytesInPerSec(), HotReplicas.MAX_MOVES),
                minFree(ctx));
        HotReplicas.Plan replicas = hot.mode() == HotPartitionsSpec.Mode.Replicas ? possible
                : new HotReplicas.Plan(List.of(), plan.after(), plan.stuck());
        boolean none = plan.moves().isEmpty() && replicas.moves().isEmpty();
        if (none && replicas.stuck() == null || reassigning(ctx.admin())) {
            return StepResult.NOTHING;
        }
        if (none) {
            // said once per cool-down, not on every pass: remembered once posted, as a refused status write
            // drops the pass's Events (remembered before, a Warning was lost for the whole cool-down)
            String key = key(ctx);
            Instant now = ctx.clock().instant();
            Instant warned = lastWarned.get(key);
            if (warned == null || !now.isBefore(warned.plus(COOL_DOWN))) {
                ctx.event("Warning", Event.INSUFFICIENT.reason, stuck(plan, replicas, possible, hot, minFree(ctx)),
                        () -> lastWarned.put(key, now));
            }
            return StepResult.NOTHING;
        }
        if (replicas.stuck() != null) {
            ctx.event("Warning", Event.INSUFFICIENT.reason, stuck(plan, replicas, possible, hot, minFree(ctx)));
        }
        Map<String, List<Integer>> orders = new TreeMap<>();
        Set<Integer> from = new TreeSet<>();
        Map<String, Integer> leaders = new TreeMap<>();
        s.partitions().forEach(part -> leaders.put(part.name(), part.leader()));
        for (Move m : plan.moves()) {
            orders.put(m.name(), m.newReplicas());
            from.add(leaders.get(m.name()));
        }
        replicas.moves().forEach(m -> from.add(leaders.get(m.name())));
        int h = plan.hottest();
        String message = "Broker " + h + " leads " + HotLeaders.rate(plan.before().get(h))
                + " of produce against a mean of " + HotLeaders.rate(plan.mean()) + " (tolerance "
                + hot.tolerancePercent() + "%): " + (orders.isEmpty() ? "" : "moving leadership of " + orders.size()
                + " partitions to in-sync replicas" + (replicas.moves().isEmpty() ? ", no data moves." : ", then "))
                + (replicas.moves().isEmpty() ? "" : "moving " + replicas.moves().size() + " replicas ("
                        + DiskRoom.size(replicas.bytesMoved()) + ") to cooler brokers, throttled.");
        Map<String, String> details = new TreeMap<>(Map.of(ORDERS, BatchOrigins.encode(orders), HOT_BROKER, Integer.toString(h),
                HOT_BEFORE, Long.toString(Math.round(plan.before().get(h))),
                HOT_AFTER, Long.toString(Math.round(replicas.after().get(h))),
                MEAN, Long.toString(Math.round(plan.mean()))));
        if (!replicas.moves().isEmpty()) {
            details.putAll(HotReplicaPhase.details(replicas));
        }
        List<Move> all = new java.util.ArrayList<>(plan.moves());
        all.addAll(replicas.moves());
        ctx.event("Normal", Event.STARTED.reason, message + " " + describe(all, leaders));
        OperationStatus op = new OperationStatus(TYPE, MOVING, List.copyOf(from), null, null, 0, orders.size(),
                Reshuffle.now(ctx), message, details);
        return StepResult.of(orders.isEmpty() ? HotReplicaPhase.enter(op, message) : op, Duration.ofMillis(200));
    }

    /** One pass: reorders, then preferred elections for every planned partition not led by its new leader. */
    private static StepResult move(StepContext ctx, OperationStatus op, Progress p) throws Exception {
        MoveCancel.reorder(ctx.admin(), p.reorder());
        Set<TopicPartition> elect = new HashSet<>();
        p.reorder().keySet().forEach(n -> elect.add(MoveCancel.partition(n)));
        p.elect().forEach(n -> elect.add(MoveCancel.partition(n)));
        Leadership.electPreferred(ctx.admin(), elect);
        return StepResult.of(new OperationStatus(op.type(), MOVING, op.brokers(), null, null, p.done().size(),
                op.partitionsTotal(), op.startedAt(), op.message(), op.details()), SOON);
    }

    private StepResult end(StepContext ctx, OperationStatus op, Progress p, HotPartitionsSpec.Mode mode) {
        boolean turnedOff = mode == HotPartitionsSpec.Mode.Off;
        boolean replicasNext = mode == HotPartitionsSpec.Mode.Replicas && HotReplicaPhase.planned(op);
        if (!replicasNext) {
            lastEnded.put(key(ctx), ctx.clock().instant());
        }
        OperatorMetrics.LEADERSHIP_MOVES.inc(p.done().size());
        int planned = p.done().size() + p.left().size() + p.reorder().size() + p.elect().size();
        Map<String, String> d = op.details();
        String message = "Moved leadership of " + p.done().size() + " of " + planned + " partitions";
        if (d.containsKey(HOT_BROKER)) {
            message += "; broker " + d.get(HOT_BROKER) + " was leading " + bytesIn(d, HOT_BEFORE) + " of produce (mean "
                    + bytesIn(d, MEAN) + "), planned to lead " + bytesIn(d, HOT_AFTER);
        }
        message += ".";
        if (turnedOff) {
            message += " Stopped: spec.rebalance.hotPartitions.mode is Off.";
        }
        if (!p.left().isEmpty()) {
            message += " Left as they were (they changed meanwhile, or the new leader fell out of sync): "
                    + String.join(", ", p.left()) + ".";
        }
        Set<String> unfinished = new TreeSet<>(p.reorder().keySet());
        unfinished.addAll(p.elect());
        if (!turnedOff && !unfinished.isEmpty()) {
            message += " Not led by their new leader " + MOVE_FOR.toSeconds() + " s on: "
                    + String.join(", ", unfinished) + ".";
        }
        ctx.event(p.done().size() < planned && !turnedOff ? "Warning" : "Normal", Event.DONE.reason, message);
        return replicasNext ? StepResult.of(HotReplicaPhase.enter(op, message + " Now moving replicas, throttled."), SOON)
                : StepResult.of(null, null);
    }

    /**
     * Where the planned partitions stand in Kafka.
     *
     * @param reorder partitions whose order is not the planned one yet, with that order
     * @param elect partitions in the planned order whose first replica does not lead yet
     * @param done partitions led by their new leader
     * @param left partitions gone, with other replicas, or whose new leader is out of sync: left alone
     */
    record Progress(Map<String, List<Integer>> reorder, Set<String> elect, Set<String> done, Set<String> left) {
        static Progress of(Map<String, List<Integer>> planned, ClusterSnapshot s) {
            Map<String, PartitionState> now = new TreeMap<>();
            s.partitions().forEach(p -> now.put(p.name(), p));
            Map<String, List<Integer>> reorder = new TreeMap<>();
            Set<String> elect = new TreeSet<>();
            Set<String> done = new TreeSet<>();
            Set<String> left = new TreeSet<>();
            planned.forEach((name, order) -> {
                PartitionState p = now.get(name);
                if (p == null || order.isEmpty() || !new HashSet<>(p.replicas()).equals(new HashSet<>(order))
                        || p.replicas().size() != order.size()) {
                    left.add(name);
                } else if (p.leader() == order.get(0)) {
                    done.add(name);
                } else if (!p.isr().contains(order.get(0))) {
                    left.add(name);
                } else if (!p.replicas().equals(order)) {
                    reorder.put(name, order);
                } else {
                    elect.add(name);
                }
            });
            return new Progress(reorder, elect, done, left);
        }

        /** Whether nothing is left to ask Kafka for. */
        boolean settled() {
            return reorder.isEmpty() && elect.isEmpty();
        }
    }

    /**
     * The {@link Event#INSUFFICIENT} message, from the last stage planned: the first alone with mode
     * Leadership, both with mode Replicas.
     *
     * @param possible the second stage as planned whatever the mode: with mode Leadership, when it plans a
     *     move the message suggests mode Replicas; in either mode, when it stopped for want of disk room
     *     only, the message names the move the reserve holds back
     * @param minFreeDiskPercent {@code spec.rebalance.minFreeDiskPercent}, for that message
     */
    static String stuck(HotLeaders.Plan plan, HotReplicas.Plan replicas, HotReplicas.Plan possible,
            HotPartitionsSpec hot, int minFreeDiskPercent) {
        boolean replicasWouldHelp = !possible.moves().isEmpty();
        Move held = possible.roomBlocked();
        HotLeaders.Stuck st = replicas.stuck();
        boolean both = hot.mode() == HotPartitionsSpec.Mode.Replicas;
        int n = plan.moves().size() + replicas.moves().size();
        String what = both ? "leadership or replica move" : "leadership move";
        String leads = n == 0 ? " leads " + HotLeaders.rate(st.bytesInPerSec()) + " of produce"
                : " will still lead " + HotLeaders.rate(st.bytesInPerSec()) + " of produce after the " + n
                        + " " + what + (n == 1 ? "" : "s") + " planned,";
        return "Broker " + st.broker() + leads + " against a mean of " + HotLeaders.rate(plan.mean()) + " (tolerance "
                + hot.tolerancePercent() + "%), and no " + (n == 0 ? "" : "other ") + what + " lowers it"
                + (st.partition() == null ? "" : ": " + st.partition() + " alone carries "
                + HotLeaders.rate(st.partitionBytesInPerSec())) + ". "
                + (!both && replicasWouldHelp ? "Moving replicas would lower it: set spec.rebalance.hotPartitions.mode"
                        + " to Replicas."
                : held != null ? "Moving " + held.name() + " (" + DiskRoom.size(held.bytesMoved()) + ") to broker "
                        + held.newReplicas().get(0) + " would lower it, but no broker that could take it has the disk"
                        + " room with spec.rebalance.minFreeDiskPercent (" + minFreeDiskPercent + "%) kept free."
                : "More partitions would spread it (the topic owner's call).");
    }

    private static int minFree(StepContext ctx) {
        return ctx.cluster().getSpec().rebalance().minFreeDiskPercent();
    }

    private static String bytesIn(Map<String, String> details, String key) {
        return HotLeaders.rate(Reshuffle.longDetail(details, key, 0));
    }

    /** Every desired broker has a pod that is not going away, and Kafka lists it. */
    private static boolean everyBrokerUp(StepContext ctx, ClusterSnapshot s) {
        Map<Integer, V1Pod> pods = ctx.kube().podsByNodeId(Names.ROLE_BROKER);
        Set<Integer> registered = new HashSet<>();
        s.brokers().stream().map(BrokerState::id).forEach(registered::add);
        for (int id : ctx.desiredBrokers()) {
            V1Pod pod = pods.get(id);
            if (pod == null || KubeView.isTerminating(pod) || !registered.contains(id)) {
                return false;
            }
        }
        return true;
    }

    private static boolean reassigning(Admin admin) throws Exception {
        return !admin.listPartitionReassignments().reassignments().get(10, java.util.concurrent.TimeUnit.SECONDS)
                .isEmpty();
    }

    private static String key(StepContext ctx) {
        return ctx.cluster().getMetadata().getNamespace() + "/" + ctx.cluster().getMetadata().getName();
    }

    @Override
    public void forget(String key) {
        lastEnded.remove(key);
        lastWarned.remove(key);
    }

    /** "orders-0 0→1, orders-3 0→2" (the first ten). */
    private static String describe(List<Move> moves, Map<String, Integer> leaders) {
        String list = moves.stream().limit(10).map(m -> m.name() + " " + leaders.get(m.name()) + "→"
                + m.newReplicas().get(0)).collect(Collectors.joining(", "));
        return "Moves: " + list + (moves.size() > 10 ? ", ..." : "") + ".";
    }
}
