package dev.berth.operator.model;

/**
 * @param name topic name
 * @param replicationFactor replicas per partition, not counting replicas a reassignment is still adding
 * @param minInsyncReplicas effective {@code min.insync.replicas}
 */
public record TopicState(String name, int replicationFactor, int minInsyncReplicas) {}
