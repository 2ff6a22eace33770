package dev.berth.extender.state.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.extender.cli.ServeOptions;
import dev.berth.extender.state.StateBackend;
import dev.berth.extender.state.StateBackendFactory;
import dev.berth.extender.state.kube.ClientSource.Kind;
import dev.berth.testbed.k8s.KubeApiTestBed;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class KubeBackendFactoryTest {

    record SourceRow(String name, Path flag, Map<String, String> env, boolean tokenExists, ClientSource expected) {}

    static Stream<SourceRow> sources() {
        Path flag = Path.of("/etc/berth/kubeconfig");
        Map<String, String> inPod = Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1");
        return Stream.of(
                new SourceRow("flag wins over everything", flag, inPod, true, new ClientSource(Kind.KUBECONFIG_FLAG, flag)),
                new SourceRow("in a pod: service account", null, inPod, true, new ClientSource(Kind.IN_CLUSTER, null)),
                new SourceRow("service host but no token: not really in a pod", null, inPod, false,
                        new ClientSource(Kind.STANDARD, null)), // e.g. a dev shell exporting the variable
                new SourceRow("empty service host is unset", null, Map.of("KUBERNETES_SERVICE_HOST", ""), true,
                        new ClientSource(Kind.STANDARD, null)),
                new SourceRow("laptop: $KUBECONFIG or ~/.kube/config", null, Map.of(), false,
                        new ClientSource(Kind.STANDARD, null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void theApiIsFoundFromTheFlagThenInClusterThenTheStandardFiles(SourceRow row) {
        assertThat(ClientSource.choose(row.flag(), row.env(), p -> row.tokenExists())).isEqualTo(row.expected());
    }

    @Test
    void serveFindsTheKubernetesBackendThroughServiceLoader() {
        List<StateBackendFactory> found = StreamSupport
                .stream(ServiceLoader.load(StateBackendFactory.class).spliterator(), false).toList();
        assertThat(found).extracting(StateBackendFactory::name).containsExactly("kubernetes");
        assertThat(found.get(0)).isInstanceOf(KubeBackendFactory.class);
    }

    @Test
    void aKubeconfigFlagConnectsTheInformersToThatServer(@TempDir Path dir) throws Exception {
        try (KubeApiTestBed bed = KubeApiTestBed.start()) {
            bed.load("testbed/three-racks.yaml");
            Path kubeconfig = TricklingApiServer.kubeconfig(dir, bed.url());
            ServeOptions d = ServeOptions.defaults();
            ServeOptions options = new ServeOptions(d.listen(), d.tls(), d.scoring(),
                    new ServeOptions.Sources(null, kubeconfig), d.logging());
            try (StateBackend backend = new KubeBackendFactory().start(options)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> backend.state().synced());
                assertThat(backend.state().node("node-b").orElseThrow().rack()).isEqualTo("rack-b");
                assertThat(backend.binder()).isInstanceOf(KubePodBinder.class);
            }
        }
    }

    /**
     * The binder's calls are cut off as a whole after {@link KubeBackendFactory#CALL_TIMEOUT}: a server
     * that answers a byte every 500 ms (each read well inside the read timeout) for 20 s must not hold a
     * bind past the scheduler's httpTimeout (20 s for five such calls). A body cut off that way is a
     * failed bind with a reason (the API is unreachable), not a 500.
     */
    @Test
    void aTricklingApiServerIsCutOffAfterTheCallTimeoutAndTheBindFailsWithAReason(@TempDir Path dir) throws Exception {
        try (TricklingApiServer server = new TricklingApiServer()) {
            io.kubernetes.client.openapi.ApiClient client =
                    KubeBackendFactory.callClient(new ClientSource(Kind.KUBECONFIG_FLAG, server.kubeconfig(dir)));
            KubePodBinder binder = new KubePodBinder(new io.kubernetes.client.openapi.apis.CoreV1Api(client),
                    new dev.berth.extender.state.ReservationLedger(java.time.Clock.systemUTC()), node -> java.util.Optional.empty(),
                    java.time.Clock.systemUTC(), "test");
            long started = System.nanoTime();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> binder.bind(new dev.berth.extender.state.PodBinder.BindTarget(
                            "kafka", "orders-broker-0", "uid-0", "node-a", "rack-a", null)))
                    .isInstanceOf(dev.berth.extender.state.PodBinder.BindException.class)
                    .hasMessageContaining(KubePodBinder.API_UNREACHABLE);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(took).as("cut off near the 3 s call timeout, not after the 20 s trickle")
                    .isLessThan(Duration.ofSeconds(10));
        }
    }
}
