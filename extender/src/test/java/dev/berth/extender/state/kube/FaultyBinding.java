package dev.berth.extender.state.kube;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.util.ClientBuilder;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * A network fault on the first {@code POST .../pods/NAME/binding} a client sends, for the binder's
 * failure paths; every other call, and the Bindings after the first, reach the test bed unchanged.
 * <ul>
 *   <li>{@link #refuseOnce(int)}: the Binding never reaches the apiserver, and the client gets that
 *       status (an overloaded or restarting apiserver);
 *   <li>{@link #loseReplyOnce()}: the Binding reaches the apiserver and lands, then the connection
 *       breaks before the reply (the case where the client cannot know the outcome);
 *   <li>{@link #dropRequestOnce()}: the connection breaks before the Binding reaches the apiserver, with
 *       the same error as a lost reply (the client cannot tell the two apart);
 *   <li>{@link #raceOnce()}: an identical Binding lands just before this one, which the apiserver
 *       then refuses with 409 (an earlier attempt of the same bind that was slow to arrive).
 *   <li>{@link #raceElsewhereOnce(String)}: a Binding of the pod to another node lands just before this
 *       one, refused with 409 (an earlier attempt, to the node chosen then, whose reply never came).
 *   <li>{@link #cutStampReplyOnce()}: not a Binding but the first pod PATCH (the rack stamp): it
 *       lands, and its reply is cut off mid-body (a call timeout while the body was read).
 *   <li>{@link #loseStampReplyOnce()}: the first pod PATCH lands, then the connection breaks before any of
 *       its reply (a call timeout before the headers, or a reset).
 * </ul>
 * {@link #fired()} says whether the fault happened, so that a test whose outcome is the same either way
 * shows that it took the path it is about.
 */
final class FaultyBinding implements Interceptor {
    private static final int LOSE_REPLY = 0;
    private static final int RACE = -1;
    private static final int CUT_STAMP_REPLY = -2;
    private static final int DROP_REQUEST = -3;
    private static final int RACE_ELSEWHERE = -4;
    private static final int LOSE_STAMP_REPLY = -5;
    private final int refuseWith;
    private final String elsewhere;
    private final AtomicBoolean armed = new AtomicBoolean(true);

    private FaultyBinding(int refuseWith) {
        this(refuseWith, null);
    }

    private FaultyBinding(int refuseWith, String elsewhere) {
        this.refuseWith = refuseWith;
        this.elsewhere = elsewhere;
    }

    static FaultyBinding raceElsewhereOnce(String node) {
        return new FaultyBinding(RACE_ELSEWHERE, node);
    }

    static FaultyBinding refuseOnce(int status) {
        return new FaultyBinding(status);
    }

    static FaultyBinding loseReplyOnce() {
        return new FaultyBinding(LOSE_REPLY);
    }

    static FaultyBinding dropRequestOnce() {
        return new FaultyBinding(DROP_REQUEST);
    }

    static FaultyBinding raceOnce() {
        return new FaultyBinding(RACE);
    }

    static FaultyBinding cutStampReplyOnce() {
        return new FaultyBinding(CUT_STAMP_REPLY);
    }

    static FaultyBinding loseStampReplyOnce() {
        return new FaultyBinding(LOSE_STAMP_REPLY);
    }

    /** Whether the fault was injected (the call it waits for came). */
    boolean fired() {
        return !armed.get();
    }

    /** A client of the bed at {@code baseUrl} with this fault in front of it. */
    CoreV1Api api(String baseUrl) {
        ApiClient client = new ClientBuilder().setBasePath(baseUrl).setReadTimeout(Duration.ofSeconds(15)).build();
        client.setHttpClient(client.getHttpClient().newBuilder().addInterceptor(this).build());
        return new CoreV1Api(client);
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        boolean binding = "POST".equals(request.method()) && request.url().encodedPath().endsWith("/binding");
        boolean patch = "PATCH".equals(request.method());
        boolean target = refuseWith == CUT_STAMP_REPLY || refuseWith == LOSE_STAMP_REPLY ? patch : binding;
        if (!target || !armed.compareAndSet(true, false)) {
            return chain.proceed(request);
        }
        if (refuseWith == CUT_STAMP_REPLY) {
            Response landed = chain.proceed(request);
            String body = landed.body() == null ? "" : landed.body().string();
            return landed.newBuilder() // the first half of the reply only
                    .body(ResponseBody.create(body.substring(0, body.length() / 2), MediaType.get("application/json")))
                    .build();
        }
        if (refuseWith == LOSE_STAMP_REPLY) {
            chain.proceed(request).close();
            throw new IOException("connection reset (injected after the rack stamp landed)");
        }
        if (refuseWith == LOSE_REPLY) {
            chain.proceed(request).close();
            throw new IOException("connection reset (injected after the Binding landed)");
        }
        if (refuseWith == DROP_REQUEST) {
            throw new IOException("connection reset (injected before the Binding was sent)");
        }
        if (refuseWith == RACE_ELSEWHERE) {
            // .../namespaces/NS/pods/NAME/binding
            java.util.List<String> path = request.url().pathSegments();
            String ns = path.get(path.indexOf("namespaces") + 1);
            String pod = path.get(path.indexOf("pods") + 1);
            String json = "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"" + pod
                    + "\",\"namespace\":\"" + ns + "\"},\"target\":{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"name\":\""
                    + elsewhere + "\"}}";
            chain.proceed(request.newBuilder().post(okhttp3.RequestBody.create(json, MediaType.get("application/json")))
                    .build()).close(); // the earlier attempt lands on the other node...
            return chain.proceed(request); // ...so this one gets the apiserver's own 409
        }
        if (refuseWith == RACE) {
            chain.proceed(request).close(); // the earlier twin lands...
            return chain.proceed(request); // ...so this one gets the apiserver's own 409
        }
        return new Response.Builder()
                .request(request)
                .protocol(Protocol.HTTP_1_1)
                .code(refuseWith)
                .message("injected")
                .body(ResponseBody.create("{\"kind\":\"Status\",\"code\":" + refuseWith + "}",
                        MediaType.get("application/json")))
                .build();
    }
}
