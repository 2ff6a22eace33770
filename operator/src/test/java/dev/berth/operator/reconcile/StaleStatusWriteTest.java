package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.operator.act.KubeWriter;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.api.KafkaClusterStatus;
import dev.berth.operator.api.OperationStatus;
import dev.berth.testbed.k8s.KubeApiTestBed;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A reconcile pass that read the KafkaCluster, was slow, and meanwhile another writer changed its
 * status (in production: the replica that took the Lease over while this one was stuck in a call).
 * The slow pass must not write the status it computed from the old object. Before, it did: it put
 * back an operation the other replica had finished, and a status row of a broker that replica had
 * removed, which made the operator recreate the broker (found by a probe with two operators on real
 * brokers). The API test bed answers a failed JSON-patch {@code test} with 422, as a real apiserver.
 *
 * <p>The step that holds the pass is a test double at the step boundary; what is under test is the
 * reconciler's status write.
 */
class StaleStatusWriteTest {
    static final String NS = "kafka";
    static final Duration WAIT = Duration.ofSeconds(30);

    /** The cluster whose next pass is held (one at a time; other clusters' passes go through). */
    static final java.util.concurrent.atomic.AtomicReference<String> holdNext = new java.util.concurrent.atomic.AtomicReference<>();
    static volatile CountDownLatch held = new CountDownLatch(1);
    static volatile CountDownLatch resume = new CountDownLatch(1);
    static final AtomicInteger passes = new AtomicInteger();
    static final OperationStatus MINE = new OperationStatus(OperationStatus.SCALE_UP, "Reassigning", List.of(1), 0L,
            null, 0, null, "2026-11-26T11:59:00Z", "decided by the slow pass from the old object", Map.of());

    /** Clusters whose held pass's Event ran its "posted" callback (a step remembering it said something). */
    static final java.util.Set<String> postedCallbacks = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** What the held pass returns as the operation. */
    static volatile OperationStatus heldPassReturns = MINE;

    static KubeApiTestBed bed;
    static Operator operator;

    @BeforeAll
    static void start() {
        bed = KubeApiTestBed.start();
        bed.load(OperatorFixture.CRD);
        OperationStep holding = ctx -> {
            String target = holdNext.get();
            if (ctx.cluster().name().equals(target) && holdNext.compareAndSet(target, null)) {
                held.countDown();
                resume.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                passes.incrementAndGet();
                // what the slow pass decided from the object it read: an operation of its own, and an Event
                ctx.event("Normal", "HeldPassDecided", "decided by the held pass", () -> postedCallbacks.add(target));
                return new StepResult(true, heldPassReturns, List.of(), null);
            }
            passes.incrementAndGet();
            return StepResult.NOTHING;
        };
        operator = new Operator(bed.informerClient(), bed.apiClient(),
                OperatorFixture.config(NS, "127.0.0.1:1", "berth-operator", "op-stale"), List.of(holding), Clock.systemUTC());
        operator.start();
    }

    @AfterAll
    static void stop() {
        resume.countDown();
        OperatorFixture.closeAll(operator, bed);
    }

