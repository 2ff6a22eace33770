package dev.berth.extender.http;

import dev.berth.extender.placement.NodeTable;
import dev.berth.extender.protocol.ExtenderBindingResult;
import dev.berth.extender.protocol.WireEncoder;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.xnio.channels.ReadTimeoutException;

/**
 * Routes requests and owns the error boundary: whatever happens inside, the client gets an answer
 * (400 for bodies that exceed the limit or end before their {@code Content-Length}, 500 only for a
 * bug, logged). The one exception is a chunked body Undertow cannot parse: Undertow closes the
 * connection itself, so that 400 is only logged and counted.
 */
final class Router implements HttpHandler {
    private final Verbs verbs;
    private final Verbs.Wiring wiring;
    private final String filterPath;
    private final String prioritizePath;
    private final String bindPath;
    private final long maxBodyBytes;

    private static final java.util.Set<String> READ_PATHS = java.util.Set.of("/healthz", "/readyz", "/metrics", "/decisions");

    Router(Verbs verbs, Verbs.Wiring wiring, String prefix, long maxBodyBytes) {
        this.verbs = verbs;
        this.wiring = wiring;
        this.filterPath = prefix + "/filter";
        this.prioritizePath = prefix + "/prioritize";
        this.bindPath = prefix + "/bind";
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void handleRequest(HttpServerExchange ex) {
        long start = System.nanoTime();
        Reply reply;
        try {
            reply = route(ex, start);
        } catch (Exception | StackOverflowError e) {
            HttpLog.LOG.error("internal error on {}", ex.getRequestPath(), e);
            reply = Reply.text(500, "internal error\n");
        }
        try {
            // Undertow closes the connection itself when a chunked body cannot be parsed: nobody is
            // left to answer, and sending would fail (logged by Undertow as an ERROR)
            if (ex.getConnection().isOpen()) {
                ExtenderServer.send(ex, reply);
            }
        } finally {
            // even when sending failed: whoever waits for this work must not wait for nothing
            if (reply.afterSent() != null) {
                try {
                    reply.afterSent().run();
                } catch (RuntimeException e) {
                    HttpLog.LOG.error("work after the reply to {} failed", ex.getRequestPath(), e);
                }
            }
        }
    }

    /** Paths that answer without a client certificate: probes and scrapes carry none, and they hold no pod's data. */
    private static final java.util.Set<String> OPEN_PATHS = java.util.Set.of("/healthz", "/readyz", "/metrics");

    /** Whether the TLS client presented a certificate (the handshake checked it against the trusted CA). */
    private static boolean certified(HttpServerExchange ex) {
        var info = ex.getConnection().getSslSessionInfo();
        if (info == null) {
            return false;
        }
        try {
            return info.getPeerCertificates().length > 0;
        } catch (javax.net.ssl.SSLPeerUnverifiedException | io.undertow.server.RenegotiationRequiredException e) {
            return false;
        }
    }

    private Reply route(HttpServerExchange ex, long start) throws IOException {
        String path = ex.getRequestPath();
        if (wiring.clientCertRequired && !OPEN_PATHS.contains(path) && !certified(ex)) {
            ex.setPersistent(false); // an unread body may follow
            return Reply.text(403, "a client certificate is required for " + path + " (--tls-client-ca)\n");
        }
        boolean post = ex.getRequestMethod().equals(Methods.POST);
        // HEAD is GET without the body (RFC 9110), which Undertow drops from HEAD replies itself
        boolean get = ex.getRequestMethod().equals(Methods.GET) || ex.getRequestMethod().equals(Methods.HEAD);
        if (path.equals(filterPath) || path.equals(prioritizePath) || path.equals(bindPath)) {
            if (!post) {
                ex.getResponseHeaders().put(Headers.ALLOW, "POST"); // RFC 9110: a 405 names what is allowed
                return Reply.text(405, "use POST\n");
            }
            Body body;
            try {
                body = readBody(ex);
            } catch (BodyTooLarge e) {
                if (!drain(ex, e.read)) {
                    // The rest of the body is unread: close the connection after this reply, or the
                    // client's next request on it would be parsed from the middle of this body.
                    ex.setPersistent(false);
                }
                return badBody(path, start, "body-too-large", e.getMessage());
            } catch (BodyUnreadable e) {
                ex.setPersistent(false); // where this body ends, and the next request starts, is unknown
                return badBody(path, start, "bad-request", e.getMessage());
            }
            if (path.equals(filterPath)) {
                return verbs.filter(body, start);
            }
            if (path.equals(prioritizePath)) {
                return verbs.prioritize(body, start);
            }
            return verbs.bind(body, start);
        }
        if (!READ_PATHS.contains(path)) {
            return Reply.text(404, "not found\n"); // whatever the method: no such resource
        }
        if (!get) {
            ex.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
            return Reply.text(405, "use GET\n");
        }
        switch (path) {
            case "/healthz":
                return Reply.text(200, "ok\n");
            case "/readyz":
                return wiring.state.synced() ? Reply.text(200, "ready\n") : Reply.text(503, Verbs.notSynced(wiring.state) + "\n");
            case "/metrics":
                wiring.metrics.droppedLines(wiring.log.dropped());
                cacheGauges();
                return new Reply(200, "text/plain; version=0.0.4; charset=utf-8", wiring.metrics.scrape());
            case "/decisions":
                return decisions(ex);
            default:
                return Reply.text(404, "not found\n");
        }
    }

    /**
     * {@code GET /decisions?pod=ns/name&limit=N}: newest first, {@code limit} 20 by default and at
     * most what the ring keeps. A query berth cannot answer as asked (unknown parameter, a pod that
     * is not {@code namespace/name}, a limit that is not a positive integer, a parameter given twice)
     * is a 400 saying so, rather than an empty list that looks like "no decisions".
     */
    private Reply decisions(HttpServerExchange ex) {
        for (Map.Entry<String, Deque<String>> p : ex.getQueryParameters().entrySet()) {
            String name = p.getKey();
            if (!name.equals("pod") && !name.equals("limit")) {
                return Reply.text(400, "unknown parameter " + name + "; use pod=namespace/name and limit=N\n");
            }
            if (p.getValue().size() > 1) { // which one was meant? answering for the first would guess
                return Reply.text(400, name + " is given " + p.getValue().size() + " times; give it once\n");
            }
        }
        String pod = param(ex, "pod");
        if (pod != null && !pod.matches("[^/]+/[^/]+")) {
            return Reply.text(400, "pod must be namespace/name\n");
        }
        String limitText = param(ex, "limit");
        long limit = 20;
        if (limitText != null) {
            try {
                limit = Long.parseLong(limitText);
            } catch (NumberFormatException e) {
                // all digits but past a long: a big limit, answered with all there is, like 99999999999
                limit = limitText.matches("[0-9]+") ? Long.MAX_VALUE : -1;
            }
            if (limit < 1) {
                return Reply.text(400, "limit must be a positive integer\n");
            }
        }
        List<Decision> list = wiring.log.recent(pod, (int) Math.min(limit, wiring.log.capacity()));
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) {
                b.append(",\n");
            }
            b.append(list.get(i).toJson());
        }
        return Reply.json(200, b.append("]\n").toString());
    }

    private static String param(HttpServerExchange ex, String name) {
        Deque<String> values = ex.getQueryParameters().get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    /**
     * A body the verbs never see, answered 400 with {@code reason} and counted like the verbs' own
     * 400s (under {@code category}), so a scheduler hitting the limit, or a client cut off, shows in
     * /metrics.
     */
    private Reply badBody(String path, long start, String category, String reason) {
        HttpLog.LOG.warn("{} answered 400: {}", path, reason);
        String verb = path.substring(path.lastIndexOf('/') + 1);
        wiring.metrics.decisions.labels(verb, "bad-request", category).inc();
        wiring.metrics.latency.labels(verb).observe((System.nanoTime() - start) / 1e9);
        return Reply.json(400, WireEncoder.bindingResult(new ExtenderBindingResult(reason)));
    }

    /** A request body as it arrived: {@code bytes[0, length)}, UTF-8 JSON, decoded only where read. */
    record Body(byte[] bytes, int length) {}

    /**
     * Reads the body. A body that ends before its {@code Content-Length}, or that Undertow cannot
     * read (a malformed chunk), is the client's mistake ({@link BodyUnreadable}), not a bug.
     */
    /** The most a body's array is given before its bytes arrive. */
    static final int FIRST_CAPACITY = 1 << 20;

    /**
     * The array a body of {@code declared} bytes starts in: all of it up to {@value #FIRST_CAPACITY} (a names
     * body is about 66 KB at 5,000 nodes), else that much, doubled as bytes arrive. Sized by the
     * Content-Length alone, ten connections announcing 64 MiB and sending nothing held more than the
     * extender's heap before a byte came.
     */
    static int firstCapacity(long declared) {
        return (int) Math.min(declared, FIRST_CAPACITY);
    }

    private Body readBody(HttpServerExchange ex) throws BodyTooLarge, BodyUnreadable {
        long declared = ex.getRequestContentLength();
        if (declared > maxBodyBytes) {
            throw new BodyTooLarge(declared, 0);
        }
        InputStream in = ex.getInputStream();
        if (declared >= 0) {
            // the usual case (kube-scheduler sends Content-Length): read straight into one array, sized for
            // what arrives rather than what is announced (firstCapacity)
            byte[] body = new byte[firstCapacity(declared)];
            int read = 0;
            try {
                while (read < declared) {
                    if (read == body.length) {
                        body = java.util.Arrays.copyOf(body, (int) Math.min(declared, 2L * body.length));
                    }
                    int n = read(ex, in, body, read, body.length - read);
                    if (n <= 0) {
                        break;
                    }
                    read += n;
                }
            } catch (IOException e) { // Undertow: "Remote peer closed connection before all data could be read"
                throw cutOff(e) ? stalled(read + " of " + declared) : BodyUnreadable.shortOf(read, declared);
            }
            if (read < declared) {
                throw BodyUnreadable.shortOf(read, declared);
            }
            return new Body(body, read);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        byte[] buf = new byte[65536];
        long total = 0;
        try {
            for (int n; (n = read(ex, in, buf, 0, buf.length)) > 0; ) {
                total += n;
                if (total > maxBodyBytes) {
                    throw new BodyTooLarge(total, total);
                }
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            if (cutOff(e)) {
                throw stalled(String.valueOf(total));
            }
            // Undertow's words, e.g. "UT000042: Could not decode trailers in HTTP request"
            throw new BodyUnreadable("malformed request body: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        byte[] body = out.toByteArray();
        return new Body(body, body.length);
    }

    /**
     * Reads and discards the rest of a refused body, when it ends within twice the limit; returns
     * whether it did. Closing a connection whose request is still arriving makes the kernel reset
     * it, and the client, still sending, then loses the 400 and its reason (seen as "header parser
     * received no bytes"). Past twice the limit the connection is closed instead: reading on would
     * cost more than the lost reason. {@code read}: the bytes of the body already read (a chunked
     * body is refused once what arrived passes the limit), which count towards the twice.
     */
    private boolean drain(HttpServerExchange ex, long read) {
        long declared = ex.getRequestContentLength();
        if (declared > 2 * maxBodyBytes) {
            return false;
        }
        byte[] sink = new byte[65536];
        long total = read;
        try {
            InputStream in = ex.getInputStream();
            for (int n; (n = read(ex, in, sink, 0, sink.length)) > 0; ) {
                total += n;
                if (total > 2 * maxBodyBytes) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The cluster state's gauges, read at scrape time; sizes only once synced (a partial cache would mislead). */
    private void cacheGauges() {
        boolean synced = wiring.state.synced();
        wiring.metrics.cacheSynced.set(synced ? 1 : 0);
        if (synced) {
            NodeTable table = wiring.state.table();
            wiring.metrics.cacheNodes.set(table.size());
            wiring.metrics.cacheBrokers.labels("bound").set(table.boundBrokers());
            wiring.metrics.cacheBrokers.labels("reserved").set(table.reservedBrokers());
        }
    }

    /** A body that cannot be read as the client framed it; the message is the 400's reason. */
    /**
     * One blocking read of the body. XNIO's read timeout closes a stalled connection from its I/O thread,
     * and a worker reading at that moment may get, from Undertow 2.4's stream, a NullPointerException
     * (its buffer released under it) instead of the {@link ReadTimeoutException}: seen when every worker
     * was stalled at once. On a closed connection that is the same event; on an open one it is a bug.
     */
    private static int read(HttpServerExchange ex, InputStream in, byte[] into, int off, int len) throws IOException {
        try {
            return in.read(into, off, len);
        } catch (RuntimeException e) {
            if (ex.getConnection().isOpen()) {
                throw e;
            }
            throw new CutOff(e);
        }
    }

    /** Whether a failed body read was the read timeout closing its connection. */
    private static boolean cutOff(IOException e) {
        return e instanceof ReadTimeoutException || e instanceof CutOff;
    }

    /** A body read that failed because its connection was closed under it (by the read timeout). */
    private static final class CutOff extends IOException {
        private static final long serialVersionUID = 1L;

        CutOff(RuntimeException cause) {
            super(cause);
        }
    }

    /** A body whose bytes stopped coming for the read timeout: XNIO has closed the connection already. */
    private BodyUnreadable stalled(String read) {
        return new BodyUnreadable("no request body bytes for " + wiring.bodyReadTimeout.toMillis() + " ms after " + read
                + " bytes; connection closed (--body-read-timeout)");
    }

    private static final class BodyUnreadable extends Exception {
        private static final long serialVersionUID = 1L;

        BodyUnreadable(String reason) {
            super(reason, null, false, false);
        }

        static BodyUnreadable shortOf(int read, long declared) {
            return new BodyUnreadable("request body ended before its Content-Length (" + read + " of " + declared
                    + " bytes)");
        }
    }

    private final class BodyTooLarge extends Exception {
        private static final long serialVersionUID = 1L;
        /** How much of the body was read before it was refused. */
        final long read;

        BodyTooLarge(long size, long read) {
            super("body of " + size + "+ bytes exceeds the limit of " + maxBodyBytes + " bytes", null, false, false);
            this.read = read;
        }
    }
}
