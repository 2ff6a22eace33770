package dev.berth.operator.reconcile;

import dev.berth.operator.act.desired.Names;
import dev.berth.operator.observe.KubeInformers;
import dev.berth.operator.observe.KubeView;
import io.kubernetes.client.extended.controller.reconciler.Request;
import io.kubernetes.client.extended.workqueue.WorkQueue;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1Pod;
import java.util.Map;

/**
 * Wakes the KafkaClusters that have a broker pod on a node that was cordoned or uncordoned, so that
 * a move starts (or a held one goes on) at once rather than at the next periodic pass. Nodes are
 * not owned by any cluster, so the controller's owner-label key does not apply to them.
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
        if (!java.util.Objects.equals(before.getSpec(), after.getSpec())) {
            wake(after);
        }
    }

    @Override
    public void onDelete(V1Node node, boolean finalStateUnknown) {
        wake(node); // uncordoned (it left the selector), or gone
    }

    private void wake(V1Node node) {
        String name = node.getMetadata() == null ? null : node.getMetadata().getName();
        for (V1Pod pod : informers.pods.getIndexer().list()) {
            Map<String, String> labels = pod.getMetadata().getLabels();
            if (name != null && name.equals(KubeView.nodeName(pod)) && labels != null
                    && labels.get(Names.LABEL_CLUSTER) != null) {
                queue.add(new Request(pod.getMetadata().getNamespace(), labels.get(Names.LABEL_CLUSTER)));
            }
        }
    }
}
