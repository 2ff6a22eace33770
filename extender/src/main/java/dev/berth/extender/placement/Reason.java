package dev.berth.extender.placement;

/**
 * Why a node was refused for a broker pod. The text is what kube-scheduler shows in the pod's
 * {@code FailedScheduling} event, where identical texts are aggregated ("3 node(s) ..."), so it
 * is short, stable and carries no numbers (the numbers go to the decision log).
 *
 * <p>{@link #permanent()} splits the reply: permanent facts go to
 * {@code FailedAndUnresolvableNodes} (preempting other pods would not help), the others to
 * {@code FailedNodes}.
 */
public enum Reason {
    /** The extender's cache has not seen the node yet; it will after the next informer event. */
    UNKNOWN_NODE("node not in berth cache yet", false),
    /** The node carries no rack label: a broker there would have no rack, breaking rack-aware replicas. */
    NO_RACK_LABEL("node has no rack label", true),
    /** The broker's rack is pinned ({@code berth.dev/rack}) and this node is in another rack. */
    RACK_MISMATCH("broker rack mismatch", true),
    /** The operator is moving this broker off the node ({@code berth.dev/avoid-node}). */
    AVOID_NODE("broker is moving off this node", true),
    /** Another broker of the same cluster already runs (or is reserved) on the node. */
    SAME_CLUSTER_BROKER("node already hosts a broker of this cluster", false),
    /** The broker needs local disk and the node has no {@code berth.dev/disk-capacity}. */
    NO_LOCAL_DISK("node offers no local disk", true),
    /** The node's {@code berth.dev/disk-capacity} is not a Kubernetes quantity. */
    BAD_DISK_CAPACITY("node disk capacity annotation is invalid", true),
    /** The node's whole disk capacity is below the broker's request, even with nothing on it. */
    DISK_TOO_SMALL("node disk smaller than broker storage", true),
    /** Capacity minus what other brokers hold or reserve is below the request. */
    DISK_FULL("not enough free local disk", false),
    /**
     * The broker has no rack yet and another rack on offer holds fewer brokers of its cluster
     * ({@link RackSkewRule}). Permanent: evicting pods from the node would not change the count.
     */
    RACK_SKEW("another rack has fewer brokers of this cluster", true);

    private final String text;
    private final boolean permanent;

    Reason(String text, boolean permanent) {
        this.text = text;
        this.permanent = permanent;
    }

    /** The stable text sent to kube-scheduler. */
    public String text() {
        return text;
    }

    /** True for facts that preemption cannot change ({@code FailedAndUnresolvableNodes}). */
    public boolean permanent() {
        return permanent;
    }
}
