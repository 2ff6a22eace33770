package dev.berth.operator.api;

/**
 * One controller's row in status.
 *
 * @param id KRaft node id (1000 + ordinal)
 * @param pod pod name
 * @param node the Kubernetes node, or {@code null} while pending
 * @param rack the pod's {@code berth.dev/rack}, remembered for healing, or {@code null}
 * @param phase pod phase, or {@code Missing}
 * @param quorum its place in the metadata quorum as the leader reports it: {@code Leader},
 *               {@code Follower} (caught up), {@code Behind} (more than 2 s behind the leader, or
 *               down), {@code NotAVoter}; {@code null} when the quorum could not be read
 */
public record NodeStatus(int id, String pod, String node, String rack, String phase, String quorum) {
    /** A row without the quorum's word (not read yet). */
    public NodeStatus(int id, String pod, String node, String rack, String phase) {
        this(id, pod, node, rack, phase, null);
    }
}
