package dev.berth.extender.http;

import dev.berth.extender.placement.BrokerPod;
import dev.berth.extender.placement.Candidate;
import dev.berth.extender.placement.NodeFacts;
import dev.berth.extender.placement.NodeTable;
import dev.berth.extender.placement.PlacementEngine;
import dev.berth.extender.placement.Reason;
import dev.berth.extender.placement.Scores;
import dev.berth.extender.protocol.BadRequestException;
import dev.berth.extender.protocol.ByteBuilder;
import dev.berth.extender.protocol.ExtenderArgs;
import dev.berth.extender.protocol.ExtenderBindingArgs;
import dev.berth.extender.protocol.ExtenderBindingResult;
import dev.berth.extender.protocol.Facts;
import dev.berth.extender.protocol.NameList;
import dev.berth.extender.protocol.WireDecoder;
import dev.berth.extender.protocol.WireEncoder;
import dev.berth.extender.protocol.WireNode;
import dev.berth.extender.state.ClusterState;
import dev.berth.extender.state.PodBinder;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The three extender verbs: decode (once, {@link WireDecoder}), decide (the pure
 * {@link PlacementEngine}), encode, and record the decision. Nothing here throws for bad input:
 * a malformed body is a 400 with the reason, a cache that has not synced a 503 with {@code Error}.
 */
final class Verbs {
    static final String NOT_SYNCED = "berth cache not synced yet";

    /** {@link #NOT_SYNCED}, with the state's reason when it has one. */
    static String notSynced(ClusterState state) {
        String why = state.notSyncedReason();
        return why == null ? NOT_SYNCED : NOT_SYNCED + ": " + why;
    }

    private final ClusterState state;
    private final PodBinder binder;
    private final PlacementEngine engine;
    private final String rackLabel;
    private final DecisionLog log;
    private final Metrics metrics;
    private final Clock clock;
    private final RecentPods pods;
    private final PreparedPrioritize prepared;

    Verbs(Wiring w) {
        this.state = w.state;
        this.binder = w.binder;
        this.engine = w.engine;
        this.rackLabel = w.rackLabel;
        this.log = w.log;
        this.metrics = w.metrics;
        this.clock = w.clock;
        this.pods = w.pods;
        this.prepared = new PreparedPrioritize(w.engine);
    }

    /** What the verbs need, gathered by the server builder. */
    static final class Wiring {
        ClusterState state;
        PodBinder binder;
        PlacementEngine engine;
        String rackLabel;
        DecisionLog log;
        Metrics metrics;
        Clock clock;
        RecentPods pods = new RecentPods(10_000);
        /** Verb and {@code /decisions} requests must come with a client certificate the TLS context trusts. */
        boolean clientCertRequired;
        /** How long a request may go without a byte arriving before its connection is closed. */
        java.time.Duration bodyReadTimeout = ExtenderServer.DEFAULT_BODY_READ_TIMEOUT;
    }

    /**
     * The opening that filter and prioritize share: refuse before sync (503) or on a malformed
     * body (400), else decode once and remember the pod for bind. Names mode resolves every name
     * to a row of the cache's {@link NodeTable} while decoding; full mode builds one candidate per
     * Node object sent ({@link Candidates}).
     */
    private record Request(ExtenderArgs args, BrokerPod pod, NameList names, List<Candidate> candidates,
            List<String> nodeNames, Reply refusal) {}

    private Request decode(String verb, Router.Body body, long startNanos, boolean errorReplyIsFilterShaped) {
        if (!state.synced()) {
            return refused(refuse(verb, 503, notSynced(state), "not-synced", startNanos, errorReplyIsFilterShaped));
        }
        try {
            ExtenderArgs args = WireDecoder.extenderArgs(body.bytes(), body.length(), state.table());
            BrokerPod pod = Facts.brokerPod(args.pod());
            pods.remember(pod);
            if (args.fullNodes()) {
                List<Candidate> candidates = Candidates.of(args, state, rackLabel);
                return new Request(args, pod, null, candidates, candidateNames(candidates), null);
            }
            NameList names = (NameList) args.nodeNames();
            return new Request(args, pod, names, null, names, null);
        } catch (BadRequestException e) {
            return refused(refuse(verb, 400, e.getMessage(), "bad-request", startNanos, errorReplyIsFilterShaped));
        }
    }

    private static Request refused(Reply refusal) {
        return new Request(null, null, null, null, null, refusal);
    }

    Reply filter(Router.Body body, long startNanos) {
        Request request = decode("filter", body, startNanos, true);
        if (request.refusal() != null) {
            return request.refusal();
        }
        BrokerPod pod = request.pod();
        NameList names = request.names();
        Reason[] reasons = names != null
                ? engine.filter(pod, names.table(), names.ids(), () -> names.table().rackCounts(pod))
                : engine.filter(pod, request.candidates(), () -> state.table().rackCounts(pod));
        int[] tally = new int[Reason.values().length];
        int refused = 0;
        for (Reason r : reasons) {
            if (r != null) {
                tally[r.ordinal()]++;
                refused++;
            }
        }
        Reason most = null;
        for (Reason r : Reason.values()) {
            if (tally[r.ordinal()] > 0) {
                metrics.refusals.labels(r.name()).inc(tally[r.ordinal()]);
                if (most == null || tally[r.ordinal()] > tally[most.ordinal()]) {
                    most = r;
                }
            }
        }
        Reply reply = Reply.json(200, WireEncoder.filterReply(request.nodeNames(), reasons, names != null ? null : passedNodes(request, reasons)));
        boolean fit = refused < reasons.length;
        String reason = fit ? "none" : most == null ? "no-nodes" : most.name();
        record("filter", pod, fit ? "fit" : "no-fit", reason, request.nodeNames(), reasons, null, null, null, startNanos);
        if (names != null && names.table() != null && refused <= reasons.length - 2 && pod.isBroker()) {
            // kube-scheduler prioritizes only when two or more nodes are left
            return reply.then(prepared.expect(pod, names, reasons));
        }
        return reply;
    }

