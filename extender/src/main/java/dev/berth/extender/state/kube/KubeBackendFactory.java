package dev.berth.extender.state.kube;

import dev.berth.extender.cli.ServeOptions;
import dev.berth.extender.state.ClusterState;
import dev.berth.extender.state.PodBinder;
import dev.berth.extender.state.ReservationLedger;
import dev.berth.extender.state.StateBackend;
import dev.berth.extender.state.StateBackendFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code serve} without {@code --cluster-file}: informers on a Kubernetes API and the API binder,
 * sharing one {@link ReservationLedger} (default TTL, see there). Registered for
 * {@link java.util.ServiceLoader} in {@code META-INF/services/dev.berth.extender.state.StateBackendFactory}.
 *
 * <p>Two clients from the same source ({@link ClientSource}): the informers' with read timeout 0
 * (a watch is one long read), and the binder's with {@link #CALL_TIMEOUT} for connect, read and
 * write, and for each call as a whole. Bind makes at most five calls in sequence (read pod, patch
 * rack, post Binding, re-read after a conflict, take the rack stamp back when the Binding failed),
 * so 5 × 3 s stays under the 20 s {@code httpTimeout} of {@code scheduler-config/}.
 */
public final class KubeBackendFactory implements StateBackendFactory {
    private static final Logger LOG = LoggerFactory.getLogger(KubeBackendFactory.class);
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(3);

    @Override
    public String name() {
        return "kubernetes";
    }

    @Override
    public StateBackend start(ServeOptions options) throws IOException {
        ClientSource source = ClientSource.choose(options.sources().kubeconfig(), System.getenv(), Files::exists);
        ApiClient watchClient = client(source, Duration.ZERO);
        ApiClient callClient = callClient(source);
        LOG.info("Kubernetes API {} from {}", callClient.getBasePath(), source);
        return start(watchClient, callClient, options.scoring().rackLabel(), Clock.systemUTC(), instanceName());
    }

    /** Wires the backend from ready clients (tests point these at the API test bed). */
    public static KubeBackend start(ApiClient watchClient, ApiClient callClient, String rackLabel, Clock clock,
            String instance) {
        ReservationLedger ledger = new ReservationLedger(clock);
        InformerClusterState state = new InformerClusterState(watchClient, rackLabel, ledger);
        KubePodBinder binder = new KubePodBinder(new CoreV1Api(callClient), ledger, state::node, clock, instance);
        state.start();
        return new KubeBackend(state, binder, List.of(watchClient, callClient));
    }

    /**
     * The binder's client: connect, write and read each get {@link #CALL_TIMEOUT}, and so does each
     * call as a whole. Without the whole-call bound, a server that trickles its answer (a byte every
     * second: each read well inside its timeout) held a bind past the scheduler's {@code httpTimeout}.
     */
    static ApiClient callClient(ClientSource source) throws IOException {
        ApiClient c = client(source, CALL_TIMEOUT);
        c.setConnectTimeout((int) CALL_TIMEOUT.toMillis());
        c.setWriteTimeout((int) CALL_TIMEOUT.toMillis());
        c.setHttpClient(c.getHttpClient().newBuilder().callTimeout(CALL_TIMEOUT).build());
        return c;
    }

    static ApiClient client(ClientSource source, Duration readTimeout) throws IOException {
        ClientBuilder builder = switch (source.kind()) {
            case KUBECONFIG_FLAG -> {
                Path file = source.kubeconfig();
                try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    KubeConfig config = KubeConfig.loadKubeConfig(r);
                    config.setFile(file.toAbsolutePath().toFile()); // relative cert paths resolve beside it
                    yield ClientBuilder.kubeconfig(config);
                }
            }
            case IN_CLUSTER -> ClientBuilder.cluster();
            case STANDARD -> ClientBuilder.standard();
        };
        return builder.setReadTimeout(readTimeout).build();
    }

    /** The Event's reportingInstance: the pod name (downward API) or the host name. */
    static String instanceName() {
        String pod = System.getenv("POD_NAME");
        if (pod != null && !pod.isEmpty()) {
            return pod;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "berth-extender";
        }
    }

    /** The running backend: informer state, binder, and the clients to release on close. */
    public static final class KubeBackend implements StateBackend {
        private final InformerClusterState state;
        private final KubePodBinder binder;
        private final List<ApiClient> clients;

        KubeBackend(InformerClusterState state, KubePodBinder binder, List<ApiClient> clients) {
            this.state = state;
            this.binder = binder;
            this.clients = clients;
        }

        @Override
        public ClusterState state() {
            return state;
        }

        /** The informer state itself (its ledger and problems), for diagnostics and tests. */
        public InformerClusterState informerState() {
            return state;
        }

        @Override
        public PodBinder binder() {
            return binder;
        }

        @Override
        public void close() {
            try {
                state.close();
            } catch (RuntimeException e) {
                LOG.warn("stopping informers: {}", e.toString());
            }
            for (ApiClient c : clients) {
                c.getHttpClient().dispatcher().executorService().shutdown();
                c.getHttpClient().connectionPool().evictAll();
            }
        }
    }
}
