package dev.berth.extender.bench;

import java.util.Map;

/** What the bench reads off its own JVM per case: JIT time, CPU and allocation by thread, and GC. */
final class JvmCounters {
    private JvmCounters() {}

    /** Milliseconds the JIT has spent compiling so far, in this JVM. */
    static long compileMillis() {
        return java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }

    /**
     * CPU nanoseconds ({@code allocated} false) or heap bytes allocated ({@code allocated} true) so
     * far by the JVM's threads, summed by name with digits dropped (XNIO-1 task-3 and XNIO-1 task-4
     * count together): which side of the wire, and which of its threads, used it. Allocation is what
     * drives young collections, which pause every op they land on.
     */
    static Map<String, Long> byThreadGroup(boolean allocated) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        Map<String, Long> out = new java.util.TreeMap<>();
        for (java.lang.management.ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            long v = t == null ? -1 : allocated ? threads.getThreadAllocatedBytes(t.getThreadId()) : threads.getThreadCpuTime(t.getThreadId());
            if (v > 0) {
                out.merge(t.getThreadName().replaceAll("[0-9]+", "").replace(' ', '_'), v, Long::sum);
            }
        }
        return out;
    }

    /** {@code " group=n ..."}: each group's growth from {@code start} to {@code end}, divided by {@code per}; zeros left out. */
    static String perOp(Map<String, Long> start, Map<String, Long> end, long per) {
        StringBuilder out = new StringBuilder();
        end.forEach((group, v) -> {
            long x = (v - start.getOrDefault(group, 0L)) / per;
            if (x > 0) {
                out.append(' ').append(group).append('=').append(x);
            }
        });
        return out.toString();
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Collections so far and the milliseconds they took, summed over the JVM's collectors. */
    static long[] gc() {
        long count = 0;
        long millis = 0;
        for (java.lang.management.GarbageCollectorMXBean c : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, c.getCollectionCount());
            millis += Math.max(0, c.getCollectionTime());
        }
        return new long[] {count, millis};
    }
}
