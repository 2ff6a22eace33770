package dev.berth.operator.api;

/**
 * Condition types of a KafkaCluster. Ready, Reconciling and Degraded follow the usual Kubernetes
 * meaning; every other type is one blocked operation or check, so a person sees at a glance what is
 * stuck and why.
 */
public enum ConditionType {
    /** True when every desired broker and controller pod is ready and Kafka reports every broker. */
    Ready,
    /** True while the operator is creating, healing or changing something. */
    Reconciling,
    /**
     * True when Kafka cannot be reached ({@code KafkaUnreachable}) or a day-2 step failed on the last pass
     * ({@code StepFailed}: the message names the step, the operation and the error).
     */
    Degraded,
    /** False when the spec cannot be applied; the message says what to fix. Nothing is deleted. */
    SpecValid,
    /** True when a scale down is refused (for example the remaining brokers cannot hold a topic). */
    ScaleDownBlocked,
    /** True when a scale up cannot proceed. */
    ScaleUpBlocked,
    /**
     * True when pods run an older spec (image, resources or Kafka configuration), a pod asks for a
     * restart, or a broker runs on a cordoned node (with network storage): brokers are restarted one
     * at a time, leader-aware; controllers before them, one at a time while the quorum keeps a
     * majority. The message
     * names them, e.g. "2 pod(s) need a restart: demo-broker-0: configuration, demo-broker-1: on
     * cordoned node n1".
     */
    PodsOutOfDate,
    /**
     * True when broker pods run on cordoned nodes ({@code kubectl cordon}, or {@code drain}): with
     * network storage they are moved off, one at a time, leader-aware (operation Restart); with local
     * storage they stay, as their data is on that node. The message names them. Unknown when the
     * operator cannot watch nodes.
     */
    OnCordonedNodes,
    /**
     * True when broker pods run on nodes the extender would refuse them now (a node relabelled into
     * another rack, two brokers of the cluster on one node). With network storage they are moved off
     * one at a time, leader-aware (operation Restart), or, when no other schedulable node of the
     * broker's rack would take it, left where they are (reason {@code NoOtherNode}); with local storage
     * they stay ({@code LocalStorageStays}). The message says what to fix.
     */
    PlacementDrift,
    /**
     * True while a roll waits: stopping its broker now would take partitions below min.insync (or
     * another reason the message gives), or stopping its controller would leave the quorum without a
     * majority in sync.
     */
    RestartBlocked
}
