package dev.berth.extender.protocol;

/** {@code ExtenderBindingArgs}: {@code {"PodName","PodNamespace","PodUID","Node"}}. */
public record ExtenderBindingArgs(String podName, String podNamespace, String podUid, String node) {}
