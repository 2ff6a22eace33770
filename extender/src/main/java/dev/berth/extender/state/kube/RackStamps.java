package dev.berth.extender.state.kube;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import dev.berth.extender.placement.Keys;
import dev.berth.extender.state.PodBinder.BindException;
import dev.berth.extender.state.PodBinder.BindTarget;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.util.PatchUtils;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bind's rack stamp ({@code berth.dev/rack} from the node's rack label) and its take-back when the
 * bind fails, so that a broker is pinned to a rack only where it really runs (the shared design: a
 * broker never changes rack by accident). Split from {@link KubePodBinder}, which calls it.
 */
final class RackStamps {
    private static final Logger LOG = LoggerFactory.getLogger(RackStamps.class);
    private static final Gson GSON = new Gson();
    /** The rack annotation as a JSON-pointer path ('/' in the key escaped as ~1). */
    private static final String RACK_PATH = "/metadata/annotations/" + Keys.RACK.replace("~", "~0").replace("/", "~1");

    private final CoreV1Api api;

    RackStamps(CoreV1Api api) {
        this.api = api;
    }

    static String pinnedRack(V1Pod pod) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        String pinned = annotations == null ? null : annotations.get(Keys.RACK);
        return pinned == null || pinned.isEmpty() ? null : pinned;
    }

    /**
     * Stamps the node's rack on a pod that has none.
     *
     * @return the pod's resourceVersion right after the stamp, or null when nothing was stamped
     */
    String stamp(BindTarget t, V1Pod pod) throws BindException {
        if (pinnedRack(pod) != null || t.nodeRack() == null || t.nodeRack().isEmpty()) {
            return null;
        }
        String patch = GSON.toJson(Map.of("metadata", Map.of("annotations", Map.of(Keys.RACK, t.nodeRack()))));
        try {
            V1Pod stamped = PatchUtils.patch(
                    V1Pod.class,
                    () -> api.patchNamespacedPod(t.podName(), t.namespace(), new V1Patch(patch)).buildCall(null),
                    V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                    api.getApiClient());
            return stamped == null || stamped.getMetadata() == null ? null : stamped.getMetadata().getResourceVersion();
        } catch (ApiException e) {
            if (e.getCode() == 404) {
                throw new BindException(KubePodBinder.POD_NOT_FOUND, e);
            }
            if (e.getCode() == 0) {
                // no reply at all (a call timeout before the headers, a reset): the stamp may have landed
                takeBackIfStill(t);
            }
            throw KubePodBinder.apiFailure("stamp rack", "patch pods", e);
        } catch (JsonParseException e) {
            // cut off mid-body: the stamp may have landed, and no resourceVersion says whose it is
            takeBackIfStill(t);
            throw new BindException(KubePodBinder.API_UNREACHABLE, e);
        }
    }

    /**
     * Takes back a rack stamp whose Binding failed, so that a transient error does not pin a broker
     * that never ran to that rack (DESIGN.md: a broker never changes rack <i>by accident</i>). It is
     * a JSON patch whose leading {@code test} is the resourceVersion the stamp left: if anything
     * wrote the pod since (a Binding that landed after all, a second scheduler, the operator), the
     * apiserver refuses it with 422 and the stamp stays, which is what berth did before.
     */
    void takeBack(BindTarget t, String stampedAt) {
        removeRackIf(t, "/metadata/resourceVersion", stampedAt, "kept after its binding failed");
    }

    /**
     * Takes back a stamp whose reply was cut off or never came, if the annotation still holds the rack this bind
     * stamped (a JSON patch whose {@code test} is the value, not the resourceVersion, which the cut-off
     * reply never gave). The pod had no rack before (only then is one stamped), and no Binding was
     * posted, so that value is this bind's. Any failure leaves the stamp, as before.
     */
    private void takeBackIfStill(BindTarget t) {
        removeRackIf(t, RACK_PATH, t.nodeRack(), "whose reply was lost: not taken back");
    }

    /** Removes the rack annotation with a JSON patch that first tests {@code path} for {@code value}; failures are logged. */
    private void removeRackIf(BindTarget t, String path, String value, String whenNot) {
        String patch = "[{\"op\":\"test\",\"path\":\"" + path + "\",\"value\":" + GSON.toJson(value)
                + "},{\"op\":\"remove\",\"path\":\"" + RACK_PATH + "\"}]";
        try {
            PatchUtils.patch(
                    V1Pod.class,
                    () -> api.patchNamespacedPod(t.podName(), t.namespace(), new V1Patch(patch)).buildCall(null),
                    V1Patch.PATCH_FORMAT_JSON_PATCH,
                    api.getApiClient());
        } catch (ApiException e) {
            // 422: the pod changed since (or holds another value); 0: the API is unreachable. Either way it stays.
            LOG.info("rack stamp on {}/{} {} (HTTP {})", t.namespace(), t.podName(), whenNot, e.getCode());
        } catch (JsonParseException e) {
            LOG.info("rack stamp on {}/{}: the answer to taking it back was cut off ({})", t.namespace(), t.podName(),
                    e.getMessage());
        }
    }
}
