package dev.berth.extender.http;

import dev.berth.extender.protocol.ByteBuilder;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP answer: status, content type and the first {@code length} bytes of {@code body}, and
 * optionally work to run once it is sent ({@code afterSent}, null for none).
 */
record Reply(int status, String contentType, byte[] body, int length, Runnable afterSent) {
    static final String JSON = "application/json";
    static final String TEXT = "text/plain; charset=utf-8";

    Reply(int status, String contentType, String body) {
        this(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    private Reply(int status, String contentType, byte[] body) {
        this(status, contentType, body, body.length, null);
    }

    /** This reply, then {@code work} once the client has it. */
    Reply then(Runnable work) {
        return new Reply(status, contentType, body, length, work);
    }

    static Reply json(int status, String body) {
        return new Reply(status, JSON, body);
    }

    static Reply json(int status, ByteBuilder body) {
        return new Reply(status, JSON, body.array(), body.length(), null);
    }

    static Reply text(int status, String body) {
        return new Reply(status, TEXT, body);
    }
}
