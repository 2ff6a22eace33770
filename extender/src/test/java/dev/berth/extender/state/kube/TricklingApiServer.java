package dev.berth.extender.state.kube;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An API server that answers every request with 200 and then trickles its 40-byte body, one byte every
 * 500 ms: each read is well inside any read timeout, the whole answer takes 20 s. Only a timeout on the
 * whole call cuts it off. Serves connections one after another, paced by a timer on a daemon thread.
 */
final class TricklingApiServer implements AutoCloseable {
    private static final byte[] HEAD = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket server;
    /** Paces the body: one byte every 500 ms per connection, on a timer (nothing sleeps). */
    private final ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "trickling-api-server");
        t.setDaemon(true);
        return t;
    });

    TricklingApiServer() throws IOException {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        pace.execute(this::acceptNext);
    }

    private void acceptNext() {
        Socket s;
        try {
            s = server.accept();
            s.getOutputStream().write(HEAD);
        } catch (IOException e) {
            return; // the server closed
        }
        AtomicInteger left = new AtomicInteger(40);
        AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
        task.set(pace.scheduleAtFixedRate(() -> {
            try {
                s.getOutputStream().write(' ');
                s.getOutputStream().flush();
                if (left.decrementAndGet() > 0) {
                    return;
                }
            } catch (IOException e) {
                // the client gave up and closed the connection
            }
            task.get().cancel(false);
            closeQuietly(s);
            pace.execute(this::acceptNext);
        }, 500, 500, TimeUnit.MILLISECONDS));
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing left to do with it
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
        pace.shutdownNow();
    }
}
