package dev.berth.operator.act;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.api.BrokerStatus;
import dev.berth.operator.api.BrokersSpec;
import dev.berth.operator.api.Condition;
import dev.berth.operator.api.ConditionType;
import dev.berth.operator.api.ControllersSpec;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.api.KafkaClusterSpec;
import dev.berth.operator.api.KafkaClusterStatus;
import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.act.desired.DesiredPods;
import dev.berth.operator.model.BrokerState;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.DiskSpace;
import dev.berth.operator.model.KafkaObservation;
import dev.berth.operator.model.PartitionState;
import dev.berth.operator.observe.KafkaView;
import dev.berth.operator.observe.KubeView;
import dev.berth.operator.plan.PodAction;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class StatusBuilderTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T10:00:00Z"), ZoneOffset.UTC);

    static KafkaCluster cluster() {
        return new KafkaCluster(new V1ObjectMeta().name("demo").namespace("kafka").uid("6f1c2b7e-3d4a-4b5c-8d9e-0f1a2b3c4d5e")
                .generation(4L), KafkaClusterSpec.defaults().withControllers(new ControllersSpec(1, null))
                .withBrokers(new BrokersSpec(2, null, null, null)));
    }

    static V1Pod ready(V1Pod p, String node) {
        p.getSpec().setNodeName(node);
        return p.status(new V1PodStatus().phase("Running").conditions(List.of(new V1PodCondition().type("Ready").status("True"))));
    }

    static KubeView view(V1Pod... pods) {
        Map<String, V1Pod> m = new HashMap<>();
        for (V1Pod p : pods) {
            m.put(p.getMetadata().getName(), p);
        }
        return new KubeView(m, Map.of(), Map.of(), Map.of(), Set.of());
    }

    static KafkaView kafka(int... registered) {
        List<BrokerState> brokers = new java.util.ArrayList<>();
        for (int id : registered) {
            brokers.add(new BrokerState(id, "zone-" + id, "h", 9092));
        }
        return new KafkaView(new KafkaObservation(new ClusterSnapshot(Instant.EPOCH, brokers, Map.of(),
                List.of(new PartitionState("t", 0, List.of(0, 1), 0, List.of(0, 1), 100, 12.0)),
                Map.of(0, new DiskSpace(1000, 400))), Map.of(0, 100L, 1, 90L)), // broker 1 did not say
                null, Instant.EPOCH);
    }

    static KafkaClusterStatus build(KafkaCluster c, KubeView v, KafkaView k, List<PodAction> actions, OperationStatus op) {
        return StatusBuilder.build(new StatusBuilder.Inputs(c, v, k, new TreeSet<>(List.of(0, 1)), Set.of(), List.of(),
                actions, op, List.of()), CLOCK);
    }

    @Test
    void allReadyAndRegisteredIsRunningWithFactsAndRacksInRows() {
        KafkaCluster c = cluster();
        V1Pod b0 = ready(DesiredPods.broker(c, 0, "rack-x"), "n1");
        V1Pod b1 = ready(DesiredPods.broker(c, 1, null), "n2");
        V1Pod ctl = ready(DesiredPods.controller(c, 0, null), "n3");
        KafkaClusterStatus s = build(c, view(b0, b1, ctl), kafka(0, 1), List.of(), null);
        assertThat(s.phase()).isEqualTo("Running");
        assertThat(s.ready()).isEqualTo("2/2");
        assertThat(s.observedGeneration()).isEqualTo(4L);
        assertThat(s.brokers()).containsExactly(
                new BrokerStatus(0, "demo-broker-0", "n1", "rack-x", "Running", 1, 1, 100, 12, 400L, 1000L), // pod annotation wins
                new BrokerStatus(1, "demo-broker-1", "n2", "zone-1", "Running", 0, 1, 90, 0)); // else Kafka's rack
        assertThat(s.condition(ConditionType.Ready).reason()).isEqualTo("AllBrokersReady");
        assertThat(s.condition(ConditionType.Reconciling).reason()).isEqualTo("Idle");
        assertThat(s.condition(ConditionType.Degraded).status()).isEqualTo("False");
    }

    @Test
    void missingPodIsReportedAsRecreatedAndTheRememberedRackIsKept() {
        KafkaCluster c = cluster();
        c.setStatus(new KafkaClusterStatus(4L, "Running", "2/2", List.of(), List.of(
                new BrokerStatus(0, "demo-broker-0", "n1", "rack-x", "Running", 1, 1, 100, 12),
                new BrokerStatus(1, "demo-broker-1", "n2", "rack-y", "Running", 0, 1, 90, 0)), List.of(), null, null));
        V1Pod b0 = ready(DesiredPods.broker(c, 0, "rack-x"), "n1");
        V1Pod ctl = ready(DesiredPods.controller(c, 0, null), "n3");
        KafkaClusterStatus s = build(c, view(b0, ctl), kafka(0, 1),
                List.of(new PodAction("broker", 1, PodAction.Kind.Recreate, "rack-y")), null);
        assertThat(s.brokers().get(1)).isEqualTo(new BrokerStatus(1, "demo-broker-1", null, "rack-y", "Creating", 0, 1, 90, 0));
        assertThat(s.phase()).as("a cluster that ran is not Creating again").isEqualTo("Running");
        assertThat(s.condition(ConditionType.Ready).reason()).isEqualTo("PodsNotReady");
        assertThat(s.ready()).isEqualTo("1/2");
        assertThat(s.condition(ConditionType.Reconciling).reason()).isEqualTo("RecreatingPods");
        assertThat(s.condition(ConditionType.Reconciling).message())
                .isEqualTo("Recreated broker 1 (rack rack-y) with the same id, PVC and rack.");
    }

    @Test
    void operationInFlightIsCarriedAndMarksReconciling() {
        KafkaCluster c = cluster();
        OperationStatus op = new OperationStatus("ScaleUp", "Moving", List.of(2), 10L, 100L, 1, 10,
                "2026-01-01T09:00:00Z", "moving 10 partitions onto broker 2", Map.of());
        KafkaClusterStatus s = build(c, view(ready(DesiredPods.broker(c, 0, null), "n1"), ready(DesiredPods.broker(c, 1, null),
                "n2"), ready(DesiredPods.controller(c, 0, null), "n3")), kafka(0, 1), List.of(), op);
        assertThat(s.operation()).isEqualTo(op);
        assertThat(s.condition(ConditionType.Reconciling).reason()).isEqualTo("ScaleUpInProgress");
        assertThat(s.condition(ConditionType.Reconciling).message()).isEqualTo("moving 10 partitions onto broker 2");
    }

    static V1Pod terminating(V1Pod p) {
        p.getMetadata().setDeletionTimestamp(java.time.OffsetDateTime.parse("2026-01-01T09:59:00Z"));
        return p;
    }

    static KafkaView unreachable() {
        return new KafkaView(null, "TimeoutException: describeCluster", Instant.EPOCH);
    }

    record ConditionRow(String why, KafkaView kafka, boolean brokerOneTerminating, String phase, String ready,
            String readyReason, String degraded, String degradedReason) {}

    @Test
    void readyAndDegradedSayWhatBlocksInTheOrderAPersonChecks() {
        ConditionRow[] rows = {
            new ConditionRow("all well", kafka(0, 1), false, "Running", "2/2", "AllBrokersReady", "False", "KafkaReachable"),
            new ConditionRow("a pod being deleted is not ready, even with Ready=True", kafka(0, 1), true, "Creating", "1/2",
                    "PodsNotReady", "False", "KafkaReachable"),
            new ConditionRow("pods ready, Admin calls fail", unreachable(), false, "Degraded", "2/2", "KafkaUnreachable",
                    "True", "KafkaUnreachable"),
            new ConditionRow("pods ready, broker 1 not registered yet", kafka(0), false, "Creating", "2/2",
                    "BrokersNotRegistered", "False", "KafkaReachable"),
            new ConditionRow("not observed yet", new KafkaView(null, null, Instant.EPOCH), false, "Degraded", "2/2",
                    "KafkaUnreachable", "Unknown", "KafkaNotObservedYet"),
        };
        for (ConditionRow row : rows) {
            KafkaCluster c = cluster();
            V1Pod b1 = ready(DesiredPods.broker(c, 1, null), "n2");
            KafkaClusterStatus s = build(c, view(ready(DesiredPods.broker(c, 0, null), "n1"),
                    row.brokerOneTerminating() ? terminating(b1) : b1, ready(DesiredPods.controller(c, 0, null), "n3")),
                    row.kafka(), List.of(), null);
            assertThat(s.phase()).as(row.why()).isEqualTo(row.phase());
            assertThat(s.ready()).as(row.why()).isEqualTo(row.ready());
            assertThat(s.condition(ConditionType.Ready).reason()).as(row.why()).isEqualTo(row.readyReason());
            assertThat(s.condition(ConditionType.Degraded).status()).as(row.why()).isEqualTo(row.degraded());
            assertThat(s.condition(ConditionType.Degraded).reason()).as(row.why()).isEqualTo(row.degradedReason());
        }
        // the same broker missing from Kafka in a cluster that ran before: it was lost, not late
        KafkaCluster ran = cluster();
        ran.setStatus(new KafkaClusterStatus(4L, "Running", "2/2", List.of(), List.of(), List.of(), null, null));
        KafkaClusterStatus lost = build(ran, view(ready(DesiredPods.broker(ran, 0, null), "n1"), ready(DesiredPods.broker(ran, 1,
                null), "n2"), ready(DesiredPods.controller(ran, 0, null), "n3")), kafka(0), List.of(), null);
        assertThat(lost.phase()).isEqualTo("Degraded");
        assertThat(lost.condition(ConditionType.Ready).message()).isEqualTo("Kafka does not list brokers [1].");
        // a cluster that ran is never Creating again: a pod restarting leaves it Running, and a broker that
        // crash-loops (not ready, then ready and unregistered, then not ready) keeps it Degraded
        V1Pod b0 = ready(DesiredPods.broker(ran, 0, null), "n1");
        V1Pod ctl = ready(DesiredPods.controller(ran, 0, null), "n3");
        KafkaClusterStatus restarting = build(ran, view(b0, terminating(ready(DesiredPods.broker(ran, 1, null), "n2")), ctl),
                kafka(0), List.of(), null);
        assertThat(restarting.phase()).isEqualTo("Running");
        assertThat(restarting.condition(ConditionType.Ready).reason()).isEqualTo("PodsNotReady");
        ran.setStatus(lost);
        KafkaClusterStatus crashing = build(ran, view(b0, terminating(ready(DesiredPods.broker(ran, 1, null), "n2")), ctl),
                kafka(0), List.of(), null);
        assertThat(crashing.phase()).isEqualTo("Degraded");
        KafkaCluster c = cluster();
        KafkaClusterStatus down = build(c, view(ready(DesiredPods.broker(c, 0, null), "n1"), ready(DesiredPods.broker(c, 1,
                null), "n2"), ready(DesiredPods.controller(c, 0, null), "n3")), unreachable(), List.of(), null);
        assertThat(down.condition(ConditionType.Degraded).message())
                .isEqualTo("Kafka Admin calls fail: TimeoutException: describeCluster");
        assertThat(down.brokers().get(1).phase()).isEqualTo("Running");
    }

    /**
     * A step that failed hands in its own {@code Degraded} (the reconciler's {@code StepFailed}): it stands in
     * for the computed one, so the type is there once, and a second failing pass keeps the transition time.
     * Computed as well, the False one came first and moved the time to "now" on every pass.
     */
    @Test
    void aStepsDegradedStandsInForTheComputedOneAndKeepsItsTransitionTime() {
        KafkaCluster c = cluster();
        KubeView pods = view(ready(DesiredPods.broker(c, 0, null), "n1"), ready(DesiredPods.broker(c, 1, null), "n2"),
                ready(DesiredPods.controller(c, 0, null), "n3"));
        Condition failed = Condition.of(ConditionType.Degraded, true, "StepFailed", "ScaleUpStep failed");
        KafkaClusterStatus first = StatusBuilder.build(new StatusBuilder.Inputs(c, pods, kafka(0, 1), new TreeSet<>(List.of(0, 1)),
                Set.of(), List.of(), List.of(), null, List.of(failed)), CLOCK);
        assertThat(first.conditions()).filteredOn(x -> x.type().equals("Degraded")).singleElement()
                .satisfies(x -> {
                    assertThat(x.status()).isEqualTo("True");
                    assertThat(x.reason()).isEqualTo("StepFailed");
                    assertThat(x.lastTransitionTime()).isEqualTo("2026-01-01T10:00:00Z");
                });

        c.setStatus(first);
        Clock later = Clock.fixed(Instant.parse("2026-01-01T10:00:05Z"), ZoneOffset.UTC);
        KafkaClusterStatus again = StatusBuilder.build(new StatusBuilder.Inputs(c, pods, kafka(0, 1), new TreeSet<>(List.of(0, 1)),
                Set.of(), List.of(), List.of(), null, List.of(failed)), later);
        assertThat(again.condition(ConditionType.Degraded).lastTransitionTime()).isEqualTo("2026-01-01T10:00:00Z");

        c.setStatus(again);
        KafkaClusterStatus mended = StatusBuilder.build(new StatusBuilder.Inputs(c, pods, kafka(0, 1), new TreeSet<>(List.of(0, 1)),
                Set.of(), List.of(), List.of(), null, List.of()), later);
        assertThat(mended.condition(ConditionType.Degraded).reason()).isEqualTo("KafkaReachable");
        assertThat(mended.condition(ConditionType.Degraded).lastTransitionTime()).isEqualTo("2026-01-01T10:00:05Z");
    }

    /**
     * The first observation after an operator start reads every rate as 0 (no earlier size): the rows keep
     * the bytes-in they said, instead of a dip to 0 on every restart or fail-over. Later observations count.
     */
    @Test
    void aFirstObservationsZeroRatesLeaveTheRowsBytesInAsTheyWere() {
        KafkaCluster c = cluster();
        c.setStatus(new KafkaClusterStatus(4L, "Running", "2/2", List.of(), List.of(
                new BrokerStatus(0, "demo-broker-0", "n1", "rack-x", "Running", 1, 1, 100, 5000),
                new BrokerStatus(1, "demo-broker-1", "n2", "rack-y", "Running", 0, 1, 90, 0)), List.of(), null, null));
        KubeView pods = view(ready(DesiredPods.broker(c, 0, "rack-x"), "n1"), ready(DesiredPods.broker(c, 1, null), "n2"),
                ready(DesiredPods.controller(c, 0, null), "n3"));
        KafkaView known = kafka(0, 1); // broker 0 leads t-0 at 12 B/s
        KafkaObservation o = known.observation();
        KafkaView first = new KafkaView(new KafkaObservation(o.snapshot(), o.bytesByBroker(), o.quorum(), false), null,
                Instant.EPOCH);
        assertThat(build(c, pods, first, List.of(), null).brokers().get(0).bytesInPerSec()).isEqualTo(5000);
        assertThat(build(c, pods, known, List.of(), null).brokers().get(0).bytesInPerSec()).isEqualTo(12);
    }

    /** Replicas lowered under 10,000 topics' RF: one problem each, the message names five and counts the rest. */
    @Test
    void anInvalidSpecQuotesFiveProblemsAndCountsTheRest() {
        List<dev.berth.operator.api.SpecValidator.Problem> many = new java.util.ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            many.add(new dev.berth.operator.api.SpecValidator.Problem(
                    dev.berth.operator.api.SpecValidator.Reason.ReplicationFactorExceedsBrokers, "topic t" + i + " has RF 3"));
        }
        KafkaCluster c = cluster();
        KafkaClusterStatus s = StatusBuilder.build(new StatusBuilder.Inputs(c, view(), kafka(0, 1),
                new TreeSet<>(List.of(0, 1)), Set.of(), many, List.of(), null, List.of()), CLOCK);
        assertThat(s.condition(ConditionType.SpecValid).message()).isEqualTo("topic t0 has RF 3; topic t1 has RF 3; topic t2"
                + " has RF 3; topic t3 has RF 3; topic t4 has RF 3; and 9995 more problems");
        assertThat(s.condition(ConditionType.Ready).message()).hasSizeLessThan(200);
        assertThat(StatusBuilder.problems(many.subList(0, 5))).doesNotContain("more");
    }

    @Test
    void aBrokerPodBeyondTheSpecIsARowAndALeavingOneIsNot() {
        KafkaCluster c = cluster();
        V1Pod extra = ready(DesiredPods.broker(c, 2, null), "n4"); // left over: still a row, so a person sees it
        V1Pod leaving = terminating(ready(DesiredPods.broker(c, 3, null), "n5")); // being removed by a ScaleDown
        KafkaClusterStatus s = StatusBuilder.build(new StatusBuilder.Inputs(c, view(ready(DesiredPods.broker(c, 0, null), "n1"),
                ready(DesiredPods.broker(c, 1, null), "n2"), extra, leaving, ready(DesiredPods.controller(c, 0, null), "n3")),
                kafka(0, 1), new TreeSet<>(List.of(0, 1)), Set.of(3), List.of(), List.of(), null, List.of()), CLOCK);
        assertThat(s.brokers()).extracting(BrokerStatus::id).containsExactly(0, 1, 2);
        assertThat(s.brokers().get(2).phase()).isEqualTo("Running");
        assertThat(s.ready()).as("ready counts the spec's brokers").isEqualTo("2/2");

        // and a ready pod of another id never stands in for a desired broker that is not ready
        V1Pod notReady = DesiredPods.broker(c, 1, null);
        KafkaClusterStatus waiting = StatusBuilder.build(new StatusBuilder.Inputs(c, view(ready(DesiredPods.broker(c, 0, null),
                "n1"), notReady, extra, ready(DesiredPods.controller(c, 0, null), "n3")), kafka(0, 1), new TreeSet<>(List.of(0, 1)),
                Set.of(), List.of(), List.of(), null, List.of()), CLOCK);
        assertThat(waiting.ready()).isEqualTo("1/2");
        assertThat(waiting.condition(ConditionType.Ready).reason()).isEqualTo("PodsNotReady");
    }

    @Test
    void aSuspendedOperationIsKeptAndReconcilingSaysSoUntilTheMoveItWaitsForRuns() {
        KafkaCluster c = cluster();
        OperationStatus aside = new OperationStatus(OperationStatus.SCALE_UP, "Reassigning", List.of(3), 10L, null, 1, null,
                "2026-11-27T00:00:00Z", "Suspended: broker 1 is on cordoned node n1; it resumes once no pod must move off a"
                        + " cordoned node.", Map.of());
        OperationStatus restart = new OperationStatus("Restart", "MovingLeadership", List.of(1), null, null, null, null,
                "2026-11-27T00:01:00Z", "Moving leadership off broker 1.", Map.of());
        KafkaView k = kafka(0, 1);
        for (OperationStatus inFlight : java.util.Arrays.asList(null, restart)) {
            KafkaClusterStatus s = StatusBuilder.build(new StatusBuilder.Inputs(c, view(ready(DesiredPods.broker(c, 0, null), "n1"),
                    ready(DesiredPods.broker(c, 1, null), "n2"), ready(DesiredPods.controller(c, 0, null), "n3")), k,
                    new TreeSet<>(List.of(0, 1)), Set.of(), List.of(), List.of(), inFlight, List.of(), aside), CLOCK);
            assertThat(s.suspended()).isEqualTo(aside);
            assertThat(s.operation()).isEqualTo(inFlight);
            Condition r = s.condition(ConditionType.Reconciling);
            assertThat(r.isTrue()).isTrue();
            // the operation in flight is what happens now; with none, the suspended one says what it waits for
            assertThat(r.reason()).isEqualTo(inFlight == null ? "ScaleUpSuspended" : "RestartInProgress");
            assertThat(r.message()).isEqualTo(inFlight == null ? aside.message() : restart.message());
        }
    }
}
