package dev.berth.extender.cli;

import static dev.berth.extender.testing.SchedulerWire.namesArgs;
import static dev.berth.extender.testing.SchedulerWire.pod;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.extender.http.ExtenderServer;
import dev.berth.extender.state.file.FileBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code serve --max-rack-skew} reaches the engine: the shipped example's rack-a holds an {@code orders} broker
 * and rack-c none, so an unpinned {@code orders} broker is refused node-a2 by default and offered it with the
 * rule off. Over real HTTP, with the server {@code serve} builds from its flags.
 */
class ServeRackSkewTest {
    private static ExtenderServer serve(String... flags) throws Exception {
        List<String> args = new ArrayList<>(List.of("serve", "--address", "127.0.0.1", "--port", "0",
                "--cluster-file", "examples/cluster.yaml"));
        args.addAll(List.of(flags));
        ServeOptions options = ServeCommand.options(Flags.parse(args.toArray(String[]::new), 1, ServeCommand.FLAGS));
        FileBackend backend = FileBackend.open(options.sources().clusterFile(), options.scoring().rackLabel());
        return ServeCommand.server(options, backend, null).start();
    }

    private static String filter(int port) throws Exception {
        String body = namesArgs(pod("kafka", "orders-broker-2", "u", Map.of("berth.dev/cluster", "orders"), Map.of()),
                List.of("node-a2", "node-c2"));
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/scheduler/filter")).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    @Test
    void theFlagTurnsTheRuleOffAndItsDefaultIsOn() throws Exception {
        try (ExtenderServer server = serve()) {
            assertThat(filter(server.port())).contains("\"NodeNames\":[\"node-c2\"]")
                    .contains("\"FailedAndUnresolvableNodes\":{\"node-a2\":\"another rack has fewer brokers of this cluster\"}");
        }
        try (ExtenderServer server = serve("--max-rack-skew", "0")) {
            assertThat(filter(server.port())).contains("\"NodeNames\":[\"node-a2\",\"node-c2\"]");
        }
        try (ExtenderServer server = serve("--max-rack-skew", "2")) {
            assertThat(filter(server.port())).contains("\"NodeNames\":[\"node-a2\",\"node-c2\"]");
        }
    }
}
