package dev.berth.extender.http;

import static dev.berth.extender.http.HttpFixture.ALL;
import static dev.berth.extender.http.HttpFixture.BROKER;
import static dev.berth.extender.http.HttpFixture.ORDERS;
import static dev.berth.extender.http.HttpFixture.get;
import static dev.berth.extender.http.HttpFixture.post;
import static dev.berth.extender.testing.SchedulerWire.namesArgs;
import static dev.berth.extender.testing.SchedulerWire.pod;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import dev.berth.extender.placement.BrokerPod;
import dev.berth.extender.state.PodBinder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Prioritize answered from what was prepared after its filter ({@link PreparedPrioritize}), over
 * real HTTP: used exactly when nothing the scores depend on changed, and the answer is then the
 * one computing would give. The server runs with maxRackSkew 2, so that the fixture's broker passes a2, b1, b2,
 * scored 6, 6, 8 (the formula is worked through in {@code ExtenderHttpTest.prioritizeScoresAreTheDocumentedFormula};
 * with the default maxSkew 1, a2 fails the rack skew rule and only two nodes would be left to tell apart).
 */
class PreparedPrioritizeTest {
    private static final String SCORED = "[{\"Host\":\"a2\",\"Score\":6},{\"Host\":\"b1\",\"Score\":6},{\"Host\":\"b2\",\"Score\":8}]";

    private HttpFixture.Switchable state;
    private ByteArrayOutputStream log;
    private ExtenderServer server;
    private int port;

