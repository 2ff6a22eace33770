package dev.berth.extender.cli;

import static dev.berth.extender.testing.SchedulerWire.namesArgs;
import static dev.berth.extender.testing.SchedulerWire.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.extender.http.ExtenderServer;
import dev.berth.extender.state.file.FileBackend;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS and client-certificate authentication exactly as an operator turns them on: {@code serve}'s
 * TLS flags become the server, which then answers kube-scheduler's filter over TLS. The PKCS12 files
 * are made by keytool in the test (self-signed: each trust store holds the other side's certificate).
 */
class ServeTlsTest {
    private static final char[] PASS = "changeit".toCharArray();

    @TempDir
    static Path dir;

    @BeforeAll
    static void makeCertificates() throws Exception {
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", "server.p12", "-storepass", "changeit", "-keypass", "changeit");
        for (String client : List.of("scheduler", "stranger")) { // stranger: a client certificate nobody trusts
            keytool("-genkeypair", "-alias", client, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + client,
                    "-validity", "2", "-storetype", "PKCS12", "-keystore", client + ".p12", "-storepass", "changeit",
                    "-keypass", "changeit");
        }
        trustStore("server.p12", "server", "trust.p12");
        trustStore("scheduler.p12", "scheduler", "client-ca.p12");
        KeyStore empty = KeyStore.getInstance("PKCS12"); // what the JDK reads from an openssl -nokeys export
        empty.load(null, PASS);
        try (var os = Files.newOutputStream(dir.resolve("empty.p12"))) {
            empty.store(os, PASS);
        }
        Files.writeString(dir.resolve("password"), "changeit\n"); // a trailing newline, as `echo` writes it
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> cmd = new ArrayList<>(List.of(keytool.toString(), "-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    private static void trustStore(String keystore, String alias, String out) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, PASS);
        trust.setCertificateEntry(alias, load(keystore).getCertificate(alias));
        try (var os = Files.newOutputStream(dir.resolve(out))) {
            trust.store(os, PASS);
        }
    }

    private static KeyStore load(String file) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve(file))) {
            ks.load(in, PASS);
        }
        return ks;
    }

    /** A client that trusts the server's certificate and presents {@code keystore}'s, or none when null. */
    private static HttpClient client(String keystore) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load("trust.p12"));
        KeyManagerFactory kmf = null;
        if (keystore != null) {
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(load(keystore), PASS);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static HttpResponse<String> filter(HttpClient client, String scheme, int port) throws Exception {
        String body = namesArgs(pod("kafka", "orders-broker-2", "u", Map.of("berth.dev/cluster", "orders"), Map.of()),
                List.of("node-c2"));
        return client.send(HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + port + "/scheduler/filter"))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(HttpClient client, int port, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The server {@code serve} would run with these flags, on a free loopback port. */
    private static ExtenderServer serve(String... tlsFlags) throws Exception {
        List<String> args = new ArrayList<>(List.of("serve", "--address", "127.0.0.1", "--port", "0",
                "--cluster-file", "examples/cluster.yaml"));
        args.addAll(List.of(tlsFlags));
        ServeOptions options = ServeCommand.options(Flags.parse(args.toArray(String[]::new), 1, ServeCommand.FLAGS));
        FileBackend backend = FileBackend.open(options.sources().clusterFile(), options.scoring().rackLabel());
        return ServeCommand.server(options, backend, null).start();
    }

    private static String file(String name) {
        return dir.resolve(name).toString();
    }

    @Test
    void tlsKeystoreFlagServesHttpsWithThatCertificateAndNoPlainHttp() throws Exception {
        try (ExtenderServer server = serve("--tls-keystore", file("server.p12"), "--tls-password-file", file("password"))) {
            HttpResponse<String> r = filter(client(null), "https", server.port());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"NodeNames\":[\"node-c2\"]");
            assertThatThrownBy(() -> filter(HttpClient.newHttpClient(), "http", server.port())).isInstanceOf(IOException.class);
        }
    }

    /** {@code serve}'s exit code and error output for these TLS flags, with the example cluster file. */
    private static Map.Entry<Integer, String> serveExit(String... tlsFlags) {
        List<String> args = new ArrayList<>(List.of("serve", "--address", "127.0.0.1", "--port", "0",
                "--cluster-file", "examples/cluster.yaml"));
        args.addAll(List.of(tlsFlags));
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int code = ServeCommand.run(args.toArray(String[]::new), System.out,
                new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8), List::of);
        return Map.entry(code, err.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    @Timeout(60) // a serve that accepted one of these files would run until interrupted
    void tlsFilesThatCouldNeverCompleteAHandshakeStopServeWithTheFix() {
        // each of these used to start a server that logged "listening on https" and failed every handshake
        assertThat(serveExit("--tls-keystore", file("trust.p12"), "--tls-password-file", file("password")))
                .satisfies(r -> assertThat(r.getKey()).isEqualTo(2))
                .satisfies(r -> assertThat(r.getValue()).contains("--tls-keystore " + file("trust.p12")
                        + " holds no private key (1 entries)").contains("keytool -genkeypair"));
        assertThat(serveExit("--tls-keystore", file("server.p12"), "--tls-password-file", file("password"),
                "--tls-client-ca", file("empty.p12"), "--tls-client-ca-password-file", file("password")))
                .satisfies(r -> assertThat(r.getKey()).isEqualTo(2))
                .satisfies(r -> assertThat(r.getValue()).contains("--tls-client-ca " + file("empty.p12")
                        + " holds no certificate the JDK trusts").contains("keytool -importcert"));
        assertThat(serveExit("--tls-keystore", file("server.p12"), "--tls-password-file", file("password"),
                "--tls-client-ca", file("client-ca.p12"))) // its password file forgotten
                .satisfies(r -> assertThat(r.getKey()).isEqualTo(2))
                .satisfies(r -> assertThat(r.getValue()).contains("--tls-client-ca " + file("client-ca.p12")
                        + " cannot be read as PKCS12"));
        assertThat(serveExit("--tls-keystore", file("missing.p12"), "--tls-password-file", file("password")))
                .satisfies(r -> assertThat(r.getKey()).isEqualTo(2))
                .satisfies(r -> assertThat(r.getValue()).contains("cannot be read as PKCS12: no such file"));
    }

    @Test
    void clientCaFlagRequiresACertificateSignedByThatCa() throws Exception {
        try (ExtenderServer server = serve("--tls-keystore", file("server.p12"), "--tls-password-file", file("password"),
                "--tls-client-ca", file("client-ca.p12"), "--tls-client-ca-password-file", file("password"))) {
            HttpResponse<String> anonymous = filter(client(null), "https", server.port());
            assertThat(anonymous.statusCode()).as("no client certificate").isEqualTo(403);
            assertThat(anonymous.body()).isEqualTo("a client certificate is required for /scheduler/filter (--tls-client-ca)\n");
            assertThat(get(client(null), server.port(), "/decisions").statusCode()).as("decisions name pods and UIDs")
                    .isEqualTo(403);
            // the handshake only requests a certificate: an untrusted one is not taken, as if none came
            assertThat(filter(client("stranger.p12"), "https", server.port()).statusCode()).as("untrusted certificate")
                    .isEqualTo(403);
            assertThat(filter(client("scheduler.p12"), "https", server.port()).statusCode()).isEqualTo(200);
            // the kubelet's probes and a scrape carry no certificate: a probe that failed restarted the extender
            // in a loop, and no broker was scheduled
            for (String open : List.of("/healthz", "/readyz", "/metrics")) {
                assertThat(get(client(null), server.port(), open).statusCode()).as(open).isEqualTo(200);
            }
        }
    }
}
