package dev.berth.operator.model;

/**
 * @param name topic name
 * @param replicationFactor replicas per partition (of its first partition)
 * @param minInsyncReplicas effective {@code min.insync.replicas}
 */
public record TopicState(String name, int replicationFactor, int minInsyncReplicas) {}
