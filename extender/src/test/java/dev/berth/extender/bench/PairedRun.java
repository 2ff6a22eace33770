package dev.berth.extender.bench;

import java.net.http.HttpClient;
import java.util.Arrays;

/**
 * Informational: {@code names} against a floor ({@code echo-names}, or {@code canned-names}) in
 * alternating blocks of ops, so that both see the same neighbours.
 *
 * <p><b>Why.</b> The {@code bench} lines measure each case in a window of its own, about a second
 * long, tens of seconds apart. On this shared machine the echo's own p50 moved from 540 to 730 µs
 * within half an hour while names stayed near 1,000 µs, so the ratio of two windows swung from
 * 1.4× to 2.0× with no change in berth. Alternating short blocks puts every drift of the machine
 * into both cases alike.
 *
 * <p><b>Constraints.</b> Neither case may inherit the other's work. A names block leaves the
 * decision log writer one or two lines behind (about 150 µs of CPU each), and a block's first ops
 * run with caches the other case filled. So the first {@link #SKIPPED} ops of every block are not
 * kept: with 20-op blocks, the kept ops start more than 5 ms after the switch.
 *
 * <p><b>Algorithm.</b> For {@code blocks} rounds: a block of floor ops, then a block of names ops,
 * over the same request bodies. The op count runs on across blocks, so over 60 blocks both cases
 * send every pod's bodies equally often. The p50 and p99 of each case's kept ops, and their
 * ratios, are printed as one {@code info paired} line. Compare the p50s: the blocks span about
 * 2.5 s of wall time, against about 1 s for a case's own window, so their p99s catch more of the
 * neighbours' multi-millisecond outliers.
 *
 * <p>Checked with a per-position dump in two runs (not kept): only a block's first op shows the
 * switch (echo about 563 µs where its pods otherwise take about 470, names about 1,040 against
 * 860), so skipping four is ample. Medians by position otherwise alternate between two levels in
 * pairs, for echo and names alike: position {@code i} always sends pods {@code ≡ i (mod 20)}, and
 * pods {@code 4k} and {@code 4k+1} pin a rack, so filter passes only about 500 nodes for them.
 *
 * <p><b>Example.</b> 60 blocks of 20 ops: 960 kept ops per case. Names kept ops p50 1,047 µs, echo
 * 563 µs: {@code ratio_p50=1.86}.
 */
final class PairedRun {
    /** Ops at the start of each block that are run but not kept (see the class comment). */
    static final int SKIPPED = 4;

    private final HttpClient client;
    private final CappedLogFile log;

    PairedRun(HttpClient client, CappedLogFile log) {
        this.client = client;
        this.log = log;
    }

    /** Both cases must already be warm ({@link CaseRun#run} of each). */
    void run(String names, String namesUrl, String floor, String floorUrl, Bodies bodies, int blocks, int blockOps)
            throws Exception {
        int kept = blockOps - SKIPPED;
        long[] namesOps = new long[blocks * kept];
        long[] floorOps = new long[blocks * kept];
        System.gc();
        log.emptyAndHoldCap();
        int op = 0;
        for (int b = 0; b < blocks; b++) {
            op = block(floorUrl, bodies, op, blockOps, floorOps, b * kept);
            op = block(namesUrl, bodies, op, blockOps, namesOps, b * kept);
        }
        log.releaseCap();
        Arrays.sort(namesOps);
        Arrays.sort(floorOps);
        long n50 = CaseRun.percentile(namesOps, 0.50);
        long n99 = CaseRun.percentile(namesOps, 0.99);
        long f50 = CaseRun.percentile(floorOps, 0.50);
        long f99 = CaseRun.percentile(floorOps, 0.99);
        System.out.printf("info paired %s p50_us=%d p99_us=%d %s p50_us=%d p99_us=%d ratio_p50=%.2f ratio_p99=%.2f"
                + " (%d blocks of %d ops each, alternating, the first %d of each block not kept)%n",
                names, n50, n99, floor, f50, f99, (double) n50 / f50, (double) n99 / f99, blocks, blockOps, SKIPPED);
    }

    /** One block of {@code ops} ops from op number {@code op}; keeps all but the first {@link #SKIPPED} at {@code into[at..]}. */
    private int block(String url, Bodies bodies, int op, int ops, long[] into, int at) throws Exception {
        for (int i = 0; i < ops; i++, op++) {
            byte[] filterBody = bodies.filter(op);
            byte[] prioritizeBody = bodies.prioritize(op);
            long t0 = System.nanoTime();
            CaseRun.call(client, url + "/filter", filterBody);
            CaseRun.call(client, url + "/prioritize", prioritizeBody);
            long t = System.nanoTime() - t0;
            if (i >= SKIPPED) {
                into[at++] = t / 1000;
            }
        }
        return op;
    }
}
