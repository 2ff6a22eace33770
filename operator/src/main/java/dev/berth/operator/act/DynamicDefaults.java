package dev.berth.operator.act;

import dev.berth.operator.plan.LiveConfigRule.Seen;
import dev.berth.operator.plan.LiveConfigRule.Source;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.PolicyViolationException;

/**
 * Reads brokers' configurations and writes cluster-wide dynamic broker defaults (the
 * {@code ConfigResource} of type BROKER with an empty name), for {@code LiveConfigRule}.
 *
 * <p><b>Goal:</b> a refused write says what the caller may do next. <b>Constraints:</b> Kafka answers
 * three different things with one error (InvalidRequestException): a value it refuses outright (a
 * restart would start the broker on a file it refuses: {@link Refused}), a key it takes per broker
 * only ({@link NotClusterWide}), and a value it only refuses to reach from the one the broker runs
 * ({@link BoundAtRunTime}). The last are the thread counts of {@link #BOUNDED_AT_RUN_TIME}: Kafka
 * resizes a pool at run time to between half and double its size, and refuses any other step with
 * "... value should not be greater than double the current value 3" (or "at least half"), while the
 * properties file takes any whole number from 1.
 *
 * <p><b>Algorithm</b> of a refused {@link #write}:
 * <ol>
 *   <li>a write that mixes such keys with others is written again in two parts, the others first, so
 *       each part is judged alone (a part Kafka takes stays written);
 *   <li>the refused part is {@link BoundAtRunTime} when {@link #refusedForBound} says so: every key is
 *       in {@link #BOUNDED_AT_RUN_TIME}, every value set a whole number from 1, and Kafka's message
 *       names the bound. Key, value or message otherwise: the next step;
 *   <li>its values are asked again of one broker, validation only: taken there, {@link NotClusterWide};
 *       refused there too, {@link Refused}.
 * </ol>
 *
 * <p><b>Example:</b> brokers that run {@code num.io.threads=3}; set {@code num.io.threads=16,
 * log.retention.ms=3600000}. Kafka refuses the write; {@code log.retention.ms} alone is written, then
 * {@code num.io.threads} alone is refused with "... should not be greater than double the current
 * value 3": {@link BoundAtRunTime} for {@code [num.io.threads]}, which a restart applies. Set {@code
 * num.io.threads=0} instead: not a value a file takes, so the probe decides ({@link Refused}).
 */
public final class DynamicDefaults {
    /** Reads and writes are small; a broker that does not answer in this time is left out. */
    static final long TIMEOUT_SECONDS = 5;
    private static final ConfigResource CLUSTER_DEFAULT = new ConfigResource(ConfigResource.Type.BROKER, "");
    /**
     * Keys Kafka changes at run time only to between half and double the value the broker runs
     * (Kafka 4.x: {@code DynamicThreadPool}, the network acceptors, {@code DynamicRemoteLogConfig},
     * {@code LogCleaner}); its file takes any whole number from 1.
     */
    public static final Set<String> BOUNDED_AT_RUN_TIME = Set.of("background.threads", "log.cleaner.threads",
            "num.io.threads", "num.network.threads", "num.recovery.threads.per.data.dir", "num.replica.fetchers",
            "remote.log.manager.copier.thread.pool.size", "remote.log.manager.expiration.thread.pool.size",
            "remote.log.manager.follower.thread.pool.size", "remote.log.reader.threads");
    /** How Kafka words that bound: "at least half the current value 8", "greater than double the current value 3". */
    private static final Pattern BOUND = Pattern.compile("(half|double) the current value");

    private final Admin admin;

    public DynamicDefaults(Admin admin) {
        this.admin = admin;
    }

    /** A write Kafka refused, with the keys it concerned: those set, and those deleted. */
    public abstract static class RefusedKeys extends Exception {
        public final SortedSet<String> set;
        public final SortedSet<String> delete;

        RefusedKeys(String message, Throwable cause, Set<String> set, Set<String> delete) {
            super(message, cause);
            this.set = new TreeSet<>(set);
            this.delete = new TreeSet<>(delete);
        }
    }

    /** Kafka refused the values themselves (a bad value, a policy): a restart would not take them either. */
    public static final class Refused extends RefusedKeys {
        public Refused(String message, Throwable cause, Set<String> set, Set<String> delete) {
            super(message, cause, set, delete);
        }
    }

