package dev.berth.extender.state.kube;

import io.kubernetes.client.openapi.ApiException;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Why the informers have not synced, when their list calls say so: what {@code /readyz} and the filter's
 * 503 carry, beside the WARN line of each failure. (kube-scheduler and the kubelet show only a non-200's
 * status code, not its body: {@code /readyz} is where a person reads the reason, with the log.)
 *
 * <p><b>Goal:</b> an extender whose role lacks {@code list} on nodes or pods never becomes ready, and
 * before this every filter said only "berth cache not synced yet".
 *
 * <p><b>Algorithm:</b> each failed list or watch of a resource replaces that resource's text; a
 * resource whose informer has since synced drops its text. A 403 names the RBAC rule to grant; a 404 says
 * the API server does not serve the resource (the operator's KafkaCluster CRD not installed); another
 * status its code; anything else its exception class and message. The operator's {@code /readyz} uses it
 * too, for its own informers.
 *
 * <p><b>Example:</b> the ClusterRole lacks nodes. The node informer's list gets 403, and the filter
 * answers 503 {@code berth cache not synced yet: nodes list refused: HTTP 403 (RBAC: list, watch nodes)}.
 */
public final class ListFailures {
    private final Map<String, String> latest = new ConcurrentHashMap<>();

    /**
     * Records a failed list or watch of {@code resource} (plural, e.g. {@code nodes}); returns its text,
     * one line to log (an {@code ApiException}'s own text spans the lines of the Status it carries).
     */
    public String failed(String resource, Throwable error) {
        String text = describe(resource, error);
        latest.put(resource, text);
        return text;
    }

    /** Forgets {@code resource}'s failure: its informer has synced since. */
    public void synced(String resource) {
        latest.remove(resource);
    }

    /** The failures still standing, in resource order, or {@code null}. */
    public String reason() {
        if (latest.isEmpty()) {
            return null;
        }
        StringJoiner out = new StringJoiner("; ");
        new java.util.TreeMap<>(latest).values().forEach(out::add);
        return out.toString();
    }

    static String describe(String resource, Throwable error) {
        if (error instanceof ApiException a && a.getCode() == 403) {
            return resource + " list refused: HTTP 403 (RBAC: list, watch " + resource + ")";
        }
        if (error instanceof ApiException a && a.getCode() == 404) {
            return resource + " list failed: HTTP 404 (the API server does not serve " + resource
                    + ": its API group or CRD is missing)";
        }
        if (error instanceof ApiException a && a.getCode() > 0) {
            return resource + " list failed: HTTP " + a.getCode();
        }
        Throwable root = error instanceof ApiException && error.getCause() != null ? error.getCause() : error;
        String m = root.getMessage();
        return resource + " list failed: " + root.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }
}
