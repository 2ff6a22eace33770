package dev.berth.operator.api;

/**
 * One controller's row in status.
 *
 * @param id KRaft node id (1000 + ordinal)
 * @param pod pod name
 * @param node the Kubernetes node, or {@code null} while pending
 * @param rack the pod's {@code berth.dev/rack}, remembered for healing, or {@code null}
 * @param phase pod phase, or {@code Missing}
 */
public record NodeStatus(int id, String pod, String node, String rack, String phase) {}
