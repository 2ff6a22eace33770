package dev.berth.testbed.kafka;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

/**
 * Picks loopback ports for Kafka listeners.
 *
 * <p>Kafka listeners cannot simply bind port 0 here: the controller's port must be written into
 * every broker's {@code controller.quorum.voters} before the controller runs, and a broker restarted
 * on its data directory should come back on the same {@code 127.0.0.1:port} so that bootstrap strings
 * stay valid. So the bed chooses concrete ports up front.
 *
 * <p>Algorithm: draw a random port from {@code [20000, 32000)}, which lies <em>below</em> Linux's
 * default ephemeral range (32768-60999), so outgoing client connections of the six helpers' tests
 * running on this machine never take it; skip ports this JVM already handed out; keep the first one
 * that a trial {@code bind} on 127.0.0.1 accepts. A remaining race with another process is handled by
 * the callers, which retry a node whose listener failed to bind (see {@link #isBindFailure}).
 */
final class LoopbackPorts {
    private static final int LOW = 20_000;
    private static final int HIGH = 32_000;
    private static final Set<Integer> HANDED_OUT = new HashSet<>();
    private static final Random RANDOM = new Random();

    private LoopbackPorts() {
    }

    /** A port on 127.0.0.1 that was free a moment ago and that this JVM has not handed out before. */
    static synchronized int next() {
        for (int attempt = 0; attempt < 500; attempt++) {
            int port = LOW + RANDOM.nextInt(HIGH - LOW);
            if (HANDED_OUT.contains(port)) {
                continue;
            }
            if (isFree(port)) {
                HANDED_OUT.add(port);
                return port;
            }
        }
        throw new IllegalStateException("no free loopback port in [" + LOW + ", " + HIGH + ") after 500 tries");
    }

    /**
     * Whether a listener could bind {@code 127.0.0.1:port} right now. The probe binds with
     * {@code SO_REUSEADDR}, as Kafka's own listener does: a port whose previous broker just stopped
     * still has connections in TIME_WAIT, which block a plain bind but not Kafka's, and the broker must
     * get its port back on restart.
     */
    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether a startup failure was caused by a port taken in the meantime. */
    static boolean isBindFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException) {
                return true;
            }
            String message = t.getMessage();
            if (message != null && (message.contains("Address already in use") || message.contains("failed to bind"))) {
                return true;
            }
        }
        return false;
    }
}
