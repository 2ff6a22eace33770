package dev.berth.operator.reconcile;

import dev.berth.operator.act.KubeWriter;
import dev.berth.operator.act.desired.Names;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.observe.KafkaObservations;
import dev.berth.operator.observe.KafkaObserver;
import dev.berth.operator.observe.KubeInformers;
import dev.berth.operator.observe.NodeLabels;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.extended.controller.Controller;
import io.kubernetes.client.extended.controller.ControllerManager;
import io.kubernetes.client.extended.controller.LeaderElectingController;
import io.kubernetes.client.extended.controller.builder.ControllerBuilder;
import io.kubernetes.client.extended.controller.builder.DefaultControllerBuilder;
import io.kubernetes.client.extended.controller.reconciler.Request;
import io.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.kubernetes.client.extended.leaderelection.LeaderElector;
import io.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.kubernetes.client.extended.workqueue.DefaultRateLimitingQueue;
import io.kubernetes.client.extended.workqueue.RateLimitingQueue;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Service;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wiring of the operator, in the order client-java's controller examples use: one informer factory,
 * the informers, a reconciler reading through them, a controller with {@code withReadyFunc}, a
 * {@link ControllerManager} inside a {@link LeaderElectingController} with a {@link LeaseLock}. Only the
 * replica holding the Lease reconciles, so two replicas are safe. Owned objects (found by their
 * {@code berth.dev/cluster} label) wake their cluster up; the Kafka observer wakes it after every
 * observation.
 */
