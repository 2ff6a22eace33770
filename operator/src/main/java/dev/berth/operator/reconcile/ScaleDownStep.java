package dev.berth.operator.reconcile;

import dev.berth.operator.act.DrainVerifier;
import dev.berth.operator.act.desired.Names;
import dev.berth.operator.api.Condition;
import dev.berth.operator.api.ConditionType;
import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.model.BrokerState;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.observe.RegisteredRacks;
import dev.berth.operator.observe.KafkaObserver;
import dev.berth.operator.observe.KubeView;
import dev.berth.operator.plan.BrokerIds;
import dev.berth.operator.plan.CapacityCheck;
import dev.berth.operator.plan.DiskRoom;
import dev.berth.operator.plan.DownReplicas;
import dev.berth.operator.plan.Leaderless;
import dev.berth.operator.plan.PlanIntent;
import dev.berth.operator.plan.PlanRefusedException;
import dev.berth.operator.plan.Problem;
import dev.berth.operator.plan.ReassignmentPlan;
import dev.berth.operator.plan.ReassignmentPlanner;
import dev.berth.operator.plan.RefusalReason;
import dev.berth.operator.plan.RemovalChooser;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Scale-down without data loss, as a state machine whose state is {@code status.operation}
 * (type {@code ScaleDown}, its {@code brokers} the leaving ones; op-core's healer leaves them alone).
 *
 * <ol>
 *   <li><b>Start</b>: brokers named in {@code spec.brokers.remove} (also one that is down but left
 *       replicas, a PVC or a pod behind), or more brokers than {@code spec.brokers.replicas}.
 *       {@link RemovalChooser} picks them (named, else fewest bytes);
 *       if the remaining brokers cannot hold every topic's RF or rack-awareness, the planner cannot place
 *       a replica (a partition wider than its topic's RF), or the drain's bytes do not fit on their disks
 *       with {@code spec.rebalance.minFreeDiskPercent} kept free ({@link DiskRoom}),
 *       or a partition to drain has no leader ({@link Leaderless}: its in-sync copies are on brokers that are
 *       down), nothing starts and {@code ScaleDownBlocked=True} says why, with numbers. A broker that is down
 *       is planned in the rack Kafka registered it with ({@link RegisteredRacks}). While brokers the spec wants are still
 *       being created (a replacement: one named, the count kept), that is a wait for them
 *       ({@code WaitingForNewBrokers}), not a refusal.
 *   <li><b>Draining</b>: {@link Reshuffle} passes for {@code RemoveBrokers}: exactly the leaving
 *       brokers' replicas move. A partition created on them meanwhile is in the next plan. A
 *       leaving broker that went offline is still drained (Kafka reassigns away from it). If
 *       the plan becomes impossible meanwhile (say a new topic of a higher RF), the drain pauses
 *       with {@code ScaleDownBlocked=True} and the reason.
 *   <li><b>Verifying</b> ({@link ScaleDownRemoval#verify}): {@link DrainVerifier} asks Kafka
 *       (describeTopics, describeLogDirs, listPartitionReassignments); anything found sends the
 *       operation back to Draining.
 *   <li><b>Called off</b> (Draining or Verifying only): when the spec wants a leaving broker again
 *       (replicas raised back, or another broker named instead; {@link BrokerIds#stillLeaving}), the
 *       moves off it are cancelled and it stays ({@code ScaleDownCancelled} Event); the drain goes on
 *       for the other leaving brokers, or ends.
 *   <li><b>Suspended</b> (Draining live brokers only) while a broker or controller must move off a
 *       cordoned node ({@link MakeWay}): the running moves are cancelled and put back, the move runs,
 *       then the drain resumes. Its brokers stay leaving meanwhile.
 *   <li><b>Removing</b> ({@link ScaleDownRemoval#remove}): per broker, verified empty again right
 *       before its pod is deleted (the broker stops); once Kafka shows it fenced (stopped),
 *       {@code unregisterBroker}; once Kafka no longer lists it at all, its PVC is deleted. Done when
 *       no pod, registration or PVC is left.
 * </ol>
 * Every phase re-reads Kafka, so an operator stopped anywhere resumes from status, and no pod is
 * deleted unless Kafka said, moments before, that its broker holds nothing.
 */
public final class ScaleDownStep implements OperationStep {
    static final String DRAINING = "Draining";
    static final String VERIFYING = "Verifying";
    static final String REMOVING = "Removing";
    private static final Duration AGAIN = Duration.ofSeconds(2);

    @Override
    public StepResult step(StepContext ctx) throws Exception {
        StepResult gated = OperationStep.gate(ctx, OperationStatus.SCALE_DOWN, AGAIN);
        if (gated != null) {
            return gated;
        }
        OperationStatus op = ctx.operation();
        if (op == null) {
            return start(ctx);
        }
        Set<Integer> back = new TreeSet<>(op.brokers());
        back.retainAll(ctx.desiredBrokers());
        if (!back.isEmpty() && !REMOVING.equals(op.phase())) {
            return callOff(ctx, op, back);
        }
        String cordon = MakeWay.moveWanted(ctx);
        if (cordon != null && DRAINING.equals(op.phase()) && MakeWay.mayWait(op, live(ctx))) {
            return MakeWay.suspend(ctx, op, DRAINING, ConditionType.ScaleDownBlocked, cordon);
        }
        return switch (op.phase()) {
            case VERIFYING -> ScaleDownRemoval.verify(ctx, op);
            case REMOVING -> ScaleDownRemoval.remove(ctx, op);
            default -> drain(ctx, op);
        };
    }

    private StepResult start(StepContext ctx) throws Exception {
        return start(ctx, ctx.kafka().observation().snapshot(), true);
    }

    /**
     * {@code observed}: decide from the periodic observation, and when it suggests starting, decide
     * again from a fresh read. The observation can predate the drain that just ended, its replica
     * lists still naming the removed broker, which then looked "named but down" and started a second
     * scale-down of a broker already gone.
     */
    private StepResult start(StepContext ctx, ClusterSnapshot s, boolean observed) throws Exception {
        // Brokers that exist: registered in Kafka AND backed by a live pod of this cluster (a
        // registration without a pod is a broker on its way out, not one to drain).
        Set<Integer> withPods = new TreeSet<>();
        ctx.kube().podsByNodeId(Names.ROLE_BROKER).forEach((id, pod) -> {
            if (!KubeView.isTerminating(pod)) {
                withPods.add(id);
            }
        });
        Set<Integer> registered = s.brokers().stream().map(BrokerState::id)
                .filter(withPods::contains).collect(Collectors.toCollection(TreeSet::new));
        Set<Integer> notCandidates = s.brokers().stream().map(BrokerState::id)
                .filter(id -> !registered.contains(id)).collect(Collectors.toCollection(TreeSet::new));
        Set<Integer> named = new TreeSet<>(ctx.cluster().getSpec().brokers().remove());
        Set<Integer> down = namedButDown(ctx, s, named, registered);
        named.retainAll(registered);
        int excess = registered.size() - named.size() - ctx.cluster().getSpec().brokers().replicas();
        if (named.isEmpty() && down.isEmpty() && excess <= 0) {
            return unblocked(ctx);
        }
        if (observed) {
            return start(ctx, new KafkaObserver(ctx.admin(), ctx.clock()).snapshot(), false);
        }
        Set<Integer> chosen = new TreeSet<>(named);
        Set<Integer> coming = new TreeSet<>(ctx.desiredBrokers());
        coming.removeAll(registered);
        try {
            if (beforeKafka4(ctx.cluster().getSpec().kafkaVersion())) {
                throw new PlanRefusedException(List.of(new Problem(RefusalReason.KAFKA_TOO_OLD, "spec.kafkaVersion is "
                        + ctx.cluster().getSpec().kafkaVersion() + ", and a scale-down needs Kafka 4.0 or later to read"
                        + " stopped brokers (DescribeCluster with fenced brokers)")));
            }
            if (!named.isEmpty() && !coming.isEmpty()) {
                // a replacement: draining before the successor registers puts the data on the old brokers, and the
                // scale-up then moves it again onto the new one
                return waitingForNewBrokers(chosen, coming, "the data would go onto the other brokers now and"
                        + " move again once they register");
            }
            chosen.addAll(down);
            if (excess > 0) {
                notCandidates.addAll(chosen);
                ClusterSnapshot without = withoutBrokers(s, notCandidates);
                chosen.addAll(RemovalChooser.choose(without, Set.of(), excess));
            }
            ClusterSnapshot withDown = down.isEmpty() ? s : s.withBrokers(down, RegisteredRacks.fenced(ctx.admin()));
            List<Problem> problems = CapacityCheck.problems(withDown, chosen);
            Problem leaderless = problems.isEmpty() ? Leaderless.problem(withDown, chosen) : null;
            if (leaderless != null) {
                problems = List.of(leaderless);
            } else if (problems.isEmpty()) {
                problems = planned(ctx, withDown, chosen);
            }
            if (!problems.isEmpty()) {
                throw new PlanRefusedException(problems);
            }
        } catch (PlanRefusedException e) {
            if (!coming.isEmpty() && e.reason() != RefusalReason.KAFKA_TOO_OLD) {
                // the new broker is on its way, so this is a wait, not a refusal; no Warning for a spec that is right
                return waitingForNewBrokers(chosen, coming, e.getMessage());
            }
            String reason = camel(e.reason().name());
            String message = "Scale-down refused, nothing changed: " + e.getMessage() + ". To fix: "
                    + e.reason().remedy() + ".";
            boolean known = ctx.cluster().getStatus().conditions().stream().anyMatch(c -> c.isTrue()
                    && c.type().equals(ConditionType.ScaleDownBlocked.name()) && c.reason().equals(reason));
            if (!known) {
                ctx.event("Warning", ScaleEvent.SCALE_DOWN_REFUSED.reason(), message);
            }
            return new StepResult(true, null, List.of(Condition.of(ConditionType.ScaleDownBlocked,
                    true, reason, message)), Duration.ofSeconds(30));
        }
        OperationStatus op = new OperationStatus(OperationStatus.SCALE_DOWN, DRAINING,
                List.copyOf(chosen), 0L, null, 0, null, Reshuffle.now(ctx),
                "Draining brokers " + chosen + ".", Map.of());
        ctx.event("Normal", ScaleEvent.SCALE_DOWN_STARTED.reason(), op.message());
        return new StepResult(true, op, List.of(notBlocked()), Duration.ofSeconds(1));
    }

    /** Whether {@code version} (major.minor.patch, as the CRD requires) is before 4.0. */
    static boolean beforeKafka4(String version) {
        try {
            return Integer.parseInt(version.substring(0, version.indexOf('.'))) < 4;
        } catch (RuntimeException e) {
            return false; // the CRD's pattern keeps this from happening; the validator reports it
        }
    }

    /**
     * The drain's plan, made before the scale-down starts: a plan the planner refuses (a partition of
     * three replicas in a topic of RF 2 with two brokers left: {@code NO_ELIGIBLE_TARGET}) or that the
     * receiving brokers' disks cannot hold ({@link DiskRoom}) is refused with nothing changed, rather than
     * started and paused at once, an operation in status that holds every other one back. A refusal for a
     * broker the snapshot does not know, or a move Kafka runs, is left to the drain's first pass: those pass.
     */
    private static List<Problem> planned(StepContext ctx, ClusterSnapshot s, Set<Integer> leaving) {
        ReassignmentPlan plan;
        try {
            plan = new ReassignmentPlanner(new Random(Reshuffle.SEED)).plan(s, new PlanIntent.RemoveBrokers(leaving));
        } catch (PlanRefusedException e) {
            return e.problems().stream().filter(p -> p.reason() != RefusalReason.UNKNOWN_BROKER
                    && p.reason() != RefusalReason.REASSIGNMENT_IN_FLIGHT).toList();
        }
        return DiskRoom.problems(plan.moves(), s.disks(), ctx.cluster().getSpec().rebalance().minFreeDiskPercent());
    }

    /**
     * Brokers named in {@code spec.brokers.remove} that are down (not live in Kafka, or without a
     * pod) but have left something behind: replicas that a replica list still names, a PVC, a pod.
     * They are drained like any leaving broker that crashed (Kafka reassigns away from a broker that
     * is down) and then removed. Without this, a broker lost with its node was dropped from the
     * removal without a word, its replicas stayed on an id that never comes back, and every plan
     * after that was refused with "bring broker N back".
     */
    private static Set<Integer> namedButDown(StepContext ctx, ClusterSnapshot s, Set<Integer> named,
            Set<Integer> registered) {
        Set<Integer> inReplicas = new TreeSet<>();
        s.partitions().forEach(p -> inReplicas.addAll(p.replicas()));
        Set<Integer> withPod = ctx.kube().podsByNodeId(Names.ROLE_BROKER).keySet();
        Set<Integer> down = new TreeSet<>();
        for (int id : named) {
            if (registered.contains(id)) {
                continue;
            }
            boolean pvc = ctx.kube().pvcs().containsKey(Names.pvc(Names.brokerPod(ctx.cluster().name(), id)));
            if (inReplicas.contains(id) || pvc || withPod.contains(id)) {
                down.add(id);
            }
        }
        return down;
    }

    private StepResult drain(StepContext ctx, OperationStatus op) {
        Set<Integer> leaving = new TreeSet<>(op.brokers());
        Reshuffle.Pass pass;
        try {
            pass = Reshuffle.pass(ctx.admin(), ctx.clock(), ctx.cluster(),
                    new PlanIntent.RemoveBrokers(leaving), 0, leaving,
                    Reshuffle.lastBatch(op, ctx.clock().instant()));
        } catch (PlanRefusedException e) {
            PausedMoves.warnPaused(ctx, ConditionType.ScaleDownBlocked, camel(e.reason().name()), "Drain of brokers " + leaving
                    + " paused: " + e.getMessage() + ". To fix: " + e.reason().remedy() + ".");
            return new StepResult(true, Reshuffle.phase(op, DRAINING, "Drain paused: "
                    + e.getMessage() + "."), List.of(Condition.of(ConditionType.ScaleDownBlocked,
                    true, camel(e.reason().name()), "Drain paused: " + e.getMessage() + ". To fix: "
                    + e.reason().remedy() + ".")),
                    Duration.ofSeconds(10));
        }
        if (pass.settling()) {
            return StepResult.of(Reshuffle.settling(op, ctx.clock().instant()), Duration.ofSeconds(1), notBlocked());
        }
        if (pass.waiting()) {
            OperationStatus next = Reshuffle.inFlight(op, pass.running(), Reshuffle.sizes(ctx.kafka().observation()));
            // a pass that goes on is not blocked (a SpecInvalid pause set while the spec was wrong ends here),
            // unless a move cannot end: a partition without a leader copies nothing
            ClusterSnapshot seen = ctx.kafka().observation().snapshot();
            Problem problem = Leaderless.problem(seen, leaving);
            return StepResult.of(next == op ? op : Reshuffle.phase(next, DRAINING, draining(next)), AGAIN,
                    stuck(ctx, problem != null ? problem : DownReplicas.problem(seen, pass.running().keySet(), leaving),
                            leaving));
        }
        if (pass.done()) {
            return new StepResult(true, Reshuffle.progress(op, VERIFYING, pass.plan(),
                    "Verifying against Kafka that brokers " + leaving + " hold nothing."),
                    List.of(notBlocked()), Duration.ofMillis(500));
        }
        OperationStatus next = Reshuffle.submitted(op, DRAINING, pass, null);
        String refused = PausedMoves.refusedMoves(pass.progress());
        if (refused != null) {
            return PausedMoves.pausedByRefusal(ctx, next, DRAINING, ConditionType.ScaleDownBlocked,
                    "Drain of brokers " + leaving, refused);
        }
        return StepResult.of(Reshuffle.phase(next, DRAINING, draining(next)), AGAIN, notBlocked());
    }

    /**
     * The spec wants brokers {@code back} of this scale-down again ({@link BrokerIds#stillLeaving}
     * kept them in the desired brokers: replicas raised back, or another broker named instead), and
     * their pods were not stopped yet. Cancel the moves off them that Kafka runs (Kafka puts each
     * partition back on its replicas from before); then drain the other leaving brokers, if any, or
     * end. Replicas that already moved stay where they are: a broker left empty is filled again by
     * the next scale-up, one left partly drained holds less until a rebalance. {@link MoveCancel} puts
     * the cancelled partitions back in their old replica order, so the kept broker also keeps its
     * preferred leaderships. Without this the
     * drain finished and a new broker was created to take the data back: every byte moved twice.
     */
    private static StepResult callOff(StepContext ctx, OperationStatus op, Set<Integer> back) throws Exception {
        MoveCancel.Step undo = MoveCancel.step(ctx.admin(),
                (tp, r) -> r.removingReplicas().stream().anyMatch(back::contains),
                op.details(), ctx.clock().instant());
        if (!undo.over()) {
            String doing = undo.doing("moves off brokers " + back + " (the spec wants them again)");
            return StepResult.of(Reshuffle.withDetails(Reshuffle.phase(op, op.phase(), doing), undo.details()),
                    Duration.ofSeconds(1));
        }
        String why = "the spec wants them again (brokers.replicas " + ctx.cluster().getSpec().brokers().replicas()
                + ", brokers.remove " + ctx.cluster().getSpec().brokers().remove() + ")";
        List<Integer> rest = op.brokers().stream().filter(b -> !back.contains(b)).toList();
        if (!rest.isEmpty()) {
            OperationStatus narrowed = Reshuffle.narrowed(op, DRAINING, rest, "Draining brokers " + rest
                    + "; the drain of " + back + " was cancelled.", undo.details());
            ctx.event("Normal", ScaleEvent.SCALE_DOWN_CANCELLED.reason(), "Drain of brokers "
                    + back + " cancelled: " + why + ". Brokers " + rest + " still leave.");
            return new StepResult(true, narrowed, List.of(notBlocked()), Duration.ofSeconds(1));
        }
        Reshuffle.clearThrottlesIfIdle(ctx.admin(), ctx.kafka().observation().snapshot());
        ctx.event("Normal", ScaleEvent.SCALE_DOWN_CANCELLED.reason(), "Scale-down of brokers "
                + op.brokers() + " cancelled: " + why + ". Moves that were running were put back as they were;"
                + " replicas that had already moved stay where they are.");
        return new StepResult(true, null, List.of(notBlocked()), Duration.ofSeconds(1));
    }

    /** ScaleDownBlocked for {@code problem} (a Warning once), or NotBlocked when it is null. */
    private static Condition stuck(StepContext ctx, Problem problem, Set<Integer> leaving) {
        if (problem == null) {
            return notBlocked();
        }
        String why = problem.message() + ". To fix: " + problem.reason().remedy() + ".";
        PausedMoves.warnPaused(ctx, ConditionType.ScaleDownBlocked, camel(problem.reason().name()), "Drain of brokers "
                + leaving + " cannot finish: " + why);
        return Condition.of(ConditionType.ScaleDownBlocked, true, camel(problem.reason().name()), "Drain cannot finish: "
                + why);
    }

    /**
     * {@code ScaleDownBlocked=True WaitingForNewBrokers}: removing {@code chosen} waits for the desired brokers
     * {@code coming} to register, since without them {@code without}.
     */
    private static StepResult waitingForNewBrokers(Set<Integer> chosen, Set<Integer> coming, String without) {
        return new StepResult(true, null, List.of(Condition.of(ConditionType.ScaleDownBlocked, true,
                RestartQueue.WAITING_FOR_NEW_BROKERS, "Removing brokers " + chosen + " waits for brokers " + coming
                + " that the spec wants to register (being created, or down): without them, " + without
                + ". A broker that is down for good is named in spec.brokers.remove too.")),
                Duration.ofSeconds(5));
    }

    /** Brokers Kafka lists as live in the last observation. */
    private static Set<Integer> live(StepContext ctx) {
        return ctx.kafka().observation().snapshot().brokers().stream().map(BrokerState::id)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static String draining(OperationStatus op) {
        return "Draining brokers " + op.brokers() + ": " + op.bytesMoved() + " of " + op.bytesTotal()
                + " bytes moved, " + (op.partitionsTotal() - op.partitionsDone()) + " partitions left.";
    }

    private static StepResult unblocked(StepContext ctx) {
        boolean wasBlocked = ctx.cluster().getStatus().conditions().stream()
                .anyMatch(c -> c.type().equals(ConditionType.ScaleDownBlocked.name()) && c.isTrue());
        return wasBlocked ? new StepResult(true, ctx.operation(), List.of(notBlocked()), null)
                : StepResult.NOTHING;
    }

    private static Condition notBlocked() {
        return Condition.of(ConditionType.ScaleDownBlocked, false, "NotBlocked",
                "No scale-down is refused.");
    }

    /** NOT_ENOUGH_BROKERS -> NotEnoughBrokers (condition reasons are CamelCase). */
    static String camel(String enumName) {
        StringBuilder out = new StringBuilder();
        for (String part : enumName.toLowerCase(java.util.Locale.ROOT).split("_")) {
            out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return out.toString();
    }

    private static ClusterSnapshot withoutBrokers(ClusterSnapshot s, Set<Integer> ids) {
        if (ids.isEmpty()) {
            return s;
        }
        Set<Integer> keep = new HashSet<>();
        s.brokers().forEach(b -> keep.add(b.id()));
        keep.removeAll(ids);
        return new ClusterSnapshot(s.takenAt(), s.brokers().stream().filter(b -> keep.contains(b.id()))
                .toList(), s.topics(), s.partitions(), s.disks());
    }
}
