package dev.berth.extender.bench;

import dev.berth.extender.placement.BrokerPod;
import dev.berth.extender.placement.Candidate;
import dev.berth.extender.placement.LeaderMetric;
import dev.berth.extender.placement.NodeFacts;
import dev.berth.extender.placement.NodeScore;
import dev.berth.extender.placement.PlacementEngine;
import dev.berth.extender.placement.RackCounts;
import dev.berth.extender.placement.Reason;
import dev.berth.extender.placement.Weights;
import dev.berth.extender.protocol.Facts;
import dev.berth.extender.state.ClusterState;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeList;
import io.kubernetes.client.openapi.models.V1Pod;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The comparison point for {@code full-clientjava}: the same extender built the obvious way, by
 * decoding {@code ExtenderArgs} into client-java's {@link V1Pod} and {@link V1NodeList} with its
 * {@link JSON}, running the same engine, and encoding the reply (accepted V1Nodes included) with
 * the same Gson.
 */
final class ClientJavaExtender implements HttpHandler {
    /** ExtenderArgs with client-java models; field names match the scheduler's capitalised keys. */
    static final class Args {
        V1Pod Pod;
        V1NodeList Nodes;
        List<String> NodeNames;
    }

    static final class FilterResult {
        V1NodeList Nodes;
        List<String> NodeNames;
        Map<String, String> FailedNodes = new LinkedHashMap<>();
        Map<String, String> FailedAndUnresolvableNodes = new LinkedHashMap<>();
        String Error = "";
    }

    static final class HostPriority {
        String Host;
        int Score;

        HostPriority(String host, int score) {
            Host = host;
            Score = score;
        }
    }

    private final JSON json = new JSON();
    private final ClusterState state;
    private final String rackLabel;
    private final PlacementEngine engine = new PlacementEngine(Weights.DEFAULT, LeaderMetric.LEADERS);

    ClientJavaExtender(ClusterState state, String rackLabel) {
        this.state = state;
        this.rackLabel = rackLabel;
    }

    @Override
    public void handleRequest(HttpServerExchange ex) throws Exception {
        String body = new String(ex.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Args args = json.getGson().fromJson(body, Args.class);
        var meta = args.Pod.getMetadata();
        BrokerPod pod = Facts.brokerPod(meta.getNamespace(), meta.getName(), meta.getUid(),
                meta.getLabels() == null ? Map.of() : meta.getLabels(), meta.getAnnotations() == null ? Map.of() : meta.getAnnotations());
        List<V1Node> nodes = args.Nodes.getItems();
        List<Candidate> candidates = new ArrayList<>(nodes.size());
        for (V1Node n : nodes) {
            String name = n.getMetadata().getName();
            Optional<NodeFacts> cached = state.node(name);
            candidates.add(cached.isEmpty() ? Candidate.failed(name, Reason.UNKNOWN_NODE)
                    : Candidate.known(Facts.node(name, orEmpty(n.getMetadata().getLabels()), orEmpty(n.getMetadata().getAnnotations()),
                            rackLabel, cached.get().brokers())));
        }
        String reply;
        if (ex.getRequestPath().endsWith("/filter")) {
            Reason[] reasons = engine.filter(pod, candidates, () -> state.table().rackCounts(pod));
            FilterResult r = new FilterResult();
            r.Nodes = new V1NodeList().items(new ArrayList<>());
            for (int i = 0; i < reasons.length; i++) {
                if (reasons[i] == null) {
                    r.Nodes.getItems().add(nodes.get(i));
                } else {
                    (reasons[i].permanent() ? r.FailedAndUnresolvableNodes : r.FailedNodes).put(candidates.get(i).name(), reasons[i].text());
                }
            }
            reply = json.serialize(r);
        } else {
            NodeScore[] scores = engine.prioritize(pod, candidates, () -> RackCounts.of(pod, state.nodes()));
            List<HostPriority> list = new ArrayList<>();
            for (NodeScore s : scores) {
                list.add(new HostPriority(s.node(), s.total()));
            }
            reply = json.serialize(list);
        }
        ex.getResponseSender().send(ByteBuffer.wrap(reply.getBytes(StandardCharsets.UTF_8)));
    }

    private static Map<String, String> orEmpty(Map<String, String> m) {
        return m == null ? Map.of() : m;
    }
}