    /** Full mode: the accepted Node objects, echoed as the scheduler sent them. */
    private static List<WireNode> passedNodes(Request request, Reason[] reasons) {
        List<WireNode> passed = new ArrayList<>(reasons.length);
        for (int i = 0; i < reasons.length; i++) {
            if (reasons[i] == null) {
                passed.add(request.args().nodes().get(i));
            }
        }
        return passed;
    }

    Reply prioritize(Router.Body body, long startNanos) {
        Request request = decode("prioritize", body, startNanos, false);
        if (request.refusal() != null) {
            return request.refusal();
        }
        BrokerPod pod = request.pod();
        NameList names = request.names();
        Scores scores;
        ByteBuilder encoded = null;
        PreparedPrioritize.Answer ahead = names != null && pod.isBroker() ? prepared.answer(names.table(), pod, names) : null;
        if (ahead != null) {
            scores = ahead.scores();
            encoded = ahead.reply();
            metrics.prepared.labels("hit").inc();
        } else if (names != null) {
            NodeTable table = names.table();
            scores = engine.prioritize(pod, table, names.ids(), () -> table.rackCounts(pod));
            if (pod.isBroker()) {
                metrics.prepared.labels("miss").inc();
            }
        } else {
            scores = engine.score(pod, request.candidates(), () -> state.table().rackCounts(pod));
        }
        Reply reply = Reply.json(200, encoded != null ? encoded : WireEncoder.hostPriorities(request.nodeNames(), scores));
        record("prioritize", pod, "scored", "none", request.nodeNames(), null, scores, null, null, startNanos);
        return reply;
    }

    Reply bind(Router.Body body, long startNanos) {
        if (!state.synced()) {
            return refuse("bind", 503, notSynced(state), "not-synced", startNanos, false);
        }
        ExtenderBindingArgs args;
        try {
            args = WireDecoder.bindingArgs(body.bytes(), body.length());
        } catch (BadRequestException e) {
            return refuse("bind", 400, e.getMessage(), "bad-request", startNanos, false);
        }
        String key = args.podNamespace() + "/" + args.podName();
        Decision scored = log.scoredThisCycle(key);
        BrokerPod pod = pods.get(key); // as the filter decoded it, with the UID it had then
        String rack = state.node(args.node()).map(NodeFacts::rack).orElse(null);
        String why = Explain.bind(args.node(), rack, scored);
        String error = "";
        try {
            BrokerPod known = binder.bind(new PodBinder.BindTarget(args.podNamespace(), args.podName(), args.podUid(),
                    args.node(), rack, why, pod));
            pod = pod != null ? pod : known; // a pod no filter of this process saw: the binder read it
        } catch (PodBinder.BindException e) {
            error = e.getMessage() == null ? "bind failed" : e.getMessage();
        }
        BrokerPod logged = pod == null
                ? new BrokerPod(args.podNamespace(), args.podName(), args.podUid(), null, null, null, null, null)
                : new BrokerPod(args.podNamespace(), args.podName(), args.podUid(), pod.cluster(), pod.brokerId(),
                        pod.pinnedRack(), pod.avoidNode(), pod.localStorageBytes());
        record("bind", logged, error.isEmpty() ? "bound" : "bind-failed", error.isEmpty() ? "none" : "bind-error",
                null, null, null, args.node(), error.isEmpty() ? null : error, startNanos);
        return Reply.json(200, WireEncoder.bindingResult(new ExtenderBindingResult(error)));
    }

    private Reply refuse(String verb, int status, String error, String category, long startNanos, boolean filterShape) {
        // filter answers carry the whole ExtenderFilterResult shape; prioritize and bind {"Error":...}
        metrics.decisions.labels(verb, category, category).inc();
        metrics.latency.labels(verb).observe((System.nanoTime() - startNanos) / 1e9);
        if (status == 400) {
            HttpLog.LOG.warn("{} answered 400: {}", verb, error);
        }
        String body = filterShape ? WireEncoder.filterError(error)
                : WireEncoder.bindingResult(new ExtenderBindingResult(error));
        return Reply.json(status, body);
    }

    private void record(String verb, BrokerPod pod, String outcome, String reason, List<String> names,
            Reason[] reasons, Scores scores, String chosen, String error, long startNanos) {
        long micros = (System.nanoTime() - startNanos) / 1000;
        metrics.latency.labels(verb).observe(micros / 1e6);
        metrics.decisions.labels(verb, outcome, reason).inc();
        log.record(new Decision(clock.instant(), verb, pod.key(), pod.uid(), pod.cluster(), pod.brokerId(), outcome,
                names, reasons, scores, chosen, error, micros, pod));
    }

    private static List<String> candidateNames(List<Candidate> candidates) {
        String[] names = new String[candidates.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = candidates.get(i).name();
        }
        return List.of(names);
    }
}
