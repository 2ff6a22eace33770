package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.act.desired.DesiredPods;
import dev.berth.operator.api.BrokerStatus;
import dev.berth.operator.api.BrokersSpec;
import dev.berth.operator.api.ControllersSpec;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.api.KafkaClusterSpec;
import dev.berth.operator.api.KafkaClusterStatus;
import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.api.StorageSpec;
import dev.berth.operator.observe.KubeView;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The restart queue's rules, as tables on plain views: when a scale goes first ({@link RestartQueue#scaleWanted}),
 * what a restart starts with ({@link RestartQueue#start}), whose turn is next ({@link RestartQueue#next}), and
 * the details it reads back ({@link RestartQueue#ids}). Broker {@code i}'s pod runs on node {@code n<i>}. The
 * restarts themselves run on real brokers in {@code RollingRestartTest} and {@code CordonLocalStorageTest}.
 */
class RestartQueueTest {
    static final KafkaClusterSpec NETWORK = KafkaClusterSpec.defaults().withControllers(new ControllersSpec(1, null));
    static final OperationStatus DRAIN_1 = new OperationStatus(OperationStatus.SCALE_DOWN, ScaleDownStep.DRAINING,
            List.of(1), 0L, null, 0, null, "2026-11-27T00:00:00Z", "m", Map.of());

    record ScaleRow(String why, int replicas, List<Integer> remove, Set<Integer> pods, Set<Integer> statusRows,
            Set<Integer> desired, OperationStatus inFlight, OperationStatus suspended, boolean wanted) {}

    @Test
    void aScaleIsWantedWhileTheSpecAddsOrRemovesBrokersThatNoScaleDownHasTakenYet() {
        Set<Integer> none = Set.of();
        ScaleRow[] rows = {
            new ScaleRow("as the spec wants", 3, List.of(), Set.of(0, 1, 2), none, Set.of(0, 1, 2), null, null, false),
            new ScaleRow("replicas lowered: more desired brokers than replicas", 2, List.of(), Set.of(0, 1, 2), none,
                    Set.of(0, 1, 2), null, null, true),
            new ScaleRow("a desired broker without a pod", 3, List.of(), Set.of(0, 1), none, Set.of(0, 1, 2), null,
                    null, true),
            new ScaleRow("a known broker without a pod: healed (recreated by the apply stage), no scale", 3, List.of(),
                    Set.of(0, 1), Set.of(0, 1, 2), Set.of(0, 1, 2), null, null, false),
            new ScaleRow("named, and its pod still there", 2, List.of(1), Set.of(0, 1, 2), none, Set.of(0, 2), null,
                    null, true),
            new ScaleRow("named, its pod gone but its status row left", 2, List.of(1), Set.of(0, 2), Set.of(0, 1, 2),
                    Set.of(0, 2), null, null, true),
            new ScaleRow("named, and gone: removed", 2, List.of(1), Set.of(0, 2), Set.of(0, 2), Set.of(0, 2), null,
                    null, false),
            new ScaleRow("named, and drained by the scale-down in flight", 2, List.of(1), Set.of(0, 1, 2), none,
                    Set.of(0, 2), DRAIN_1, null, false),
            new ScaleRow("named, and drained by the suspended scale-down", 2, List.of(1), Set.of(0, 1, 2), none,
                    Set.of(0, 2), null, DRAIN_1, false),
            new ScaleRow("named, another broker drained", 1, List.of(1, 2), Set.of(0, 1, 2), none, Set.of(0),
                    DRAIN_1, null, true),
        };
        for (ScaleRow r : rows) {
            KafkaCluster c = cluster(NETWORK.withBrokers(new BrokersSpec(r.replicas(), null, null, r.remove())));
            c.setStatus(new KafkaClusterStatus(1L, null, null, null, r.statusRows().stream()
                    .map(id -> new BrokerStatus(id, null, null, "a", "Running", 0, 0, 0L, 0L)).toList(), null, null, null));
            StepContext ctx = ctx(c, r.pods(), Set.of(), r.desired(), Set.of(), r.inFlight(), r.suspended());
            assertThat(RestartQueue.scaleWanted(ctx)).as(r.why()).isEqualTo(r.wanted());
        }
        // a row without rack or node: a new broker waiting its turn in the placement queue (every desired broker has a
        // row), not one being healed: the scale-up goes first
        KafkaCluster waiting = cluster(NETWORK.withBrokers(new BrokersSpec(3, null, null, List.of())));
        waiting.setStatus(new KafkaClusterStatus(1L, null, null, null, List.of(
                new BrokerStatus(0, null, "n0", "a", "Running", 0, 0, 0L, 0L),
                new BrokerStatus(1, null, "n1", "a", "Running", 0, 0, 0L, 0L),
                new BrokerStatus(2, null, null, null, "Missing", 0, 0, 0L, 0L)), null, null, null));
        assertThat(RestartQueue.scaleWanted(ctx(waiting, Set.of(0, 1), Set.of(), Set.of(0, 1, 2), Set.of(), null, null)))
                .as("a new broker waiting its turn").isTrue();
        // named, its pod there, and refused on the last pass: nothing is coming. While Kafka runs the named
        // brokers, restarts and moves go on; a named broker that is down holds them at min.insync, so the scale
        // still goes first (its step could not see the refusal clear behind a restart that waits for ever)
        record RefusedRow(String why, String reason, boolean status, OperationStatus inFlight, Set<Integer> running,
                boolean wanted) {}
        Set<Integer> all = Set.of(0, 1, 2, 3);
        RefusedRow[] refused = {
            new RefusedRow("refused: no leader left", "NoLeader", true, null, all, false),
            new RefusedRow("refused: Kafka too old", "KafkaTooOld", true, null, all, false),
            new RefusedRow("refused, and named broker 2 is down", "NoLeader", true, null, Set.of(0, 1, 3), true),
            new RefusedRow("refused, Kafka not observed yet", "NoLeader", true, null, null, true),
            new RefusedRow("a replacement waiting for its new broker is no refusal", "WaitingForNewBrokers", true, null,
                    all, true),
            new RefusedRow("not blocked", "NotBlocked", false, null, all, true),
            new RefusedRow("a drain in flight, paused: its condition is no refusal of broker 2", "NoLeader", true,
                    DRAIN_1, all, true),
        };
        for (RefusedRow r : refused) {
            KafkaCluster c = cluster(NETWORK.withBrokers(new BrokersSpec(2, null, null, List.of(1, 2))));
            c.setStatus(new KafkaClusterStatus(1L, null, null, List.of(dev.berth.operator.api.Condition.of(
                    dev.berth.operator.api.ConditionType.ScaleDownBlocked, r.status(), r.reason(), "m")), List.of(), null,
                    null, null));
            StepContext ctx = ctx(c, Set.of(0, 1, 2, 3), Set.of(), Set.of(0, 3), Set.of(), r.inFlight(), null,
                    r.running() == null ? null : running(r.running()));
            assertThat(RestartQueue.scaleWanted(ctx)).as(r.why()).isEqualTo(r.wanted());
        }
        // the same with replicas lowered from 4 to 3 and nothing named: a refused count-based scale-down (Kafka 3.9
        // cannot unregister, say) held every restart, the roll to a newer Kafka that would lift the refusal included
        for (RefusedRow r : refused) {
            KafkaCluster c = cluster(NETWORK.withBrokers(new BrokersSpec(3, null, null, List.of())));
            c.setStatus(new KafkaClusterStatus(1L, null, null, List.of(dev.berth.operator.api.Condition.of(
                    dev.berth.operator.api.ConditionType.ScaleDownBlocked, r.status(), r.reason(), "m")), List.of(), null,
                    null, null));
            Set<Integer> runningNow = r.running() == null ? null
                    : r.running().equals(Set.of(0, 1, 3)) ? Set.of(0, 1, 2) : r.running(); // "down": broker 3, one that would leave
            StepContext ctx = ctx(c, Set.of(0, 1, 2, 3), Set.of(), Set.of(0, 1, 2, 3), Set.of(), r.inFlight(), null,
                    runningNow == null ? null : running(runningNow));
            assertThat(RestartQueue.scaleWanted(ctx)).as("replicas lowered, " + r.why()).isEqualTo(r.wanted());
        }
        // replicas lowered AND a broker named: a named broker that is down still makes the scale go first (a roll
        // started now would wait at min.insync on the partitions it left, and hold the scale-down behind it)
        KafkaCluster both = cluster(NETWORK.withBrokers(new BrokersSpec(3, null, null, List.of(4))));
        both.setStatus(new KafkaClusterStatus(1L, null, null, List.of(dev.berth.operator.api.Condition.of(
                dev.berth.operator.api.ConditionType.ScaleDownBlocked, true, "NoLeader", "m")), List.of(), null, null, null));
        Set<Integer> fivePods = Set.of(0, 1, 2, 3, 4);
        assertThat(RestartQueue.scaleWanted(ctx(both, fivePods, Set.of(), Set.of(0, 1, 2, 3), Set.of(), null, null,
                running(Set.of(0, 1, 2, 3))))).as("lowered and named, the named broker down").isTrue();
        assertThat(RestartQueue.scaleWanted(ctx(both, fivePods, Set.of(), Set.of(0, 1, 2, 3), Set.of(), null, null,
                running(Set.of(0, 1, 2, 3, 4))))).as("lowered and named, all running: refused, nothing comes").isFalse();
    }

    /** Kafka's view with brokers {@code ids} running (registered, not fenced). */
    private static dev.berth.operator.observe.KafkaView running(Set<Integer> ids) {
        List<dev.berth.operator.model.BrokerState> brokers = ids.stream().sorted()
                .map(id -> new dev.berth.operator.model.BrokerState(id, "a", "h", 9092)).toList();
        return new dev.berth.operator.observe.KafkaView(new dev.berth.operator.model.KafkaObservation(
                new dev.berth.operator.model.ClusterSnapshot(Instant.EPOCH, brokers, Map.of(), List.of(), Map.of()),
                Map.of()), null, Instant.EPOCH);
    }

    @Test
    void aRestartStartsWithTheDesiredBrokersThatDriftOnceEveryDesiredPodStandsAndNamesUpToThreeReasons() {
        KafkaCluster c = cluster(NETWORK.withBrokers(new BrokersSpec(4, null, null, List.of())));
        Set<Integer> all = Set.of(0, 1, 2, 3);
        SortedMap<Integer, String> four = new TreeMap<>(Map.of(0, "image", 1, "image", 2, "image", 3, "image"));
        SortedMap<Integer, String> three = new TreeMap<>(Map.of(0, "image", 2, "resources", 3, "image"));

        OperationStatus op = RestartQueue.start(ctx(c, all, Set.of(), all, Set.of(), null, null), four);
        assertThat(op.type()).isEqualTo(RestartStep.TYPE);
        assertThat(op.brokers()).containsExactly(0, 1, 2, 3);
        assertThat(op.message()).isEqualTo("Restarting brokers [0, 1, 2, 3] one at a time, leader-aware (0: image;"
                + " 1: image; 2: image; ...).");
        assertThat(op.details()).containsEntry(RestartStep.CURRENT, "0").containsEntry(RestartStep.DONE, "")
                .containsEntry(RestartStep.TURN_POD, "uid-0");

        assertThat(RestartQueue.start(ctx(c, all, Set.of(), all, Set.of(), null, null), three).message())
                .as("three reasons, all named").isEqualTo("Restarting brokers [0, 2, 3] one at a time, leader-aware"
                        + " (0: image; 2: resources; 3: image).");
        Set<Integer> desired = Set.of(0, 1, 2, 3, 4);
        KafkaCluster five = cluster(NETWORK.withBrokers(new BrokersSpec(5, null, null, List.of())));
        assertThat(RestartQueue.start(ctx(five, all, Set.of(), desired, Set.of(), null, null), four))
                .as("broker 4 has no pod yet: the scale goes first").isNull();
        assertThat(RestartQueue.start(ctx(c, all, Set.of(2), all, Set.of(), null, null), three))
                .as("broker 2's pod is terminating: wait for it").isNull();
        assertThat(RestartQueue.start(ctx(c, all, Set.of(), all, Set.of(), null, null), new TreeMap<>()))
                .as("nothing drifts").isNull();
        assertThat(RestartQueue.start(ctx(c, all, Set.of(), all, Set.of(), null, null),
                new TreeMap<>(Map.of(7, "image")))).as("drift of a broker the spec does not want").isNull();
    }

    record NextRow(String why, KafkaClusterSpec spec, Set<String> cordoned, Set<Integer> done, Set<Integer> drift,
            Set<Integer> desired, Integer next) {}

    @Test
    void theNextTurnIsTheLowestBrokerLeftThatStillDriftsAndIsWantedOneHeldByItsCordonedNodeGoingLast() {
        KafkaClusterSpec local = NETWORK.withBrokers(new BrokersSpec(3, new StorageSpec("100Gi", null, true), null, null));
        KafkaClusterSpec network = NETWORK.withBrokers(new BrokersSpec(3, null, null, null));
        Set<Integer> all = Set.of(0, 1, 2);
        NextRow[] rows = {
            new NextRow("the first", network, Set.of(), Set.of(), all, all, 0),
            new NextRow("the first not done", network, Set.of(), Set.of(0), all, all, 1),
            new NextRow("one that no longer drifts is skipped", network, Set.of(), Set.of(0), Set.of(0, 2), all, 2),
            new NextRow("one the spec no longer wants is skipped", network, Set.of(), Set.of(0), all, Set.of(0, 2), 2),
            new NextRow("held by its cordoned node (local storage): the others first", local, Set.of("n1"), Set.of(0),
                    all, all, 2),
            new NextRow("held, and nothing else left: its turn, to wait for the uncordon", local, Set.of("n1"),
                    Set.of(0, 2), all, all, 1),
            new NextRow("a network-storage broker is not held by its node: it moves", network, Set.of("n1"), Set.of(0),
                    all, all, 1),
            new NextRow("all done", network, Set.of(), all, all, all, null),
        };
        for (NextRow r : rows) {
            StepContext ctx = ctx(cluster(r.spec()), Set.of(0, 1, 2), Set.of(), r.desired(), r.cordoned(), null, null);
            OperationStatus op = new OperationStatus(RestartStep.TYPE, RestartStep.MOVING, List.of(0, 1, 2), null, null,
                    null, null, "2026-11-27T00:00:00Z", null, Map.of());
            SortedMap<Integer, String> drift = new TreeMap<>();
            r.drift().forEach(id -> drift.put(id, "image"));
            assertThat(RestartQueue.next(ctx, op, r.done(), drift)).as(r.why()).isEqualTo(r.next());
        }
        assertThat(RestartQueue.heldByNode(ctx(cluster(local), Set.of(0, 1, 2), Set.of(), all, Set.of("n1", "n2"), null,
                null))).containsExactly(1, 2);
        assertThat(RestartQueue.heldByNode(ctx(cluster(network), Set.of(0, 1, 2), Set.of(), all, Set.of("n1"), null,
                null))).isEmpty();
    }

    @Test
    void brokerIdsInADetailIgnoreEmptyAndHandEditedEntries() {
        assertThat(RestartQueue.ids(null)).isEmpty();
        assertThat(RestartQueue.ids("")).isEmpty();
        assertThat(RestartQueue.ids("2,0")).containsExactly(0, 2);
        assertThat(RestartQueue.ids(" 3 , x,,4")).containsExactly(3, 4);
    }

    private static KafkaCluster cluster(KafkaClusterSpec spec) {
        return new KafkaCluster(new V1ObjectMeta().name("demo").namespace("kafka")
                .uid("6f1c2b7e-3d4a-4b5c-8d9e-0f1a2b3c4d5e").generation(1L), spec);
    }

    /** Broker pods {@code pods} (those in {@code terminating} being deleted), with UIDs {@code uid-<id>}. */
    private static StepContext ctx(KafkaCluster c, Set<Integer> pods, Set<Integer> terminating, Set<Integer> desired,
            Set<String> cordoned, OperationStatus inFlight, OperationStatus suspended) {
        return ctx(c, pods, terminating, desired, cordoned, inFlight, suspended, null);
    }

    private static StepContext ctx(KafkaCluster c, Set<Integer> pods, Set<Integer> terminating, Set<Integer> desired,
            Set<String> cordoned, OperationStatus inFlight, OperationStatus suspended,
            dev.berth.operator.observe.KafkaView kafka) {
        Map<String, V1Pod> byName = new HashMap<>();
        for (int id : pods) {
            V1Pod p = DesiredPods.broker(c, id, "a");
            p.getSpec().setNodeName("n" + id);
            p.getMetadata().setUid("uid-" + id);
            if (terminating.contains(id)) {
                p.getMetadata().setDeletionTimestamp(OffsetDateTime.of(2026, 11, 27, 0, 0, 0, 0, ZoneOffset.UTC));
            }
            byName.put(p.getMetadata().getName(), p);
        }
        KubeView view = new KubeView(byName, Map.of(), Map.of(), Map.of(), Set.of(), cordoned);
        return new StepContext(c, view, kafka, null, new TreeSet<>(desired), inFlight, null,
                Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), new StepEvents(), suspended);
    }
}
