package dev.berth.extender.state.kube;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import okhttp3.Interceptor;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.ForwardingSource;
import okio.Okio;

/**
 * Makes an informer lag on demand, deterministically: an informer client whose pod watch streams
 * pass through a gate. While the gate is closed, bytes the server sends on a pod watch are held
 * before the informer sees them (the list, and node watches, are untouched). This is the window
 * after a bind in which a real informer has not yet shown the pod on its node.
 */
final class WatchGate implements Interceptor {
    private static final Duration MAX_HOLD = Duration.ofSeconds(30);

    private boolean open = true;

    /** An informer client (read timeout 0) for {@code baseUrl} whose pod watches pass this gate. */
    ApiClient informerClient(String baseUrl) {
        ApiClient client = new ClientBuilder().setBasePath(baseUrl).setReadTimeout(Duration.ZERO).build();
        client.setHttpClient(client.getHttpClient().newBuilder().addInterceptor(this).build());
        return client;
    }

    synchronized void close() {
        open = false;
    }

    synchronized void open() {
        open = true;
        notifyAll();
    }

    private synchronized void awaitOpen() throws InterruptedIOException {
        long deadline = System.nanoTime() + MAX_HOLD.toNanos();
        try {
            while (!open) {
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
        ForwardingSource gated = new ForwardingSource(body.source()) {
            @Override
            public long read(Buffer sink, long byteCount) throws IOException {
                long read = super.read(sink, byteCount);
                awaitOpen(); // the bytes are in sink, but the informer sees them only when we return
                return read;
            }
        };
        return response.newBuilder()
                .body(ResponseBody.create(Okio.buffer(gated), body.contentType(), body.contentLength()))
                .build();
    }
}
