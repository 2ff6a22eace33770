package dev.berth.extender.state.kube;

import com.google.gson.JsonParseException;
import dev.berth.extender.placement.BrokerPod;
import dev.berth.extender.placement.HardRules;
import dev.berth.extender.placement.NodeFacts;
import dev.berth.extender.placement.Reason;
import dev.berth.extender.protocol.BadRequestException;
import dev.berth.extender.protocol.Facts;
import dev.berth.extender.state.PodBinder;
import dev.berth.extender.state.ReservationLedger;
import io.kubernetes.client.openapi.ApiCallback;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1Binding;
import io.kubernetes.client.openapi.models.V1EventSource;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ObjectReference;
import io.kubernetes.client.openapi.models.V1Pod;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds a pod through the Kubernetes API, as DESIGN.md's "Bind" section orders:
 * <ol>
 *   <li>read the pod: gone or another UID → refuse; already bound to the chosen node → success
 *       (a retried bind whose first reply was lost); bound elsewhere → refuse;
 *   <li>stamp {@code berth.dev/rack} with a JSON merge patch when it is missing and the node has a
 *       rack (a pinned rack that differs from the node's is refused: a broker never changes rack);
 *   <li>check the hard rules again against the node as the cache and the ledger show it now, and
 *       record the reservation, in one step that no other bind interleaves with. kube-scheduler
 *       binds asynchronously (PreBind can wait seconds for a volume), so the filter of the next
 *       broker can pass a node before this bind is reserved; if both chose that node, the second
 *       bind is refused with the rule's reason and the scheduler retries the pod, whose next filter
 *       sees the first. Except for a broker with local storage: PreBind has by then bound its
 *       volume, if node-local, to that very node, so a refusal would leave it Pending for good.
 *       That bind goes ahead, with a Warning Event {@value #RULE_BROKEN_REASON} naming the rule
 *       (a node the cache has not seen is still refused: a retry fixes that). The reservation is
 *       recorded just <i>before</i> the Binding (and released
 *       if it fails), like kube-scheduler's own "assume": recorded after, a fast informer event
 *       could arrive first, find nothing to settle, and leave the reservation to expire instead;
 *   <li>POST the Binding with {@code metadata.uid} as precondition, read as a raw call and checked
 *       for 201 (a real apiserver answers with a Status, which the typed call cannot parse). If it
 *       fails, the reservation is released and the rack stamp of step 2 taken back, unless the pod
 *       changed since (then the Binding may have landed after all);
 *   <li>post a {@code BrokerPlaced} Event on the pod whose message is the explanation,
 *       asynchronously. An Event that fails is logged, not fatal: the pod is bound by then.
 * </ol>
 * The {@link ApiClient} behind {@code api} must have finite timeouts: a hung call would hold the
 * scheduler's bind until its {@code httpTimeout}.
 */
public final class KubePodBinder implements PodBinder {
    private static final Logger LOG = LoggerFactory.getLogger(KubePodBinder.class);
    public static final String EVENT_REASON = "BrokerPlaced";
    /** Warning Event: a local-storage broker bound although a hard rule no longer held. */
    public static final String RULE_BROKEN_REASON = "PlacementRuleBrokenAtBind";
    public static final String COMPONENT = "berth-extender";

    /** Short, stable reasons: they reach the scheduler and the pod's events verbatim. */
    public static final String POD_NOT_FOUND = PodBinder.POD_NOT_FOUND;
    public static final String POD_UID_CHANGED = PodBinder.POD_UID_CHANGED;
    public static final String BOUND_ELSEWHERE = PodBinder.BOUND_ELSEWHERE;
    public static final String RACK_MISMATCH = PodBinder.RACK_MISMATCH;
    public static final String API_UNREACHABLE = "API server unreachable";
    /** The apiserver refused the Binding (e.g. the pod is being deleted) and the pod is still unbound. */
    public static final String BINDING_CONFLICT = "binding conflict";


    private final CoreV1Api api;
    private final RackStamps stamps;
    private final ReservationLedger ledger;
    private final Function<String, Optional<NodeFacts>> nodes;
    private final Object reserving = new Object();
    private final Clock clock;
    private final String instance;

    /**
     * @param api client with finite timeouts
     * @param ledger where the bind is recorded (shared with the informer state)
     * @param nodes a node's facts as filters see them, the ledger's reservations included
     *     ({@link InformerClusterState#node})
     * @param clock stamps Events
     * @param instance this replica's name (the Event's reportingInstance), e.g. the pod name
     */
    public KubePodBinder(CoreV1Api api, ReservationLedger ledger, Function<String, Optional<NodeFacts>> nodes,
            Clock clock, String instance) {
        this.api = api;
        this.stamps = new RackStamps(api);
        this.ledger = ledger;
        this.nodes = nodes;
        this.clock = clock;
        this.instance = instance;
    }

    @Override
    public BrokerPod bind(BindTarget t) throws BindException {
        V1Pod pod = read(t);
        String boundTo = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        if (boundTo != null && !boundTo.isEmpty()) {
            if (!boundTo.equals(t.node())) {
                throw new BindException(BOUND_ELSEWHERE);
            }
            return factsOf(pod, t); // already bound here: the informer shows it (or soon will), nothing to reserve
        }
        checkPinnedRack(t, pod);
        Reserved reserved = reserveIfItFits(t, pod);
        String stampedAt = null;
        boolean bound = false;
        boolean mayHaveLanded = false;
        try {
            stampedAt = stamps.stamp(t, pod);
            try {
                postBinding(t);
            } catch (BindException e) {
                mayHaveLanded = API_UNREACHABLE.equals(e.getMessage());
                throw e;
            }
            bound = true;
        } finally {
            if (!bound) { // a refusal, or anything unexpected: undo what this bind did
                // A Binding whose reply never came may have landed: its reservation stays until the informer
                // shows the pod (bound: settled; still unbound: it expires), so that the node does not look
                // free of this broker meanwhile. The pod's own next attempt is not hindered by it.
                if (reserved.held() && !mayHaveLanded) {
                    ledger.release(KubeFacts.podKey(pod), pod.getMetadata().getUid(), t.node());
                }
                if (stampedAt != null) {
                    stamps.takeBack(t, stampedAt);
                }
            }
        }
        postEvent(t, pod, EVENT_REASON, "Normal", t.explanation());
        if (reserved.brokenRule() != null) {
            postEvent(t, pod, RULE_BROKEN_REASON, "Warning", "Bound to node " + t.node() + " although "
                    + reserved.brokenRule().text() + ": the broker's local volume may already be bound to that"
                    + " node, and refusing would leave it Pending for good. Another broker's filter passed the"
                    + " node before this bind.");
        }
        return factsOf(pod, t);
    }

    /** What {@link #reserveIfItFits} did: a reservation held, and a rule it let pass (or null). */
    private record Reserved(boolean held, Reason brokenRule) {}

    /** The pod's facts for the decision line: as read, or as the filter saw them if unreadable. */
    private static BrokerPod factsOf(V1Pod pod, BindTarget t) {
        try {
            return brokerPod(pod);
        } catch (BindException unreadable) {
            return t.pod();
        }
    }

    private V1Pod read(BindTarget t) throws BindException {
        V1Pod pod;
        try {
            pod = api.readNamespacedPod(t.podName(), t.namespace()).execute();
        } catch (ApiException e) {
            if (e.getCode() == 404) {
                throw new BindException(POD_NOT_FOUND, e);
            }
            throw apiFailure("read pod", "get pods", e);
        } catch (JsonParseException e) {
            throw new BindException(API_UNREACHABLE, e); // the answer was cut off (call timeout) mid-body
        }
        if (pod == null || pod.getMetadata() == null) {
            throw new BindException("read pod failed: empty answer");
        }
        String uid = pod.getMetadata().getUid();
        if (t.podUid() != null && !t.podUid().isEmpty() && !t.podUid().equals(uid)) {
            throw new BindException(POD_UID_CHANGED);
        }
        return pod;
    }

    /** A pinned rack that differs from the node's is refused: a broker never changes rack. */
    private static void checkPinnedRack(BindTarget t, V1Pod pod) throws BindException {
        String pinned = RackStamps.pinnedRack(pod);
        if (pinned != null && t.nodeRack() != null && !pinned.equals(t.nodeRack())) {
            throw new BindException(RACK_MISMATCH);
        }
    }

    private void postBinding(BindTarget t) throws BindException {
        V1Binding binding = new V1Binding()
                .apiVersion("v1")
                .kind("Binding")
                .metadata(new V1ObjectMeta().name(t.podName()).namespace(t.namespace()).uid(emptyToNull(t.podUid())))
                .target(new V1ObjectReference().apiVersion("v1").kind("Node").name(t.node()));
        int code;
        String body = null;
        try (Response response =
                api.createNamespacedPodBinding(t.podName(), t.namespace(), binding).buildCall(null).execute()) {
            code = response.code();
            if (code == 403 && response.body() != null) {
                body = response.body().string(); // the apiserver's reason, for the log
            }
        } catch (ApiException | IOException e) {
            LOG.warn("binding {}/{} to {} failed: {}", t.namespace(), t.podName(), t.node(), e.toString());
            throw new BindException(API_UNREACHABLE, e);
        }
        // 201 Created is what the apiserver answers; 200 is tolerated for proxies that rewrite it.
        if (code == 201 || code == 200) {
            return;
        }
        if (code == 409) {
            // Lost a race, or a retry whose first attempt did land: the pod itself says which.
            V1Pod now = read(t);
            String boundTo = now.getSpec() == null ? null : now.getSpec().getNodeName();
            if (t.node().equals(boundTo)) {
                return;
            }
            if (boundTo != null && !boundTo.isEmpty()) {
                // an earlier attempt, whose reply never came, landed there after this one replaced its
                // reservation: the node holds the broker until the informer shows it
                KubeFacts.PodPlacement landed = KubeFacts.pod(now);
                if (landed.broker().cluster() != null && !landed.broker().cluster().isEmpty()) {
                    ledger.reserve(landed.uid(), boundTo, landed.broker());
                }
                throw new BindException(BOUND_ELSEWHERE);
            }
            throw new BindException(BINDING_CONFLICT);
        }
        if (code == 404) {
            throw new BindException(POD_NOT_FOUND);
        }
        if (code == 403) {
            throw apiFailure("binding", "create pods/binding", code, null, body);
        }
        throw new BindException("binding rejected: HTTP " + code);
    }

    /**
     * Reserves a broker pod on the node if the hard rules still let it go there; false for pods that
     * are not brokers (nothing to check or reserve). The check and the reservation are one step
     * for all binds of this process, so two binds racing for one node cannot both pass.
     */
    private Reserved reserveIfItFits(BindTarget t, V1Pod pod) throws BindException {
        KubeFacts.PodPlacement placement = KubeFacts.pod(pod);
        String cluster = placement.broker().cluster();
        if (cluster == null || cluster.isEmpty()) {
            return new Reserved(false, null);
        }
        BrokerPod broker = brokerPod(pod);
        synchronized (reserving) {
            Optional<NodeFacts> node = nodes.apply(t.node());
            Reason broken = node.isEmpty() ? Reason.UNKNOWN_NODE : HardRules.check(broker, node.get());
            if (broken != null && (broker.localStorageBytes() == null || broken == Reason.UNKNOWN_NODE)) {
                throw new BindException(broken.text());
            }
            ledger.reserve(placement.uid(), t.node(), placement.broker());
            return new Reserved(true, broken);
        }
    }

    /** The live pod's placement facts, read as a filter reads them. */
    private static BrokerPod brokerPod(V1Pod pod) throws BindException {
        V1ObjectMeta m = pod.getMetadata();
        try {
            return Facts.brokerPod(m.getNamespace(), m.getName(), m.getUid(),
                    m.getLabels() == null ? Map.of() : m.getLabels(),
                    m.getAnnotations() == null ? Map.of() : m.getAnnotations());
        } catch (BadRequestException e) {
            throw new BindException(e.getMessage());
        }
    }

    private void postEvent(BindTarget t, V1Pod pod, String reason, String type, String message) {
        Instant now = clock.instant();
        OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
        long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        CoreV1Event event = new CoreV1Event()
                .apiVersion("v1")
                .kind("Event")
                .metadata(new V1ObjectMeta()
                        .name(t.podName() + "." + Long.toHexString(nanos) + (reason.equals(EVENT_REASON) ? "" : "w"))
                        .namespace(t.namespace()))
                .involvedObject(new V1ObjectReference()
                        .apiVersion("v1")
                        .kind("Pod")
                        .name(t.podName())
                        .namespace(t.namespace())
                        .uid(pod.getMetadata().getUid())
                        .resourceVersion(pod.getMetadata().getResourceVersion()))
                .reason(reason)
                .message(message)
                .type(type)
                .action("Binding")
                .count(1)
                .firstTimestamp(at)
                .lastTimestamp(at)
                .source(new V1EventSource().component(COMPONENT))
                .reportingComponent(COMPONENT)
                .reportingInstance(instance);
        // Asynchronous: the scheduler's bind reply does not wait for the Event.
        try {
            api.createNamespacedEvent(t.namespace(), event).executeAsync(new ApiCallback<>() {
                @Override
                public void onFailure(ApiException e, int code, Map<String, List<String>> headers) {
                    LOG.warn("event for {}/{} not posted (HTTP {}): the pod is bound anyway", t.namespace(),
                            t.podName(), code);
                }

                @Override
                public void onSuccess(CoreV1Event result, int code, Map<String, List<String>> headers) {}

                @Override
                public void onUploadProgress(long done, long total, boolean finished) {}

                @Override
                public void onDownloadProgress(long done, long total, boolean finished) {}
            });
        } catch (ApiException | RuntimeException e) {
            LOG.warn("event for {}/{} not posted: {}", t.namespace(), t.podName(), e.toString());
        }
    }

    /**
     * The reason for a call the apiserver did not carry out. A 403 names the RBAC rule the call needs
     * ({@code rule}, e.g. {@code patch pods}): it is the one failure a person fixes rather than waits
     * out, and the scheduler's FailedScheduling event is where they look. The apiserver's own message
     * (RBAC or an admission webhook, which may also answer 403) goes to the log.
     */
    static BindException apiFailure(String step, String rule, int code, Exception e, String body) {
        if (code == 0) {
            return new BindException(API_UNREACHABLE, e);
        }
        if (code == 403) {
            LOG.warn("{} forbidden: {}", step, body);
            return new BindException(step + " forbidden: HTTP 403 (RBAC: " + rule + ")", e);
        }
        return new BindException(step + " failed: HTTP " + code, e);
    }

    static BindException apiFailure(String step, String rule, ApiException e) {
        return apiFailure(step, rule, e.getCode(), e, e.getResponseBody());
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    @Override
    public String toString() {
        return "KubePodBinder[" + Objects.toString(api.getApiClient().getBasePath()) + "]";
    }
}