    /** Kafka takes the values for one broker but not cluster-wide (a per-broker key, such as a keystore). */
    public static final class NotClusterWide extends Exception {
        public NotClusterWide(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Kafka refused to move these keys this far from the values the brokers run, which their files
     * would take: a restart applies them. The rest of the write was taken.
     */
    public static final class BoundAtRunTime extends RefusedKeys {
        public BoundAtRunTime(String message, Throwable cause, Set<String> set, Set<String> delete) {
            super(message, cause, set, delete);
        }
    }

    /**
     * Whether Kafka's refusal, worded {@code message}, of setting {@code set} and deleting {@code delete}
     * comes only from the run-time bound of {@link #BOUNDED_AT_RUN_TIME}: every key is such a key, every
     * value set is a whole number from 1 (what a file takes), and the message names the bound. A delete
     * counts: the broker falls back to a value it started with. Example: {@code {num.io.threads: 16}},
     * "... should not be greater than double the current value 3": true; {@code {num.io.threads: 0}}
     * or {@code {compression.type: brotli}}: false.
     */
    public static boolean refusedForBound(Map<String, String> set, Collection<String> delete, String message) {
        if ((set.isEmpty() && delete.isEmpty()) || message == null || !BOUND.matcher(message).find()) {
            return false;
        }
        return set.entrySet().stream().allMatch(e -> bounded(e.getKey(), e.getValue()))
                && delete.stream().allMatch(k -> bounded(k, null));
    }

    /** A key of {@link #BOUNDED_AT_RUN_TIME} deleted ({@code value} null) or set to what its file would take. */
    static boolean bounded(String key, String value) {
        if (!BOUNDED_AT_RUN_TIME.contains(key)) {
            return false;
        }
        if (value == null) {
            return true;
        }
        try {
            return Integer.parseInt(value.trim()) >= 1;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * The cluster-wide defaults, key to value as they were written. A broker shows a value in its own
     * form ({@code +3600000} as {@code 3600000}, {@code 50000000} as {@code 5.0E7}); this is what
     * tells whether a default says what the spec says.
     */
    public Map<String, String> readDefaults() {
        Map<String, String> out = new TreeMap<>();
        try {
            Config config = admin.describeConfigs(List.of(CLUSTER_DEFAULT)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .get(CLUSTER_DEFAULT);
            for (ConfigEntry e : config == null ? List.<ConfigEntry>of() : config.entries()) {
                if (e.source() == ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG && e.value() != null) {
                    out.put(e.name(), e.value());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading broker defaults", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaCallException("describeConfigs (broker defaults)", e);
        }
        return out;
    }

    /**
     * Per broker, the keys of {@code keys} as it reports them; a value that comes from a cluster-wide
     * default is given as {@code defaults} holds it ({@link #readDefaults}). A broker that does not
     * answer within {@link #TIMEOUT_SECONDS} (down, or restarting) is missing from the result.
     */
    public Map<Integer, Map<String, Seen>> read(Collection<Integer> brokers, Set<String> keys,
            Map<String, String> defaults) {
        List<ConfigResource> resources = new ArrayList<>();
        brokers.forEach(b -> resources.add(new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(b))));
        Map<ConfigResource, KafkaFuture<Config>> futures = admin.describeConfigs(resources).values();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        Map<Integer, Map<String, Seen>> out = new TreeMap<>();
        for (Map.Entry<ConfigResource, KafkaFuture<Config>> f : futures.entrySet()) {
            try {
                Config config = f.getValue().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                Map<String, Seen> seen = new HashMap<>();
                for (ConfigEntry e : config.entries()) {
                    if (keys.contains(e.name())) {
                        Source from = source(e.source());
                        String value = from == Source.CLUSTER_DEFAULT ? defaults.getOrDefault(e.name(), e.value()) : e.value();
                        seen.put(e.name(), new Seen(value, e.isReadOnly(), e.isSensitive(), from));
                    }
                }
                out.put(Integer.parseInt(f.getKey().name()), seen);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading broker configurations", e);
            } catch (ExecutionException | TimeoutException e) {
                // this broker is left out: the caller restarts or waits for it
            }
        }
        return out;
    }

    /**
     * Sets and deletes cluster-wide defaults in one call. A refused write is told apart as the class
     * comment says: in parts when it mixes keys of {@link #BOUNDED_AT_RUN_TIME} with others, then by
     * {@link #refusedForBound}, then by asking broker {@code probe} alone, validation only.
     *
     * @throws BoundAtRunTime when Kafka refuses only to move keys of {@link #BOUNDED_AT_RUN_TIME} this
     *     far at run time; the rest of the write is taken
     * @throws Refused when Kafka refuses a value itself: it would refuse it for any one broker too
     * @throws NotClusterWide when Kafka takes the values for one broker, not cluster-wide
     * @throws KafkaCallException for anything else (a timeout, a broker that does not answer)
     */
    public void write(Map<String, String> set, Collection<String> delete, int probe)
            throws Refused, NotClusterWide, BoundAtRunTime {
        List<AlterConfigOp> ops = new ArrayList<>();
        set.forEach((k, v) -> ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
        delete.forEach(k -> ops.add(new AlterConfigOp(new ConfigEntry(k, null), AlterConfigOp.OpType.DELETE)));
        if (ops.isEmpty()) {
            return;
        }
        Throwable refused = call(Map.of(CLUSTER_DEFAULT, ops), false);
        if (refused == null) {
            return;
        }
        List<AlterConfigOp> bounded = ops.stream().filter(o -> bounded(o.configEntry().name(), value(o))).toList();
        List<AlterConfigOp> judged = ops;
        if (!bounded.isEmpty() && bounded.size() < ops.size()) {
            // each part judged alone, the others first: a part Kafka takes stays written
            List<AlterConfigOp> others = ops.stream().filter(o -> !bounded.contains(o)).toList();
            Throwable byOthers = call(Map.of(CLUSTER_DEFAULT, others), false);
            if (byOthers != null) {
                refused = byOthers;
                judged = others;
            } else {
                refused = call(Map.of(CLUSTER_DEFAULT, bounded), false);
                if (refused == null) {
                    return;
                }
                judged = bounded;
            }
        }
        Map<String, String> sets = new TreeMap<>();
        Set<String> deletes = new TreeSet<>();
        judged.forEach(o -> {
            if (o.opType() == AlterConfigOp.OpType.SET) {
                sets.put(o.configEntry().name(), o.configEntry().value());
            } else {
                deletes.add(o.configEntry().name());
            }
        });
        if (refusedForBound(sets, deletes, refused.getMessage())) {
            throw new BoundAtRunTime(refused.getMessage(), refused, sets.keySet(), deletes);
        }
        List<AlterConfigOp> setOps = judged.stream().filter(o -> o.opType() == AlterConfigOp.OpType.SET).toList();
        ConfigResource one = new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(probe));
        if (setOps.isEmpty() || call(Map.of(one, setOps), true) != null) {
            throw new Refused(refused.getMessage(), refused, sets.keySet(), deletes);
        }
        throw new NotClusterWide(refused.getMessage(), refused);
    }

    private static String value(AlterConfigOp o) {
        return o.opType() == AlterConfigOp.OpType.SET ? o.configEntry().value() : null;
    }

    /** Kafka's refusal of the request, or null when it took it. */
    private Throwable call(Map<ConfigResource, Collection<AlterConfigOp>> ops, boolean validateOnly) {
        try {
            admin.incrementalAlterConfigs(ops, new AlterConfigsOptions().validateOnly(validateOnly)).all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing broker defaults", e);
        } catch (ExecutionException e) {
            Throwable t = e.getCause();
            if (t instanceof InvalidRequestException || t instanceof InvalidConfigurationException
                    || t instanceof PolicyViolationException) {
                return t;
            }
            throw new KafkaCallException("incrementalAlterConfigs (broker defaults)", e);
        } catch (TimeoutException e) {
            throw new KafkaCallException("incrementalAlterConfigs (broker defaults)", e);
        }
    }

    private static Source source(ConfigEntry.ConfigSource s) {
        return switch (s) {
            case DYNAMIC_BROKER_CONFIG -> Source.BROKER;
            case DYNAMIC_DEFAULT_BROKER_CONFIG -> Source.CLUSTER_DEFAULT;
            case STATIC_BROKER_CONFIG -> Source.STATIC;
            case DEFAULT_CONFIG -> Source.DEFAULT;
            default -> Source.OTHER;
        };
    }
}
