package dev.berth.operator.observe;

import dev.berth.operator.metrics.OperatorMetrics;
import dev.berth.operator.model.KafkaObservation;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Observes every tracked Kafka cluster in the background, on an interval and on demand after a
 * change, so that a reconcile never blocks on Kafka. Each finished observation calls {@code onChange}
 * with the cluster key (the reconciler enqueues it). A failure is recorded as the reason in
 * {@link KafkaView#unreachable()}; it never escapes.
 */
public final class KafkaObservations implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaObservations.class);

    private final Clock clock;
    private final Duration interval;
    private final Function<String, KafkaObserver> connect;
    private final Consumer<String> onChange;
    private final ScheduledExecutorService timer;
    private final java.util.concurrent.ExecutorService workers;
    private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();

    /**
     * One tracked cluster. Its observer is opened by the first observation, not by {@link #track}: the
     * Admin client resolves its bootstrap address when it is built and throws when that fails, and a new
     * cluster's bootstrap Service is created by the very pass that tracks it. Opened in {@code track}, that
     * throw failed the first pass before it created anything, for ever ({@code <name>-bootstrap.<ns>.svc}
     * does not exist until the pass creates it).
     */
    private static final class Tracked {
        final String bootstrap;
        volatile KafkaObserver observer;
        volatile boolean forgotten;
        volatile KafkaView view = KafkaView.NOT_YET;
        volatile java.util.concurrent.ScheduledFuture<?> task;
        final java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean();
        /** A refresh asked for while an observation ran: another starts when it ends. */
        final java.util.concurrent.atomic.AtomicBoolean again = new java.util.concurrent.atomic.AtomicBoolean();

        Tracked(String bootstrap) {
            this.bootstrap = bootstrap;
        }
    }

    /**
     * @param clock time source for snapshots and rates
     * @param interval time between observations of one cluster
     * @param connect opens an observer for a bootstrap address
     * @param onChange called with the cluster key after every observation
     */
    public KafkaObservations(Clock clock, Duration interval, Function<String, KafkaObserver> connect,
            Consumer<String> onChange) {
        this.clock = clock;
        this.interval = interval;
        this.connect = connect;
        this.onChange = onChange;
        // One timer thread; observations run on their own threads, so a cluster whose Admin calls time
        // out never delays the observation of another.
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "berth-kafka-timer"));
        this.workers = Executors.newCachedThreadPool(r -> daemon(r, "berth-kafka-observe"));
    }

    /** Starts observing {@code key} at {@code bootstrap} (idempotent; a new address replaces the old). */
    public void track(String key, String bootstrap) {
        Tracked t = tracked.get(key);
        if (t != null && t.bootstrap.equals(bootstrap)) {
            return;
        }
        forget(key);
        Tracked fresh = new Tracked(bootstrap);
        tracked.put(key, fresh);
        fresh.task = timer.scheduleWithFixedDelay(() -> start(key, fresh), 0, interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Observes {@code key} again soon, e.g. after pods were created or an operation ended. An observation
     * already under way started before the ask, so another follows it: the reconciler waits for an
     * observation newer than an operation's end before it starts the next operation.
     */
    public void refresh(String key) {
        Tracked t = tracked.get(key);
        if (t != null) {
            t.again.set(true);
            start(key, t);
        }
    }

    public KafkaView latest(String key) {
        Tracked t = tracked.get(key);
        return t == null ? KafkaView.NOT_YET : t.view;
    }

    /** The Admin client of a tracked cluster, or {@code null} (none yet): day-2 steps act through it. */
    public Admin admin(String key) {
        Tracked t = tracked.get(key);
        KafkaObserver o = t == null ? null : t.observer;
        return o == null ? null : o.admin();
    }

    public void forget(String key) {
        Tracked t = tracked.remove(key);
        if (t != null) {
            t.forgotten = true;
            t.task.cancel(false);
            KafkaObserver o = t.observer;
            if (o != null) {
                workers.execute(o::close);
            }
        }
    }

    /** Starts an observation unless one of this cluster is already running (requests coalesce). */
    private void start(String key, Tracked t) {
        if (t.running.compareAndSet(false, true)) {
            try {
                workers.execute(() -> {
                    try {
                        t.again.set(false); // this one starts after every ask so far
                        observe(key, t);
                    } finally {
                        t.running.set(false);
                        if (t.again.get() && !t.forgotten) {
                            start(key, t);
                        }
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                t.running.set(false);
            }
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private void observe(String key, Tracked t) {
        if (tracked.get(key) != t) {
            return;
        }
        if (t.observer == null && !connect(key, t)) {
            onChange.accept(key);
            return;
        }
        java.time.Instant started = clock.instant(); // what it reads is at least this recent
        try {
            KafkaObservation o = t.observer.observe();
            t.view = new KafkaView(o, null, started);
            OperatorMetrics.KAFKA_OBSERVATIONS.labels("ok").inc();
        } catch (RuntimeException | LinkageError e) {
            // recorded, not thrown: a thrown error left the view as it was, still "reachable", every interval
            LOG.debug("kafka of {} unreachable: {}", key, e.getMessage());
            OperatorMetrics.KAFKA_OBSERVATIONS.labels("unreachable").inc();
            KafkaObservation last = t.view.observation();
            t.view = new KafkaView(last, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(),
                    started);
        }
        onChange.accept(key);
    }

    /**
     * Opens {@code t}'s observer; false, with the view unreachable and the reason, when the Admin client
     * cannot be built yet (its bootstrap address does not resolve). The next observation tries again.
     */
    private boolean connect(String key, Tracked t) {
        KafkaObserver o;
        try {
            o = connect.apply(t.bootstrap);
        } catch (RuntimeException | LinkageError e) { // a LinkageError: a client library that does not load
            Throwable cause = e.getCause() == null ? e : e.getCause();
            String why = "no Admin client for " + t.bootstrap + " yet: " + (cause.getMessage() == null
                    ? cause.getClass().getSimpleName() : cause.getMessage());
            LOG.debug("kafka of {}: {}", key, why);
            OperatorMetrics.KAFKA_OBSERVATIONS.labels("unreachable").inc();
            t.view = new KafkaView(t.view.observation(), why, clock.instant());
            return false;
        }
        t.observer = o;
        if (t.forgotten) { // forgotten while it connected: nobody else will close it
            t.observer = null;
            workers.execute(o::close);
            return false;
        }
        return true;
    }

    @Override
    public void close() {
        tracked.keySet().forEach(this::forget);
        timer.shutdownNow();
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
