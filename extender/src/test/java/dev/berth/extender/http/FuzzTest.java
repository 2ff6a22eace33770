package dev.berth.extender.http;

import static dev.berth.extender.testing.SchedulerWire.bindArgs;
import static dev.berth.extender.testing.SchedulerWire.fullArgs;
import static dev.berth.extender.testing.SchedulerWire.namesArgs;
import static dev.berth.extender.testing.SchedulerWire.node;
import static dev.berth.extender.testing.SchedulerWire.pod;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * 10,000 random and mutated bodies (seeded, so a failure replays) against the three verbs: every
 * answer is a 200 or a 400, never a 5xx, and the service still answers correctly afterwards.
 * A longer soak with other seeds: {@code mvn -pl extender test -Dtest=FuzzTest -Dfuzz.seed=7
 * -Dfuzz.bodies=100000}.
 */
class FuzzTest {
    private static final int BODIES = Integer.getInteger("fuzz.bodies", 10_000);
    private static final long SEED = Long.getLong("fuzz.seed", 20261125L);
    private static final String[] VERBS = {"/scheduler/filter", "/scheduler/prioritize", "/scheduler/bind"};
    private static final String[] TOKENS = {"{", "}", "[", "]", "\"", ":", ",", "\\", "\\u", "\\u00", "null", "true", "-",
        "1e999", "0.5", "\"Pod\"", "\"Nodes\"", "\"NodeNames\"", "\"metadata\"", "\"items\"", "\u0000", "\u2028", "\uD800", "é", " "};

    @Test
    void randomAndMutatedBodiesGetOnly200Or400AndTheServiceSurvives() throws Exception {
        Random random = new Random(SEED);
        String broker = pod("kafka", "orders-broker-1", "uid-1", Map.of("berth.dev/cluster", "orders", "berth.dev/broker-id", "1"),
                Map.of("berth.dev/local-storage", "100Gi"));
        List<String> seeds = List.of(
                namesArgs(broker, List.of("a1", "a2", "b1", "b2", "c1", "c2", "x1", "ghost")),
                fullArgs(broker, List.of(node("b2", Map.of("topology.kubernetes.io/zone", "rack-b"), Map.of("berth.dev/disk-capacity", "1.5Ti"), 1),
                        node("c1", Map.of("topology.kubernetes.io/zone", "rack-c"), Map.of("berth.dev/disk-capacity", "1e3"), 0))),
                bindArgs("kafka", "orders-broker-1", "uid-1", "b2"));
        HttpFixture.Switchable state = HttpFixture.state();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        Map<Integer, Integer> statuses = new TreeMap<>();
        try (ExtenderServer server = ExtenderServer.builder().state(state).binder(state.inner).maxBodyBytes(1 << 20).start()) {
            PrintStreamMute.run(() -> {
                for (int i = 0; i < BODIES; i++) {
                    int which = random.nextInt(seeds.size());
                    String verb = random.nextInt(10) == 0 ? VERBS[random.nextInt(3)] : VERBS[which == 2 ? 2 : random.nextInt(2)];
                    byte[] body = mutate(seeds.get(which), random);
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + verb))
                            .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    statuses.merge(r.statusCode(), 1, Integer::sum);
                    assertThat(r.statusCode()).as("body #%d to %s: %s", i, verb, new String(body, StandardCharsets.UTF_8)).isIn(200, 400);
                    assertThat(r.body()).as("an empty reply is an error for Go's decoder").isNotEmpty();
                }
            });
            assertThat(statuses.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(BODIES);
            assertThat(statuses).containsKeys(200, 400); // the mutations exercised both paths
            assertThat(HttpFixture.get(server.port(), "/healthz").statusCode()).isEqualTo(200);
            String after = HttpFixture.post(server.port(), "/scheduler/filter", namesArgs(
                    pod("kafka", "fresh", "u", Map.of("berth.dev/cluster", "fresh"), Map.of()), List.of("a1", "x1"))).body();
            assertThat(after).contains("\"NodeNames\":[\"a1\"]").contains("\"x1\":\"node has no rack label\"");
        }
        System.out.println("fuzz seed " + SEED + ", statuses: " + statuses);
    }

    /** One of several mutations; about a tenth of the bodies are left intact or only re-typed. */
    static byte[] mutate(String seed, Random r) {
        StringBuilder b = new StringBuilder(seed);
        int rounds = 1 + r.nextInt(3);
        for (int k = 0; k < rounds; k++) {
            int len = b.length();
            int at = len == 0 ? 0 : r.nextInt(len);
            switch (r.nextInt(9)) {
                case 0 -> b.setLength(at); // truncate
                case 1 -> b.delete(at, Math.min(len, at + 1 + r.nextInt(40)));
                case 2 -> b.insert(at, TOKENS[r.nextInt(TOKENS.length)]);
                case 3 -> { if (len > 0) b.setCharAt(at, (char) r.nextInt(128)); }
                case 4 -> b.insert(at, b.substring(at, Math.min(len, at + r.nextInt(200))));
                case 5 -> retypeAValue(b, r);
                case 6 -> { // random bytes, possibly invalid UTF-8
                    byte[] raw = new byte[r.nextInt(300)];
                    r.nextBytes(raw);
                    return raw;
                }
                case 7 -> b.replace(0, b.length(), shapeLike(r));
                default -> { } // unchanged round
            }
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Replaces one string value with a value of another JSON type. */
    private static void retypeAValue(StringBuilder b, Random r) {
        String[] values = {"null", "42", "-0.0", "true", "{}", "[]", "[\"a\"]", "{\"a\":{\"b\":[]}}", "\"\"", "1e3"};
        int q = b.indexOf("\":\"", r.nextInt(Math.max(1, b.length())));
        if (q < 0) {
            return;
        }
        int start = q + 2;
        int end = b.indexOf("\"", start + 1);
        if (end > start) {
            b.replace(start, end + 1, values[r.nextInt(values.length)]);
        }
    }

    /** Well-formed JSON of the wrong shape. */
    private static String shapeLike(Random r) {
        String[] shapes = {"{}", "[]", "null", "\"Pod\"", "{\"Pod\":[]}", "{\"Pod\":{\"metadata\":[]},\"NodeNames\":[]}",
            "{\"Pod\":{\"metadata\":{\"name\":\"p\"}},\"Nodes\":{\"items\":{}}}", "{\"NodeNames\":[\"a1\"]}",
            "{\"PodName\":\"p\",\"PodNamespace\":\"ns\",\"Node\":\"zz\"}", "{\"Pod\":{\"metadata\":{\"name\":\"p\"}},\"NodeNames\":[\"a1\",\"a1\"]}"};
        return shapes[r.nextInt(shapes.length)];
    }
}
