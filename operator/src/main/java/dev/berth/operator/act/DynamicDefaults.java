package dev.berth.operator.act;

import dev.berth.operator.plan.LiveConfigRule.Seen;
import dev.berth.operator.plan.LiveConfigRule.Source;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 */
public final class DynamicDefaults {
    /** Reads and writes are small; a broker that does not answer in this time is left out. */
    static final long TIMEOUT_SECONDS = 5;
    private static final ConfigResource CLUSTER_DEFAULT = new ConfigResource(ConfigResource.Type.BROKER, "");

    private final Admin admin;

    public DynamicDefaults(Admin admin) {
        this.admin = admin;
    }

    /** Kafka refused the values themselves (a bad value, a policy): a restart would not take them either. */
    public static final class Refused extends Exception {
        public Refused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Kafka takes the values for one broker but not cluster-wide (a per-broker key, such as a keystore). */
    public static final class NotClusterWide extends Exception {
        public NotClusterWide(String message, Throwable cause) {
            super(message, cause);
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
     * Sets and deletes cluster-wide defaults in one call. Kafka answers a bad value and a key it does
     * not take cluster-wide alike (InvalidRequestException), so a refused write is asked again of
     * broker {@code probe} alone, validation only, to tell them apart.
     *
     * @throws Refused when Kafka refuses a value itself: it would refuse it for any one broker too
     * @throws NotClusterWide when Kafka takes the values for one broker, not cluster-wide
     * @throws KafkaCallException for anything else (a timeout, a broker that does not answer)
     */
    public void write(Map<String, String> set, Collection<String> delete, int probe) throws Refused, NotClusterWide {
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
        List<AlterConfigOp> sets = ops.stream().filter(o -> o.opType() == AlterConfigOp.OpType.SET).toList();
        ConfigResource one = new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(probe));
        if (sets.isEmpty() || call(Map.of(one, sets), true) != null) {
            throw new Refused(refused.getMessage(), refused);
        }
        throw new NotClusterWide(refused.getMessage(), refused);
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
