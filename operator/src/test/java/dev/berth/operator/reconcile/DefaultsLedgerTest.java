package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.act.KubeWriter;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.api.KafkaClusterSpec;
import dev.berth.operator.observe.KubeView;
import dev.berth.testbed.k8s.KubeApiTestBed;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The record of written defaults over real HTTP against the API test bed, with the operator's view
 * of the ConfigMap (its informer cache) handed in by the test, so that a cache that lags can be shown.
 */
class DefaultsLedgerTest {
    static final String NS = "ledger";
    static KubeApiTestBed bed;
    static CoreV1Api core;

    @BeforeAll
    static void start() {
        bed = KubeApiTestBed.start();
        core = new CoreV1Api(bed.apiClient());
    }

    @AfterAll
    static void stop() {
        bed.close();
    }

    @Test
    void aChangeIsBuiltOnTheApiServersRecordWhenTheCacheLagsBehindIt() throws Exception {
        // a pass ago the record took "k" (a write-ahead whose Kafka write then failed); the cache has not seen it
        create("lag", "k");
        DefaultsLedger ledger = ledger("lag", null, Set.of("k", "j"), Set.of());
        ledger.before(Set.of("j"));
        assertThat(recordOf("lag")).as("k kept, j added").isEqualTo("j,k");
    }

    @Test
    void keysGoOnceKafkaTookTheirDeleteAndTheRecordIsLeftAloneWhenNothingChanges() throws Exception {
        create("del", "a,b");
        DefaultsLedger ledger = ledger("del", "a,b", Set.of("b"), Set.of("a", "b"));
        assertThat(ledger.orphans()).containsExactly("a");
        ledger.before(Set.of());
        ledger.written(Set.of("a"));
        assertThat(recordOf("del")).isEqualTo("b");

        String version = core.readNamespacedConfigMap("del-config", NS).execute().getMetadata().getResourceVersion();
        ledger("del", "b", Set.of("b"), Set.of("b")).settle();
        assertThat(core.readNamespacedConfigMap("del-config", NS).execute().getMetadata().getResourceVersion())
                .as("no write when the record says what it should").isEqualTo(version);
    }

    @Test
    void aKeyGoneFromTheSpecAndFromKafkaLeavesTheRecord() throws Exception {
        create("gone", "a,p");
        // "p": a key the spec dropped whose default is gone (a person deleted it); "a": wanted, present
        ledger("gone", "a,p", Set.of("a"), Set.of("a")).settle();
        assertThat(recordOf("gone")).isEqualTo("a");
    }

    private static void create(String cluster, String record) throws Exception {
        core.createNamespacedConfigMap(NS, new V1ConfigMap().metadata(new V1ObjectMeta().name(cluster + "-config")
                .namespace(NS).annotations(Map.of("berth.dev/defaults-written", record)))).execute();
    }

    private static String recordOf(String cluster) throws Exception {
        return core.readNamespacedConfigMap(cluster + "-config", NS).execute().getMetadata().getAnnotations()
                .get("berth.dev/defaults-written");
    }

    /** A ledger whose cache shows {@code cached} as the record ({@code null}: no annotation yet). */
    private static DefaultsLedger ledger(String cluster, String cached, Set<String> wanted, Set<String> present) {
        V1ConfigMap seen = new V1ConfigMap().metadata(new V1ObjectMeta().name(cluster + "-config").namespace(NS)
                .annotations(cached == null ? null : Map.of("berth.dev/defaults-written", cached)));
        KafkaCluster c = new KafkaCluster(new V1ObjectMeta().name(cluster).namespace(NS).uid("u-" + cluster),
                KafkaClusterSpec.defaults());
        StepContext ctx = new StepContext(c, new KubeView(Map.of(), Map.of(), Map.of(), Map.of(cluster + "-config", seen),
                Set.of()), null, null, new TreeSet<>(), null, new KubeWriter(bed.apiClient(), Clock.systemUTC()),
                Clock.systemUTC(), new StepEvents());
        return new DefaultsLedger(ctx, wanted, present);
    }
}
