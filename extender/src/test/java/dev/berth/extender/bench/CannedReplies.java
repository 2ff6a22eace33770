package dev.berth.extender.bench;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A second floor, informational ({@code canned-names}): reads the body and answers with the reply
 * the real extender gave for that pod, taken in setup, so the transport carries exactly the names
 * case's bytes. Its filter replies are about twice the size of the requests, which the echo
 * returns instead.
 *
 * <p>The pod is read from the body, not counted: the bench's pods have uids {@code uid-p<N>}, and
 * the uid sits in the first few hundred bytes, so finding it costs next to nothing. Counting calls
 * worked while every case ran alone, but {@link PairedRun} interleaves cases over one op count. A
 * body without such a uid is a bench bug, and the 500 it gets stops the bench.
 */
final class CannedReplies implements HttpHandler {
    private static final byte[] UID = "\"uid\":\"uid-p".getBytes(StandardCharsets.UTF_8);
    /** How far into the body the pod's uid may be: its metadata comes first. */
    private static final int UID_WITHIN = 1024;

    private List<byte[]> filter;
    private List<byte[]> prioritize;

    void start(List<byte[]> filterReplies, List<byte[]> prioritizeReplies) {
        filter = filterReplies;
        prioritize = prioritizeReplies;
    }

    @Override
    public void handleRequest(HttpServerExchange ex) throws Exception {
        byte[] body = ex.getInputStream().readAllBytes();
        int pod = podOf(body);
        byte[] reply = ex.getRequestPath().endsWith("/filter") ? filter.get(pod) : prioritize.get(pod);
        ex.getResponseHeaders().put(io.undertow.util.Headers.CONTENT_TYPE, "application/json");
        ex.getResponseSender().send(ByteBuffer.wrap(reply));
    }

    /** N of the first {@code "uid":"uid-p<N>"} in the body's first {@link #UID_WITHIN} bytes. */
    static int podOf(byte[] body) {
        int end = Math.min(body.length, UID_WITHIN) - UID.length;
        for (int at = 0; at <= end; at++) {
            if (java.util.Arrays.equals(body, at, at + UID.length, UID, 0, UID.length)) {
                int n = 0;
                int i = at + UID.length;
                for (; i < body.length && body[i] >= '0' && body[i] <= '9'; i++) {
                    n = n * 10 + (body[i] - '0');
                }
                if (i > at + UID.length) {
                    return n;
                }
            }
        }
        throw new IllegalStateException("no bench pod uid (uid-p<N>) in the first " + UID_WITHIN + " bytes of the body");
    }
}
