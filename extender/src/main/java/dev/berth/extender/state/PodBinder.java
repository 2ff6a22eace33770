package dev.berth.extender.state;

/**
 * The effect of the {@code bind} verb. The HTTP layer decides nothing here: it decodes the
 * request, calls {@link #bind}, and writes the decision line and metrics around it.
 *
 * <p>An implementation must, in this order: check the hard rules again for a broker pod against
 * the node as it is now, and record the reservation in the same step (kube-scheduler binds
 * asynchronously, so two brokers' filters can both pass a node before either is bound; the second
 * bind is refused with the rule's {@link dev.berth.extender.placement.Reason} text, unless a
 * volume already bound to the node makes a refusal strand the pod: see {@code KubePodBinder}); stamp
 * {@code berth.dev/rack} on the pod when it is missing (value {@code nodeRack}); create the Binding
 * with the pod UID as precondition; and post an Event on the pod whose message is
 * {@code explanation}. It must be idempotent: a pod already bound to {@code node} is success; bound
 * to another node is a {@link BindException}.
 */
public interface PodBinder {
    /** Short, stable refusals every binder gives alike: they reach the scheduler and the pod's events. */
    String POD_NOT_FOUND = "pod not found";
    String POD_UID_CHANGED = "pod UID changed";
    String BOUND_ELSEWHERE = "pod already bound to another node";
    String RACK_MISMATCH = "pod rack differs from node rack";

    /**
     * Binds, or finds the pod already bound to {@code target.node()}.
     *
     * @return the pod's placement facts as the binder knows them (read from the API, from the file,
     *     or {@code target.pod()}), for the decision line when no filter of this process saw the
     *     pod; {@code null} when it knows none
     */
    dev.berth.extender.placement.BrokerPod bind(BindTarget target) throws BindException;

    /**
     * @param namespace pod namespace
     * @param podName pod name
     * @param podUid pod UID, the Binding's precondition
     * @param node the chosen node
     * @param nodeRack the node's rack, or {@code null} when it has none
     * @param explanation one sentence for the pod's Event: where it went and why
     * @param pod the pod's placement facts as last decoded by filter/prioritize (its UID then,
     *     cluster, broker id, rack, local storage), or {@code null} when the extender has not seen
     *     the pod in this process; lets a binder without an API check and reserve
     */
    record BindTarget(
            String namespace, String podName, String podUid, String node, String nodeRack, String explanation,
            dev.berth.extender.placement.BrokerPod pod) {

        public BindTarget(String namespace, String podName, String podUid, String node, String nodeRack,
                String explanation) {
            this(namespace, podName, podUid, node, nodeRack, explanation, null);
        }
    }

    /** A bind that did not happen; {@code reason} is short and stable (it reaches the scheduler). */
    final class BindException extends Exception {
        private static final long serialVersionUID = 1L;

        public BindException(String reason) {
            super(reason);
        }

        public BindException(String reason, Throwable cause) {
            super(reason, cause);
        }
    }
}
