package dev.berth.operator.reconcile;

import static dev.berth.operator.reconcile.OperatorFixture.create;
import static dev.berth.operator.reconcile.OperatorFixture.pods;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.testbed.k8s.KubeApiTestBed;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * New brokers are handed to the scheduler one at a time ({@link dev.berth.operator.plan.PlacementQueue}), with
 * the operator's default hold, on the Kubernetes API test bed. The test plays kube-scheduler: a node, or its
 * {@code Unschedulable} verdict, lets the next new broker go; a rack stamp alone does not (a pinned pod carries
 * one from its creation, and the extender counts it in its rack only once it is bound).
 */
class NewBrokersOneAtATimeTest {
    private static final String NS = "one-at-a-time";
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** How long a broker pod must stay absent to count as held: many passes (500 ms interval, 1 s after a create). */
    private static final Duration HELD = Duration.ofSeconds(3);

    static KubeApiTestBed bed;
    static Operator operator;

    @BeforeAll
    static void start() {
        bed = KubeApiTestBed.start();
        bed.load(OperatorFixture.CRD);
        operator = OperatorFixture.operator(bed, OperatorFixture.placingConfig(NS, "127.0.0.1:1", "berth-operator", "op-queue"));
        operator.start();
    }

    @AfterAll
    static void stop() {
        OperatorFixture.closeAll(operator, bed);
    }

    private static Set<String> podNames(String cluster) throws Exception {
        Set<String> out = new TreeSet<>();
        pods(bed, NS, cluster).forEach(p -> out.add(p.getMetadata().getName()));
        return out;
    }

    private static V1Pod pod(String cluster, String name) throws Exception {
        return pods(bed, NS, cluster).stream().filter(p -> p.getMetadata().getName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void eachNewBrokerWaitsUntilTheOneBeforeItIsPlacedOrFoundNoNode() throws Exception {
        create(bed, NS, "q", OperatorFixture.spec(1, 3, null));
        await().atMost(WAIT).until(() -> podNames("q").contains("q-broker-0"));
        await().during(HELD).atMost(HELD.plus(WAIT)).until(() -> podNames("q").equals(Set.of("q-broker-0", "q-controller-0")));

        // the extender's bind stamps the rack, then binds: only the node lets broker 1 go
        OperatorFixture.patchPod(bed, NS, "q-broker-0", "{\"metadata\":{\"annotations\":{\"berth.dev/rack\":\"zone-a\"}}}");
        await().during(HELD).atMost(HELD.plus(WAIT)).until(() -> !podNames("q").contains("q-broker-1"));
        OperatorFixture.patchPod(bed, NS, "q-broker-0", "{\"spec\":{\"nodeName\":\"n1\"}}");
        await().atMost(WAIT).until(() -> podNames("q").contains("q-broker-1"));
        await().during(HELD).atMost(HELD.plus(WAIT)).until(() -> !podNames("q").contains("q-broker-2"));

        // kube-scheduler finds no node for broker 1: no placement is in flight, broker 2 goes
        OperatorFixture.markUnschedulable(bed, pod("q", "q-broker-1"));
        await().atMost(WAIT).until(() -> podNames("q").contains("q-broker-2"));
        // brokers that waited their turn were created, not recreated (their status rows came first)
        assertThat(new io.kubernetes.client.openapi.apis.CoreV1Api(bed.apiClient()).listNamespacedEvent(NS).execute()
                .getItems().stream().filter(e -> "q".equals(e.getInvolvedObject().getName()))
                .map(io.kubernetes.client.openapi.models.CoreV1Event::getReason)).doesNotContain("PodRecreated");
    }

    @Test
    void aRecreatedBrokerWithItsRackNeverWaits() throws Exception {
        create(bed, NS, "r", OperatorFixture.spec(1, 2, null));
        await().atMost(WAIT).until(() -> podNames("r").contains("r-broker-0"));
        await().during(HELD).atMost(HELD.plus(WAIT)).until(() -> !podNames("r").contains("r-broker-1"));
        OperatorFixture.patchPod(bed, NS, "r-broker-0", "{\"spec\":{\"nodeName\":\"n1\"}}");
        await().atMost(WAIT).until(() -> podNames("r").contains("r-broker-1"));
        String firstUid = pod("r", "r-broker-0").getMetadata().getUid();

        // broker 1 is being placed; broker 0, which the status remembers in a rack, is lost and recreated at once
        OperatorFixture.patchPod(bed, NS, "r-broker-0", "{\"metadata\":{\"annotations\":{\"berth.dev/rack\":\"zone-a\"}}}");
        await().atMost(WAIT).until(() -> OperatorFixture.get(bed, NS, "r").getStatus().brokers().stream()
                .anyMatch(b -> b.id() == 0 && "zone-a".equals(b.rack())));
        new io.kubernetes.client.openapi.apis.CoreV1Api(bed.apiClient()).deleteNamespacedPod("r-broker-0", NS).execute();
        await().atMost(WAIT).until(() -> podNames("r").contains("r-broker-0")
                && !pod("r", "r-broker-0").getMetadata().getUid().equals(firstUid));
        assertThat(pod("r", "r-broker-0").getMetadata().getAnnotations()).containsEntry("berth.dev/rack", "zone-a");
        assertThat(pod("r", "r-broker-1").getSpec().getNodeName()).as("broker 1 is still being placed").isNull();
    }
}
