package dev.berth.operator.observe;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Node;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rack labels of the nodes that host brokers, read one node at a time ({@code GET}) and kept for
 * {@link #MAX_AGE}: what placement drift judges a broker's node by. The operator does not watch every
 * Node (at 5,000 nodes the cache would dwarf the operator), and only the few hosting brokers matter.
 * And, only for the racks of drifted brokers, the schedulable nodes of a rack ({@code LIST} with a label
 * selector, kept as long): whether a drifted broker has somewhere to go.
 *
 * <p>A node that cannot be read (gone, forbidden, a timeout) is left out, and so not judged; the failure
 * is remembered for {@link #MAX_AGE} too, so that a missing RBAC grant costs one request per node per
 * period, not one per reconcile pass.
 */
public final class NodeLabels {
    private static final Logger LOG = LoggerFactory.getLogger(NodeLabels.class);
    /**
     * How long a read is trusted. A relabelled node is acted on within it; a cluster of 50 brokers on 50
     * nodes costs at most 50 reads per period, however often reconcile passes run.
     */
    public static final Duration MAX_AGE = Duration.ofSeconds(30);

    private final CoreV1Api api;
    private final Clock clock;
    private final Map<String, Read> cache = new ConcurrentHashMap<>();
    private final Map<String, Listed> lists = new ConcurrentHashMap<>();

    /** One list: the schedulable nodes of a rack, or {@code null} when they could not be listed. */
    private record Listed(Set<String> nodes, Instant at) {}

    /** One read: the node's labels, or {@code null} when it could not be read. */
    private record Read(Map<String, String> labels, Instant at) {}

    public NodeLabels(CoreV1Api api, Clock clock) {
        this.api = api;
        this.clock = clock;
    }

    /**
     * @param nodes names of the nodes to look at
     * @param rackLabel the label that names a node's rack ({@code spec.placement.rackLabel})
     * @return node name to its rack label's value, {@code ""} when it has none; nodes not readable are absent
     */
    public Map<String, String> racks(Set<String> nodes, String rackLabel) {
        Instant now = clock.instant();
        cache.values().removeIf(r -> r.at().plus(MAX_AGE.multipliedBy(10)).isBefore(now)); // nodes no broker is on
        Map<String, String> out = new TreeMap<>();
        for (String node : nodes) {
            Read r = cache.get(node);
            if (r == null || r.at().plus(MAX_AGE).isBefore(now)) {
                r = new Read(read(node), now);
                cache.put(node, r);
            }
            if (r.labels() != null) {
                out.put(node, r.labels().getOrDefault(rackLabel, ""));
            }
        }
        return out;
    }

    /**
     * @param rackLabel the label that names a node's rack
     * @param racks the racks to look at
     * @return rack to its nodes that are not cordoned ({@code spec.unschedulable}); a rack whose nodes
     *     could not be listed is absent
     */
    public Map<String, Set<String>> schedulable(String rackLabel, Set<String> racks) {
        Instant now = clock.instant();
        lists.values().removeIf(r -> r.at().plus(MAX_AGE.multipliedBy(10)).isBefore(now));
        Map<String, Set<String>> out = new TreeMap<>();
        for (String rack : racks) {
            String key = rackLabel + "=" + rack;
            Listed l = lists.get(key);
            if (l == null || l.at().plus(MAX_AGE).isBefore(now)) {
                l = new Listed(list(key), now);
                lists.put(key, l);
            }
            if (l.nodes() != null) {
                out.put(rack, l.nodes());
            }
        }
        return out;
    }

    /** How many reads and lists are kept: those of nodes and racks asked about in the last {@code 10 × MAX_AGE}. */
    int remembered() {
        return cache.size() + lists.size();
    }

    private Set<String> list(String selector) {
        try {
            Set<String> out = new java.util.TreeSet<>();
            for (V1Node n : api.listNode().labelSelector(selector).execute().getItems()) {
                if (n.getSpec() == null || !Boolean.TRUE.equals(n.getSpec().getUnschedulable())) {
                    out.add(n.getMetadata().getName());
                }
            }
            return Set.copyOf(out);
        } catch (ApiException | RuntimeException e) {
            LOG.info("nodes {} not listed ({}): a drifted broker of that rack stays for {} s", selector,
                    e instanceof ApiException a && a.getCode() != 0 ? "HTTP " + a.getCode() : e.toString(),
                    MAX_AGE.toSeconds());
            return null;
        }
    }

    private Map<String, String> read(String node) {
        try {
            V1Node n = api.readNode(node).execute();
            return n.getMetadata() == null || n.getMetadata().getLabels() == null ? Map.of()
                    : Map.copyOf(n.getMetadata().getLabels());
        } catch (ApiException | RuntimeException e) { // a reply the client cannot read too: not a failed reconcile
            LOG.info("node {} not read ({}): its brokers are not judged for placement drift for {} s", node,
                    e instanceof ApiException a && a.getCode() != 0 ? "HTTP " + a.getCode() : e.toString(),
                    MAX_AGE.toSeconds());
            return null;
        }
    }
}
