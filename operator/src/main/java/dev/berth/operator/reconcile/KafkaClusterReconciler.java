package dev.berth.operator.reconcile;

import dev.berth.operator.act.KubeWriter;
import dev.berth.operator.act.StatusBuilder;
import dev.berth.operator.act.desired.DesiredConfigMap;
import dev.berth.operator.act.desired.DesiredPvcs;
import dev.berth.operator.act.desired.Names;
import dev.berth.operator.api.Condition;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.api.SpecValidator;
import dev.berth.operator.api.SpecValidator.Problem;
import dev.berth.operator.api.TopicReplication;
import dev.berth.operator.metrics.ClusterGauges;
import dev.berth.operator.metrics.OperatorMetrics;
import dev.berth.operator.observe.KafkaObservations;
import dev.berth.operator.observe.KafkaView;
import dev.berth.operator.observe.KubeInformers;
import dev.berth.operator.observe.KubeView;
import dev.berth.operator.act.PodDrift;
import dev.berth.operator.observe.NodeLabels;
import dev.berth.operator.plan.BrokerIds;
import dev.berth.operator.plan.PodAction;
import io.kubernetes.client.extended.controller.reconciler.Reconciler;
import io.kubernetes.client.extended.controller.reconciler.Request;
import io.kubernetes.client.extended.controller.reconciler.Result;
import io.kubernetes.client.openapi.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles one KafkaCluster, level-based: it reads the current state, compares it with the spec, takes
 * the next safe steps and writes status. It never reacts to the event that woke it.
 *
 * <ol>
 *   <li>observe: the cluster and its owned objects (informer caches), the latest Kafka observation;
 *   <li>validate: an invalid spec gets {@code SpecValid=False} and nothing else happens;
 *   <li>plan: which broker ids should exist, which pods to create or recreate;
 *   <li>act: Services, ConfigMap, PVCs, pods; Kafka facts onto broker pods ({@link ApplyStage}); a write that
 *       fails is said in status and the pass ends there ({@link ApplyFailure});
 *   <li>operation steps: the day-2 hook ({@link OperationStep}); one that throws is said in status and
 *       ends the steps of that pass ({@link StepFailure});
 *   <li>status: one merge patch of the status subresource, only when it changed.
 * </ol>
 * A pass that throws (its status write or its read of the cluster refused, a bug) is said as a Warning
 * Event ({@link PassFailures}), since no status can say it.
 */
