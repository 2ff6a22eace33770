package dev.berth.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testbed.k8s.KubeApiTestBed;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.util.PatchUtils;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link NodeLabels} over real HTTP against the Kubernetes API bed. */
class NodeLabelsTest {
    static final String ZONE = "topology.kubernetes.io/zone";
    static KubeApiTestBed bed;
    static CoreV1Api core;

    @BeforeAll
    static void start() throws Exception {
        bed = KubeApiTestBed.start();
        core = new CoreV1Api(bed.apiClient());
        core.createNode(new V1Node().metadata(new V1ObjectMeta().name("n1").labels(Map.of(ZONE, "a")))).execute();
        core.createNode(new V1Node().metadata(new V1ObjectMeta().name("n2"))).execute();
    }

    @AfterAll
    static void stop() {
        bed.close();
    }

    /** A clock the test moves. */
    static final class Hands extends Clock {
        Instant now = Instant.parse("2026-11-27T08:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void racksAreReadOnceAPeriodAndANodeNotReadableIsLeftOut() throws Exception {
        Hands clock = new Hands();
        NodeLabels labels = new NodeLabels(core, clock);
        assertThat(labels.racks(Set.of("n1", "n2", "gone"), ZONE))
                .as("a node without the label reads empty; one that does not exist is left out")
                .isEqualTo(Map.of("n1", "a", "n2", ""));
        assertThat(labels.racks(Set.of("n1"), "another/label")).isEqualTo(Map.of("n1", ""));

        relabel("n1", "x");
        clock.now = clock.now.plus(NodeLabels.MAX_AGE);
        assertThat(labels.racks(Set.of("n1"), ZONE)).as("read within the period: the old value").isEqualTo(Map.of("n1", "a"));
        clock.now = clock.now.plusMillis(1);
        assertThat(labels.racks(Set.of("n1"), ZONE)).as("past it: read again").isEqualTo(Map.of("n1", "x"));

        assertThat(labels.racks(Set.of("late"), ZONE)).as("not there yet").isEmpty();
        core.createNode(new V1Node().metadata(new V1ObjectMeta().name("late").labels(Map.of(ZONE, "c")))).execute();
        assertThat(labels.racks(Set.of("late"), ZONE)).as("a failed read waits its period too").isEmpty();
        clock.now = clock.now.plus(NodeLabels.MAX_AGE).plusMillis(1);
        assertThat(labels.racks(Set.of("late"), ZONE)).isEqualTo(Map.of("late", "c"));
    }

    @Test
    void aRacksSchedulableNodesAreListedOnceAPeriodCordonedOnesLeftOut() throws Exception {
        for (String n : java.util.List.of("r1", "r2", "r3")) {
            core.createNode(new V1Node().metadata(new V1ObjectMeta().name(n).labels(Map.of(ZONE, "rack-r"))))
                    .execute();
        }
        core.createNode(new V1Node().metadata(new V1ObjectMeta().name("q1").labels(Map.of(ZONE, "rack-q")))).execute();
        PatchUtils.patch(V1Node.class, () -> core.patchNode("r3", new V1Patch("{\"spec\":{\"unschedulable\":true}}"))
                .buildCall(null), V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, bed.apiClient());
        Hands clock = new Hands();
        NodeLabels labels = new NodeLabels(core, clock);
        assertThat(labels.schedulable(ZONE, Set.of("rack-r", "rack-q", "rack-empty")))
                .as("by label value; a cordoned node is no destination; a rack without nodes lists none")
                .isEqualTo(Map.of("rack-r", Set.of("r1", "r2"), "rack-q", Set.of("q1"), "rack-empty", Set.of()));

        relabel("r2", "rack-q");
        clock.now = clock.now.plus(NodeLabels.MAX_AGE);
        assertThat(labels.schedulable(ZONE, Set.of("rack-r"))).as("within the period: the old list")
                .isEqualTo(Map.of("rack-r", Set.of("r1", "r2")));
        clock.now = clock.now.plusMillis(1);
        assertThat(labels.schedulable(ZONE, Set.of("rack-r", "rack-q"))).as("past it: listed again")
                .isEqualTo(Map.of("rack-r", Set.of("r1"), "rack-q", Set.of("q1", "r2")));

        NodeLabels refused = new NodeLabels(new CoreV1Api(new io.kubernetes.client.openapi.ApiClient()
                .setBasePath("http://127.0.0.1:1")), clock);
        assertThat(refused.schedulable(ZONE, Set.of("rack-r"))).as("a rack whose nodes cannot be listed is left out")
                .isEmpty();
    }

    @Test
    void whatNoBrokerAsksAboutForTenPeriodsIsForgotten() {
        Hands clock = new Hands();
        NodeLabels labels = new NodeLabels(core, clock);
        labels.racks(Set.of("n1", "n2", "gone"), ZONE);
        labels.schedulable(ZONE, Set.of("a", "b"));
        assertThat(labels.remembered()).as("three reads (a failed one too), two lists").isEqualTo(5);

        clock.now = clock.now.plus(NodeLabels.MAX_AGE.multipliedBy(10));
        labels.racks(Set.of("n1"), ZONE);
        labels.schedulable(ZONE, Set.of("a"));
        assertThat(labels.remembered()).as("ten periods old: still kept").isEqualTo(5);

        clock.now = clock.now.plusMillis(1);
        labels.racks(Set.of("n1"), ZONE);
        assertThat(labels.remembered()).as("n1 and a were asked about again; n2, gone and b were not")
                .isEqualTo(3);
        clock.now = clock.now.plus(NodeLabels.MAX_AGE.multipliedBy(10)).plusMillis(1);
        labels.schedulable(ZONE, Set.of("b"));
        assertThat(labels.remembered()).as("lists are forgotten the same way; reads only when racks are read")
                .isEqualTo(2);
    }

    static void relabel(String node, String zone) throws Exception {
        PatchUtils.patch(V1Node.class, () -> core.patchNode(node,
                new V1Patch("{\"metadata\":{\"labels\":{\"" + ZONE + "\":\"" + zone + "\"}}}")).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, bed.apiClient());
    }
}
