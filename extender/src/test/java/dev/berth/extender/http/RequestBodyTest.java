package dev.berth.extender.http;

import static dev.berth.extender.http.HttpFixture.ALL;
import static dev.berth.extender.http.HttpFixture.BROKER;
import static dev.berth.extender.testing.SchedulerWire.namesArgs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How the verbs read a request body, at a limit of 64 KiB: with a {@code Content-Length} (what
 * kube-scheduler sends) or chunked (what a client or proxy that streams sends); up to the limit
 * exactly; and past it, a 400 with the reason, on a connection that carries the next request when
 * the body ends within twice the limit, and is closed otherwise.
 */
class RequestBodyTest {
    private static final int LIMIT = 1 << 16;
    private static final String REFUSED = "exceeds the limit of " + LIMIT + " bytes";

    private ExtenderServer server;
    private int port;

    @BeforeEach
    void start() {
        HttpFixture.Switchable state = HttpFixture.state();
        server = ExtenderServer.builder().state(state).binder(state.inner).maxBodyBytes(LIMIT).start();
        port = server.port();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aChunkedBodyIsAnsweredExactlyAsTheSameBodyWithItsLength() throws Exception {
        String body = namesArgs(BROKER, ALL);
        HttpResponse<String> sized = send(body, false);
        HttpResponse<String> chunked = send(body, true);
        assertThat(chunked.statusCode()).isEqualTo(sized.statusCode()).isEqualTo(200);
        assertThat(chunked.body()).isEqualTo(sized.body()).contains("\"NodeNames\":[\"b1\",\"b2\"]");
    }

    /**
     * A body is read into an array sized for what arrives: up to 1 MiB at once, then doubled as bytes come,
     * never more than the Content-Length announces. A 3 MiB body (the answer's body, then JSON whitespace)
     * grows twice and is answered exactly as the same body without the padding.
     */
    @Test
    void aBodyLargerThanTheFirstArrayGrowsAsItArrives() throws Exception {
        assertThat(Router.firstCapacity(66_000)).isEqualTo(66_000);
        assertThat(Router.firstCapacity(64L << 20)).as("64 MiB announced, nothing arrived yet").isEqualTo(1 << 20);
        HttpFixture.Switchable state = HttpFixture.state();
        try (ExtenderServer big = ExtenderServer.builder().state(state).binder(state.inner).maxBodyBytes(8 << 20).start()) {
            int was = port;
            port = big.port();
            try {
                String body = namesArgs(BROKER, ALL);
                HttpResponse<String> padded = send(body + " ".repeat(3 << 20), false);
                assertThat(padded.statusCode()).isEqualTo(200);
                assertThat(padded.body()).isEqualTo(send(body, false).body());
            } finally {
                port = was;
            }
        }
    }

    @Test
    void aBodyOfExactlyTheLimitIsReadAndOneByteMoreIsRefused() throws Exception {
        record Row(int length, boolean chunked, int status) {}
        for (Row row : List.of(new Row(LIMIT, false, 200), new Row(LIMIT + 1, false, 400),
                new Row(LIMIT, true, 200), new Row(LIMIT + 1, true, 400))) {
            HttpResponse<String> r = send(padded(row.length()), row.chunked());
            assertThat(r.statusCode()).as("%s", row).isEqualTo(row.status());
            if (row.status() == 400) {
                assertThat(r.body()).as("%s", row).contains(REFUSED);
            } else {
                assertThat(r.body()).as("%s", row).contains("\"NodeNames\":[\"b1\",\"b2\"]");
            }
        }
    }

    @Test
    void aBodyWithinTwiceTheLimitIsReadToItsEndSoTheConnectionCarriesTheNextRequest() throws Exception {
        String big = namesArgs(BROKER, Collections.nCopies(4_000, "node-with-a-long-name")); // ~96 KB
        assertThat(big.length()).isBetween(LIMIT, 2 * LIMIT);
        for (boolean chunked : List.of(false, true, false, true)) {
            HttpResponse<String> r = send(big, chunked);
            assertThat(r.statusCode()).as("chunked %s", chunked).isEqualTo(400);
            assertThat(r.body()).as("chunked %s", chunked).contains(REFUSED);
            assertThat(r.headers().firstValue("Connection").orElse("")).as("chunked %s", chunked)
                    .doesNotContainIgnoringCase("close");
            assertThat(send(namesArgs(BROKER, List.of("b2")), false).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aDeclaredLengthBeyondTwiceTheLimitIsRefusedUnreadAndTheConnectionClosed() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            // headers only: the server must answer without waiting for bytes that never come
            s.getOutputStream().write(("POST /scheduler/filter HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + 3 * LIMIT + "\r\n\r\n{\"Pod\":").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 400").containsIgnoringCase("connection: close")
                    .contains("body of " + 3 * LIMIT + "+ bytes " + REFUSED);
        }
        assertThat(send(namesArgs(BROKER, List.of("b2")), false).statusCode()).isEqualTo(200);
    }

    @Test
    void aChunkedBodyPastTwiceTheLimitIsRefusedWithoutWaitingForItsEnd() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /scheduler/filter HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            // one byte more than twice the limit, in one write, and then neither more bytes nor the last
            // chunk: a server that read on to the body's end would never answer. The server reads it
            // all, so the close that follows is not a reset that could lose the answer.
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            byte[] chunk = " ".repeat(8192).getBytes(StandardCharsets.US_ASCII);
            for (int sent = 0; sent < 2 * LIMIT; sent += chunk.length) {
                body.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                body.write(chunk);
                body.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            body.write("1\r\n \r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(body.toByteArray());
            out.flush();
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 400").containsIgnoringCase("connection: close").contains(REFUSED);
        }
        assertThat(send(namesArgs(BROKER, List.of("b2")), false).statusCode()).isEqualTo(200);
    }

    /** The metrics line of one body that could not be read, on this test's fresh server. */
    private static final String COUNTED = "berth_extender_decisions_total{verb=\"filter\",outcome=\"bad-request\",reason=\"bad-request\",} 1.0";

    /**
     * A body that ends before its {@code Content-Length} (the client half-closed the connection), or
     * a chunked body Undertow cannot parse, is bad input, not a bug: no 500 and no ERROR, a WARN with
     * the reason, counted like other bad requests, and the next request is served. The first is
     * answered 400 with the reason. The second cannot be answered at all: Undertow closes the
     * connection itself when a chunk does not parse.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "[{0}]")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "cut short | Content-Length: 100        | {\"Pod\":                            | HTTP/1.1 400 | request body ended before its Content-Length (7 of 100 bytes)",
        "bad chunk | Transfer-Encoding: chunked | ZZ\\r\\n{\"Pod\":{}}\\r\\n0\\r\\n\\r\\n | ''           | malformed request body: ",
    })
    void aBodyThatCannotBeReadAsFramedIsABadRequest(String name, String header, String body, String answered, String reason)
            throws Exception {
        StringBuilder answer = new StringBuilder();
        String stderr = PrintStreamMute.capture(() -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write(("POST /scheduler/filter HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + header + "\r\n\r\n" + body.replace("\\r\\n", "\r\n")).getBytes(StandardCharsets.US_ASCII));
                s.shutdownOutput(); // nothing more comes
                answer.append(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
            if (answer.isEmpty()) { // Undertow closed the connection before the server logged and counted it
                await().atMost(Duration.ofSeconds(5)).until(() -> HttpFixture.get(port, "/metrics").body().contains(COUNTED));
            }
        });
        if (answered.isEmpty()) {
            assertThat(answer.toString()).as("closed by Undertow, unanswered").isEmpty();
        } else {
            assertThat(answer.toString()).startsWith(answered).contains("{\"Error\":\"" + reason + "\"}");
        }
        assertThat(HttpFixture.get(port, "/metrics").body()).contains(COUNTED);
        assertThat(stderr).contains("WARN").contains("/scheduler/filter answered 400: " + reason)
                .doesNotContain("internal error").doesNotContain("ERROR");
        assertThat(send(namesArgs(BROKER, List.of("b2")), false).statusCode()).isEqualTo(200);
    }

    /**
     * A request whose body stops coming would hold its worker thread for as long as the client keeps the
     * connection open. Past the read timeout (half a second here) the connection is closed (XNIO may
     * still let the 400 out first), the stall is logged with its reason and counted like other bad
     * bodies, and the server goes on answering. Every worker is stalled at once (more connections than
     * workers), so a server without the timeout would leave these sockets waiting, and answer nothing.
     */
    @Test
    void aStalledBodyIsCutOffAfterTheReadTimeoutAndFreesItsWorker() throws Exception {
        HttpFixture.Switchable state = HttpFixture.state();
        String reason = "no request body bytes for 500 ms after 7 of 100 bytes; connection closed (--body-read-timeout)";
        // Undertow's default: 8 workers per I/O thread, an I/O thread per core (at least 2)
        int workers = 8 * Math.max(2, Runtime.getRuntime().availableProcessors());
        String stderr = PrintStreamMute.capture(() -> {
            try (ExtenderServer slow = ExtenderServer.builder().state(state).binder(state.inner)
                    .bodyReadTimeout(Duration.ofMillis(500)).start()) {
                List<Socket> stalled = new java.util.ArrayList<>();
                try {
                    for (int i = 0; i < workers + 2; i++) {
                        Socket s = new Socket("127.0.0.1", slow.port());
                        stalled.add(s);
                        s.setSoTimeout(10_000);
                        s.getOutputStream().write(("POST /scheduler/filter HTTP/1.1\r\nHost: x\r\n"
                                + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"Pod\":")
                                .getBytes(StandardCharsets.US_ASCII));
                    }
                    for (Socket s : stalled) {
                        String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                        if (!answer.isEmpty()) {
                            assertThat(answer).startsWith("HTTP/1.1 400").contains("{\"Error\":\"" + reason + "\"}");
                        }
                    }
                } finally {
                    for (Socket s : stalled) {
                        s.close();
                    }
                }
                assertThat(HttpFixture.post(slow.port(), "/scheduler/filter", namesArgs(BROKER, List.of("b2"))).statusCode())
                        .isEqualTo(200);
                Pattern counted = Pattern.compile("berth_extender_decisions_total\\{verb=\"filter\",outcome=\"bad-request\","
                        + "reason=\"bad-request\",} (\\d+)\\.0");
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                    Matcher m = counted.matcher(HttpFixture.get(slow.port(), "/metrics").body());
                    assertThat(m.find() ? Integer.parseInt(m.group(1)) : 0).as("stalls counted").isPositive();
                });
            }
        });
        assertThat(stderr).contains("/scheduler/filter answered 400: " + reason).doesNotContain("ERROR");
    }

    /** A filter of every node, with spaces before its last brace up to exactly {@code length} bytes. */
    private static String padded(int length) {
        String body = namesArgs(BROKER, ALL);
        assertThat(body.length()).isLessThan(length);
        return body.substring(0, body.length() - 1) + " ".repeat(length - body.length()) + "}";
    }

    /** POST to the filter, with a {@code Content-Length}, or chunked (a body publisher of unknown length). */
    private HttpResponse<String> send(String body, boolean chunked) throws IOException, InterruptedException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpRequest.BodyPublisher publisher = chunked
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))
                : HttpRequest.BodyPublishers.ofByteArray(bytes);
        assertThat(publisher.contentLength()).isEqualTo(chunked ? -1 : bytes.length);
        return HttpFixture.CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/scheduler/filter"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json").POST(publisher).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
