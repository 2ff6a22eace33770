package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.act.desired.DesiredPods;
import dev.berth.operator.api.BrokersSpec;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.api.KafkaClusterSpec;
import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.observe.KubeView;
import dev.berth.operator.plan.CordonMoves;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * When a suspended operation holds other operations back and when it resumes ({@link MakeWay}): broker 0
 * on node n0, broker 1 on n1. The suspension itself runs on real brokers in {@code ScaleMakesWayTest}.
 */
class MakeWayTest {
    static final OperationStatus SCALE_UP = new OperationStatus(OperationStatus.SCALE_UP, ScaleUpStep.PHASE, List.of(3),
            10L, null, 1, null, "2026-11-27T00:00:00Z", "Suspended", Map.of());
    static final OperationStatus RESTART = new OperationStatus(RestartStep.TYPE, RestartStep.RESTARTING, List.of(1),
            null, null, null, null, "2026-11-27T00:01:00Z", "m", Map.of());

    record Held(String why, OperationStatus inFlight, OperationStatus suspended, String type, boolean held) {}

    @Test
    void whileOneIsSuspendedOnlyTheMovesOffCordonedNodesMayStart() {
        Held[] rows = {
            new Held("nothing suspended", null, null, OperationStatus.SCALE_DOWN, false),
            new Held("a scale-down may not start", null, SCALE_UP, OperationStatus.SCALE_DOWN, true),
            new Held("nor a new scale-up", null, SCALE_UP, OperationStatus.SCALE_UP, true),
            new Held("nor hot partitions", null, SCALE_UP, HotPartitionStep.TYPE, true),
            new Held("a broker's move off a cordoned node may", null, SCALE_UP, RestartStep.TYPE, false),
            new Held("a controller's too", null, SCALE_UP, ControllerRollStep.TYPE, false),
            new Held("one in flight is the gate's business, not this", RESTART, SCALE_UP, OperationStatus.SCALE_UP, false),
        };
        for (Held r : rows) {
            assertThat(MakeWay.holdsBack(ctx(Set.of(), r.inFlight(), r.suspended()), r.type())).as(r.why()).isEqualTo(r.held());
        }
    }

    record Resume(String why, Set<String> cordoned, OperationStatus inFlight, OperationStatus suspended,
            OperationStatus operationAfter, OperationStatus suspendedAfter, String event) {

        Resume(String why, Set<String> cordoned, OperationStatus inFlight, OperationStatus suspended,
                OperationStatus operationAfter, OperationStatus suspendedAfter) {
            this(why, cordoned, inFlight, suspended, operationAfter, suspendedAfter, suspended != null && suspendedAfter == null
                    ? "no broker or controller must move off a cordoned node any more" : null);
        }
    }

    @Test
    void aSuspendedOperationResumesOnceNoOperationRunsAndNoPodMustMoveOffACordonedNode() {
        Resume[] rows = {
            new Resume("nothing holds it", Set.of(), null, SCALE_UP, SCALE_UP, null),
            new Resume("nodes not watched: nothing known to wait for", null, null, SCALE_UP, SCALE_UP, null),
            new Resume("the restart that moves broker 1 still runs", Set.of(), RESTART, SCALE_UP, RESTART, SCALE_UP),
            new Resume("broker 1 must still move off n1", Set.of("n1"), null, SCALE_UP, null, SCALE_UP),
            new Resume("a cordoned node nobody is on", Set.of("s9"), null, SCALE_UP, SCALE_UP, null),
            new Resume("nothing suspended", Set.of(), null, null, null, null),
            // broker 2 wanted (replicas raised) and without a pod: the restart waits for the scale, so the scale-up
            // would wait for nothing; it resumes, and does not suspend again while the scale is wanted
            new Resume("a scale is wanted: no restart starts before it", Set.of("n1"), null, SCALE_UP, SCALE_UP, null,
                    "a scale is wanted, which goes before a restart"),
        };
        for (Resume r : rows) {
            SortedSet<Integer> desired = r.why().startsWith("a scale") ? new TreeSet<>(List.of(0, 1, 2))
                    : new TreeSet<>(List.of(0, 1));
            StepContext before = ctx(r.cordoned(), r.inFlight(), r.suspended(), desired);
            StepContext after = MakeWay.resumed(before);
            assertThat(after.operation()).as(r.why()).isEqualTo(r.operationAfter());
            assertThat(after.suspended()).as(r.why()).isEqualTo(r.suspendedAfter());
            assertThat(MakeWay.moveWanted(before)).as("suspend and resume follow one rule: %s", r.why())
                    .isEqualTo(r.event() == null && r.cordoned() != null && r.cordoned().contains("n1")
                            ? "broker 1 is on cordoned node n1" : null);
            assertThat(before.events().reasons()).as(r.why()).isEqualTo(r.event() == null ? List.of() : List.of(MakeWay.RESUMED));
            assertThat(before.events().messages()).as(r.why()).isEqualTo(r.event() == null ? List.of()
                    : List.of("ScaleUp of brokers [3] resumed: " + r.event() + "."));
        }
    }

