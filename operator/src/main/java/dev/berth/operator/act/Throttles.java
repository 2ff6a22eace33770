package dev.berth.operator.act;

import dev.berth.operator.plan.ThrottlePlan;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;

/** Sets and clears replication throttles through incrementalAlterConfigs. */
public final class Throttles {
    public static final String LEADER_RATE = "leader.replication.throttled.rate";
    public static final String FOLLOWER_RATE = "follower.replication.throttled.rate";
    public static final String LEADER_REPLICAS = "leader.replication.throttled.replicas";
    public static final String FOLLOWER_REPLICAS = "follower.replication.throttled.replicas";
    static final long TIMEOUT_SECONDS = 10;

    private final Admin admin;

    public Throttles(Admin admin) {
        this.admin = admin;
    }

    /** Throttle the plan's brokers at {@code bytesPerSec} and its moving replicas. */
    public void alterThrottles(ThrottlePlan plan, long bytesPerSec) {
        Map<ConfigResource, Collection<AlterConfigOp>> ops = new HashMap<>();
        String rate = Long.toString(bytesPerSec);
        for (int b : plan.brokers()) {
            ops.put(broker(b), List.of(set(LEADER_RATE, rate), set(FOLLOWER_RATE, rate)));
        }
        for (String topic : plan.topics()) {
            List<AlterConfigOp> t = new ArrayList<>();
            if (plan.leaderReplicas().containsKey(topic)) {
                t.add(set(LEADER_REPLICAS, plan.leaderReplicas().get(topic)));
            }
            if (plan.followerReplicas().containsKey(topic)) {
                t.add(set(FOLLOWER_REPLICAS, plan.followerReplicas().get(topic)));
            }
            ops.put(new ConfigResource(ConfigResource.Type.TOPIC, topic), t);
        }
        apply(ops);
    }

    /**
     * Brings the rate on {@code brokers} to {@code bytesPerSec} (0: no rate) where it differs, while a
     * batch runs. The rate is otherwise set only when a batch is submitted, so a changed
     * {@code rebalance.throttleBytesPerSec} (raised to finish sooner, or lowered because producers
     * suffer) waited for the batch to end. Reads first (one describeConfigs of the live brokers), so a
     * pass in which nothing changed writes nothing. Returns the brokers it changed.
     */
    public Set<Integer> keepRate(Collection<Integer> brokers, long bytesPerSec) {
        Map<ConfigResource, Collection<AlterConfigOp>> ops = new HashMap<>();
        for (int b : brokers) {
            ops.put(broker(b), List.of());
        }
        dropBrokersThatAreDown(ops);
        if (ops.isEmpty()) {
            return Set.of();
        }
        Map<ConfigResource, org.apache.kafka.clients.admin.Config> now;
        try {
            now = admin.describeConfigs(ops.keySet()).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading throttles", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaCallException("describeConfigs (throttles)", e);
        }
        String wanted = bytesPerSec > 0 ? Long.toString(bytesPerSec) : null;
        Map<ConfigResource, Collection<AlterConfigOp>> changes = new HashMap<>();
        Set<Integer> changed = new java.util.TreeSet<>();
        now.forEach((r, config) -> {
            if (!java.util.Objects.equals(rate(config, LEADER_RATE), wanted)
                    || !java.util.Objects.equals(rate(config, FOLLOWER_RATE), wanted)) {
                changes.put(r, wanted == null ? List.of(delete(LEADER_RATE), delete(FOLLOWER_RATE))
                        : List.of(set(LEADER_RATE, wanted), set(FOLLOWER_RATE, wanted)));
                changed.add(Integer.parseInt(r.name()));
            }
        });
        apply(changes);
        return changed;
    }

    /** A rate set on the broker itself, or null (a default, or none). */
    private static String rate(org.apache.kafka.clients.admin.Config config, String key) {
        ConfigEntry e = config.get(key);
        return e == null || e.value() == null || e.source() != ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG
                ? null : e.value();
    }

    /** Remove the four throttle settings from the plan's brokers and topics. */
    public void clearThrottles(ThrottlePlan plan, Collection<String> existingTopics) {
        Map<ConfigResource, Collection<AlterConfigOp>> ops = new HashMap<>();
        for (int b : plan.brokers()) {
            ops.put(broker(b), List.of(delete(LEADER_RATE), delete(FOLLOWER_RATE)));
        }
        for (String topic : plan.topics()) {
            if (existingTopics.contains(topic)) {
                ops.put(new ConfigResource(ConfigResource.Type.TOPIC, topic),
                        List.of(delete(LEADER_REPLICAS), delete(FOLLOWER_REPLICAS)));
            }
        }
        apply(ops);
    }

    private void apply(Map<ConfigResource, Collection<AlterConfigOp>> ops) {
        dropBrokersThatAreDown(ops);
        if (ops.isEmpty()) {
            return;
        }
        try {
            admin.incrementalAlterConfigs(ops).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while altering throttles", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaCallException("incrementalAlterConfigs (throttles)", e);
        }
    }

    /**
     * A broker's own config goes to that broker, so one that is down (a leaving broker that crashed,
     * drained anyway) would time the whole call out, and the drain with it. It sends nothing while
     * down, so its rate needs no throttle: broker entries are kept only for brokers describeCluster
     * lists as live. If that call fails, every entry is kept (the call then fails as before).
     */
    private void dropBrokersThatAreDown(Map<ConfigResource, Collection<AlterConfigOp>> ops) {
        if (ops.keySet().stream().noneMatch(r -> r.type() == ConfigResource.Type.BROKER)) {
            return;
        }
        Set<String> live = new HashSet<>();
        try {
            admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .forEach(n -> live.add(Integer.toString(n.id())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (ExecutionException | TimeoutException e) {
            return;
        }
        ops.keySet().removeIf(r -> r.type() == ConfigResource.Type.BROKER && !live.contains(r.name()));
    }

    private static ConfigResource broker(int id) {
        return new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(id));
    }

    private static AlterConfigOp set(String key, String value) {
        return new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET);
    }

    private static AlterConfigOp delete(String key) {
        return new AlterConfigOp(new ConfigEntry(key, ""), AlterConfigOp.OpType.DELETE);
    }
}
