package dev.berth.extender.state.kube;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.function.Predicate;
import okhttp3.Interceptor;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import okio.Okio;
import okio.Source;
import okio.Timeout;

/**
 * Makes an informer lag on demand, deterministically: an informer client whose pod watch streams
 * pass through a gate. A watch is one JSON event per line; while the gate holds a line, that line
 * and every one after it wait before the informer sees them (the list, and node watches, are
 * untouched). This is the window after a bind in which a real informer has not yet shown the pod on
 * its node. {@link #close()} holds every line; {@link #holdFrom} holds from the first line that
 * matches, so that older events pass and a chosen one arrives late.
 */
final class WatchGate implements Interceptor {
    private static final Duration MAX_HOLD = Duration.ofSeconds(30);

    private Predicate<String> held = line -> false;

    /** An informer client (read timeout 0) for {@code baseUrl} whose pod watches pass this gate. */
    ApiClient informerClient(String baseUrl) {
        ApiClient client = new ClientBuilder().setBasePath(baseUrl).setReadTimeout(Duration.ZERO).build();
        client.setHttpClient(client.getHttpClient().newBuilder().addInterceptor(this).build());
        return client;
    }

    synchronized void close() {
        holdFrom(line -> true);
    }

    synchronized void open() {
        holdFrom(line -> false);
    }

    /** Holds the watch from the first line that {@code held} matches (the line included). */
    synchronized void holdFrom(Predicate<String> held) {
        this.held = held;
        notifyAll();
    }

    private synchronized void awaitPass(String line) throws InterruptedIOException {
        long deadline = System.nanoTime() + MAX_HOLD.toNanos();
        try {
            while (held.test(line)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return; // never hold a stream forever, even if a test forgets to open
                }
                wait(Math.max(1, left / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("watch gate interrupted");
        }
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Response response = chain.proceed(chain.request());
        boolean podWatch = "true".equals(chain.request().url().queryParameter("watch"))
                && chain.request().url().encodedPath().endsWith("/pods");
        if (!podWatch || response.body() == null) {
            return response;
        }
        ResponseBody body = response.body();
        BufferedSource upstream = body.source();
        Source gated = new Source() {
            private final Buffer line = new Buffer();

            @Override
            public long read(Buffer sink, long byteCount) throws IOException {
                if (line.size() == 0) {
                    String next = upstream.readUtf8Line();
                    if (next == null) {
                        return -1;
                    }
                    awaitPass(next); // the line is read, but the informer sees it only when we return
                    line.writeUtf8(next).writeByte('\n');
                }
                return line.read(sink, Math.min(byteCount, line.size()));
            }

            @Override
            public Timeout timeout() {
                return upstream.timeout();
            }

            @Override
            public void close() throws IOException {
                upstream.close();
            }
        };
        return response.newBuilder()
                .body(ResponseBody.create(Okio.buffer(gated), body.contentType(), -1))
                .build();
    }
}
