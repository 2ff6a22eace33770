package dev.berth.operator.act;

import dev.berth.operator.act.desired.Names;
import dev.berth.operator.metrics.OperatorMetrics;
import dev.berth.operator.model.BrokerFacts;
import dev.berth.operator.model.KafkaObservation;
import dev.berth.operator.observe.KubeView;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Pod;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Publishes each broker's Kafka facts on its pod, where the extender reads them:
 * {@code berth.dev/leaders} (partitions it leads) and {@code berth.dev/leader-bytes-in} (bytes/s into
 * them, an integer). A pod is patched only when a value changed; the bytes-in only when it moved by
 * {@link #nearEnough more than a tenth, and more than 1 KiB/s}. A busy broker's rate changes at every
 * observation (15 s), and writing each change meant a pod write per busy broker per observation: every
 * pod watcher (the extender, kubelets) got it, and each woke another pass, for a score that compares
 * brokers by their share of the busiest one's load.
 */
public final class FactsPublisher {
    private final KubeWriter kube;

    public FactsPublisher(KubeWriter kube) {
        this.kube = kube;
    }

    /** The annotations a broker pod should carry for these facts. */
    public static Map<String, String> annotations(BrokerFacts f) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(Names.ANN_LEADERS, Integer.toString(f.leaders()));
        m.put(Names.ANN_LEADER_BYTES_IN, Long.toString(f.leaderBytesIn()));
        return m;
    }

    /** Returns how many pods were patched. */
    public int publish(KubeView view, KafkaObservation observation) throws ApiException {
        if (observation == null) {
            return 0;
        }
        Map<Integer, V1Pod> pods = view.podsByNodeId(Names.ROLE_BROKER);
        int patched = 0;
        for (BrokerFacts f : BrokerFacts.compute(observation)) {
            V1Pod pod = pods.get(f.brokerId());
            if (pod == null || KubeView.isTerminating(pod)) {
                continue;
            }
            Map<String, String> want = annotations(f);
            String published = KubeView.annotation(pod, Names.ANN_LEADER_BYTES_IN);
            if (!observation.ratesKnown() && published != null) {
                // the first observation after an operator start reads every rate as 0: the extender would
                // score every node as idle until the next one
                want.put(Names.ANN_LEADER_BYTES_IN, published);
            } else if (published != null && nearEnough(published, f.leaderBytesIn())) {
                want.put(Names.ANN_LEADER_BYTES_IN, published);
            }
            boolean same = want.entrySet().stream()
                    .allMatch(e -> e.getValue().equals(KubeView.annotation(pod, e.getKey())));
            if (!same) {
                try {
                    kube.annotate(pod, want);
                } catch (ApiException e) {
                    if (e.getCode() == 404) {
                        continue; // gone since the view was read (a failed pod this pass deleted): its successor gets them
                    }
                    throw e;
                }
                OperatorMetrics.FACTS_PUBLISHED.inc();
                patched++;
            }
        }
        return patched;
    }

    /**
     * Whether a published bytes-in value is close enough to the rate now that it stays: within a tenth of
     * the larger of the two, or within 1 KiB/s. Example: 120,000 stays for 110,000 (10,000 apart, under
     * 12,000) and is rewritten for 100,000; 300 stays for 900 (under 1 KiB/s apart). A value that is not a
     * number (written by hand) is rewritten.
     */
    static boolean nearEnough(String published, long now) {
        long was;
        try {
            was = Long.parseLong(published);
        } catch (NumberFormatException e) {
            return false;
        }
        long apart = Math.abs(now - was);
        return apart < 1024 || apart * 10 <= Math.max(now, was);
    }

}
