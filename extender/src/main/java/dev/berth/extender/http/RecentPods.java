package dev.berth.extender.http;

import dev.berth.extender.placement.BrokerPod;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The facts of the pods seen by filter or prioritize, by {@code namespace/name}, so that bind
 * (whose request carries only names) can hand the binder the pod's cluster and disk request. Kept
 * apart from the decision ring, which holds only the last few hundred decisions; bounded, least
 * recently used first out.
 */
final class RecentPods {
    private final Map<String, BrokerPod> pods;

    RecentPods(int capacity) {
        this.pods = new LinkedHashMap<>(256, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, BrokerPod> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Every pod, brokers or not: the file backend binds only pods it has facts for. */
    synchronized void remember(BrokerPod pod) {
        pods.put(pod.key(), pod);
    }

    synchronized BrokerPod get(String key) {
        return pods.get(key);
    }
}
