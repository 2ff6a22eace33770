package dev.berth.testbed.k8s;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.undertow.server.AbstractServerConnection;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves {@code GET ...?watch=true} the way a real apiserver does, over chunked HTTP, one JSON
 * watch event per line, by opening a WebSocket watch on the fabric8 mock (which speaks only
 * WebSocket) and streaming its messages back.
 *
 * <p>What it adds to the mock:
 * <ul>
 *   <li><b>resourceVersion.</b> The mock ignores it and replays every matching object as
 *       {@code ADDED} when a watch opens. With {@code resourceVersion=N} (N &gt; 0) the relay drops
 *       replayed {@code ADDED} events whose object's resourceVersion is &le; N: the client listed
 *       those already. The mock's resourceVersions are one global counter, so the comparison is
 *       exact. Without it (or with "0") everything is replayed, as a real server does.</li>
 *   <li><b>timeoutSeconds.</b> The stream ends cleanly (final chunk) after that time; 30 minutes
 *       when absent, the low end of a real apiserver's default.</li>
 *   <li><b>Clean ends.</b> The stream ends when the mock closes the WebSocket, when the client
 *       goes away (noticed at the next write), or when the bed closes.</li>
 * </ul>
 * The query string, label and field selectors included, goes to the mock unchanged.
 *
 * <p>Each open watch holds one bridge worker thread (blocking writes keep the relay short).
 */
final class WatchRelay {

    private static final String END = "\u0000end";
    private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);
    /** How often an idle watch checks that its client is still there. */
    private static final Duration CHECK_CLIENT = Duration.ofMillis(200);

    private final MockConnection mock;
    private final Set<BlockingQueue<String>> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong served = new AtomicLong();

    WatchRelay(MockConnection mock) {
        this.mock = mock;
    }

    static boolean isWatch(HttpServerExchange ex) {
        Deque<String> w = ex.getQueryParameters().get("watch");
        return w != null && ("true".equals(w.peekFirst()) || "1".equals(w.peekFirst()));
    }

    /** Watches currently streaming. */
    int openWatches() {
        return open.size();
    }

    /** Watches served since start. */
    long servedWatches() {
        return served.get();
    }

    /** Ends every open watch (the bed is closing). */
    void endAll() {
        open.forEach(q -> q.add(END));
    }

    void serve(HttpServerExchange ex) throws IOException, InterruptedException {
        Map<String, Deque<String>> q = ex.getQueryParameters();
        long sinceRv = parseLong(first(q, "resourceVersion"), 0);
        long timeoutSeconds = parseLong(first(q, "timeoutSeconds"), DEFAULT_TIMEOUT.toSeconds());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);

        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        String wsUri = mock.base().replaceFirst("^http", "ws") + ex.getRequestURI() + "?" + ex.getQueryString();
        WebSocket ws;
        try {
            ws = mock.http().newWebSocketBuilder()
                    .buildAsync(URI.create(wsUri), new Collector(lines))
                    .get(mock.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            ex.setStatusCode(500);
            ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
            ex.getOutputStream().write(ApiStatus.failure(500, "InternalError",
                    "test bed: cannot open watch on the mock: " + e, null, null));
            return;
        }
        open.add(lines);
        served.incrementAndGet();
        try {
            ex.setStatusCode(200);
            ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
            ex.getResponseHeaders().put(Headers.TRANSFER_ENCODING, "chunked");
            // clientGone() reads the raw socket; the connection must not serve another request after.
            ex.getResponseHeaders().put(Headers.CONNECTION, "close");
            OutputStream out = ex.getOutputStream();
            out.flush(); // headers now: the client's watch call returns as soon as the server accepts
            while (true) {
                long left = deadline - System.nanoTime();
                String msg = left <= 0 ? END : lines.poll(Math.min(left, CHECK_CLIENT.toNanos()), TimeUnit.NANOSECONDS);
                if (msg == null) {
                    if (clientGone(ex)) {
                        break;
                    }
                    continue;
                }
                if (END.equals(msg)) {
                    break;
                }
                String line = keep(msg, sinceRv);
                if (line != null) {
                    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            }
        } catch (IOException clientGone) {
            // The watcher went away; nothing to answer.
        } finally {
            open.remove(lines);
            ws.abort();
        }
    }

    /** The event as one line, or null when the client already has it (see class comment). */
    static String keep(String message, long sinceRv) {
        JsonObject event = JsonParser.parseString(message).getAsJsonObject();
        if (sinceRv > 0 && "ADDED".equals(event.get("type").getAsString())) {
            JsonElement rv = event.getAsJsonObject("object").getAsJsonObject("metadata").get("resourceVersion");
            if (rv != null && parseLong(rv.getAsString(), Long.MAX_VALUE) <= sinceRv) {
                return null;
            }
        }
        return event.toString();
    }

    /**
     * True when the watcher closed its connection. A blocked Undertow request never reads its
     * socket again, so the relay peeks at the raw connection: -1 means the peer is gone. A client
     * sends nothing on a watch connection, and the connection is closed after the watch anyway.
     */
    private static boolean clientGone(HttpServerExchange ex) {
        if (!(ex.getConnection() instanceof AbstractServerConnection c)) {
            return false;
        }
        try {
            return c.getOriginalSourceConduit().read(ByteBuffer.allocate(1)) < 0;
        } catch (IOException e) {
            return true;
        }
    }

    private static String first(Map<String, Deque<String>> q, String key) {
        Deque<String> d = q.get(key);
        return d == null ? null : d.peekFirst();
    }

    private static long parseLong(String s, long dflt) {
        if (s == null || s.isEmpty()) {
            return dflt;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    /** Collects whole WebSocket text messages into the line queue; a close or error ends it. */
    private static final class Collector implements WebSocket.Listener {
        private final BlockingQueue<String> lines;
        private final StringBuilder partial = new StringBuilder();

        Collector(BlockingQueue<String> lines) {
            this.lines = lines;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                lines.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            lines.add(END);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            lines.add(END);
        }
    }
}
