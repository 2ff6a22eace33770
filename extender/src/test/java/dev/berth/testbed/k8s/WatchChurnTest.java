package dev.berth.testbed.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.reflect.TypeToken;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.util.Watch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.Call;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Watch churn must never stall the API: informers drop and reopen watches all the time (timeouts,
 * restarts, test classes closing their informers), and each dropped watch ends a WebSocket on the
 * fabric8 mock. The mock handles that end on its only event loop and there waits for the watch's
 * event sender, whose pending send needs that same event loop: a stall of up to 30 s for every
 * other request (see {@link OffLoopWatchDispatcher}). Here many watches are opened and dropped
 * abruptly while their objects keep changing, and plain GETs must keep answering fast throughout.
 */
class WatchChurnTest {

    private static final String NS = "churn";
    private static final int WATCHES = 50;
    private static final int ROUNDS = 3;
    /** A local GET takes milliseconds; even on a loaded machine 2 s means something is stuck. */
    private static final Duration FAST = Duration.ofSeconds(2);

    private static KubeApiTestBed bed;
    private static CoreV1Api core;
    private static CoreV1Api watching;
    private static final ExecutorService threads = Executors.newCachedThreadPool();

    @BeforeAll
    static void start() {
        bed = KubeApiTestBed.start();
        core = new CoreV1Api(bed.apiClient());
        watching = new CoreV1Api(bed.informerClient());
    }

    @AfterAll
    static void stop() {
        threads.shutdownNow();
        bed.close();
    }

    @Test
    void droppingManyWatchesWhileTheirObjectsChangeNeverStallsPlainCalls() throws Exception {
        core.createNamespacedPod(NS, KubeApiTestBedTest.pod(NS, "probe")).execute();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong slowestGetMillis = new AtomicLong();
        AtomicInteger gets = new AtomicInteger();
        AtomicInteger writes = new AtomicInteger();
        Future<?> writer = threads.submit(() -> {
            // Every write is an event for every open watch, so sends are always in flight. Create and
            // delete the same pod: the store stays small, so each new watch's replay stays short.
            while (!stop.get()) {
                core.createNamespacedPod(NS, KubeApiTestBedTest.pod(NS, "churner")).execute();
                core.deleteNamespacedPod("churner", NS).execute();
                writes.addAndGet(2);
            }
            return null;
        });
        Future<?> prober = threads.submit(() -> {
            while (!stop.get()) {
                long t0 = System.nanoTime();
                core.readNamespacedPod("probe", NS).execute();
                slowestGetMillis.accumulateAndGet((System.nanoTime() - t0) / 1_000_000, Math::max);
                gets.incrementAndGet();
            }
            return null;
        });
        try {
            for (int round = 0; round < ROUNDS; round++) {
                String rv = core.listNamespacedPod(NS).execute().getMetadata().getResourceVersion();
                long servedBefore = bed.servedWatches();
                List<Call> open = new ArrayList<>();
                for (int i = 0; i < WATCHES; i++) { // informer-style: from the list's resourceVersion
                    Call call = watching.listNamespacedPod(NS).watch(true).resourceVersion(rv).timeoutSeconds(300)
                            .buildCall(null);
                    Watch<V1Pod> w = Watch.createWatch(bed.informerClient(), call,
                            new TypeToken<Watch.Response<V1Pod>>() {}.getType());
                    open.add(call);
                    threads.submit(() -> drain(w));
                }
                // each watch call returned its headers, so the bridge opened all of them on the mock;
                // under this churn the mock may end one by itself now and then, so do not wait for
                // all of them to be open still: what matters is that the rest are dropped mid-stream
                assertThat(bed.servedWatches() - servedBefore).isEqualTo(WATCHES);
                assertThat(bed.openWatches()).isPositive();

                for (Call call : open) {
                    call.cancel(); // abrupt: the client hangs up mid-stream (the reader then closes its Watch)
                }

                await().atMost(Duration.ofSeconds(10)).until(() -> bed.openWatches() == 0);
                assertThat(slowestGetMillis.get()).as("slowest plain GET so far (ms)").isLessThan(FAST.toMillis());
            }
        } finally {
            stop.set(true);
        }
        writer.get();
        prober.get();
        assertThat(gets.get()).as("GETs answered during the churn").isGreaterThan(ROUNDS);
        assertThat(writes.get()).as("writes during the churn").isGreaterThan(ROUNDS);
        assertThat(slowestGetMillis.get()).as("slowest plain GET (ms)").isLessThan(FAST.toMillis());
    }

    private static Void drain(Watch<V1Pod> w) throws Exception {
        try (w) {
            for (Watch.Response<V1Pod> ignored : w) {
                // read as an informer would, until the stream ends
            }
        } catch (RuntimeException cancelledUnderUs) {
            // expected: the test hangs up
        }
        return null;
    }
}