public final class KafkaClusterReconciler implements Reconciler {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaClusterReconciler.class);
    /** A pass whose status write was refused as stale comes back soon, to decide from the new object. */
    private static final Duration AGAIN_AFTER_STALE = Duration.ofMillis(500);

    private final java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();

    private final KubeInformers informers;
    private final KafkaObservations kafka;
    private final Function<KafkaCluster, String> bootstrap;
    private final KubeWriter writer;
    private final NodeLabels nodes;
    private final StatusWrites statusWrites;
    private final PassFailures passFailures = new PassFailures();
    /** Each cluster's operation as its last pass left it: what a deletion mid-operation cleans up. */
    private final Map<String, OperationStatus> lastOperation = new ConcurrentHashMap<>();
    /** When each cluster's last operation ended ({@link #runOperationSteps}): no step starts on an older observation. */
    private final Map<String, java.time.Instant> operationEnded = new ConcurrentHashMap<>();
    private final ApplyStage apply;
    private final List<OperationStep> steps;
    private final Duration interval;
    private final Clock clock;

    /** Wiring of a reconciler; {@code bootstrap} picks the Kafka address of a cluster. */
    public record Parts(KubeInformers informers, KafkaObservations kafka, Function<KafkaCluster, String> bootstrap,
            KubeWriter writer, NodeLabels nodes, List<OperationStep> steps, Duration interval, Clock clock,
            Duration placementHold) {}

    public KafkaClusterReconciler(Parts p) {
        this.informers = p.informers();
        this.kafka = p.kafka();
        this.bootstrap = p.bootstrap();
        this.writer = p.writer();
        this.nodes = p.nodes();
        this.apply = new ApplyStage(writer, p.clock(), p.placementHold());
        this.statusWrites = new StatusWrites(writer, p.clock());
        this.steps = List.copyOf(p.steps());
        this.interval = p.interval();
        this.clock = p.clock();
    }

    @Override
    public Result reconcile(Request request) {
        running.incrementAndGet();
        try {
            return reconcileOne(request);
        } finally {
            synchronized (running) {
                running.decrementAndGet();
                running.notifyAll();
            }
        }
    }

    /**
     * Waits until no pass runs, at most {@code timeout}; true when none does. The operator calls it
     * before it hands its Lease over, so that a pass already under way does not act next to the new
     * leader's.
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (running) {
            while (running.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                running.wait(Math.max(1, left / 1_000_000));
            }
        }
        return true;
    }

    /** A KafkaCluster deleted while its operation ran: {@link StoppedOperations#deleted}. */
    private void abandonOnDeletion(String key) {
        StoppedOperations.deleted(key, lastOperation.remove(key), kafka.admin(key), kafka.latest(key).observation());
    }

    private Result reconcileOne(Request request) {
        String key = request.getNamespace() + "/" + request.getName();
        if (informers.cluster(request.getNamespace(), request.getName()) == null) {
            forget(key, request);
            return new Result(false);
        }
        try {
            // the live object, not the cache: the cache may not show the status written a moment ago
            KafkaCluster cluster = writer.read(request.getNamespace(), request.getName());
            if (cluster == null || cluster.getMetadata().getDeletionTimestamp() != null) {
                // deleted, or being deleted (foreground deletion waits for the garbage collector to remove
                // the owned objects, which a reconcile would otherwise create again)
                forget(key, request);
                return new Result(false);
            }
            Result done = reconcile(key, cluster);
            passFailures.succeeded(key);
            return done;
        } catch (ApiException e) {
            OperatorMetrics.RECONCILES.labels("error").inc();
            LOG.warn("reconcile {}: API {} {}", key, e.getCode(), e.getResponseBody());
            return failed(key, request, e, Duration.ofSeconds(ApplyFailure.API_RETRY_SECONDS));
        } catch (Exception e) {
            OperatorMetrics.RECONCILES.labels("error").inc();
            LOG.warn("reconcile {} failed", key, e);
            return failed(key, request, e, Duration.ofSeconds(ApplyFailure.OTHER_RETRY_SECONDS));
        }
    }

    private void forget(String key, Request request) {
        abandonOnDeletion(key);
        operationEnded.remove(key);
        kafka.forget(key);
        passFailures.succeeded(key);
        steps.forEach(s -> s.forget(key));
        ClusterGauges.forget(request.getNamespace(), request.getName());
    }

    /** A pass that threw: a Warning on the cluster when the failure is new ({@link PassFailures}), then a retry. */
    private Result failed(String key, Request request, Exception e, Duration retry) {
        String message = passFailures.due(key, e, retry);
        KafkaCluster cached = informers.cluster(request.getNamespace(), request.getName());
        if (message != null && cached != null) {
            try {
                writer.event(cached, "Warning", PassFailures.REASON, message);
                passFailures.posted(key, message);
            } catch (ApiException | RuntimeException x) {
                LOG.warn("event {} on {} not posted: {}", PassFailures.REASON, key, x.toString());
            }
        }
        return new Result(true, retry);
    }

    /** The quorum the cluster was created with: from its ConfigMap, else from its controllers' pods and volumes. */
    private static Integer voters(KafkaCluster cluster, dev.berth.operator.observe.KubeView kube) {
        Integer recorded = DesiredConfigMap.voterCount(kube.configMaps().get(Names.configMap(cluster.name())));
        return recorded != null ? recorded : DesiredConfigMap.controllersCreated(cluster.name(),
                kube.podsByNodeId(Names.ROLE_CONTROLLER).keySet(), kube.pvcs().keySet());
    }

    private Result reconcile(String key, KafkaCluster cluster) throws Exception {
        Observed seen = observe(key, cluster);
        List<Problem> problems = new java.util.ArrayList<>(SpecValidator.validate(cluster.getSpec(),
                TopicReplication.of(seen.kafka().observation()), classesIfNeeded(cluster, seen),
                new SpecValidator.Created(voters(cluster, seen.kube()),
                        DesiredPvcs.brokerVolumeKinds(seen.kube().pvcs().values(), seen.kube().pods()))));
        Problem badName = SpecValidator.name(cluster.name());
        if (badName != null) {
            problems.add(0, badName);
        }
        if (!problems.isEmpty()) {
            remember(key, seen.operation());
            boolean written = statusWrites.write(seen.status(problems, List.of(), seen.operation(), paused(key, seen.operation()),
                    seen.suspended()));
            OperatorMetrics.RECONCILES.labels("invalid").inc();
            return new Result(true, written ? interval : AGAIN_AFTER_STALE);
        }
        ApplyStage.Applied applied = apply.apply(cluster, seen.kube(), seen.desired(), seen.operation(),
                seen.kafka().observation());
        if (applied.failed() != null) {
            return applyFailed(key, seen, applied);
        }
        List<PodAction> planned = applied.planned();
        List<PodAction> created = applied.created();
        StepEvents events = new StepEvents();
        Steps steps = runOperationSteps(key, seen, events);
        remember(key, steps.operation());
        if (!created.isEmpty()) {
            kafka.refresh(key);
        }
        if (steps.failed() != null && seen.kafka().reachable() && StepFailure.newSince(cluster.getStatus())) {
            events.post("Warning", StepFailure.REASON, steps.failed().message());
        }
        List<Condition> conditions = StepFailure.written(steps.conditions(), steps.failed(), seen.kafka().reachable());
        if (!statusWrites.write(seen.status(List.of(), created, steps.operation(), conditions, steps.suspended()))) {
            if (statusWrites.keepOperation(cluster, seen.operation(), steps.operation())) {
                events.flush(writer, cluster); // what the pass did to Kafka is recorded: so are its Events
            } else {
                events.drop();
            }
            return new Result(true, AGAIN_AFTER_STALE);
        }
        events.flush(writer, cluster);
        OperatorMetrics.RECONCILES.labels(steps.failed() == null ? "ok" : "error").inc();
        // a pod created: look again soon; one waiting for an old PVC or another cluster's objects: less often
        Duration next = !created.isEmpty() ? Duration.ofSeconds(1)
                : !planned.isEmpty() ? Duration.ofSeconds(5) : steps.requeue();
        return new Result(true, next);
    }

    /**
     * A pass whose apply stage failed ({@link ApplyFailure}): the status says so, the day-2 steps wait
     * for a pass that gets its writes through, and the operation stays as it was read.
     */
    private Result applyFailed(String key, Observed seen, ApplyStage.Applied applied) throws ApiException {
        ApplyFailure failure = applied.failed();
        remember(key, seen.operation());
        if (!applied.created().isEmpty()) {
            kafka.refresh(key);
        }
        if (!statusWrites.write(seen.status(List.of(), applied.created(), seen.operation(), List.of(failure.condition()),
                seen.suspended()))) {
            return new Result(true, AGAIN_AFTER_STALE);
        }
        if (ApplyFailure.newSince(seen.cluster().getStatus())) {
            StepEvents events = new StepEvents(); // posted as a step's are: a refused Event is logged, not thrown
            events.post("Warning", ApplyFailure.REASON, failure.message());
            events.flush(writer, seen.cluster());
        }
        OperatorMetrics.RECONCILES.labels("error").inc();
        return new Result(true, failure.retry());
    }

    private void remember(String key, OperationStatus op) {
        if (op == null) {
            lastOperation.remove(key);
        } else {
            lastOperation.put(key, op);
        }
    }

    /** What one reconcile reads before deciding anything. */
    private record Observed(KafkaCluster cluster, KubeView kube, KafkaView kafka, OperationStatus operation,
            Set<Integer> leaving, SortedSet<Integer> desired) {

        StatusBuilder.Inputs status(List<Problem> problems, List<PodAction> created, OperationStatus op,
                List<Condition> extra, OperationStatus suspended) {
            return new StatusBuilder.Inputs(cluster, kube, kafka, desired, leaving, problems, created, op, extra, suspended);
        }

        OperationStatus suspended() {
            return cluster.getStatus().suspended();
        }
    }

    private Observed observe(String key, KafkaCluster cluster) {
        kafka.track(key, bootstrap.apply(cluster));
        KubeView view = informers.view(cluster);
        view = PodDrift.withNodePlaces(cluster, view, nodes);
        OperationStatus operation = cluster.getStatus().operation();
        Set<Integer> known = KnownBrokers.of(cluster, view);
        Set<Integer> leaving = leaving(cluster, operation, known);
        leaving.addAll(leaving(cluster, cluster.getStatus().suspended(), known)); // a drain set aside still leaves
        SortedSet<Integer> desired = BrokerIds.desired(cluster.getSpec().brokers().replicas(), known, leaving);
        return new Observed(cluster, view, kafka.latest(key), operation, leaving, desired);
    }

    /** What the steps decided; {@code failed} is the step that threw ({@link StepFailure}), or {@code null}. */
    private record Steps(OperationStatus operation, List<Condition> conditions, Duration requeue, OperationStatus suspended,
            StepFailure failed) {}

    /**
     * The day-2 hook: each step sees the operation as the previous one left it. An operation suspended
     * to make way for a move off a cordoned node is resumed first when nothing holds it any more.
     *
     * <p>No step starts an operation on a Kafka observation taken before the last one ended: the end of a
     * roll restores leadership, and a hot-partition step planning from the observation of a moment before
     * saw the restarted broker leading nothing and the others hot, and moved leadership for a skew that was
     * already gone. When an operation ends, the steps after it wait for the next pass, and a fresh
     * observation is asked for.
     */
    private Steps runOperationSteps(String key, Observed seen, StepEvents events) throws Exception {
        StepContext ctx = MakeWay.resumed(new StepContext(seen.cluster(), seen.kube(), seen.kafka(), kafka.admin(key),
                seen.desired(), seen.operation(), writer, clock, events, seen.suspended()));
        List<Condition> conditions = new ArrayList<>();
        Duration requeue = interval;
        java.time.Instant ended = operationEnded.get(key);
        boolean observedSinceEnd = ended == null || seen.kafka().at() != null && seen.kafka().at().isAfter(ended);
        for (OperationStep step : steps) {
            if (ctx.operation() == null && !observedSinceEnd) {
                break; // the next pass, on an observation after the end, starts what is due
            }
            int queued = events.size();
            StepResult r;
            try {
                r = step.step(ctx);
            } catch (Exception e) {
                if (StepFailure.dropsThePass(e)) {
                    throw e; // stopping, or a conflict: the pass is dropped and comes back, as before
                }
                StepFailure failure = StepFailure.of(step, ctx.operation(), e);
                LOG.warn("reconcile {}: {}", key, failure.message(), e);
                events.dropSince(queued);
                return new Steps(ctx.operation(), conditions, requeue.compareTo(StepFailure.RETRY) < 0 ? requeue : StepFailure.RETRY,
                        ctx.suspended(), failure);
            }
            if (r.applies()) {
                if (ctx.operation() != null && r.operation() == null && r.suspend() == null) { // set aside is no end
                    operationEnded.put(key, clock.instant());
                    observedSinceEnd = false;
                    kafka.refresh(key);
                }
                ctx = ctx.withOperation(r.operation());
                if (r.suspend() != null) {
                    ctx = ctx.withSuspended(r.suspend());
                }
                conditions.addAll(r.conditions());
                if (r.requeueAfter() != null && r.requeueAfter().compareTo(requeue) < 0) {
                    requeue = r.requeueAfter();
                }
            }
        }
        return new Steps(ctx.operation(), conditions, requeue, ctx.suspended(), null);
    }

    /** An invalid spec stops every step, and with them an operation in flight: {@link StoppedOperations#paused}. */
    private List<Condition> paused(String key, OperationStatus op) {
        return StoppedOperations.paused(key, op, kafka.admin(key), kafka.latest(key).observation());
    }

    /**
     * Brokers on their way out: those named in brokers.remove, and those a running scale-down drains
     * unless the spec wants them back ({@link BrokerIds#stillLeaving}; the scale-down step then calls
     * off their drain, as they are desired again).
     */
    private static Set<Integer> leaving(KafkaCluster c, OperationStatus op, Set<Integer> known) {
        Set<Integer> out = new HashSet<>(c.getSpec().brokers().remove());
        if (op != null) {
            out.addAll(BrokerIds.stillLeaving(c.getSpec().brokers().replicas(), known, c.getSpec().brokers().remove(),
                    op.leavingBrokers(), !ScaleDownStep.REMOVING.equals(op.phase())));
        }
        return out;
    }

    /**
     * The storage classes to check the spec against, or {@code null} (no check) when every PVC the
     * cluster needs exists: a class matters only to a PVC still to be created, and a class deleted
     * or replaced under a running cluster must not stop its healing.
     */
    private static Set<String> classesIfNeeded(KafkaCluster c, Observed seen) {
        Set<String> needed = new java.util.TreeSet<>();
        seen.desired().forEach(id -> needed.add(Names.pvc(Names.brokerPod(c.name(), id))));
        for (int i = 0; i < c.getSpec().controllers().replicas(); i++) {
            needed.add(Names.pvc(Names.controllerPod(c.name(), i)));
        }
        return seen.kube().pvcs().keySet().containsAll(needed) ? null : seen.kube().storageClasses();
    }
}
