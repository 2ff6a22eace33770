package dev.berth.operator.act;

import dev.berth.operator.act.desired.Names;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.observe.KubeView;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka pods that cannot start as they are and no longer match the spec, deleted so that the next pass
 * creates them from the spec.
 *
 * <p><b>Goal:</b> a spec edit that fixes a pod which cannot start (an image tag that does not exist,
 * memory so low that Kafka dies at start, requests no node can hold) must reach that pod. The rolls do that
 * only while Kafka answers: with every broker or the only controller down (a new cluster created with a
 * typo in its version, say), each step waits for Kafka, and nothing else ever replaced the pods, so the
 * cluster stayed down until someone deleted them by hand.
 *
 * <p><b>Constraints:</b> only a pod that serves nothing, so that deleting it takes nothing down: not Ready,
 * its {@code kafka} container not running (a mesh's sidecar may run), and either that container cannot be
 * started ({@link #CANNOT_START}), or it is a crash loop of at least {@link #CRASHES} restarts (one crash is
 * the kubelet's to restart, in turn with a roll), or the scheduler found no node for it. It must differ from the spec in its own image, resources or
 * configuration ({@link PodDrift#specChange}); restart requests and moves stay the rolls' to order. Not a
 * pod being deleted. The delete carries the UID; the PVC stays.
 *
 * <p><b>Algorithm:</b> each owned controller and broker pod of the view, in id order: stuck, changed in
 * the spec, not being deleted: deleted. The informer's delete event wakes the cluster, and that pass creates
 * the pod again from the spec, with its id, PVC and rack.
 *
 * <p><b>Example:</b> a cluster is created with {@code kafkaVersion: 4.4.O}; its three pods wait in
 * {@code ImagePullBackOff}. The user corrects it to {@code 4.4.0}: each pod now reads "image
 * apache/kafka:4.4.O, spec apache/kafka:4.4.0" and cannot start, so each is deleted and created with the
 * right image. A broker that runs but is not Ready yet (its log recovery) is left to the roll.
 */
public final class StuckPods {
    private static final Logger LOG = LoggerFactory.getLogger(StuckPods.class);
    /** Waiting reasons of a container the kubelet cannot start as specified (the spec must change). */
    static final Set<String> CANNOT_START = Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName",
            "CreateContainerConfigError", "CreateContainerError", "RunContainerError");
    /** The container berth runs Kafka in ({@code DesiredPods}); other containers are a mesh's sidecars. */
    static final String KAFKA_CONTAINER = "kafka";
    /** Restarts that make a {@code CrashLoopBackOff} a crash loop rather than one crash the kubelet restarts. */
    static final int CRASHES = 3;

    private StuckPods() {}

    /**
     * Why {@code pod} cannot start as it is (a waiting reason, {@code CrashLoopBackOff}, or
     * {@code Unschedulable}), or {@code null} when it is Ready, has a container running, or may still start.
     */
    public static String stuck(V1Pod pod) {
        if (pod.getStatus() == null || KubeView.isReady(pod) || FailedPods.terminal(pod)) {
            return null;
        }
        List<V1ContainerStatus> containers = pod.getStatus().getContainerStatuses();
        if (containers == null || containers.isEmpty()) {
            boolean unschedulable = pod.getStatus().getConditions() != null && pod.getStatus().getConditions().stream()
                    .anyMatch(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())
                            && "Unschedulable".equals(c.getReason()));
            return unschedulable ? "Unschedulable" : null;
        }
        String reason = null;
        for (V1ContainerStatus c : containers) {
            if (!KAFKA_CONTAINER.equals(c.getName())) {
                continue; // a sidecar a mesh injected runs whatever Kafka does
            }
            if (c.getState() == null || c.getState().getRunning() != null) {
                return null;
            }
            String waiting = c.getState().getWaiting() == null ? null : c.getState().getWaiting().getReason();
            if (CANNOT_START.contains(waiting)
                    || "CrashLoopBackOff".equals(waiting) && c.getRestartCount() != null && c.getRestartCount() >= CRASHES) {
                reason = waiting;
            }
        }
        return reason;
    }

    /** Deletes the stuck Kafka pods of {@code view} that the spec has changed; returns their names. */
    public static List<String> delete(KafkaCluster c, KubeWriter writer, KubeView view) throws ApiException {
        List<String> deleted = new ArrayList<>();
        for (String role : List.of(Names.ROLE_CONTROLLER, Names.ROLE_BROKER)) {
            for (Map.Entry<Integer, V1Pod> e : view.podsByNodeId(role).entrySet()) {
                V1Pod pod = e.getValue();
                if (KubeView.isTerminating(pod)) {
                    continue;
                }
                String why = stuck(pod);
                String change = why == null ? null : PodDrift.specChange(c, role, e.getKey(), pod);
                if (change != null && writer.deletePod(pod)) {
                    LOG.warn("pod {}/{} cannot start ({}) and the spec changed it ({}); deleted, so that the next pass"
                            + " creates it from the spec", pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
                            why, change);
                    deleted.add(pod.getMetadata().getName());
                }
            }
        }
        return deleted;
    }
}
