package dev.berth.extender.http;

import static dev.berth.extender.http.HttpFixture.ALL;
import static dev.berth.extender.http.HttpFixture.BROKER;
import static dev.berth.extender.http.HttpFixture.ORDERS;
import static dev.berth.extender.http.HttpFixture.get;
import static dev.berth.extender.http.HttpFixture.post;
import static dev.berth.extender.testing.SchedulerWire.bindArgs;
import static dev.berth.extender.testing.SchedulerWire.fullArgs;
import static dev.berth.extender.testing.SchedulerWire.namesArgs;
import static dev.berth.extender.testing.SchedulerWire.node;
import static dev.berth.extender.testing.SchedulerWire.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.berth.extender.state.PodBinder;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The extender over real HTTP, with bodies shaped exactly as kube-scheduler sends them. */
class ExtenderHttpTest {

    private HttpFixture.Switchable state;
    private final List<PodBinder.BindTarget> binds = new CopyOnWriteArrayList<>();
    private ByteArrayOutputStream log;
    private ExtenderServer server;
    private int port;

    @BeforeEach
    void start() {
        state = HttpFixture.state();
        log = new ByteArrayOutputStream();
        PodBinder recording = t -> {
            binds.add(t);
            return state.inner.bind(t);
        };
        server = ExtenderServer.builder().state(state).binder(recording).decisionSink(log).maxBodyBytes(1 << 20)
                .clock(Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC)).start();
        port = server.port();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static JsonObject json(HttpResponse<String> r) {
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    @Test
    void namesModeFilterPassesFitsAndSplitsRefusalsByPermanence() throws Exception {
        HttpResponse<String> r = post(port, "/scheduler/filter", namesArgs(BROKER, ALL));
        assertThat(r.statusCode()).isEqualTo(200);
        // racks orders a:1 (a1) b:0 c:0; the racks on offer are a and b (c's nodes have no disk for it), m = 0:
        // a2 is refused for rack skew, permanently (evicting pods from a2 would not change rack a's count)
        assertThat(r.body()).isEqualTo("{\"Nodes\":null,\"NodeNames\":[\"b1\",\"b2\"],"
                + "\"FailedNodes\":{\"a1\":\"node already hosts a broker of this cluster\",\"ghost\":\"node not in berth cache yet\"},"
                + "\"FailedAndUnresolvableNodes\":{\"a2\":\"another rack has fewer brokers of this cluster\","
                + "\"c1\":\"node disk smaller than broker storage\","
                + "\"c2\":\"node disk capacity annotation is invalid\",\"x1\":\"node has no rack label\"},\"Error\":\"\"}");
    }

    @Test
    void fullModeFilterEchoesTheAcceptedNodeObjectsByteForByte() throws Exception {
        String a2 = node("a2", Map.of("topology.kubernetes.io/zone", "rack-a"), Map.of("berth.dev/disk-capacity", "100Gi"), 4);
        String b1 = node("b1", Map.of("topology.kubernetes.io/zone", "rack-b"), Map.of("berth.dev/disk-capacity", "500G"), 2);
        String c1 = node("c1", Map.of("topology.kubernetes.io/zone", "rack-c"), Map.of("berth.dev/disk-capacity", "1e3"), 0);
        String ghost = node("ghost", Map.of("topology.kubernetes.io/zone", "rack-c"), Map.of("berth.dev/disk-capacity", "1.5Ti"), 0);
        String b2 = node("b2", Map.of("topology.kubernetes.io/zone", "rack-b"), Map.of("berth.dev/disk-capacity", "100Gi"), 12);
        HttpResponse<String> r = post(port, "/scheduler/filter", fullArgs(BROKER, List.of(a2, b1, c1, ghost, b2)));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("{\"Nodes\":{\"metadata\":{},\"items\":[" + b1 + "," + b2 + "]},\"NodeNames\":null,");
        JsonObject reply = json(r);
        // the rack counts come from the cache (a1's orders broker is in no request): rack a is one broker up
        assertThat(reply.getAsJsonObject("FailedAndUnresolvableNodes").get("a2").getAsString())
                .isEqualTo("another rack has fewer brokers of this cluster");
        assertThat(reply.getAsJsonObject("FailedAndUnresolvableNodes").get("c1").getAsString()).isEqualTo("node disk smaller than broker storage");
        assertThat(reply.getAsJsonObject("FailedNodes").get("ghost").getAsString()).isEqualTo("node not in berth cache yet");
    }

    @Test
    void fullModeBodiesOfSeveralMegabytesAreServed() throws Exception {
        // Undertow's own default limit is 2 MiB; a scheduler with 600 full Nodes already sends more
        String b2 = node("b2", Map.of("topology.kubernetes.io/zone", "rack-b"), Map.of("berth.dev/disk-capacity", "100Gi"), 12);
        String body = fullArgs(BROKER, java.util.Collections.nCopies(600, b2));
        assertThat(body.length()).isGreaterThan(2_500_000);
        server.close();
        server = ExtenderServer.builder().state(state).binder(state.inner).start();
        HttpResponse<String> r = post(server.port(), "/scheduler/filter", body);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).getAsJsonObject("Nodes").getAsJsonArray("items")).hasSize(600);
    }

    @Test
    void fullModeTakesRackAndDiskFromTheRequestNode() throws Exception {
        // the cache says a2 has 100Gi; the scheduler's newer Node object says 1e3 bytes and no rack
        String a2 = node("a2", Map.of(), Map.of("berth.dev/disk-capacity", "1e3"), 0);
        HttpResponse<String> r = post(port, "/scheduler/filter", fullArgs(BROKER, List.of(a2)));
        assertThat(json(r).getAsJsonObject("FailedAndUnresolvableNodes").get("a2").getAsString()).isEqualTo("node has no rack label");
    }

    @Test
    void emptyAndSingleNodeListsAreAnswered() throws Exception {
        assertThat(post(port, "/scheduler/filter", namesArgs(BROKER, List.of())).body())
                .isEqualTo("{\"Nodes\":null,\"NodeNames\":[],\"FailedNodes\":{},\"FailedAndUnresolvableNodes\":{},\"Error\":\"\"}");
        assertThat(post(port, "/scheduler/filter", fullArgs(BROKER, List.of())).body())
                .startsWith("{\"Nodes\":{\"metadata\":{},\"items\":[]},\"NodeNames\":null,");
        assertThat(post(port, "/scheduler/filter", namesArgs(BROKER, List.of("b2"))).body()).contains("\"NodeNames\":[\"b2\"]");
        assertThat(post(port, "/scheduler/prioritize", namesArgs(BROKER, List.of())).body()).isEqualTo("[]");
    }

    @Test
    void everyInputNodeIsAccountedForExactlyOnceInBothModes() throws Exception {
        List<String> full = new java.util.ArrayList<>();
        for (String name : ALL) {
            full.add(node(name, name.equals("x1") ? Map.of() : Map.of("topology.kubernetes.io/zone", "rack-" + name.charAt(0)),
                    Map.of("berth.dev/disk-capacity", name.equals("c1") ? "1e3" : "1.5Ti"), 0));
        }
        for (String body : List.of(namesArgs(BROKER, ALL), fullArgs(BROKER, full))) {
            JsonObject reply = json(post(port, "/scheduler/filter", body));
            List<String> seen = new java.util.ArrayList<>();
            if (reply.get("Nodes").isJsonNull()) {
                reply.getAsJsonArray("NodeNames").forEach(e -> seen.add(e.getAsString()));
            } else {
                assertThat(reply.get("NodeNames").isJsonNull()).as("full mode answers Nodes, not NodeNames").isTrue();
                reply.getAsJsonObject("Nodes").getAsJsonArray("items")
                        .forEach(e -> seen.add(e.getAsJsonObject().getAsJsonObject("metadata").get("name").getAsString()));
            }
            assertThat(seen).as("some pass, so the check below is not vacuous").isNotEmpty();
            seen.addAll(reply.getAsJsonObject("FailedNodes").keySet());
            seen.addAll(reply.getAsJsonObject("FailedAndUnresolvableNodes").keySet());
            assertThat(seen).containsExactlyInAnyOrderElementsOf(ALL); // each once: no node lost, none twice
        }
    }

    @Test
    void lowerCaseKeysWork() throws Exception {
        String body = "{\"pod\":{\"metadata\":{\"name\":\"orders-broker-1\",\"namespace\":\"kafka\",\"labels\":{\"berth.dev/cluster\":\"orders\"}}},"
                + "\"nodes\":null,\"nodenames\":[\"a1\",\"b2\"]}";
        assertThat(json(post(port, "/scheduler/filter", body)).getAsJsonArray("NodeNames").toString()).isEqualTo("[\"b2\"]");
    }

    @Test
    void prioritizeScoresAreTheDocumentedFormula() throws Exception {
        HttpResponse<String> r = post(port, "/scheduler/prioritize", namesArgs(BROKER, List.of("a2", "b1", "b2", "ghost")));
        assertThat(r.statusCode()).isEqualTo(200);
        // racks orders a:1 b:0 c:0; leader loads a2 0, b1 100, b2 0; disk free after 100Gi: a2 0, b1 6.78/10, b2 0
        // a2 breaks the rack skew rule (a holds one broker more than b): 0. As a score alone it would have had
        // (3*5 + 2*10 + 1*0)/6 = 5.83 -> 6, tying b1 in the emptier rack.
        // b1: (30 + 0 + 6)/6 = 6; b2: (30 + 20 + 0)/6 = 8.33 -> 8; ghost unknown: 0
        assertThat(r.body()).isEqualTo("[{\"Host\":\"a2\",\"Score\":0},{\"Host\":\"b1\",\"Score\":6},{\"Host\":\"b2\",\"Score\":8},{\"Host\":\"ghost\",\"Score\":0}]");
    }

    @Test
    void podsWithoutClusterLabelPassEverythingWithScoreZero() throws Exception {
        String web = pod("web", "web-0", "u", Map.of("app", "web"), Map.of("berth.dev/local-storage", "not-a-quantity"));
        assertThat(json(post(port, "/scheduler/filter", namesArgs(web, ALL))).getAsJsonArray("NodeNames")).hasSize(ALL.size());
        JsonArray scores = JsonParser.parseString(post(port, "/scheduler/prioritize", namesArgs(web, ALL)).body()).getAsJsonArray();
        assertThat(scores).hasSize(ALL.size()).allSatisfy(e -> assertThat(e.getAsJsonObject().get("Score").getAsInt()).isZero());
    }

    @Test
    void unparsablePodQuantityIsABadRequestWithTheReason() throws Exception {
        String bad = pod("kafka", "orders-broker-1", "u", ORDERS, Map.of("berth.dev/local-storage", "100 gigs"));
        List<HttpResponse<String>> replies = new java.util.ArrayList<>();
        String stderr = PrintStreamMute.capture(() -> replies.add(post(port, "/scheduler/filter", namesArgs(bad, ALL))));
        HttpResponse<String> r = replies.get(0);
        assertThat(r.statusCode()).isEqualTo(400);
        String reason = json(r).get("Error").getAsString();
        assertThat(reason).contains("berth.dev/local-storage").contains("100 gigs");
        // and it is logged (WARN, logger dev.berth.extender.http; plain in tests, JSON in the jar)
        assertThat(stderr).contains("WARN").contains("filter answered 400: " + reason);
    }

    @Test
    void aQuantityOfMegabytesOfDigitsIsRefusedWithoutParsingIt() throws Exception {
        // "1" and 2,000,000 zeros: parsed, it held the request thread for about a minute
        String huge = pod("kafka", "orders-broker-1", "u", ORDERS, Map.of("berth.dev/local-storage", "1" + "0".repeat(2_000_000)));
        server.close();
        server = ExtenderServer.builder().state(state).binder(state.inner).start(); // 64 MiB: the 2 MB body is read
        List<HttpResponse<String>> replies = new java.util.ArrayList<>();
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10), () -> PrintStreamMute.run(
                () -> replies.add(post(server.port(), "/scheduler/filter", namesArgs(huge, ALL)))));
        HttpResponse<String> r = replies.get(0);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).get("Error").getAsString())
                .isEqualTo("pod annotation berth.dev/local-storage: quantity too long: 2000001 characters");
    }

    @Test
    void moreNodeNamesThanTheCapAreABadRequest() throws Exception {
        HttpResponse<String> r = post(port, "/scheduler/filter", namesArgs(BROKER, java.util.Collections.nCopies(100_001, "a")));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).get("Error").getAsString()).isEqualTo("NodeNames has more than 100000 node names");
    }

    @Test
    void aBindWithoutPodUidIsRefusedBeforeTheBinderSeesIt() throws Exception {
        post(port, "/scheduler/filter", namesArgs(BROKER, ALL));
        // without the UID, the Binding would go out without its precondition: a pod recreated under
        // the same name could be bound where the filter placed the old one
        for (String body : List.of("{\"PodName\":\"orders-broker-1\",\"PodNamespace\":\"kafka\",\"Node\":\"b2\"}",
                bindArgs("kafka", "orders-broker-1", "", "b2"))) {
            HttpResponse<String> r = post(port, "/scheduler/bind", body);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(r.body()).as(body).isEqualTo("{\"Error\":\"PodUID is missing\"}");
        }
        assertThat(binds).isEmpty();
        assertThat(state.inner.boundNode("kafka/orders-broker-1")).isEmpty();
    }

    @Test
    void beforeSyncFilterIs503WithErrorAndReadyzSaysSo() throws Exception {
        state.synced = false;
        HttpResponse<String> r = post(port, "/scheduler/filter", namesArgs(BROKER, ALL));
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(json(r).get("Error").getAsString()).isEqualTo("berth cache not synced yet");
        assertThat(get(port, "/readyz").statusCode()).isEqualTo(503);
        assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);
        state.synced = true;
        assertThat(get(port, "/readyz").statusCode()).isEqualTo(200);
        assertThat(post(port, "/scheduler/filter", namesArgs(BROKER, ALL)).statusCode()).isEqualTo(200);
    }

    @Test
    void aReasonForNotBeingSyncedReachesTheSchedulerAndReadyz() throws Exception {
        state.synced = false;
        state.notSyncedReason = "nodes list refused: HTTP 403 (RBAC: list, watch nodes)";
        try {
            HttpResponse<String> r = post(port, "/scheduler/filter", namesArgs(BROKER, ALL));
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(json(r).get("Error").getAsString())
                    .isEqualTo("berth cache not synced yet: nodes list refused: HTTP 403 (RBAC: list, watch nodes)");
            HttpResponse<String> ready = get(port, "/readyz");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).isEqualTo("berth cache not synced yet: nodes list refused: HTTP 403 (RBAC: list, watch nodes)\n");
        } finally {
            state.synced = true;
            state.notSyncedReason = null;
        }
    }

    @Test
    void metricsTellWhetherTheCacheIsCompleteAndWhatItHolds() throws Exception {
        state.synced = false;
        assertThat(get(port, "/metrics").body()).contains("berth_extender_cache_synced 0.0")
                .doesNotContain("berth_extender_cache_brokers{"); // no sizes from a partial cache
        state.synced = true;
        assertThat(get(port, "/metrics").body()).contains("berth_extender_cache_synced 1.0")
                .contains("berth_extender_cache_nodes 7.0")
                .contains("berth_extender_cache_brokers{state=\"bound\",} 2.0")
                .contains("berth_extender_cache_brokers{state=\"reserved\",} 0.0");
        post(port, "/scheduler/filter", namesArgs(BROKER, ALL)); // the scheduler's cycle: bind knows the pod from it
        post(port, "/scheduler/bind", bindArgs("kafka", "orders-broker-1", "uid-1", "b2"));
        assertThat(get(port, "/metrics").body()).contains("berth_extender_cache_brokers{state=\"bound\",} 3.0");
    }

    @Test
    void bindRecordsTheBrokerIsIdempotentAndRefusesAnotherNode() throws Exception {
        post(port, "/scheduler/filter", namesArgs(BROKER, ALL));
        post(port, "/scheduler/prioritize", namesArgs(BROKER, List.of("a2", "b1", "b2")));
        HttpResponse<String> bound = post(port, "/scheduler/bind", bindArgs("kafka", "orders-broker-1", "uid-1", "b2"));
        assertThat(bound.statusCode()).isEqualTo(200);
        assertThat(bound.body()).isEqualTo("{\"Error\":\"\"}");
        assertThat(post(port, "/scheduler/bind", bindArgs("kafka", "orders-broker-1", "uid-1", "b2")).body()).isEqualTo("{\"Error\":\"\"}");
        assertThat(post(port, "/scheduler/bind", bindArgs("kafka", "orders-broker-1", "uid-1", "a2")).body())
                .isEqualTo("{\"Error\":\"pod already bound to another node\"}");
        assertThat(state.inner.stampedRack("kafka/orders-broker-1")).contains("rack-b");
        // the next broker of the cluster no longer fits on b2, and b2's disk is now taken
        String next = pod("kafka", "orders-broker-2", "uid-2", Map.of("berth.dev/cluster", "orders"), Map.of());
        assertThat(json(post(port, "/scheduler/filter", namesArgs(next, List.of("b2")))).getAsJsonObject("FailedNodes").get("b2").getAsString())
                .isEqualTo("node already hosts a broker of this cluster");
        String other = pod("kafka", "events-broker-1", "uid-3", Map.of("berth.dev/cluster", "events"), Map.of("berth.dev/local-storage", "1Gi"));
        assertThat(json(post(port, "/scheduler/filter", namesArgs(other, List.of("b2")))).getAsJsonObject("FailedNodes").get("b2").getAsString())
                .isEqualTo("not enough free local disk");
    }

    @Test
    void whenTwoBrokersFiltersPassedOneNodeBeforeEitherBindTheSecondBindIsRefused() throws Exception {
        // kube-scheduler's binding cycle is asynchronous: the next pod is filtered before this one binds
        String second = pod("kafka", "orders-broker-2", "uid-2", Map.of("berth.dev/cluster", "orders"), Map.of());
        assertThat(json(post(port, "/scheduler/filter", namesArgs(BROKER, List.of("b2")))).get("NodeNames").toString())
                .isEqualTo("[\"b2\"]");
        assertThat(json(post(port, "/scheduler/filter", namesArgs(second, List.of("b2")))).get("NodeNames").toString())
                .isEqualTo("[\"b2\"]");
        assertThat(post(port, "/scheduler/bind", bindArgs("kafka", "orders-broker-1", "uid-1", "b2")).body())
                .isEqualTo("{\"Error\":\"\"}");
        assertThat(post(port, "/scheduler/bind", bindArgs("kafka", "orders-broker-2", "uid-2", "b2")).body())
                .isEqualTo("{\"Error\":\"node already hosts a broker of this cluster\"}");
        assertThat(state.inner.boundNode("kafka/orders-broker-2")).isEmpty();
        assertThat(state.inner.node("b2").orElseThrow().brokers()).extracting(b -> b.podKey())
                .containsExactly("kafka/orders-broker-1");
    }

    @Test
    void aBindLineNamesTheClusterAndBrokerEvenWithoutAFilterBeforeIt() throws Exception {
        // a pending pod of the cluster file, bound with no filter of this process (as after a restart)
        post(port, "/scheduler/bind", bindArgs("kafka", "orders-broker-9", "uid-9", "c2"));
        await().atMost(Duration.ofSeconds(5)).until(() -> log.toString(java.nio.charset.StandardCharsets.UTF_8).lines().count() == 1);
        JsonObject bind = JsonParser.parseString(log.toString(java.nio.charset.StandardCharsets.UTF_8).strip()).getAsJsonObject();
        assertThat(bind.get("outcome").getAsString()).as(bind.toString()).isEqualTo("bound");
        assertThat(bind.get("cluster").getAsString()).isEqualTo("orders");
        assertThat(bind.get("brokerId").getAsInt()).isEqualTo(9);
    }

    @Test
    void aPodThatIsNoBrokerIsBoundWhereverItsFilterPassedIt() throws Exception {
        String web = pod("shop", "web-1", "uid-w", Map.of(), Map.of());
        assertThat(json(post(port, "/scheduler/filter", namesArgs(web, List.of("a1", "b1")))).get("NodeNames").toString())
                .isEqualTo("[\"a1\",\"b1\"]");
        assertThat(post(port, "/scheduler/bind", bindArgs("shop", "web-1", "uid-w", "a1")).body()).isEqualTo("{\"Error\":\"\"}");
        assertThat(state.inner.boundNode("shop/web-1")).contains("a1");
        assertThat(state.inner.node("a1").orElseThrow().brokers()).extracting(b -> b.podKey())
                .doesNotContain("shop/web-1"); // no broker slot, no disk
    }

    @Test
    void bindRemembersThePodBeyondTheDecisionRing() throws Exception {
        server.close();
        server = ExtenderServer.builder().state(state).binder(state.inner).decisionsKept(1).start();
        post(server.port(), "/scheduler/filter", namesArgs(BROKER, List.of("b2")));
        post(server.port(), "/scheduler/filter", namesArgs(pod("web", "w", "u", Map.of(), Map.of()), List.of("b2"))); // evicts it from the ring
        assertThat(post(server.port(), "/scheduler/bind", bindArgs("kafka", "orders-broker-1", "uid-1", "b2")).body()).isEqualTo("{\"Error\":\"\"}");
        assertThat(state.inner.node("b2").orElseThrow().brokers()).singleElement()
                .satisfies(b -> assertThat(b.cluster()).isEqualTo("orders"))
                .satisfies(b -> assertThat(b.localStorageBytes()).isEqualTo(100L << 30));
    }

    @Test
    void everyDecisionIsOneJsonLineWithCandidatesScoresAndChoice() throws Exception {
        post(port, "/scheduler/filter", namesArgs(BROKER, ALL));
        post(port, "/scheduler/prioritize", namesArgs(BROKER, List.of("a2", "b1", "b2")));
        post(port, "/scheduler/bind", bindArgs("kafka", "orders-broker-1", "uid-1", "b2"));
        post(port, "/scheduler/bind", bindArgs("kafka", "orders-broker-1", "uid-1", "a2"));
        await().atMost(Duration.ofSeconds(5)).until(() -> log.toString(java.nio.charset.StandardCharsets.UTF_8).lines().count() == 4);
        List<JsonObject> lines = log.toString(java.nio.charset.StandardCharsets.UTF_8).lines().map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
        JsonObject filter = lines.get(0);
        assertThat(filter.get("verb").getAsString()).isEqualTo("filter");
        assertThat(filter.get("ts").getAsString()).isEqualTo("2026-11-25T12:00:00Z");
        assertThat(filter.get("pod").getAsString()).isEqualTo("kafka/orders-broker-1");
        assertThat(filter.get("uid").getAsString()).isEqualTo("uid-1");
        assertThat(filter.get("cluster").getAsString()).isEqualTo("orders");
        assertThat(filter.get("brokerId").getAsInt()).isEqualTo(1);
        assertThat(filter.get("candidates").getAsInt()).isEqualTo(8);
        assertThat(filter.get("passed").getAsInt()).isEqualTo(2);
        // grouped by reason, in the order of the Reason enum
        assertThat(filter.getAsJsonObject("failed").toString()).isEqualTo("{\"node not in berth cache yet\":[\"ghost\"],"
                + "\"node has no rack label\":[\"x1\"],\"node already hosts a broker of this cluster\":[\"a1\"],"
                + "\"node disk capacity annotation is invalid\":[\"c2\"],\"node disk smaller than broker storage\":[\"c1\"],"
                + "\"another rack has fewer brokers of this cluster\":[\"a2\"]}");
        assertThat(filter.get("latencyUs").getAsLong()).isPositive();
        assertThat(lines.get(1).get("scoreParts").toString()).isEqualTo("[\"total\",\"rack\",\"leaders\",\"disk\",\"load\"]");
        assertThat(lines.get(1).getAsJsonObject("scores").get("b2").toString()).isEqualTo("[8,10,10,0,0]");
        JsonObject bind = lines.get(2);
        assertThat(bind.get("verb").getAsString()).isEqualTo("bind");
        assertThat(bind.get("chosen").getAsString()).isEqualTo("b2");
        assertThat(bind.get("outcome").getAsString()).isEqualTo("bound");
        assertThat(bind.get("cluster").getAsString()).isEqualTo("orders"); // remembered from filter
        assertThat(bind.get("brokerId").getAsInt()).isEqualTo(1);
        assertThat(bind.get("uid").getAsString()).isEqualTo("uid-1");
        assertThat(bind.get("error").isJsonNull()).isTrue();
        assertThat(bind.get("latencyUs").getAsLong()).isPositive();
        JsonObject refused = lines.get(3);
        assertThat(refused.get("outcome").getAsString()).isEqualTo("bind-failed");
        assertThat(refused.get("chosen").getAsString()).isEqualTo("a2");
        assertThat(refused.get("error").getAsString()).isEqualTo("pod already bound to another node");
        assertThat(refused.get("latencyUs").getAsLong()).isPositive();
    }

    @Test
    void bindHandsTheBinderOneSentenceSayingWhereTheBrokerWentAndWhy() throws Exception {
        post(port, "/scheduler/filter", namesArgs(BROKER, ALL));
        post(port, "/scheduler/prioritize", namesArgs(BROKER, List.of("a2", "b1", "b2")));
        post(port, "/scheduler/bind", bindArgs("kafka", "orders-broker-1", "uid-1", "b2"));
        // prioritize is skipped when one node is left: the sentence then says only that it passed
        String single = pod("kafka", "orders-broker-2", "uid-2", Map.of("berth.dev/cluster", "orders"), Map.of());
        post(port, "/scheduler/filter", namesArgs(single, List.of("c2")));
        post(port, "/scheduler/bind", bindArgs("kafka", "orders-broker-2", "uid-2", "c2"));
        // a pod scored in one cycle and left with one node in the next: that bind was not scored
        String retried = pod("kafka", "orders-broker-3", "uid-3", Map.of("berth.dev/cluster", "orders"), Map.of());
        post(port, "/scheduler/filter", namesArgs(retried, ALL));
        post(port, "/scheduler/prioritize", namesArgs(retried, List.of("a2", "b1", "b2")));
        post(port, "/scheduler/filter", namesArgs(retried, List.of("b1")));
        post(port, "/scheduler/bind", bindArgs("kafka", "orders-broker-3", "uid-3", "b1"));
        assertThat(binds).extracting(PodBinder.BindTarget::explanation).containsExactly(
                "Placed on node b2 (rack rack-b): score 8/10 (rack balance 10, leadership load 10, disk headroom 0), among 3 scored node(s).",
                "Placed on node c2 (rack rack-c): it passed every berth placement rule.",
                "Placed on node b1 (rack rack-b): it passed every berth placement rule.");
        assertThat(binds).extracting(PodBinder.BindTarget::nodeRack).containsExactly("rack-b", "rack-c", "rack-b");
    }

    @Test
    void decisionsEndpointFiltersByPodAndLimits() throws Exception {
        post(port, "/scheduler/filter", namesArgs(BROKER, ALL));
        post(port, "/scheduler/prioritize", namesArgs(BROKER, List.of("a2")));
        post(port, "/scheduler/filter", namesArgs(pod("kafka", "other", "u", Map.of(), Map.of()), ALL));
        JsonArray mine = JsonParser.parseString(get(port, "/decisions?pod=kafka/orders-broker-1").body()).getAsJsonArray();
        assertThat(mine).extracting(e -> e.getAsJsonObject().get("verb").getAsString()).containsExactly("prioritize", "filter");
        JsonArray one = JsonParser.parseString(get(port, "/decisions?limit=1").body()).getAsJsonArray();
        assertThat(one).hasSize(1);
        assertThat(one.get(0).getAsJsonObject().get("pod").getAsString()).isEqualTo("kafka/other");
        JsonArray mineLast = JsonParser.parseString(get(port, "/decisions?pod=kafka/orders-broker-1&limit=1").body()).getAsJsonArray();
        assertThat(mineLast).extracting(e -> e.getAsJsonObject().get("verb").getAsString()).containsExactly("prioritize");
        assertThat(JsonParser.parseString(get(port, "/decisions?pod=kafka/nobody").body()).getAsJsonArray()).isEmpty();
        assertThat(JsonParser.parseString(get(port, "/decisions?p%6Fd=kafka%2Forders-broker-1").body()).getAsJsonArray())
                .as("escaped names and values are decoded").hasSize(2);
        // a bad escape never reaches berth: Undertow 2.4's request parser checks every %XY of the target
        // and answers 400 with no body (UndertowOptions.DECODE_URL=false does not change that)
        for (String bad : List.of("pod=%ZZ", "pod=kafka/a%2", "limit=%")) {
            assertThat(HttpFixture.rawGet(port, "/decisions?" + bad).getKey()).as(bad).isEqualTo(400);
        }
        assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);
        assertThat(JsonParser.parseString(get(port, "/decisions?limit=99999999999").body()).getAsJsonArray()).hasSize(3);
        assertThat(JsonParser.parseString(get(port, "/decisions?limit=99999999999999999999").body()).getAsJsonArray()).hasSize(3);
        for (String bad : List.of("limit=zero", "limit=0", "limit=-3", "limit=", "limit=-99999999999999999999", "limit=1e3", "pod=", "pod=orders-broker-1", "pod=a/b/c", "pods=kafka/other",
                "pod=kafka/a&pod=kafka/b", "limit=1&limit=2")) {
            HttpResponse<String> r = get(port, "/decisions?" + bad);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(r.body()).as(bad).containsAnyOf("limit must be a positive integer", "pod must be namespace/name", "unknown parameter pods",
                    "pod is given 2 times; give it once", "limit is given 2 times; give it once");
        }
    }

    @Test
    void metricsHaveLatencyHistogramsPerVerbAndDecisionsByOutcomeAndReason() throws Exception {
        post(port, "/scheduler/filter", namesArgs(BROKER, ALL));
        String pinnedToC = pod("kafka", "orders-broker-5", "uid-5", ORDERS, Map.of("berth.dev/local-storage", "100Gi", "berth.dev/rack", "rack-c"));
        post(port, "/scheduler/filter", namesArgs(pinnedToC, List.of("a1", "a2", "b1", "b2", "c1", "c2", "x1"))); // no node fits
        post(port, "/scheduler/filter", "{\"Pod\":");
        post(port, "/scheduler/filter", namesArgs(BROKER, java.util.Collections.nCopies(60_000, "node-with-a-long-name")));
        post(port, "/scheduler/prioritize", namesArgs(BROKER, List.of("a2", "b2")));
        post(port, "/scheduler/bind", bindArgs("kafka", "orders-broker-1", "uid-1", "b2"));
        post(port, "/scheduler/bind", bindArgs("kafka", "orders-broker-1", "uid-1", "a2"));
        String metrics = get(port, "/metrics").body();
        for (String verb : List.of("filter", "prioritize", "bind")) {
            // a histogram, not just a counter: cumulative buckets up to +Inf, then count and sum
            assertThat(metrics).contains("berth_extender_request_seconds_bucket{verb=\"" + verb + "\",le=\"0.001\",}")
                    .contains("berth_extender_request_seconds_sum{verb=\"" + verb + "\",}");
        }
        assertThat(metrics).contains("berth_extender_request_seconds_bucket{verb=\"bind\",le=\"10.0\",}"); // binds' slow tail
        assertThat(metrics).contains("berth_extender_request_seconds_bucket{verb=\"filter\",le=\"+Inf\",} 4.0")
                .contains("berth_extender_request_seconds_count{verb=\"filter\",} 4.0")
                .contains("berth_extender_request_seconds_count{verb=\"prioritize\",} 1.0")
                .contains("berth_extender_request_seconds_count{verb=\"bind\",} 2.0")
                .contains("berth_extender_decisions_total{verb=\"filter\",outcome=\"fit\",reason=\"none\",} 1.0")
                // no fit: the reason is the most frequent refusal (4 nodes outside rack-c, 1 each for c1, c2, x1)
                .contains("berth_extender_decisions_total{verb=\"filter\",outcome=\"no-fit\",reason=\"RACK_MISMATCH\",} 1.0")
                .contains("berth_extender_decisions_total{verb=\"filter\",outcome=\"bad-request\",reason=\"bad-request\",} 1.0")
                .contains("berth_extender_decisions_total{verb=\"filter\",outcome=\"bad-request\",reason=\"body-too-large\",} 1.0")
                .contains("berth_extender_decisions_total{verb=\"prioritize\",outcome=\"scored\",reason=\"none\",} 1.0")
                .contains("berth_extender_decisions_total{verb=\"bind\",outcome=\"bound\",reason=\"none\",} 1.0")
                .contains("berth_extender_decisions_total{verb=\"bind\",outcome=\"bind-failed\",reason=\"bind-error\",} 1.0")
                .contains("berth_extender_node_refusals_total{reason=\"NO_RACK_LABEL\",} 2.0")
                .contains("berth_extender_node_refusals_total{reason=\"RACK_MISMATCH\",} 4.0")
                .contains("berth_extender_node_refusals_total{reason=\"SAME_CLUSTER_BROKER\",} 1.0")
                .contains("berth_extender_decision_log_dropped_lines_total 0.0");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "/scheduler  | /scheduler",
        "scheduler   | /scheduler",   // --prefix without its slash: served, and logged, with it
        "/scheduler/ | /scheduler",
        "' x/ '      | /x",
        "/           | ''",           // the verbs at the root: /filter
        "''          | ''",
    })
    void thePrefixIsServedAsAPathFromTheRoot(String given, String served) {
        assertThat(ExtenderServer.normalizePrefix(given)).isEqualTo(served);
    }

    @Test
    void wrongMethodsAndPathsAreRefusedPolitely() throws Exception {
        HttpResponse<String> getFilter = get(port, "/scheduler/filter");
        assertThat(getFilter.statusCode()).isEqualTo(405);
        assertThat(getFilter.headers().firstValue("Allow")).as("RFC 9110: a 405 says what is allowed").contains("POST");
        HttpResponse<String> postHealth = post(port, "/healthz", "");
        assertThat(postHealth.statusCode()).isEqualTo(405);
        assertThat(postHealth.headers().firstValue("Allow")).contains("GET, HEAD");
        for (String read : List.of("/healthz", "/readyz", "/metrics", "/decisions")) { // RFC 9110: GET implies HEAD
            HttpResponse<String> head = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + read))
                            .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(head.statusCode()).as(read).isEqualTo(200);
            assertThat(head.body()).as(read).isEmpty();
        }
        assertThat(get(port, "/nope").statusCode()).isEqualTo(404);
        // a verb berth does not serve (kube-scheduler's preempt) is not found, whatever the method
        assertThat(post(port, "/scheduler/preempt", "{}").statusCode()).isEqualTo(404);
        assertThat(post(port, "/nope", "").statusCode()).isEqualTo(404);
        assertThat(post(port, "/scheduler/bind", "").statusCode()).isEqualTo(400); // empty body
    }
}
