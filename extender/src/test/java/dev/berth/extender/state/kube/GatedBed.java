package dev.berth.extender.state.kube;

import dev.berth.testbed.k8s.KubeApiTestBed;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The Kubernetes API test bed with a {@link WatchGate} in front of the informers, shared per test
 * class by the tests that make the informer lag. It closes what it was given to own (informers,
 * servers) in reverse order, after opening the gate so that no held watch blocks a shutdown, and
 * the bed last.
 *
 * <pre>{@code
 * @AutoClose static GatedBed env;
 * @BeforeAll static void start() { env = new GatedBed(); state = env.own(new InformerClusterState(env.informerClient(), ...)); }
 * @AfterEach void openGate() { env.gate.open(); }
 * }</pre>
 */
final class GatedBed implements AutoCloseable {
    final KubeApiTestBed bed = KubeApiTestBed.start();
    final WatchGate gate = new WatchGate();
    final CoreV1Api core = new CoreV1Api(bed.apiClient());
    private final Deque<AutoCloseable> owned = new ArrayDeque<>();

    /** An informer client (read timeout 0) whose pod watches pass the gate. */
    ApiClient informerClient() {
        return gate.informerClient(bed.url());
    }

    /** Closes {@code c} with the bed, before it. */
    <T extends AutoCloseable> T own(T c) {
        owned.push(c);
        return c;
    }

    @Override
    public void close() throws Exception {
        gate.open();
        try {
            while (!owned.isEmpty()) {
                owned.pop().close();
            }
        } finally {
            bed.close();
        }
    }
}
