package dev.berth.testbed.k8s;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.ByteString;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.lang.reflect.Field;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fabric8 mock's CRUD dispatcher, with the end of a watch moved off the mock's event loop.
 *
 * <p><b>The defect it works around</b> (fabric8 kubernetes-server-mock 8.0.0). Each watch has a
 * {@code WatchEventsListener} with its own sender thread; a send from that thread waits (up to
 * 30 s) for the write to complete, and the write completes on the mock's event loop. When the
 * watch's WebSocket ends (the client hangs up: {@code onFailure}; or closes: {@code onClosed}),
 * Vert.x calls the listener <i>on the event loop</i>, and the listener waits there for its sender
 * thread to finish. If a send is in flight at that moment, each waits for the other: the event
 * loop, which is the only one and serves every request, stalls until the send gives up after 30 s.
 * Every other call meanwhile gets no answer (the bridge gives up after 10 s with a 500), and the
 * mock cannot even shut down. Informers drop watches all the time, and sends are in flight
 * whenever objects change, so on a busy machine this hits at random.
 *
 * <p><b>The fix.</b> Watches are answered by the stock dispatcher, whose listener is wrapped.
 * When the WebSocket ends, still on the event loop, the wrapper first takes the listener out of
 * the dispatcher's set of watch listeners, so no later change schedules a send on a sender that is
 * shutting down (that would throw out of the write request, which then never gets an answer);
 * then it runs the listener's own {@code onClosed}/{@code onFailure} on a separate thread. The
 * event loop goes on, completes the pending write, the sender finishes, and the listener's wait
 * ends. Changes are dispatched on that same event loop, so taking the listener out there orders it
 * before any later change. Every other callback runs where it did; events, replay and selectors
 * are the mock's. The set is private to the mock, so it is reached by reflection (checked once
 * per bed: a mock upgrade that renames it fails the bed's start loudly, not a test at random).
 */
final class OffLoopWatchDispatcher extends KubernetesCrudDispatcher {

    /** One pool for every bed in the JVM: daemon threads that end when idle, so no bed must stop it. */
    private static final ExecutorService WATCH_ENDS = watchEnds();

    /** The mock's own registry of live watch listeners: changes are sent to each member. */
    private final Set<?> watchListeners;

    OffLoopWatchDispatcher() {
        try {
            Field f = KubernetesCrudDispatcher.class.getDeclaredField("watchEventListeners");
            f.setAccessible(true);
            this.watchListeners = (Set<?>) f.get(this);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("fabric8 mock changed: no watchEventListeners set to detach ended watches from", e);
        }
        NodeFieldsExtractor.install(this);
    }

    @Override
    public MockResponse handleWatch(String path) {
        MockResponse response = super.handleWatch(path);
        WebSocketListener listener = response.getWebSocketListener();
        return listener == null ? response : response.withWebSocketUpgrade(new EndOffLoop(listener, watchListeners));
    }

    private static ExecutorService watchEnds() {
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 5, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "test-bed-watch-end-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Delegates every callback; the two that may block run on {@link #WATCH_ENDS}. */
    private static final class EndOffLoop extends WebSocketListener {
        private final WebSocketListener inner;
        private final Set<?> registry;

        EndOffLoop(WebSocketListener inner, Set<?> registry) {
            this.inner = inner;
            this.registry = registry;
        }

        @Override
        public void onBeforeAccept(WebSocket ws, Response response) {
            inner.onBeforeAccept(ws, response);
        }

        @Override
        public void onOpen(WebSocket ws, Response response) {
            inner.onOpen(ws, response);
        }

        @Override
        public void onMessage(WebSocket ws, String text) {
            inner.onMessage(ws, text);
        }

        @Override
        public void onMessage(WebSocket ws, ByteString bytes) {
            inner.onMessage(ws, bytes);
        }

        @Override
        public void onMessage(WebSocket ws, byte[] bytes) {
            inner.onMessage(ws, bytes);
        }

        @Override
        public void onPing(WebSocket ws, byte[] bytes) {
            inner.onPing(ws, bytes);
        }

        @Override
        public void onClosing(WebSocket ws, int code, String reason) {
            inner.onClosing(ws, code, reason); // only queues a close on the sender: never blocks
        }

        @Override
        public void onClosed(WebSocket ws, int code, String reason) {
            registry.remove(inner);
            WATCH_ENDS.execute(() -> inner.onClosed(ws, code, reason));
        }

        @Override
        public void onFailure(WebSocket ws, Throwable t, Response response) {
            registry.remove(inner);
            WATCH_ENDS.execute(() -> inner.onFailure(ws, t, response));
        }
    }
}