    @BeforeEach
    void start() {
        state = HttpFixture.state();
        log = new ByteArrayOutputStream();
        server = ExtenderServer.builder().state(state).binder(state.inner).decisionSink(log).maxRackSkew(2).start();
        port = server.port();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String prioritize(String pod, List<String> nodes) throws Exception {
        var r = post(port, "/scheduler/prioritize", namesArgs(pod, nodes));
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private String counts() throws Exception {
        String metrics = get(port, "/metrics").body();
        return "hit=" + count(metrics, "hit") + " miss=" + count(metrics, "miss");
    }

    private static int count(String metrics, String result) {
        String key = "berth_extender_prioritize_prepared_total{result=\"" + result + "\",} ";
        int at = metrics.indexOf(key);
        return at < 0 ? 0 : (int) Double.parseDouble(metrics.substring(at + key.length(), metrics.indexOf('\n', at)));
    }

    @Test
    void prioritizeForExactlyTheNodesItsFilterPassedGetsThePreparedAnswer() throws Exception {
        assertThat(JsonParser.parseString(post(port, "/scheduler/filter", namesArgs(BROKER, ALL)).body()).getAsJsonObject()
                .getAsJsonArray("NodeNames").toString()).isEqualTo("[\"a2\",\"b1\",\"b2\"]");
        assertThat(prioritize(BROKER, List.of("a2", "b1", "b2"))).isEqualTo(SCORED);
        assertThat(counts()).isEqualTo("hit=1 miss=0");
        // a retry of the same prioritize is answered the same way
        assertThat(prioritize(BROKER, List.of("a2", "b1", "b2"))).isEqualTo(SCORED);
        assertThat(counts()).isEqualTo("hit=2 miss=0");
        // the decision line still carries every node's parts
        server.close();
        String last = log.toString(StandardCharsets.UTF_8).lines().reduce((a, b) -> b).orElseThrow();
        assertThat(JsonParser.parseString(last).getAsJsonObject().getAsJsonObject("scores").keySet()).containsExactly("a2", "b1", "b2");
    }

    @Test
    void twoNodesLeftArePreparedForAndOneIsNot() throws Exception {
        // kube-scheduler calls prioritize only when at least two nodes pass: preparing for one is waste
        post(port, "/scheduler/filter", namesArgs(BROKER, List.of("a2", "b1")));
        assertThat(prioritize(BROKER, List.of("a2", "b1"))).isEqualTo("[{\"Host\":\"a2\",\"Score\":6},{\"Host\":\"b1\",\"Score\":6}]");
        assertThat(counts()).isEqualTo("hit=1 miss=0");
        post(port, "/scheduler/filter", namesArgs(BROKER, List.of("b2")));
        assertThat(prioritize(BROKER, List.of("b2"))).isEqualTo("[{\"Host\":\"b2\",\"Score\":8}]");
        assertThat(counts()).as("nothing was prepared for a single node").isEqualTo("hit=1 miss=1");
    }

    @Test
    void anotherOrderAnotherSetOrAnotherPodIsScoredAfresh() throws Exception {
        post(port, "/scheduler/filter", namesArgs(BROKER, ALL));
        assertThat(prioritize(BROKER, List.of("b2", "a2", "b1")))
                .isEqualTo("[{\"Host\":\"b2\",\"Score\":8},{\"Host\":\"a2\",\"Score\":6},{\"Host\":\"b1\",\"Score\":6}]");
        assertThat(prioritize(BROKER, List.of("a2", "b2"))).isEqualTo("[{\"Host\":\"a2\",\"Score\":6},{\"Host\":\"b2\",\"Score\":8}]");
        // same cluster and nodes, but a rack pin: not the pod the answer was prepared for. Pinned to
        // rack a, b1 and b2 break the rack rule (0), and a2 no longer pays for rack balance:
        // (3*10 + 2*10 + 1*0)/6 = 8.33 -> 8
        String pinned = pod("kafka", "orders-broker-1", "uid-1", ORDERS, Map.of("berth.dev/local-storage", "100Gi", "berth.dev/rack", "rack-a"));
        assertThat(prioritize(pinned, List.of("a2", "b1", "b2"))).isEqualTo(
                "[{\"Host\":\"a2\",\"Score\":8},{\"Host\":\"b1\",\"Score\":0},{\"Host\":\"b2\",\"Score\":0}]");
        assertThat(counts()).isEqualTo("hit=0 miss=3");
        // the prepared answer is still there for the pod it was made for
        assertThat(prioritize(BROKER, List.of("a2", "b1", "b2"))).isEqualTo(SCORED);
        assertThat(counts()).isEqualTo("hit=1 miss=3");
    }

    @Test
    void aChangeOfStateBetweenFilterAndPrioritizeIsNeverAnsweredFromBefore() throws Exception {
        post(port, "/scheduler/filter", namesArgs(BROKER, ALL));
        // another broker of the same cluster lands on b1 (bound by another scheduler, seen by the cache)
        state.inner.bind(new PodBinder.BindTarget("kafka", "orders-broker-2", "uid-2", "b1", "rack-b", "test",
                new BrokerPod("kafka", "orders-broker-2", "uid-2", "orders", 2, null, null, 10L << 30)));
        // b1 now breaks the one-broker rule (0), and rack b holds an orders broker as rack a does: of the racks on
        // offer (rack c's nodes have no disk for it) none is emptier, so a2 gains rack balance (5 -> 10)
        assertThat(prioritize(BROKER, List.of("a2", "b1", "b2")))
                .isEqualTo("[{\"Host\":\"a2\",\"Score\":8},{\"Host\":\"b1\",\"Score\":0},{\"Host\":\"b2\",\"Score\":8}]");
        assertThat(counts()).isEqualTo("hit=0 miss=1");
    }

    @Test
    void podsOutsideAnyClusterAreNeitherPreparedNorCounted() throws Exception {
        String web = pod("web", "w-0", "u", Map.of(), Map.of());
        post(port, "/scheduler/filter", namesArgs(web, ALL));
        assertThat(prioritize(web, List.of("a1", "a2"))).isEqualTo("[{\"Host\":\"a1\",\"Score\":0},{\"Host\":\"a2\",\"Score\":0}]");
        assertThat(counts()).isEqualTo("hit=0 miss=0");
    }
}
