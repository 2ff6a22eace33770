package dev.berth.operator.reconcile;

import dev.berth.operator.act.DynamicDefaults;
import dev.berth.operator.act.KafkaCallException;
import dev.berth.operator.act.PodDrift;
import dev.berth.operator.act.desired.Names;
import dev.berth.operator.api.Condition;
import dev.berth.operator.api.ConditionType;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.model.BrokerState;
import dev.berth.operator.plan.LiveConfigRule;
import dev.berth.operator.plan.LiveConfigRule.Seen;
import dev.berth.operator.plan.LiveConfigRule.Verdict;
import io.kubernetes.client.openapi.ApiException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code spec.config} edit applied to running brokers, without a restart, where Kafka allows it:
 * the effects around {@link LiveConfigRule}, run by {@link RestartStep} at the start of each pass.
 *
 * <p>Per pass: the cluster-wide defaults are read as they were written, and any that says otherwise
 * than the spec for a key the spec sets is due ({@link LiveConfigRule#heal}), whether or not a pod
 * differs. The desired broker pods whose only difference from the spec lies in {@code spec.config}
 * (their {@link Names#ANN_CONFIG_HASH} is what the config they record in {@link Names#ANN_CONFIG}
 * renders to) are read from Kafka, a value that comes from a default given as written (Kafka shows
 * {@code 50000000} as {@code 5.0E7}). The defaults due are written in one call, and a broker that
 * runs the spec once they hold gets its pod's annotations brought to the spec (Event
 * {@code ConfigApplied}). Brokers the rule finds no restart for are held out of the rolling restart,
 * while their defaults take effect. Kafka refusing a value holds them too, with
 * {@code RestartBlocked=ConfigRefused}: a restart would only start a broker on a file it refuses (a
 * successor operator reads the refusal from that condition). A thread count Kafka only refuses to
 * move so far at run time ({@link DynamicDefaults#refusedForBound}: beyond half to double of the
 * running value, which a file takes) is left to the restart instead, as a key Kafka takes per broker
 * only is; a default of that key would outrank the file, so it is deleted first, and if Kafka keeps
 * it too, the edit is refused (a restart would not apply it). The same defaults written
 * {@value #MAX_WRITES} times over {@link #GIVE_UP_AFTER} without effect, or calls that keep failing
 * ({@link #settleOrRoll}), leave the brokers to the restart. Only brokers whose sole difference is
 * configuration are recorded and announced: one that also runs an older image is restarted anyway.
 * The keys whose defaults berth manages are recorded ahead of each write ({@link DefaultsLedger}),
 * and a recorded key the spec dropped has its default deleted even when no pod remembers the key.
 *
 * <p><b>Example:</b> {@code log.retention.ms: 3600000} added to the spec of brokers 0..2: pass 1 writes
 * the default and holds 0..2; pass 2 reads 3600000 on each, records it on their pods, and posts
 * "Brokers [0, 1, 2] took log.retention.ms at run time; no restart.". No pod is deleted.
 *
 * <p><b>Example, bounded:</b> brokers running {@code num.io.threads: 3} (a default berth wrote; their
 * files say 2) and the spec says 16. Kafka refuses the default ("... should not be greater than double
 * the current value 3"), so the default 3 is deleted (the brokers fall back to 2, within half of 3),
 * the brokers are rolled with "num.io.threads: beyond half to double of its running value", and they
 * start on files that say 16. No {@code ConfigRefused}. Had the default been 8, Kafka would keep it
 * as well (2 is less than half of 8): {@code ConfigRefused}, asking for steps of at most double.
 */
final class LiveConfig {
    private static final Logger LOG = LoggerFactory.getLogger(LiveConfig.class);
    /**
     * The same defaults written this many times, over at least {@link #GIVE_UP_AFTER}, without the
     * brokers showing them: the brokers are restarted instead. Kafka spreads a default to every broker
     * within a second or so; passes can come several a second, hence the time as well.
     */
    static final int MAX_WRITES = 3;
    static final Duration GIVE_UP_AFTER = Duration.ofSeconds(30);
    static final String CONFIG_APPLIED = "ConfigApplied";
    static final String CONFIG_REFUSED = "ConfigRefused";
    /** Why a key goes to the restart when Kafka bounds it at run time; follows the key in the roll's message. */
    static final String BOUNDED = "beyond half to double of its running value";

    /** Per cluster: the last defaults written and how many passes in a row wrote them (in memory). */
    private final Map<String, Writes> writes = new ConcurrentHashMap<>();
    /**
     * Per cluster: the defaults Kafka refused and why. The same write is not sent again until the
     * spec changes: Kafka logs every refusal as an error with its stack trace, and one Event is enough.
     */
    private final Map<String, Refusal> refusals = new ConcurrentHashMap<>();
    /**
     * Per cluster, pod UID to the hash this pass's predecessors recorded on it: the informer cache may
     * show a pod's old annotations for a pass more, which must not record (and announce) it twice.
     */
    private final Map<String, Map<String, String>> stamped = new ConcurrentHashMap<>();
    /** Per cluster: since when each pass's reads or writes have failed ({@link #settleOrRoll}). */
    private final Map<String, Instant> failing = new ConcurrentHashMap<>();

    /** Drops cluster {@code key}'s remembered writes, refusals, stamps and failures: it was deleted. */
    void forget(String key) {
        writes.remove(key);
        refusals.remove(key);
        stamped.remove(key);
        failing.remove(key);
    }

    /** @param keys per broker, the keys a restart is left to apply, as {@link Outcome#keys} */
    private record Writes(String what, int times, Instant since, Map<Integer, String> keys) {}

    /** @param keys the keys set that Kafka refuses */
    private record Refusal(String what, String why, Set<String> keys) {}

    /**
     * One write of cluster-wide defaults, the record it goes into, and the keys with a cluster-wide
     * default before it.
     */
    private record Write(SortedMap<String, String> set, SortedSet<String> delete, DefaultsLedger ledger,
            Set<String> present) {}

    /**
     * @param held brokers the roll leaves alone this pass: they take the spec at run time, or Kafka
     *     refuses it
     * @param blocked {@code RestartBlocked=ConfigRefused}, or null
     * @param pending defaults were written this pass: look again soon
     * @param keys per broker that needs a restart for its configuration, the keys that force it, e.g.
     *     "log.retention.hours: read at start only"
     */
    record Outcome(Set<Integer> held, Condition blocked, boolean pending, Map<Integer, String> keys) {
        static final Outcome NONE = new Outcome(Set.of(), null, false, Map.of());

        Outcome with(Map<Integer, String> restartKeys) {
            return new Outcome(held, blocked, pending, restartKeys);
        }

        /**
         * The step's result when no roll runs: the refusal, or a look again {@code soon}, or nothing. A
         * refusal shown in {@code status} whose edit was undone is taken back: a step that returns
         * nothing leaves the condition as it was.
         */
        StepResult result(KafkaCluster c, Duration soon, Duration again, Condition notBlocked) {
            if (blocked != null || pending) {
                return StepResult.of(null, pending ? soon : again, blocked == null ? notBlocked : blocked);
            }
            Condition shown = c.getStatus().condition(ConditionType.RestartBlocked);
            return shown != null && shown.isTrue() && CONFIG_REFUSED.equals(shown.reason())
                    ? StepResult.of(null, again, notBlocked) : StepResult.NOTHING;
        }
    }

    /**
     * {@link #settle}, or when its reads or writes fail (logged): for {@link #GIVE_UP_AFTER} the brokers
     * whose only difference is configuration are held, as they may take it at run time once Kafka
     * answers, and any other restart goes on; after that they are left to the roll, as before this
     * step existed, so that a Kafka that never answers these calls (an ACL) cannot keep them out of
     * date for good.
     */
    Outcome settleOrRoll(StepContext ctx) {
        String key = ctx.cluster().namespace() + "/" + ctx.cluster().name();
        try {
            Outcome out = settle(ctx);
            failing.remove(key);
            return out;
        } catch (Exception e) {
            Instant since = failing.computeIfAbsent(key, k -> ctx.clock().instant());
            boolean hold = since.plus(GIVE_UP_AFTER).isAfter(ctx.clock().instant());
            LOG.warn("{}: run-time configuration not applied this pass ({}): {}", key,
                    hold ? "configuration-only restarts wait" : "the roll restarts them", e.toString());
            if (!hold) {
                return Outcome.NONE;
            }
            Set<Integer> configOnly = new TreeSet<>();
            PodDrift.brokers(ctx.cluster(), ctx.kube()).forEach((id, why) -> {
                if (PodDrift.CONFIGURATION.equals(why)) {
                    configOnly.add(id);
                }
            });
            return new Outcome(configOnly, null, true, Map.of());
        }
    }

    Outcome settle(StepContext ctx) throws Exception {
        KafkaCluster c = ctx.cluster();
        String key = c.namespace() + "/" + c.name();
        Map<String, String> wanted = c.getSpec().config();
        DynamicDefaults kafka = new DynamicDefaults(ctx.admin());
        Map<String, String> defaults = kafka.readDefaults();
        DefaultsLedger ledger = new DefaultsLedger(ctx, wanted.keySet(), defaults.keySet());
        SortedMap<String, String> set = LiveConfigRule.heal(wanted, defaults);
        // defaults of keys the spec dropped, which no pod may remember (recreated meanwhile, or never
        // recorded): no broker restarts for them, the file they run lacks the key
        SortedSet<String> delete = ledger.orphans();
        Map<Integer, Map<String, String>> running = LiveConfigPods.candidates(ctx);
        if (running.isEmpty() && set.isEmpty() && delete.isEmpty()) {
            ledger.settle();
            writes.remove(key);
            refusals.remove(key);
            stamped.remove(key);
            return Outcome.NONE;
        }
        Set<String> keys = new TreeSet<>();
        running.values().forEach(r -> keys.addAll(LiveConfigRule.keys(r, wanted)));
        // only brokers Kafka lists: one that is down would hold every pass up for the read's timeout
        List<Integer> listed = ctx.kafka().observation().snapshot().brokers().stream().map(BrokerState::id).toList();
        Set<Integer> asked = new TreeSet<>(running.keySet());
        asked.retainAll(listed);
        if (asked.isEmpty() && !listed.isEmpty()) {
            asked.add(listed.get(0)); // a broker that is up, to judge the keys of those that are down
        }
        Map<Integer, Map<String, Seen>> seen = running.isEmpty() ? Map.of() : kafka.read(asked, keys, defaults);
        Map<Integer, Verdict> verdicts = new TreeMap<>();
        seen.forEach((id, s) -> {
            if (running.containsKey(id)) {
                Verdict v = LiveConfigRule.of(running.get(id), wanted, s);
                verdicts.put(id, v);
                set.putAll(v.set());
                delete.addAll(v.delete());
            }
        });
        Map<Integer, String> drift = PodDrift.brokers(c, ctx.kube());
        Set<Integer> live = new TreeSet<>();
        Map<Integer, String> restartKeys = new TreeMap<>();
        verdicts.forEach((id, v) -> {
            if (v.live() && PodDrift.CONFIGURATION.equals(drift.get(id))) {
                live.add(id);
            } else if (!v.live()) {
                restartKeys.put(id, LiveConfigRule.describe(v.restart()));
            }
        });
        if (!seen.isEmpty() && !seen.keySet().containsAll(running.keySet())) {
            // a broker that is down is judged on the keys as a broker that is up reports them: the
            // defaults reach it when it is back, and the pass after that reads it. Restarting its pod
            // would only wait for it (and a pod on a lost node stays Terminating)
            Map<String, Seen> up = seen.values().iterator().next();
            running.forEach((id, r) -> {
                if (!seen.containsKey(id) && PodDrift.CONFIGURATION.equals(drift.get(id))
                        && LiveConfigRule.of(r, wanted, up).live()) {
                    live.add(id);
                }
            });
        }
        if ((!set.isEmpty() || !delete.isEmpty()) && !listed.isEmpty()) {
            Outcome out = write(ctx, key, new Write(set, delete, ledger, defaults.keySet()), live, listed.get(0));
            Map<Integer, String> all = new TreeMap<>(restartKeys);
            out.keys().forEach((id, k) -> all.merge(id, k, (a, b) -> a + ", " + b));
            return out.with(all);
        }
        writes.remove(key);
        refusals.remove(key);
        Map<Integer, Verdict> liveVerdicts = new TreeMap<>(verdicts);
        liveVerdicts.keySet().retainAll(live); // a pod that also runs an older image goes to the roll anyway
        LiveConfigPods.record(ctx, liveVerdicts, running, stamped.computeIfAbsent(key, k -> new ConcurrentHashMap<>()));
        return new Outcome(live, null, false, restartKeys);
    }

    /** Writes the defaults; the live brokers wait for them, unless Kafka keeps not taking them. */
    private Outcome write(StepContext ctx, String key, Write w, Set<Integer> live, int probe) throws ApiException {
        SortedMap<String, String> set = w.set();
        SortedSet<String> delete = w.delete();
        String what = "set " + set + ", delete " + delete;
        Writes before = writes.get(key);
        boolean again = before != null && before.what().equals(what);
        int times = again ? before.times() + 1 : 1;
        Instant since = again ? before.since() : ctx.clock().instant();
        if (times > MAX_WRITES && !since.plus(GIVE_UP_AFTER).isAfter(ctx.clock().instant())) {
            // Kafka takes the write but the brokers never show it: they are left to the restart, and
            // the defaults are not written again until the spec changes
            if (times == MAX_WRITES + 1) {
                LOG.warn("{}: brokers {} do not show the broker defaults ({}) after {} writes; restarting them instead",
                        key, live, what, MAX_WRITES);
                writes.put(key, new Writes(what, times, since, Map.of()));
            }
            return Outcome.NONE.with(before.keys());
        }
        Refusal known = refusals.get(key);
        if (known != null && known.what().equals(what)) {
            return refused(ctx, known.why(), known.keys(), live);
        }
        Condition shown = ctx.cluster().getStatus().condition(ConditionType.RestartBlocked);
        if (known == null && shown != null && shown.isTrue() && CONFIG_REFUSED.equals(shown.reason())
                && java.util.Objects.equals(shown.observedGeneration(), ctx.cluster().generation())) {
            // refused for this very spec before this operator started (a restart, a new leader)
            refusals.put(key, new Refusal(what, shown.message(), set.keySet()));
            return refused(ctx, shown.message(), set.keySet(), live);
        }
        writes.put(key, new Writes(what, Math.min(times, MAX_WRITES), since, Map.of()));
        w.ledger().before(set.keySet()); // write-ahead: a crash leaves no key unrecorded
        try {
            new DynamicDefaults(ctx.admin()).write(set, delete, probe);
            w.ledger().written(delete);
            refusals.remove(key);
            return new Outcome(live, null, true, Map.of());
        } catch (DynamicDefaults.Refused e) {
            String why = e.set.isEmpty()
                    ? "Kafka refuses to delete the broker defaults of " + e.delete + ", taken out of spec.config: "
                            + e.getMessage() + ". Delete them with kafka-configs --entity-default."
                    : "Kafka refuses spec.config (" + e.set + "): " + e.getMessage()
                            + ". No broker is restarted for it; fix spec.config.";
            return refuse(ctx, key, what, why, e.set, live);
        } catch (DynamicDefaults.BoundAtRunTime e) {
            return bounded(ctx, key, w, what, e, live, probe);
        } catch (DynamicDefaults.NotClusterWide e) {
            LOG.info("{}: Kafka takes {} per broker only ({}); restarting the brokers instead", key, set.keySet(),
                    e.getMessage());
            writes.put(key, new Writes(what, MAX_WRITES + 1, Instant.MIN, Map.of()));
            return Outcome.NONE;
        } catch (KafkaCallException e) {
            LOG.warn("{}: broker defaults not written ({}): {}", key, what, e.getMessage());
            return new Outcome(live, null, true, Map.of());
        }
    }

    /**
     * Kafka refused only to move thread counts this far at run time: the files take them, so the
     * brokers are restarted instead, and not asked again until the spec changes. A default berth set
     * for such a key would outrank the file, so it is deleted first; if Kafka keeps it too (its file
     * value is as far from the running one), no restart would apply the spec: refused. A refused delete
     * of a key taken out of the spec leaves its default; the brokers restart for the key anyway.
     */
    private Outcome bounded(StepContext ctx, String key, Write w, String what, DynamicDefaults.BoundAtRunTime e,
            Set<Integer> live, int probe) throws ApiException {
        SortedSet<String> taken = new TreeSet<>(w.delete());
        taken.removeAll(e.delete);
        w.ledger().written(taken);
        SortedSet<String> stale = new TreeSet<>(e.set);
        stale.retainAll(w.present());
        if (!stale.isEmpty()) {
            try {
                new DynamicDefaults(ctx.admin()).write(Map.of(), stale, probe);
                w.ledger().written(stale);
            } catch (DynamicDefaults.BoundAtRunTime | DynamicDefaults.Refused | DynamicDefaults.NotClusterWide kept) {
                return refuse(ctx, key, what, "Kafka changes " + stale + " at run time only to between half and double"
                        + " the running value, and keeps the broker defaults, which would outrank the files after a"
                        + " restart: " + kept.getMessage() + ". No broker is restarted for it; change spec.config in"
                        + " steps of at most double.", stale, live);
            }
        }
        if (!e.delete.isEmpty()) {
            LOG.warn("{}: Kafka keeps the broker defaults of {}, taken out of spec.config ({}); they stay until"
                    + " deleted with kafka-configs --entity-default", key, e.delete, e.getMessage());
        }
        Map<String, String> wanted = ctx.cluster().getSpec().config();
        Map<Integer, String> keys = new TreeMap<>();
        LiveConfigPods.candidates(ctx).forEach((id, r) -> {
            List<String> edited = e.set.stream().filter(k -> !java.util.Objects.equals(r.get(k), wanted.get(k)))
                    .map(k -> k + ": " + BOUNDED).toList();
            if (!edited.isEmpty()) {
                keys.put(id, String.join(", ", edited));
            }
        });
        if (!e.set.isEmpty()) {
            LOG.info("{}: Kafka changes {} at run time only to between half and double the running value ({});"
                    + " restarting the brokers instead", key, e.set, e.getMessage());
        }
        writes.put(key, new Writes(what, MAX_WRITES + 1, Instant.MIN, keys));
        return Outcome.NONE.with(keys);
    }

    /** Refused: one Warning, remembered until the spec changes, and the brokers it concerns held. */
    private Outcome refuse(StepContext ctx, String key, String what, String why, Set<String> keys, Set<Integer> live) {
        ctx.event("Warning", CONFIG_REFUSED, why);
        refusals.put(key, new Refusal(what, why, keys));
        writes.remove(key);
        return refused(ctx, why, keys, live);
    }

    /**
     * Held: the live brokers, and every broker whose pod runs a config without one of {@code keys}'
     * spec values (a restart would start it on a file Kafka refuses).
     */
    private static Outcome refused(StepContext ctx, String why, Set<String> keys, Set<Integer> live) {
        Set<Integer> held = new HashSet<>(live);
        held.addAll(LiveConfigPods.candidatesWithSet(ctx, keys));
        return new Outcome(held, Condition.of(ConditionType.RestartBlocked, true, CONFIG_REFUSED, why), false, Map.of());
    }

}