    @Test
    void whileOneIsSuspendedARestartTakesOnlyThePodsThatMustMoveOffACordonedNode() {
        SortedMap<Integer, String> needed = new TreeMap<>(Map.of(0, "image", 1, "image; on cordoned node n1",
                2, "restart requested (berth.dev/restart)"));
        Map<Integer, CordonMoves.Finding> cordoned = Map.of(
                1, new CordonMoves.Finding(1, "n1", CordonMoves.Verdict.MOVE),
                2, new CordonMoves.Finding(2, "n2", CordonMoves.Verdict.STAY_LOCAL_STORAGE));
        assertThat(MakeWay.restartable(ctx(Set.of("n1"), null, SCALE_UP), needed, cordoned))
                .as("the move made way for, alone").containsExactly(Map.entry(1, "image; on cordoned node n1"));
        assertThat(MakeWay.restartable(ctx(Set.of("n1"), null, null), needed, cordoned))
                .as("nothing suspended: every restart needed").isEqualTo(needed);
        assertThat(MakeWay.restartable(ctx(Set.of(), null, SCALE_UP), needed, Map.of())).isEmpty();
    }

    /**
     * brokers.remove names broker 1, which a scale-down drains, and broker 0's node n0 is cordoned: the
     * named broker is a scale under way, not one wanted, so the drain makes way for broker 0's move, in
     * flight and suspended alike. A broker named that no scale-down has taken yet is a scale wanted.
     */
    @Test
    void aBrokerAScaleDownAlreadyRemovesIsNoScaleWanted() {
        OperationStatus drain = new OperationStatus(OperationStatus.SCALE_DOWN, ScaleDownStep.DRAINING, List.of(1), 0L,
                null, 0, null, "2026-11-27T00:00:00Z", "m", Map.of());
        KafkaClusterSpec removing = CordonMoveWantedTest.NETWORK.withBrokers(new BrokersSpec(1, null, null, List.of(1)));
        SortedSet<Integer> desired = new TreeSet<>(List.of(0));
        assertThat(MakeWay.moveWanted(ctx(removing, Set.of("n0"), drain, null, desired))).as("in flight")
                .isEqualTo("broker 0 is on cordoned node n0");
        assertThat(MakeWay.moveWanted(ctx(removing, Set.of("n0"), RESTART, drain, desired))).as("suspended")
                .isEqualTo("broker 0 is on cordoned node n0");
        assertThat(MakeWay.moveWanted(ctx(removing, Set.of("n0"), null, null, desired))).as("not taken yet").isNull();
    }

    @Test
    void aDrainThatRebuildsALostBrokersReplicasDoesNotWait() {
        OperationStatus drain = new OperationStatus(OperationStatus.SCALE_DOWN, ScaleDownStep.DRAINING, List.of(3), 0L,
                null, 0, null, "2026-11-27T00:00:00Z", "m", Map.of());
        assertThat(MakeWay.mayWait(drain, Set.of(0, 1, 2, 3))).as("every leaving broker live").isTrue();
        assertThat(MakeWay.mayWait(drain, Set.of(0, 1, 2))).as("broker 3 down: its replicas are being rebuilt").isFalse();
        assertThat(MakeWay.mayWait(SCALE_UP, Set.of(0, 1, 2))).as("a scale-up has no leaving brokers").isTrue();
    }

    private static StepContext ctx(Set<String> cordoned, OperationStatus inFlight, OperationStatus suspended) {
        return ctx(cordoned, inFlight, suspended, new TreeSet<>(List.of(0, 1)));
    }

    private static StepContext ctx(Set<String> cordoned, OperationStatus inFlight, OperationStatus suspended,
            SortedSet<Integer> desired) {
        return ctx(CordonMoveWantedTest.NETWORK, cordoned, inFlight, suspended, desired);
    }

    private static StepContext ctx(KafkaClusterSpec spec, Set<String> cordoned, OperationStatus inFlight,
            OperationStatus suspended, SortedSet<Integer> desired) {
        KafkaCluster c = new KafkaCluster(new V1ObjectMeta().name("demo").namespace("kafka")
                .uid("6f1c2b7e-3d4a-4b5c-8d9e-0f1a2b3c4d5e").generation(1L), spec);
        V1Pod b0 = DesiredPods.broker(c, 0, "a");
        b0.getSpec().setNodeName("n0");
        V1Pod b1 = DesiredPods.broker(c, 1, "b");
        b1.getSpec().setNodeName("n1");
        KubeView view = new KubeView(Map.of(b0.getMetadata().getName(), b0, b1.getMetadata().getName(), b1), Map.of(),
                Map.of(), Map.of(), Set.of(), cordoned);
        return new StepContext(c, view, null, null, desired, inFlight, null,
                Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), new StepEvents(), suspended);
    }
}
