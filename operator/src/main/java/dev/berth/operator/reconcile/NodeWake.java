package dev.berth.operator.reconcile;

import dev.berth.operator.act.desired.Names;
import dev.berth.operator.observe.KubeInformers;
import dev.berth.operator.observe.KubeView;
import io.kubernetes.client.extended.controller.reconciler.Request;
import io.kubernetes.client.extended.workqueue.WorkQueue;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1Pod;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Wakes the KafkaClusters that a node's cordon or uncordon concerns, so that a move starts (or a
 * held one goes on) at once rather than at the next periodic pass. Nodes are not owned by any
 * cluster, so the controller's owner-label key does not apply to them.
 *
 * <p>A cluster is concerned when one of its pods runs on the node, when one of its unbound broker
 * pods avoids it ({@code berth.dev/avoid-node}: the operator drops that once the node is back), or
 * when one of its claims lives there ({@code volume.kubernetes.io/selected-node}: an evicted
 * local-storage broker waits for that node). Example: node n0 uncordoned, pod {@code demo-broker-0}
 * unbound, claim {@code data-demo-broker-0} selected n0: {@code kafka/demo} is woken.
 */
final class NodeWake implements ResourceEventHandler<V1Node> {
    private final KubeInformers informers;
    private final WorkQueue<Request> queue;

    NodeWake(KubeInformers informers, WorkQueue<Request> queue) {
        this.informers = informers;
        this.queue = queue;
    }

    @Override
    public void onAdd(V1Node node) {
        wake(node);
    }

    @Override
    public void onUpdate(V1Node before, V1Node after) {
        if (!Objects.equals(before.getSpec(), after.getSpec())) {
            wake(after);
        }
    }

    @Override
    public void onDelete(V1Node node, boolean finalStateUnknown) {
        wake(node); // uncordoned (it left the selector), or gone
    }

    private void wake(V1Node node) {
        String name = node.getMetadata() == null ? null : node.getMetadata().getName();
        if (name != null) {
            concerned(name, informers.pods.getIndexer().list(), informers.pvcs.getIndexer().list()).forEach(queue::add);
        }
    }

    /** The clusters whose pods or claims name {@code node}, as the controller's requests. */
    static Set<Request> concerned(String node, Collection<V1Pod> pods, Collection<V1PersistentVolumeClaim> pvcs) {
        Set<Request> out = new LinkedHashSet<>();
        for (V1Pod pod : pods) {
            if (node.equals(KubeView.nodeName(pod)) || node.equals(KubeView.annotation(pod, Names.ANN_AVOID_NODE))) {
                add(out, pod.getMetadata());
            }
        }
        for (V1PersistentVolumeClaim pvc : pvcs) {
            Map<String, String> ann = pvc.getMetadata() == null ? null : pvc.getMetadata().getAnnotations();
            if (ann != null && node.equals(ann.get(Names.ANN_SELECTED_NODE))) {
                add(out, pvc.getMetadata());
            }
        }
        return out;
    }

    private static void add(Set<Request> out, V1ObjectMeta meta) {
        String cluster = meta == null || meta.getLabels() == null ? null : meta.getLabels().get(Names.LABEL_CLUSTER);
        if (cluster != null) {
            out.add(new Request(meta.getNamespace(), cluster));
        }
    }
}
