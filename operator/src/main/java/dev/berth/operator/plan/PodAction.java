package dev.berth.operator.plan;

/**
 * One pod to create.
 *
 * @param role {@code broker} or {@code controller}
 * @param index broker id, or controller ordinal
 * @param kind {@link Kind#Create} for a new node, {@link Kind#Recreate} for one that existed (healing)
 * @param rack the rack to re-stamp on the pod, or {@code null}
 * @param avoidNode the node the pod must not be placed on ({@code berth.dev/avoid-node}: its broker is
 *     being moved off it), or {@code null}
 */
public record PodAction(String role, int index, Kind kind, String rack, String avoidNode) {
    /** An action without a node to avoid. */
    public PodAction(String role, int index, Kind kind, String rack) {
        this(role, index, kind, rack, null);
    }

    /** Why a pod is created; feeds Events and the Reconciling condition. */
    public enum Kind {
        /** A node id that never had a pod: cluster creation or scale up. */
        Create,
        /** A node id whose pod disappeared: recreated with the same id, PVC and rack. */
        Recreate
    }
}
