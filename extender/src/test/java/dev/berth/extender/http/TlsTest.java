package dev.berth.extender.http;

import static dev.berth.extender.testing.SchedulerWire.namesArgs;
import static dev.berth.extender.testing.SchedulerWire.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS and client-certificate auth with self-signed PKCS12 files that keytool makes in the test. */
class TlsTest {
    private static final char[] PASS = "changeit".toCharArray();

    @TempDir
    static Path dir;

    @BeforeAll
    static void makeCertificates() throws Exception {
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", "server.p12", "-storepass", "changeit", "-keypass", "changeit");
        keytool("-genkeypair", "-alias", "scheduler", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=kube-scheduler",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", "client.p12", "-storepass", "changeit", "-keypass", "changeit");
        // trust stores hold the other side's self-signed certificate, written with the JDK's KeyStore API
        trustStore("server.p12", "server", "trust.p12");
        trustStore("client.p12", "scheduler", "client-ca.p12");
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> cmd = new java.util.ArrayList<>(List.of(keytool.toString(), "-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
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

    private static HttpClient client(boolean withCert) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load("trust.p12"));
        KeyManagerFactory kmf = null;
        if (withCert) {
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(load("client.p12"), PASS);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static KeyStore load(String file) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve(file))) {
            ks.load(in, PASS);
        }
        return ks;
    }

    private static HttpResponse<String> filter(HttpClient client, int port) throws Exception {
        String body = namesArgs(pod("kafka", "orders-broker-1", "u", Map.of("berth.dev/cluster", "orders"), Map.of()), List.of("b2"));
        return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/scheduler/filter"))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void httpsServesTheVerbsWithTheConfiguredCertificate() throws Exception {
        HttpFixture.Switchable state = HttpFixture.state();
        SSLContext ctx = Tls.context(dir.resolve("server.p12"), PASS, null, null);
        try (ExtenderServer server = ExtenderServer.builder().state(state).binder(state.inner).tls(ctx, false).start()) {
            HttpResponse<String> r = filter(client(false), server.port());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"NodeNames\":[\"b2\"]");
        }
    }

    @Test
    void clientCertificateIsRequiredWhenAClientCaIsGiven() throws Exception {
        HttpFixture.Switchable state = HttpFixture.state();
        SSLContext ctx = Tls.context(dir.resolve("server.p12"), PASS, dir.resolve("client-ca.p12"), PASS);
        try (ExtenderServer server = ExtenderServer.builder().state(state).binder(state.inner).tls(ctx, true).start()) {
            assertThatThrownBy(() -> filter(client(false), server.port())).isInstanceOf(IOException.class);
            assertThat(filter(client(true), server.port()).statusCode()).isEqualTo(200);
        }
    }
}
