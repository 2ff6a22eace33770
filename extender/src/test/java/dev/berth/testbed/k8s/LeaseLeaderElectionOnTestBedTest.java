package dev.berth.testbed.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.kubernetes.client.extended.leaderelection.LeaderElector;
import io.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * client-java-extended's LeaderElector with a LeaseLock (what the operator runs) works against the
 * bed: the Lease is created without kind/apiVersion (the bridge adds them) and updated with
 * resourceVersion preconditions (the mock's 409s decide who wins).
 */
class LeaseLeaderElectionOnTestBedTest {

    /**
     * Short but not tight: two candidates on a loaded 2-core machine must not flap. The elector
     * gives each lease call one retry period to answer, so that must not be tiny either.
     */
    private static final Duration LEASE = Duration.ofSeconds(2);
    private static final Duration RENEW_DEADLINE = Duration.ofMillis(1500);
    private static final Duration RETRY = Duration.ofMillis(500);

    private static KubeApiTestBed bed;

    @BeforeAll
    static void start() {
        bed = KubeApiTestBed.start();
    }

    @AfterAll
    static void stop() {
        bed.close();
    }

    @Test
    void exactlyOneOfTwoCandidatesLeadsAndTheOtherTakesOverWhenTheLeaderStops() throws Exception {
        Set<String> leading = ConcurrentHashMap.newKeySet();
        Map<String, LeaderElector> electors = new ConcurrentHashMap<>();
        ExecutorService candidates = Executors.newFixedThreadPool(2);
        try {
            for (String id : List.of("candidate-a", "candidate-b")) {
                LeaderElector elector = new LeaderElector(new LeaderElectionConfig(
                        new LeaseLock("berth-system", "berth-operator", id, bed.apiClient()), LEASE, RENEW_DEADLINE, RETRY));
                electors.put(id, elector);
                candidates.submit(() -> elector.run(() -> leading.add(id), () -> leading.remove(id)));
            }

            await().atMost(Duration.ofSeconds(10)).until(() -> leading.size() == 1);
            String first = leading.iterator().next();
            String second = first.equals("candidate-a") ? "candidate-b" : "candidate-a";
            // Exactly one, and it stays that way across several renewals of the lease.
            await().during(LEASE).atMost(LEASE.multipliedBy(2)).until(() -> leading.equals(Set.of(first)));
            assertThat(holder()).isEqualTo(first);

            electors.get(first).close();

            await().atMost(LEASE.multipliedBy(5)).until(() -> leading.equals(Set.of(second)));
            await().atMost(LEASE).until(() -> second.equals(holder()));
        } finally {
            electors.values().forEach(LeaderElector::close);
            candidates.shutdownNow();
        }
    }

    private static String holder() throws Exception {
        return new CoordinationV1Api(bed.apiClient()).readNamespacedLease("berth-operator", "berth-system")
                .execute().getSpec().getHolderIdentity();
    }
}
