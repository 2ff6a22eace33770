package dev.berth.operator.reconcile;

import static dev.berth.operator.reconcile.DayTwoRig.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.operator.api.Condition;
import dev.berth.operator.api.ConditionType;
import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.observe.QuorumReader;
import dev.berth.operator.plan.QuorumSafety;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Controller rolls ({@link ControllerRollStep}) on a real KRaft quorum of three controllers
 * (1000..1002) and three brokers, the Kubernetes API bed and the operator ({@link DayTwoRig}). The
 * glue restarts a controller whenever its pod is replaced, and notes the quorum at that moment: who
 * led, and how far each other voter trailed the newest caught-up time.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControllerRollTest {
    static final Map<Integer, String> RACKS = Map.of(0, "a", 1, "b", 2, "c");

    static DayTwoRig rig;

    @BeforeAll
    static void start() throws Exception {
        rig = DayTwoRig.brokers("quorum", RACKS, 3, 3).orders(3, 50).operate(3, 50_000_000L).settled();
    }

    @AfterAll
    static void stop() {
        OperatorFixture.closeAll(rig);
    }

    @Test
    @Order(1)
    void anImageEditRollsTheControllersOneAtATimeLeaderLastThenTheBrokers() throws Exception {
        double restarts = dev.berth.operator.metrics.OperatorMetrics.CONTROLLER_RESTARTS.get();

        rig.patch("{\"spec\":{\"image\":\"apache/kafka:9.9.9\"}}");

        await("controllers and brokers rolled, the operation over").atMost(WAIT.multipliedBy(2)).until(() ->
                rig.cluster().getStatus().operation() == null && !rig.isTrue(ConditionType.PodsOutOfDate)
                        && rig.eventReasons().contains(RestartStep.Event.RESTART_DONE.reason));
        Map<Integer, List<String>> stops = rig.glue().controllerStops;
        assertThat(stops).as("each controller's pod went once").containsOnlyKeys(1000, 1001, 1002)
                .allSatisfy((id, at) -> assertThat(at).hasSize(1));
        List<Integer> order = controllerOrder();
        assertThat(order).hasSize(3);
        for (int i = 0; i < 3; i++) {
            int id = order.get(i);
            String seen = stops.get(id).get(0);
            assertThat(behind(seen)).as("controller %d went with every other voter caught up: %s", id, seen)
                    .hasSize(2).allSatisfy(ms -> assertThat(ms).isLessThanOrEqualTo(2000L));
            if (i < 2) {
                assertThat(seen).as("a follower goes before the leader: %s", order).doesNotStartWith("leader " + id + ";");
            }
        }
        List<String> log = rig.glue().log;
        int lastController = lastIndex(log, "pod of controller");
        int firstBroker = firstIndex(log, "pod of broker");
        assertThat(firstBroker).as("brokers after every controller: " + log).isGreaterThan(lastController);
        assertThat(rig.eventCount(ControllerRollStep.Event.CONTROLLER_RESTARTED.reason)).isEqualTo(3);
        assertThat(rig.eventCount(ControllerRollStep.Event.CONTROLLER_RESTART_DONE.reason)).isEqualTo(1);
        assertThat(rig.eventReasons()).as("three controllers are never unprotected")
                .doesNotContain(ControllerRollStep.Event.RESTART_UNPROTECTED.reason);
        assertThat(dev.berth.operator.metrics.OperatorMetrics.CONTROLLER_RESTARTS.get() - restarts).isEqualTo(3.0);
        for (int id = 1000; id <= 1002; id++) {
            assertThat(controllerPod(id).getSpec().getContainers().get(0).getImage()).isEqualTo("apache/kafka:9.9.9");
        }
        assertThat(QuorumReader.read(rig.admin()).leaderId()).isBetween(1000, 1002);
    }

    @Test
    @Order(2)
    void aRestartThatWouldLeaveTheQuorumWithoutAMajorityWaitsAndGoesOnOnceTheLostVoterIsBack() throws Exception {
        int leader = QuorumReader.read(rig.admin()).leaderId();
        List<Integer> followers = new ArrayList<>(List.of(1000, 1001, 1002));
        followers.remove(Integer.valueOf(leader));
        int lost = followers.get(0);
        int asked = followers.get(1);
        rig.glue().loseController(lost);
        String uid = controllerPod(asked).getMetadata().getUid();

        OperatorFixture.patchPod(rig.bed, DayTwoRig.NS, controllerPod(asked).getMetadata().getName(),
                "{\"metadata\":{\"annotations\":{\"berth.dev/restart\":\"now\"}}}");

        await("the roll waits, and says why").atMost(WAIT).until(() -> {
            OperationStatus op = rig.cluster().getStatus().operation();
            Condition c = rig.cluster().getStatus().condition(ConditionType.RestartBlocked);
            return op != null && ControllerRollStep.TYPE.equals(op.type())
                    && ControllerRollStep.WAITING_SAFE.equals(op.phase()) && c != null && c.isTrue()
                    && "QuorumAtRisk".equals(c.reason());
        });
        assertThat(rig.cluster().getStatus().condition(ConditionType.RestartBlocked).message())
                .isEqualTo("Controller " + asked + " waits: without it, too few voters are caught up with the quorum leader "
                        + leader + " (behind: [" + lost + "]). It goes once a majority of the other controllers is caught up.");
        // a pass writes status first and posts its Events after: the Warning may come a moment later
        await("a Warning says so").atMost(WAIT).until(() -> rig.eventReasons()
                .contains(ControllerRollStep.Event.RESTART_WAITING.reason));
        await("status rows say who leads and who is behind").atMost(WAIT).until(() -> quorumWords().equals(
                Map.of(leader, "Leader", asked, "Follower", lost, "Behind")));
        await("controller " + asked + " is never stopped while the quorum needs it").during(Duration.ofSeconds(4))
                .atMost(Duration.ofSeconds(10)).until(() -> uid.equals(controllerPod(asked).getMetadata().getUid())
                        && rig.glue().controllerStops.get(asked).size() == 1);

        rig.glue().recoverController(lost);

        await("safe again: restarted, the operation over").atMost(WAIT).until(() ->
                rig.cluster().getStatus().operation() == null && podOrNull(asked) != null
                        && !uid.equals(podOrNull(asked).getMetadata().getUid())
                        && !rig.isTrue(ConditionType.RestartBlocked));
        assertThat(rig.glue().controllerStops.get(asked)).hasSize(2);
        assertThat(behind(rig.glue().controllerStops.get(asked).get(1))).as("both others caught up when it went")
                .allSatisfy(ms -> assertThat(ms).isLessThanOrEqualTo(2000L));
        assertThat(rig.glue().controllerStops.get(lost)).as("the lost one was never restarted by the roll").hasSize(1);
    }

    /**
     * The quorum's view is not enough: a controller whose pod is not Ready counts as down, whatever the quorum
     * says (after SIGTERM a controller fetches until its process ends; one that is back may not serve yet).
     * Here a lost controller comes back and catches up while its pod still reads not Ready.
     */
    @Test
    @Order(3)
    void aControllerWaitsWhileAnotherControllersPodIsNotReadyThoughTheQuorumCountsItCaughtUp() throws Exception {
        int leader = QuorumReader.read(rig.admin()).leaderId();
        List<Integer> followers = new ArrayList<>(List.of(1000, 1001, 1002));
        followers.remove(Integer.valueOf(leader));
        int other = followers.get(0);
        int asked = followers.get(1);
        rig.glue().loseController(other);
        String uid = controllerPod(asked).getMetadata().getUid();
        OperatorFixture.patchPod(rig.bed, DayTwoRig.NS, controllerPod(asked).getMetadata().getName(),
                "{\"metadata\":{\"annotations\":{\"berth.dev/restart\":\"now\"}}}");
        await("the roll waits for the lost voter").atMost(WAIT).until(() -> "QuorumAtRisk".equals(
                rig.reason(ConditionType.RestartBlocked)));

        rig.glue().unready("controller", other, true);
        try {
            await("its pod reads not Ready").atMost(WAIT).until(() -> !dev.berth.operator.observe.KubeView.isReady(
                    controllerPod(other)));
            rig.glue().recoverController(other);
            try {
                await("caught up again in the quorum, its pod not Ready: the roll still waits, and says why").atMost(WAIT)
                        .until(() -> "OtherControllersDown".equals(rig.reason(ConditionType.RestartBlocked))
                                && "Follower".equals(quorumWords().get(other)));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("timed out; RestartBlocked " + rig.cluster().getStatus().condition(
                        ConditionType.RestartBlocked) + "; operation " + rig.cluster().getStatus().operation() + "; quorum "
                        + quorumWords() + "; glue " + rig.glue().log, e);
            }
            assertThat(rig.cluster().getStatus().condition(ConditionType.RestartBlocked).message()).isEqualTo("Controller "
                    + asked + " waits: the pods of controllers [" + other + "] are missing, not Ready or being deleted."
                    + " It goes once they are back.");
            await("controller " + asked + " is not stopped while " + other + "'s pod is not Ready")
                    .during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10))
                    .until(() -> uid.equals(controllerPod(asked).getMetadata().getUid()));
        } finally {
            rig.glue().unready("controller", other, false); // the next cases need every pod Ready
        }

        await("Ready again: restarted, the operation over").atMost(WAIT).until(() ->
                rig.cluster().getStatus().operation() == null && podOrNull(asked) != null
                        && !uid.equals(podOrNull(asked).getMetadata().getUid())
                        && !rig.isTrue(ConditionType.RestartBlocked));
    }

    @Test
    @Order(4)
    void aControllerOnACordonedNodeIsMovedOffItWhileTheQuorumKeepsItsMajority() throws Exception {
        rig.core.createNode(new V1Node().metadata(new V1ObjectMeta().name("m0"))).execute();
        int leader = QuorumReader.read(rig.admin()).leaderId();
        int moved = leader == 1000 ? 1001 : 1000;
        OperatorFixture.patchPod(rig.bed, DayTwoRig.NS, controllerPod(moved).getMetadata().getName(),
                "{\"spec\":{\"nodeName\":\"m0\"}}");
        int before = rig.glue().controllerStops.get(moved).size();
        await("its pod on m0").atMost(WAIT).until(() -> "m0".equals(controllerPod(moved).getSpec().getNodeName()));

        rig.cordon("m0", true);

        await("status says it moves").atMost(WAIT).until(() -> "MovingControllers".equals(
                rig.reason(ConditionType.OnCordonedNodes)));
        await("moved off m0, the operation over").atMost(WAIT).until(() -> {
            V1Pod now = podOrNull(moved);
            return now != null && !"m0".equals(now.getSpec().getNodeName())
                    && rig.cluster().getStatus().operation() == null && !rig.isTrue(ConditionType.PodsOutOfDate);
        });
        List<String> stops = rig.glue().controllerStops.get(moved);
        assertThat(stops).hasSize(before + 1);
        await("nothing left on cordoned nodes").atMost(WAIT).until(() -> "NoneCordoned".equals(
                rig.reason(ConditionType.OnCordonedNodes)));
        assertThat(behind(stops.get(before))).as("both others caught up when it went: " + stops.get(before))
                .allSatisfy(ms -> assertThat(ms).isLessThanOrEqualTo(2000L));
        assertThat(RollingRestartTest.messagesOf(rig, ControllerRollStep.Event.CONTROLLER_RESTART_STARTED.reason))
                .contains("Restarting controllers [" + moved + "] one at a time, the quorum leader last. Why: " + moved
                        + ": on cordoned node m0.");
    }

    @Test
    @Order(5)
    void aControllerThatDoesNotComeBackIsReportedAndTheRollEndsOnceItIs() throws Exception {
        int leader = QuorumReader.read(rig.admin()).leaderId();
        int down = leader == 1002 ? 1001 : 1002;
        rig.glue().loseController(down); // its new pod will read Ready, and its controller not start
        String uid = controllerPod(down).getMetadata().getUid();
        OperatorFixture.patchPod(rig.bed, DayTwoRig.NS, controllerPod(down).getMetadata().getName(),
                "{\"metadata\":{\"annotations\":{\"berth.dev/restart\":\"now\"}}}");
        await("its pod replaced, the roll waiting for it").atMost(WAIT).until(() -> {
            V1Pod now = podOrNull(down);
            OperationStatus op = rig.cluster().getStatus().operation();
            return now != null && !uid.equals(now.getMetadata().getUid()) && op != null
                    && ControllerRollStep.RESTARTING.equals(op.phase());
        });
        assertThat(rig.isTrue(ConditionType.RestartBlocked)).as("not yet: it may be replaying its log").isFalse();

        rig.advance(ControllerRollStep.NOT_BACK_AFTER.plusMinutes(1));

        await("reported").atMost(WAIT).until(() -> "ControllerNotBack".equals(rig.reason(ConditionType.RestartBlocked))
                && rig.isTrue(ConditionType.RestartBlocked));
        assertThat(rig.cluster().getStatus().condition(ConditionType.RestartBlocked).message()).isEqualTo("Controller "
                + down + " is not back yet: it is not caught up with the quorum leader " + leader
                + " (controller 1 of 1). See its pod's events and log.");
        await("a Warning says so").atMost(WAIT).until(() -> RollingRestartTest.messagesOf(rig,
                ControllerRollStep.Event.RESTART_WAITING.reason).contains("Controller " + down + " is not back yet: it is"
                + " not caught up with the quorum leader " + leader + " (controller 1 of 1)."));

        rig.glue().recoverController(down);

        await("back: the roll over").atMost(WAIT).until(() -> rig.cluster().getStatus().operation() == null
                && !rig.isTrue(ConditionType.RestartBlocked));
        await("and an Event says it is back").atMost(WAIT).until(() -> RollingRestartTest.messagesOf(rig,
                ControllerRollStep.Event.CONTROLLER_RESTARTED.reason).contains("Controller " + down + " restarted with"
                + " the current spec and caught up with the quorum (controller 1 of 1)."));
    }

    @Test
    @Order(6)
    void aRollStuckOnAnImageThatDoesNotStartGoesOnOnceTheSpecIsFixed() throws Exception {
        Map<Integer, Integer> stopsBefore = new java.util.TreeMap<>();
        rig.glue().controllerStops.forEach((id, at) -> stopsBefore.put(id, at.size()));
        int leader = QuorumReader.read(rig.admin()).leaderId();
        int first = QuorumSafety.order(List.of(1000, 1001, 1002), leader).get(0);

        rig.patch("{\"spec\":{\"image\":\"apache/kafka:broken\"}}");

        await("the first controller's new pod does not start; the roll waits").atMost(WAIT).until(() -> {
            V1Pod now = podOrNull(first);
            OperationStatus op = rig.cluster().getStatus().operation();
            return now != null && now.getSpec().getContainers().get(0).getImage().endsWith(":broken") && op != null
                    && ControllerRollStep.RESTARTING.equals(op.phase());
        });
        await("no other controller goes while it is down").during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10))
                .until(() -> rig.glue().controllerStops.entrySet().stream().allMatch(e -> e.getKey() == first
                        || e.getValue().size() == stopsBefore.getOrDefault(e.getKey(), 0)));

        rig.patch("{\"spec\":{\"image\":\"apache/kafka:9.9.9\"}}");

        await("its pod replaced with the fixed image, the roll over").atMost(WAIT).until(() -> {
            V1Pod now = podOrNull(first);
            return now != null && now.getSpec().getContainers().get(0).getImage().equals("apache/kafka:9.9.9")
                    && rig.cluster().getStatus().operation() == null && !rig.isTrue(ConditionType.PodsOutOfDate);
        });
        assertThat(QuorumReader.read(rig.admin()).voterIds()).containsExactly(1000, 1001, 1002);
        await("every voter in sync again").atMost(WAIT).until(() -> quorumWords().values().stream()
                .filter(w -> !"Leader".equals(w)).allMatch("Follower"::equals));
        rig.glue().controllerStops.forEach((id, at) -> assertThat(at.size()).as("controller " + id)
                .isEqualTo(stopsBefore.getOrDefault(id, 0) + (id == first ? 1 : 0)));
    }

    /**
     * A controller already down (its pod not Ready, crash-looping on the old spec) when the spec is edited:
     * the roll starts anyway, and takes it first, since only its restart gives it the fix. Before, a roll
     * waited for every controller pod to be Ready, and never started.
     */
    @Test
    @Order(7)
    void aRollStartsWithAControllerThatIsDownAndTakesItFirst() throws Exception {
        int leader = QuorumReader.read(rig.admin()).leaderId();
        int down = leader == 1002 ? 1001 : 1002;
        String uid = controllerPod(down).getMetadata().getUid();
        rig.glue().loseController(down);
        rig.glue().unready("controller", down, true);
        try {
            await("its pod reads not Ready").atMost(WAIT).until(() -> !dev.berth.operator.observe.KubeView.isReady(
                    controllerPod(down)));
            rig.patch("{\"spec\":{\"image\":\"apache/kafka:9.9.10\"}}");

            await("a roll of controllers " + down + " first, whose pod is replaced").atMost(WAIT).until(() -> {
                OperationStatus op = rig.cluster().getStatus().operation();
                V1Pod now = podOrNull(down);
                return op != null && ControllerRollStep.TYPE.equals(op.type())
                        && op.details().get(ControllerRollStep.CONTROLLERS).startsWith(down + ",")
                        && now != null && !uid.equals(now.getMetadata().getUid());
            });
        } finally {
            rig.glue().unready("controller", down, false);
            rig.glue().recoverController(down);
        }
        await("every controller on the new image, the roll over").atMost(WAIT.multipliedBy(2)).until(() ->
                rig.cluster().getStatus().operation() == null && !rig.isTrue(ConditionType.PodsOutOfDate)
                        && "apache/kafka:9.9.10".equals(podImage(1000)) && "apache/kafka:9.9.10".equals(podImage(1001))
                        && "apache/kafka:9.9.10".equals(podImage(1002)));
        assertThat(QuorumReader.read(rig.admin()).voterIds()).containsExactly(1000, 1001, 1002);
    }

    /** Controller {@code id}'s pod's image, or null while it has no pod. */
    private static String podImage(int id) throws Exception {
        V1Pod pod = podOrNull(id);
        return pod == null ? null : pod.getSpec().getContainers().get(0).getImage();
    }

    /** Controller id to its status row's quorum word. */
    private static Map<Integer, String> quorumWords() throws Exception {
        Map<Integer, String> out = new java.util.TreeMap<>();
        rig.cluster().getStatus().controllers().forEach(n -> out.put(n.id(), n.quorum()));
        return out;
    }

    /** Controller ids in the order the glue saw their pods go (deleted, or replaced between two polls). */
    private static List<Integer> controllerOrder() {
        List<Integer> out = new ArrayList<>();
        for (String line : rig.glue().log) {
            if (line.startsWith("pod of controller ")) {
                out.add(Integer.parseInt(line.substring("pod of controller ".length(), line.indexOf(' ', 18))));
            }
        }
        return out;
    }

    /** The milliseconds each other voter trailed, from a glue note "leader L; others behind ms: 1001=0 1002=12". */
    private static List<Long> behind(String note) {
        List<Long> out = new ArrayList<>();
        for (String part : note.substring(note.indexOf(':') + 1).trim().split(" ")) {
            out.add(Long.parseLong(part.substring(part.indexOf('=') + 1)));
        }
        return out;
    }

    private static int firstIndex(List<String> log, String prefix) {
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndex(List<String> log, String prefix) {
        for (int i = log.size() - 1; i >= 0; i--) {
            if (log.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    private static V1Pod controllerPod(int id) throws Exception {
        V1Pod pod = podOrNull(id);
        assertThat(pod).as("controller " + id + "'s pod").isNotNull();
        return pod;
    }

    /** Controller {@code id}'s pod that is not being deleted, or null (between a delete and its successor). */
    private static V1Pod podOrNull(int id) throws Exception {
        return rig.core.listNamespacedPod(DayTwoRig.NS).labelSelector("berth.dev/cluster=quorum,berth.dev/broker-id=" + id)
                .execute().getItems().stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .findFirst().orElse(null);
    }
}
