package dev.berth.extender.http;

/** An HTTP answer: status, content type and body. */
record Reply(int status, String contentType, String body) {
    static final String JSON = "application/json";
    static final String TEXT = "text/plain; charset=utf-8";

    static Reply json(int status, String body) {
        return new Reply(status, JSON, body);
    }

    static Reply text(int status, String body) {
        return new Reply(status, TEXT, body);
    }
}
