package dev.berth.testbed.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.reflect.TypeToken;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.util.Watch;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import okhttp3.Call;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bridge's watch relay at the wire level, through client-java's own {@link Watch} (chunked
 * lines, as informers read them): resourceVersion, label selectors and timeouts behave like a real
 * apiserver's.
 */
class WatchRelayTest {

    private static KubeApiTestBed bed;
    private static CoreV1Api core;
    /** Watch calls are built on the read-timeout-0 client: the call carries its client's timeouts. */
    private static CoreV1Api watching;
    private static final ExecutorService readers = Executors.newCachedThreadPool();

    @BeforeAll
    static void start() {
        bed = KubeApiTestBed.start();
        core = new CoreV1Api(bed.apiClient());
        watching = new CoreV1Api(bed.informerClient());
    }

    @AfterAll
    static void stop() {
        bed.close();
        readers.shutdownNow();
    }

    @Test
    void aWatchFromAListsResourceVersionSeesOnlyLaterChanges() throws Exception {
        core.createNamespacedPod("rv", KubeApiTestBedTest.pod("rv", "listed-before")).execute();
        String rv = core.listNamespacedPod("rv").execute().getMetadata().getResourceVersion();
        List<String> seen = new CopyOnWriteArrayList<>();
        try (Watch<V1Pod> w = watch(watching.listNamespacedPod("rv").watch(true).resourceVersion(rv).buildCall(null))) {
            read(w, seen);
            core.createNamespacedPod("rv", KubeApiTestBedTest.pod("rv", "created-after")).execute();

            await().atMost(Duration.ofSeconds(1)).until(() -> seen.contains("ADDED created-after"));
            assertThat(seen).containsExactly("ADDED created-after");
        }
    }

    @Test
    void aWatchWithoutResourceVersionStartsWithEveryExistingObject() throws Exception {
        core.createNamespacedPod("replay", KubeApiTestBedTest.pod("replay", "existing")).execute();
        List<String> seen = new CopyOnWriteArrayList<>();
        try (Watch<V1Pod> w = watch(watching.listNamespacedPod("replay").watch(true).buildCall(null))) {
            read(w, seen);
            await().atMost(Duration.ofSeconds(1)).until(() -> seen.contains("ADDED existing"));
        }
    }

    @Test
    void aLabelSelectedWatchSeesOnlyMatchingPods() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (Watch<V1Pod> w = watch(watching.listNamespacedPod("labels").watch(true).labelSelector("tier=gold").buildCall(null))) {
            read(w, seen);
            V1Pod bronze = KubeApiTestBedTest.pod("labels", "bronze");
            bronze.getMetadata().setLabels(Map.of("tier", "bronze"));
            core.createNamespacedPod("labels", bronze).execute();
            V1Pod gold = KubeApiTestBedTest.pod("labels", "gold");
            gold.getMetadata().setLabels(Map.of("tier", "gold"));
            core.createNamespacedPod("labels", gold).execute();

            await().atMost(Duration.ofSeconds(1)).until(() -> seen.contains("ADDED gold"));
            assertThat(seen).containsExactly("ADDED gold");
        }
    }

    @Test
    void aWatchEndsCleanlyAfterItsTimeoutSeconds() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (Watch<V1Pod> w = watch(watching.listNamespacedPod("timeout").watch(true).timeoutSeconds(1).buildCall(null))) {
            Future<?> reader = read(w, seen);
            await().atMost(Duration.ofSeconds(4)).until(reader::isDone);
            reader.get(); // a clean end of stream, not an error
        }
        await().atMost(Duration.ofSeconds(1)).until(() -> bed.openWatches() == 0);
    }

    @Test
    void aWatchIsReleasedSoonAfterItsClientHangsUp() throws Exception {
        await().atMost(Duration.ofSeconds(1)).until(() -> bed.openWatches() == 0); // earlier tests' watches
        Watch<V1Pod> w = watch(watching.listNamespacedPod("hang-up").watch(true).buildCall(null));
        Future<?> reader = read(w, new CopyOnWriteArrayList<>());
        await().atMost(Duration.ofSeconds(1)).until(() -> bed.openWatches() == 1);

        w.close();

        await().atMost(Duration.ofSeconds(1)).until(() -> bed.openWatches() == 0);
        await().atMost(Duration.ofSeconds(1)).until(reader::isDone);
    }

    @Test
    void closingTheBedEndsItsOpenWatches() throws Exception {
        KubeApiTestBed own = KubeApiTestBed.start();
        try (Watch<V1Pod> w = watch(own, new CoreV1Api(own.informerClient()).listPodForAllNamespaces().watch(true).buildCall(null))) {
            Future<?> reader = read(w, new CopyOnWriteArrayList<>());
            await().atMost(Duration.ofSeconds(1)).until(() -> own.openWatches() == 1);
            own.close();
            await().atMost(Duration.ofSeconds(3)).until(reader::isDone);
        }
    }

    private static Watch<V1Pod> watch(Call call) throws Exception {
        return watch(bed, call);
    }

    private static Watch<V1Pod> watch(KubeApiTestBed on, Call call) throws Exception {
        return Watch.createWatch(on.informerClient(), call, new TypeToken<Watch.Response<V1Pod>>() {}.getType());
    }

    /** Reads "TYPE name" lines in the background until the stream ends. */
    private static Future<?> read(Watch<V1Pod> w, List<String> seen) {
        return readers.submit(() -> {
            for (Watch.Response<V1Pod> e : w) {
                seen.add(e.type + " " + e.object.getMetadata().getName());
            }
            return null;
        });
    }
}
