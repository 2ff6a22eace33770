package dev.berth.operator.act;

import dev.berth.operator.act.desired.Names;
import dev.berth.operator.observe.KubeView;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka pods the kubelet has given up on, deleted so that the next pass creates them again.
 *
 * <p><b>Goal:</b> berth's pods are bare (no StatefulSet: any broker can be removed), so nothing replaces one
 * whose phase is {@code Failed}: evicted for node pressure (disk, memory), or stopped by a graceful node
 * shutdown. The kubelet leaves the object there, and its name keeps the apply stage from creating a new
 * one: its broker or controller would stay down for good, and the restart gate and the scale-up, which
 * wait for every pod to be Ready, with it.
 *
 * <p><b>Constraints:</b> only pods in a terminal phase ({@code Failed}, or {@code Succeeded}: a Kafka
 * process does not exit by design), and not being deleted already. The delete carries the pod's UID, so a
 * newer pod of that name is never deleted. The PVC stays: the new pod starts on the same data (a local
 * volume brings it back to its node).
 *
 * <p><b>Algorithm:</b> each owned broker and controller pod of the view, in name order: terminal and not
 * being deleted, it is deleted. The informer's delete event wakes the cluster, and that pass plans the pod
 * as missing and creates it with its id, PVC and rack.
 *
 * <p><b>Example:</b> node n3 runs out of disk; the kubelet evicts {@code demo-broker-2}, whose phase becomes
 * {@code Failed} (reason {@code Evicted}). The next pass deletes it; the one after creates
 * {@code demo-broker-2} again, which the extender places back on n3 (local storage) or anywhere its rack
 * allows.
 */
public final class FailedPods {
    private static final Logger LOG = LoggerFactory.getLogger(FailedPods.class);

    private FailedPods() {}

    /** Whether the kubelet is done with {@code pod}: phase {@code Failed} or {@code Succeeded}. */
    public static boolean terminal(V1Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Failed".equals(phase) || "Succeeded".equals(phase);
    }

    /** Deletes the terminal Kafka pods of {@code view}; returns their names. */
    public static List<String> delete(KubeWriter writer, KubeView view) throws ApiException {
        List<String> deleted = new ArrayList<>();
        for (String role : List.of(Names.ROLE_CONTROLLER, Names.ROLE_BROKER)) {
            for (Map.Entry<Integer, V1Pod> e : view.podsByNodeId(role).entrySet()) {
                V1Pod pod = e.getValue();
                if (terminal(pod) && !KubeView.isTerminating(pod) && writer.deletePod(pod)) {
                    String reason = pod.getStatus().getReason();
                    LOG.warn("pod {}/{} is {}{}; deleted, so that the next pass creates it again",
                            pod.getMetadata().getNamespace(), pod.getMetadata().getName(), pod.getStatus().getPhase(),
                            reason == null ? "" : " (" + reason + ")");
                    deleted.add(pod.getMetadata().getName());
                }
            }
        }
        return deleted;
    }
}
