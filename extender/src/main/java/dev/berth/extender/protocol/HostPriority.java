package dev.berth.extender.protocol;

/** One entry of {@code HostPriorityList}, the prioritize reply: {@code {"Host":"n1","Score":7}}. */
public record HostPriority(String host, int score) {}
