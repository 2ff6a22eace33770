package dev.berth.extender.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * One bench case: warm-up until the JIT is quiet, the measured ops, then the case's figures
 * ({@code bench <case> p50_us=.. p99_us=.. ops_per_s=..} and its {@code info} lines). Split from
 * {@link ExtenderBench}, which sets the cases up.
 *
 * <p>The measured ops never pay for the bench's own log rotation: {@link CappedLogFile} is emptied
 * just before them and may not truncate during them (1,000 names ops write about 105 MB, well
 * under the 512 MB cap).
 */
final class CaseRun {
    private final HttpClient client;
    private final CappedLogFile log;

    CaseRun(HttpClient client, CappedLogFile log) {
        this.client = client;
        this.log = log;
    }

    /**
     * Runs case {@code name} unless {@code -Dbench.only} leaves it out (then false): warm-up, then
     * {@code ops} measured ops, then its {@code bench} and {@code info} lines.
     */
    boolean run(String name, String filter, String prioritize, Bodies bodies, int warmup, int ops)
            throws Exception {
        if (!selected(name)) {
            return false;
        }
        // Warm-up: at least `warmup` ops, then on until the JIT has compiled nothing for a whole
        // round of `quiet` ops (capped). On 2 cores a C2 compile of HttpClient or Undertow code
        // takes one core for 100-400 ms, and every op it overlaps is delayed by milliseconds: a
        // fixed count that was enough when ops were slow left compiles running into the measurement.
        // The quiet window is half the floor (1,500 ops by default): with 500, late compiles still
        // reached the measured ops in about one run of three.
        int quiet = Math.max(warmup / 2, 5);
        int warmed = 0;
        long compiled = JvmCounters.compileMillis();
        for (int quietFor = 0; warmed < warmup || (quietFor < quiet && warmed < 20 * warmup); warmed++) {
            call(client, filter, bodies.filter(warmed));
            call(client, prioritize, bodies.prioritize(warmed));
            long now = JvmCounters.compileMillis();
            quietFor = now == compiled ? quietFor + 1 : 0;
            compiled = now;
        }
        System.gc();
        // the log file is emptied here, not during the measured ops (CappedLogFile says why)
        log.emptyAndHoldCap();
        long[] samples = new long[ops];
        long[] filterCalls = new long[ops]; // each call alone: which verb the time goes to
        long[] prioritizeCalls = new long[ops];
        long busy = 0;
        long cpuStart = JvmCounters.processCpuNanos();
        Map<String, Long> threadsStart = JvmCounters.byThreadGroup(false);
        Map<String, Long> allocStart = JvmCounters.byThreadGroup(true);
        long[] gcStart = JvmCounters.gc();
        for (int i = 0; i < ops; i++) {
            byte[] filterBody = bodies.filter(warmed + i);
            byte[] prioritizeBody = bodies.prioritize(warmed + i);
            long t0 = System.nanoTime();
            call(client, filter, filterBody);
            long t1 = System.nanoTime();
            call(client, prioritize, prioritizeBody);
            long t = System.nanoTime() - t0;
            filterCalls[i] = t1 - t0;
            prioritizeCalls[i] = t - filterCalls[i];
            samples[i] = t;
            busy += t;
        }
        log.releaseCap();
        System.out.printf("info %s warmup_ops=%d jit_compile_ms_during_run=%d%n", name, warmed, JvmCounters.compileMillis() - compiled);
        long cpuPerOp = (JvmCounters.processCpuNanos() - cpuStart) / ops / 1000;
        Map<String, Long> threadsEnd = JvmCounters.byThreadGroup(false);
        Map<String, Long> allocEnd = JvmCounters.byThreadGroup(true);
        long[] gcEnd = JvmCounters.gc();
        if (System.getProperty("bench.dump") != null) {
            try (java.io.PrintWriter w = new java.io.PrintWriter(System.getProperty("bench.dump") + "-" + name)) {
                for (long t : samples) {
                    w.println(t / 1000);
                }
            }
        }
        Arrays.sort(samples);
        Arrays.sort(filterCalls);
        Arrays.sort(prioritizeCalls);
        long p50 = percentile(samples, 0.50) / 1000;
        long p99 = percentile(samples, 0.99) / 1000;
        double perSecond = ops / (busy / 1e9);
        // whole numbers, except below 10 ops/s where a rounded 0 or 1 would hide a 3x difference
        String rate = perSecond >= 10 ? String.valueOf(Math.round(perSecond)) : String.format("%.2f", perSecond);
        System.out.printf("bench %s p50_us=%d p99_us=%d ops_per_s=%s%n", name, p50, p99, rate);
        // CPU of the whole JVM (client, server, log writer, GC) per op: unlike latency, it hardly
        // depends on what else the machine runs, so it compares cases fairly on a shared box
        System.out.printf("info %s cpu_us_per_op=%d%n", name, cpuPerOp);
        System.out.printf("info %s call_p50_us filter=%d prioritize=%d%n", name, filterCalls[ops / 2] / 1000, prioritizeCalls[ops / 2] / 1000);
        System.out.printf("info %s cpu_us_per_op_by_thread:%s%n", name, JvmCounters.perOp(threadsStart, threadsEnd, ops * 1000L));
        System.out.printf("info %s alloc_kb_per_op_by_thread:%s%n", name, JvmCounters.perOp(allocStart, allocEnd, ops * 1024L));
        // a collection pauses every op it lands on: how many landed in the measured ops
        System.out.printf("info %s gc_during_run count=%d ms=%d%n", name, gcEnd[0] - gcStart[0], gcEnd[1] - gcStart[1]);
        return true;
    }

    /** The {@code q} quantile of ascending {@code sorted}: the smallest value at least a {@code q} share of them reach. */
    static long percentile(long[] sorted, double q) {
        return sorted[(int) Math.ceil(sorted.length * q) - 1];
    }

    /** Whether {@code -Dbench.only} (a comma-separated list of cases; empty for all) lets case {@code name} run. */
    boolean selected(String name) {
        String only = System.getProperty("bench.only", "");
        return only.isEmpty() || Arrays.asList(only.split(",")).contains(name);
    }

    /** One POST; anything but a non-empty 200 stops the bench. */
    static byte[] call(HttpClient client, String url, byte[] body) throws Exception {
        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200 || r.body().length == 0) {
            throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + new String(r.body(), 0, Math.min(300, r.body().length)));
        }
        return r.body();
    }
}