public final class Operator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Operator.class);
    /**
     * How long {@link #close()} waits for a reconcile pass under way before handing the Lease over.
     * A pass takes well under a second normally; Admin calls time out after 5 s each.
     */
    static final Duration PASS_GRACE = Duration.ofSeconds(15);
    /**
     * How long the leader waits for its caches to sync before it gives up and exits (so a restart tries
     * again, and the pod's restarts show the trouble). client-java's controller gives up after 30 s by
     * default and then just returns, which left a leader that renewed its Lease and reconciled nothing;
     * 2 minutes is controller-runtime's default, long enough for a large first list on a busy API server.
     */
    static final Duration CACHE_SYNC_TIMEOUT = Duration.ofMinutes(2);
    private Duration passGrace = PASS_GRACE;

    private final KubeInformers informers;
    private final KafkaObservations kafka;
    private final LeaderElectingController elected;
    private final LeaderElector elector;
    private final WatchedLease lock;
    private final String identity;
    private final String leaseName;
    private final KafkaClusterReconciler reconciler;
    private final Clock clock;
    private final AtomicBoolean leader = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile Consumer<String> onStoppedLeading = why -> {};
    private Thread thread;

    /**
     * The day-2 steps, in the order each pass runs them: a scale-down in flight or due before a
     * scale-up may start, and both before a roll (which also makes way for them while it waits);
     * controllers are rolled before brokers, as a new image reaches the quorum before the brokers
     * that register with it. Hot-partition rebalancing comes last: it only evens leadership on a cluster
     * that has nothing else to do. One operation runs at a time: a step waits while another's is in flight.
     */
    public static List<OperationStep> dayTwoSteps() {
        return List.of(new ScaleDownStep(), new ScaleUpStep(), new ControllerRollStep(), new RestartStep(),
                new HotPartitionStep());
    }

    /**
     * @param watchClient ApiClient with read timeout 0 (informers)
     * @param callClient ApiClient with finite timeouts (writes, Lease)
     * @param steps day-2 operation steps, in order (empty for this issue)
     */
    public Operator(ApiClient watchClient, ApiClient callClient, OperatorConfig config, List<OperationStep> steps,
            Clock clock) {
        this(watchClient, callClient, config, steps, clock, CACHE_SYNC_TIMEOUT);
    }

    /** As above, with the time the leader waits for its caches before it gives up ({@link #CACHE_SYNC_TIMEOUT}). */
    Operator(ApiClient watchClient, ApiClient callClient, OperatorConfig config, List<OperationStep> steps,
            Clock clock, Duration cacheSyncTimeout) {
        informers = new KubeInformers(watchClient, config.namespace(), config.observeInterval().toMillis() * 6);
        RateLimitingQueue<Request> queue = new DefaultRateLimitingQueue<>();
        kafka = new KafkaObservations(clock, config.observeInterval(), b -> KafkaObserver.connect(b, clock),
                key -> queue.add(request(key)));
        reconciler = new KafkaClusterReconciler(new KafkaClusterReconciler.Parts(informers,
                kafka, c -> config.bootstrapOverride() != null ? config.bootstrapOverride()
                        : Names.bootstrapAddress(c.name(), c.namespace()),
                new KubeWriter(callClient, clock), new NodeLabels(new CoreV1Api(callClient), clock), steps,
                config.observeInterval(), clock, config.placementHold()));
        DefaultControllerBuilder builder = ControllerBuilder.defaultBuilder(informers.factory())
                .withName("kafkacluster")
                .withWorkQueue(queue)
                .withWorkerCount(2)
                .withReadyFunc(informers::hasSynced)
                .withReadyTimeout(cacheSyncTimeout)
                .withReconciler(reconciler)
                .watch(q -> ControllerBuilder.controllerWatchBuilder(KafkaCluster.class, q).build());
        builder = watchOwned(builder, V1Pod.class);
        builder = watchOwned(builder, V1PersistentVolumeClaim.class);
        builder = watchOwned(builder, V1Service.class);
        builder = watchOwned(builder, V1ConfigMap.class);
        // a budget deleted or edited by hand is set back at once, not at the next periodic pass (up to
        // --observe-interval), while a kubectl drain could evict brokers without it
        builder = watchOwned(builder, io.kubernetes.client.openapi.models.V1PodDisruptionBudget.class);
        informers.cordonedNodes.addEventHandler(new NodeWake(informers, queue));
        Controller controller = builder.build();
        ControllerManager manager = new ControllerManager(informers.factory(), controller);
        this.identity = config.identity();
        this.leaseName = config.leaseName();
        this.clock = clock;
        lock = new WatchedLease(new LeaseLock(config.leaseNamespace(), config.leaseName(), config.identity(), callClient));
        elector = new LeaderElector(new LeaderElectionConfig(lock, config.leaseDuration(),
                config.renewDeadline(), config.retryPeriod()));
        elected = new LeaderElectingController(elector, new Controller() {
            @Override
            public void run() {
                leader.set(true);
                LOG.info("{} leads {}", config.identity(), config.leaseName());
                manager.run(); // returns on shutdown, or at once when the caches did not sync in time
                if (leader.get() && !closing.get()) {
                    // still leading, and no controller runs: the Lease would be renewed while nothing reconciles.
                    // Told while still the leader: run exits from here, and close, in its shutdown hook, then
                    // hands the Lease over (it releases only a Lease it led with)
                    String why = informers.notSyncedReason();
                    onStoppedLeading.accept("the leader's caches did not sync within " + cacheSyncTimeout.toSeconds()
                            + " s (" + (why == null ? "the controller stopped" : why) + ")");
                    leader.set(false);
                }
            }

            @Override
            public void shutdown() {
                boolean wasLeader = leader.getAndSet(false);
                manager.shutdown();
                if (wasLeader && !closing.get()) {
                    LOG.warn("{} lost the lease {}", config.identity(), config.leaseName());
                    onStoppedLeading.accept("lost the lease " + config.leaseName());
                }
            }
        });
    }

    private static <T extends KubernetesObject> DefaultControllerBuilder watchOwned(DefaultControllerBuilder b,
            Class<T> type) {
        return b.watch(q -> ControllerBuilder.controllerWatchBuilder(type, q)
                .withWorkQueueKeyFunc(o -> {
                    Map<String, String> labels = o.getMetadata().getLabels();
                    return new Request(o.getMetadata().getNamespace(), labels == null ? "" : labels.get(Names.LABEL_CLUSTER));
                })
                .build());
    }

    private static Request request(String key) {
        int slash = key.indexOf('/');
        return new Request(key.substring(0, slash), key.substring(slash + 1));
    }

    /** Starts leader election in a background thread; the controller runs while this replica leads. */
    public void start() {
        thread = new Thread(elected::run, "berth-operator");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * What to do, given why, when this replica stops leading while running: it lost the Lease, or, leading,
     * its caches did not sync within {@link #CACHE_SYNC_TIMEOUT}. {@code run} exits the process (as client-go
     * operators do): a fresh start rebuilds every cache instead of trusting one that stopped.
     */
    public void onStoppedLeading(Consumer<String> action) {
        this.onStoppedLeading = action;
    }

    public boolean isLeader() {
        return leader.get();
    }

    /**
     * Why this replica cannot take part in the election, or {@code null}: the Lease could not be read or
     * created on the last try ({@link WatchedLease}). A standby with a problem is not ready.
     */
    public String leaseProblem() {
        return lock.problem();
    }

    /** True once the informer caches are synced (only the leader starts them). */
    public boolean hasSynced() {
        return informers.hasSynced();
    }

    /** Why the caches are not synced, or {@code null} once they are ({@link KubeInformers#notSyncedReason}). */
    public String notSyncedReason() {
        return informers.notSyncedReason();
    }

    /**
     * Stops reconciling, stops the election (no renewal after this) and, when this replica led,
     * hands the Lease back, so that a standby takes over within its retry period instead of
     * waiting out the lease duration: a rolling update of the operator then pauses reconciling
     * for about two seconds (the retry period), not fifteen.
     */
    @Override
    public void close() {
        closing.set(true);
        boolean wasLeader = leader.get();
        elected.shutdown();
        // the controller's shutdown does not wait for a pass under way; handing the Lease over before it
        // ends would let it act beside the next leader (its status write is refused as stale anyway).
        // The elector still renews meanwhile, so the Lease cannot expire under the pass.
        boolean idle;
        try {
            idle = reconciler.awaitIdle(passGrace);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            idle = false;
        }
        if (!idle) {
            lock.keepHeld(); // the elector's close would give the Lease up to a standby beside the pass
        }
        elector.close();
        if (thread != null) {
            thread.interrupt();
        }
        if (wasLeader && idle) {
            release();
        } else if (wasLeader) {
            LOG.warn("{} keeps the lease {} until it expires: a reconcile pass is still running", identity, leaseName);
        }
        kafka.close();
        informers.stop();
    }

    /** How long {@link #close()} waits for a pass under way ({@link #PASS_GRACE}); tests shorten it. */
    void passGrace(Duration grace) {
        this.passGrace = grace;
    }

    /**
     * Empties the Lease's holder if this replica still holds it. client-java's elector takes a Lease
     * without a holder at once (client-go's also reads a 1 s duration as expired). A failed release
     * is only logged: the Lease then expires as it would after a crash.
     */
    private void release() {
        try {
            io.kubernetes.client.extended.leaderelection.LeaderElectionRecord held = lock.get();
            if (held == null || !identity.equals(held.getHolderIdentity())) {
                return;
            }
            java.util.Date now = java.util.Date.from(clock.instant());
            boolean released = lock.update(new io.kubernetes.client.extended.leaderelection.LeaderElectionRecord(
                    null, 1, now, now, held.getLeaderTransitions(), held.getOwnerReference()));
            if (released) {
                LOG.info("{} released the lease", identity);
            } else {
                LOG.warn("{} could not release the lease; it expires by itself", identity);
            }
        } catch (Exception e) {
            LOG.warn("{} could not release the lease ({}); it expires by itself", identity, e.toString());
        }
    }
}
