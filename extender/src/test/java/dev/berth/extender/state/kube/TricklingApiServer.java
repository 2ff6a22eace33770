package dev.berth.extender.state.kube;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An API server that answers every request with 200 and then trickles its 40-byte body, one byte every
 * 500 ms: each read is well inside any read timeout, the whole answer takes 20 s. Only a timeout on the
 * whole call cuts it off. Serves connections one after another, on its own daemon thread.
 */
final class TricklingApiServer implements AutoCloseable {
    private final ServerSocket server;

    TricklingApiServer() throws IOException {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::serve, "trickling-api-server");
        t.setDaemon(true);
        t.start();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                OutputStream out = s.getOutputStream();
                out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < 40; i++) {
                    out.write(' ');
                    out.flush();
                    Thread.sleep(500); // this is the slow server under test, not a test waiting
                }
            } catch (IOException e) {
                // the client gave up and closed the connection, or the server closed: next one
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** A kubeconfig in {@code dir} that points at this server. */
    Path kubeconfig(Path dir) throws IOException {
        return kubeconfig(dir, "http://127.0.0.1:" + server.getLocalPort());
    }

    /** A kubeconfig file in {@code dir} whose one context points at {@code server}, with a token nobody checks. */
    static Path kubeconfig(Path dir, String server) throws IOException {
        Path file = Files.createTempFile(dir, "kubeconfig", ".yaml");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: test
                  cluster: {server: "%s"}
                users:
                - name: tester
                  user: {token: not-checked}
                contexts:
                - name: test
                  context: {cluster: test, user: tester}
                current-context: test
                """.formatted(server));
        return file;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
