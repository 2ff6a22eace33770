package dev.berth.operator.reconcile;

import dev.berth.operator.act.desired.DesiredConfigMap;
import dev.berth.operator.act.desired.Names;
import dev.berth.operator.act.desired.RecordedConfig;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.metrics.OperatorMetrics;
import dev.berth.operator.observe.KubeView;
import dev.berth.operator.plan.LiveConfigRule.Verdict;
import io.kubernetes.client.openapi.models.V1Pod;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The pods' side of {@link LiveConfig}: which broker pods run which {@code spec.config} (the config they
 * record in {@link Names#ANN_CONFIG}, when it renders to their own hash), and the record written on a
 * pod once its broker runs the spec at run time. Example: broker 1's pod records {@code
 * log.retention.ms: 7200000} and a hash of that; the spec says 3600000: broker 1 is a candidate; once
 * Kafka shows 3600000 on it, its pod records the spec and its hash, and one Event names it.
 */
final class LiveConfigPods {
    private LiveConfigPods() {}

    /**
     * Desired broker pods with a configuration hash other than the spec's, whose recorded config
     * renders to their own hash: berth knows exactly which {@code spec.config} they run.
     */
    static Map<Integer, Map<String, String>> candidates(StepContext ctx) {
        KafkaCluster c = ctx.cluster();
        String want = DesiredConfigMap.configHash(c, Names.ROLE_BROKER);
        Map<Integer, Map<String, String>> out = new TreeMap<>();
        Map<Integer, V1Pod> pods = ctx.kube().podsByNodeId(Names.ROLE_BROKER);
        for (int id : ctx.desiredBrokers()) {
            V1Pod pod = pods.get(id);
            String hash = pod == null || KubeView.isTerminating(pod) ? null
                    : KubeView.annotation(pod, Names.ANN_CONFIG_HASH);
            if (hash == null || hash.equals(want)) {
                continue;
            }
            Map<String, String> recorded = RecordedConfig.read(KubeView.annotation(pod, Names.ANN_CONFIG));
            if (recorded != null && hash.equals(DesiredConfigMap.brokerConfigHash(c, recorded))) {
                out.put(id, recorded);
            }
        }
        return out;
    }

    /** Brokers whose pods run a config without one of {@code keys}' spec values: those the refusal concerns. */
    static Set<Integer> candidatesWithSet(StepContext ctx, Set<String> keys) {
        Set<Integer> out = new TreeSet<>();
        Map<String, String> wanted = ctx.cluster().getSpec().config();
        candidates(ctx).forEach((id, r) -> {
            if (keys.stream().anyMatch(k -> !java.util.Objects.equals(r.get(k), wanted.get(k)))) {
                out.add(id);
            }
        });
        return out;
    }

    /** Pods of brokers that run the spec now record it; one Event names them. */
    static void record(StepContext ctx, Map<Integer, Verdict> verdicts, Map<Integer, Map<String, String>> running,
            Map<String, String> stamped) throws Exception {
        KafkaCluster c = ctx.cluster();
        Map<String, String> wanted = c.getSpec().config();
        String hash = DesiredConfigMap.configHash(c, Names.ROLE_BROKER);
        Map<Integer, V1Pod> pods = ctx.kube().podsByNodeId(Names.ROLE_BROKER);
        Set<Integer> recorded = new TreeSet<>();
        Set<String> edited = new TreeSet<>();
        for (Map.Entry<Integer, Verdict> e : verdicts.entrySet()) {
            V1Pod pod = pods.get(e.getKey());
            if (!e.getValue().done() || hash.equals(stamped.get(pod.getMetadata().getUid()))) {
                continue;
            }
            ctx.writer().annotate(pod, Map.of(Names.ANN_CONFIG_HASH, hash, Names.ANN_CONFIG, RecordedConfig.write(wanted)));
            stamped.put(pod.getMetadata().getUid(), hash);
            OperatorMetrics.LIVE_CONFIG_UPDATES.inc();
            recorded.add(e.getKey());
            Map<String, String> r = running.get(e.getKey());
            wanted.forEach((k, v) -> {
                if (!v.equals(r.get(k))) {
                    edited.add(k);
                }
            });
        }
        if (!recorded.isEmpty()) {
            ctx.event("Normal", LiveConfig.CONFIG_APPLIED, "Brokers " + recorded + " took "
                    + (edited.isEmpty() ? "spec.config" : String.join(", ", edited)) + " at run time; no restart.");
        }
    }
}