    @Test
    void aPassThatReadAnOlderKafkaClusterDoesNotWriteItsStatus() throws Exception {
        OperatorFixture.create(bed, NS, "slow", OperatorFixture.spec(1, 3, null));
        await("first status").atMost(WAIT).until(() -> OperatorFixture.get(bed, NS, "slow").getStatus().phase() != null);

        heldPassReturns = MINE;
        held = new CountDownLatch(1);
        resume = new CountDownLatch(1);
        holdNext.set("slow");
        assertThat(held.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue(); // a pass has read the object and waits
        KafkaCluster now = OperatorFixture.get(bed, NS, "slow");
        OperationStatus theirs = new OperationStatus(OperationStatus.SCALE_UP, "Reassigning", List.of(2), 0L, null, 0,
                null, "2026-11-26T12:00:00Z", "written by the replica that leads now", Map.of());
        KafkaClusterStatus s = now.getStatus();
        new KubeWriter(bed.apiClient(), Clock.systemUTC()).patchStatus(now, new KafkaClusterStatus(s.observedGeneration(),
                s.phase(), s.ready(), s.conditions(), s.brokers(), s.controllers(), theirs, null));

        int before = passes.get();
        resume.countDown();
        await("the held pass ended and a later one ran").atMost(WAIT).until(() -> passes.get() >= before + 2);
        assertThat(OperatorFixture.get(bed, NS, "slow").getStatus().operation()).isEqualTo(theirs).isNotEqualTo(MINE);
        // its Event neither: the pass did not count (before, it was posted at once, whatever became of the pass)
        assertThat(heldPassEvents("slow")).isZero();
        assertThat(postedCallbacks).as("nor does a step that remembers it posted it").doesNotContain("slow");
    }

    static long heldPassEvents(String cluster) throws Exception {
        return new io.kubernetes.client.openapi.apis.CoreV1Api(bed.apiClient()).listNamespacedEvent(NS).execute().getItems()
                .stream().filter(e -> "HeldPassDecided".equals(e.getReason())
                        && cluster.equals(e.getInvolvedObject().getName())).count();
    }
    /**
     * The other side of the same write: a pass that acted on Kafka (submitted a batch and recorded its
     * replica lists, which a call-off needs to put partitions back) while the user edited the spec.
     * The edit changes the resourceVersion, so the status write is refused; before, what the pass did
     * was lost with it. Now the operation alone is written over the fresh object, since nobody else
     * changed the operation meanwhile. (Which operations count as acting is
     * {@code KeepOperationRuleTest}'s table.)
     */
    @Test
    void aPassThatActedWhileTheSpecWasEditedStillRecordsItsOperation() throws Exception {
        OperatorFixture.create(bed, NS, "edited", OperatorFixture.spec(1, 3, null));
        await("first status").atMost(WAIT).until(() -> OperatorFixture.get(bed, NS, "edited").getStatus().phase() != null);
        OperationStatus running = new OperationStatus(OperationStatus.SCALE_UP, "Reassigning", List.of(3), 0L, null, 0,
                null, "2026-11-26T12:00:00Z", "a batch is about to be submitted", Map.of());
        KafkaCluster now = OperatorFixture.get(bed, NS, "edited");
        KafkaClusterStatus s = now.getStatus();
        new KubeWriter(bed.apiClient(), Clock.systemUTC()).patchStatus(now, new KafkaClusterStatus(s.observedGeneration(),
                s.phase(), s.ready(), s.conditions(), s.brokers(), s.controllers(), running, null));
        OperationStatus submitted = new OperationStatus(OperationStatus.SCALE_UP, "Reassigning", List.of(3), 0L, 1000L, 0,
                1, "2026-11-26T12:00:00Z", "a batch was submitted", Map.of(MoveCancel.ORIGINS, "orders-0:1,2,0"));
        heldPassReturns = submitted;
        held = new CountDownLatch(1);
        resume = new CountDownLatch(1);
        await("the operation is read back").atMost(WAIT).until(() -> running.equals(OperatorFixture.get(bed, NS, "edited")
                .getStatus().operation()));
        holdNext.set("edited");
        assertThat(held.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue(); // a pass of "edited" read it and waits
        OperatorFixture.clusters(bed).patch(NS, "edited", io.kubernetes.client.custom.V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                new io.kubernetes.client.custom.V1Patch("{\"spec\":{\"rebalance\":{\"throttleBytesPerSec\":1000}}}"))
                .throwsApiException();

        int before = passes.get();
        resume.countDown();
        await("the held pass ended and a later one ran").atMost(WAIT).until(() -> passes.get() >= before + 2);
        assertThat(OperatorFixture.get(bed, NS, "edited").getStatus().operation()).isEqualTo(submitted);
        assertThat(heldPassEvents("edited")).as("its operation counted, so does its Event").isEqualTo(1);
        assertThat(postedCallbacks).as("and the step learns it was posted").contains("edited");
    }

    /**
     * The leader's close() waits for a pass under way before it hands the Lease over; client-java's
     * controller shutdown does not. Before, close() returned (and released the Lease) at once, and the
     * standby could lead while the old pass still acted.
     */
    @Test
    void aClosingLeaderWaitsForThePassUnderWay() throws Exception {
        CountDownLatch inPass = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        OperationStep slow = ctx -> {
            if (first.getAndSet(false)) {
                inPass.countDown();
                letGo.await(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            return StepResult.NOTHING;
        };
        Operator leader = new Operator(bed.informerClient(), bed.apiClient(), new OperatorConfig("closing", "127.0.0.1:1",
                Duration.ofMillis(500), "closing", "closing", "op-closing", Duration.ofSeconds(60), Duration.ofSeconds(45),
                Duration.ofMillis(200)), List.of(slow), Clock.systemUTC());
        Thread closer = new Thread(leader::close, "closer");
        try {
            leader.start();
            OperatorFixture.create(bed, "closing", "c", OperatorFixture.spec(1, 1, null));
            assertThat(inPass.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            closer.start();
            // without the wait, close() takes about 2 s here (client-java's elector shutdown); 4 s is past that
            await("close() waits for the pass under way").during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6))
                    .until(closer::isAlive);
            letGo.countDown();
            closer.join(WAIT.toMillis());
            assertThat(closer.isAlive()).as("close() returns once the pass ended").isFalse();
        } finally {
            letGo.countDown();
            if (!closer.isAlive()) {
                closer.join();
            }
            leader.close();
        }
    }
    /**
     * A pass still acting when the grace runs out: close() returns, and the Lease stays held by this replica
     * until it expires, so that no standby leads beside the pass. client-java's elector gives the Lease up on
     * close whenever its replica leads; that give-up is refused then.
     */
    @Test
    void aClosingLeaderWhosePassOutlastsTheGraceKeepsTheLease() throws Exception {
        CountDownLatch inPass = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        OperationStep stuck = ctx -> {
            if (first.getAndSet(false)) {
                inPass.countDown();
                letGo.await(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            return StepResult.NOTHING;
        };
        Operator leader = new Operator(bed.informerClient(), bed.apiClient(), new OperatorConfig("stuck", "127.0.0.1:1",
                Duration.ofMillis(500), "stuck", "stuck", "op-stuck", Duration.ofSeconds(60), Duration.ofSeconds(45),
                Duration.ofMillis(200)), List.of(stuck), Clock.systemUTC());
        leader.passGrace(Duration.ofSeconds(1));
        try {
            leader.start();
            OperatorFixture.create(bed, "stuck", "c", OperatorFixture.spec(1, 1, null));
            assertThat(inPass.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            leader.close(); // the grace runs out with the pass still in it
            var lease = new io.kubernetes.client.openapi.apis.CoordinationV1Api(bed.apiClient())
                    .readNamespacedLease("stuck", "stuck").execute();
            assertThat(lease.getSpec().getHolderIdentity()).as("held until it expires, not handed over").isEqualTo("op-stuck");
        } finally {
            letGo.countDown();
            leader.close();
        }
    }
}
