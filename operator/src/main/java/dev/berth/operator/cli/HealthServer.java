package dev.berth.operator.cli;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.StringWriter;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * {@code /healthz} (the process answers), {@code /readyz} (the leader's informer caches are synced; a
 * standby replica is ready as it is, so that rolling updates do not wait for a Lease it cannot get; a 503
 * says why, e.g. {@code caches not synced: pods list refused: HTTP 403 (RBAC: list, watch pods)}, which
 * the kubelet puts in the pod's Unhealthy event) and
 * {@code /metrics} (Prometheus text, the default registry, where client-java's controllers record their
 * work queues).
 */
final class HealthServer implements AutoCloseable {
    private final Undertow server;

    private HealthServer(Undertow server) {
        this.server = server;
    }

    /**
     * @param host {@code 0.0.0.0} in a pod (the kubelet probes the pod IP), {@code 127.0.0.1} in tests
     * @param notReady why the operator is not ready, or {@code null} when it is
     * @throws BindException when the port is taken (Undertow has then stopped its threads again)
     */
    static HealthServer start(String host, int port, Supplier<String> notReady) throws BindException {
        dev.berth.operator.metrics.OperatorMetrics.register(); // berth's series from the first scrape
        Undertow u = Undertow.builder()
                .addHttpListener(port, host)
                .setHandler(ex -> handle(ex, notReady))
                .build();
        try {
            u.start();
        } catch (RuntimeException e) {
            // Undertow wraps what went wrong; a taken port is the one failure a user can fix alone.
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof BindException bind) {
                    throw bind;
                }
            }
            throw e;
        }
        return new HealthServer(u);
    }

    private static void handle(HttpServerExchange ex, Supplier<String> notReady) throws Exception {
        switch (ex.getRequestPath()) {
            case "/healthz" -> text(ex, 200, "ok\n");
            case "/readyz" -> {
                String why = notReady.get();
                text(ex, why == null ? 200 : 503, why == null ? "ready\n" : why + "\n");
            }
            case "/metrics" -> {
                StringWriter w = new StringWriter();
                TextFormat.write004(w, CollectorRegistry.defaultRegistry.metricFamilySamples());
                ex.getResponseHeaders().put(Headers.CONTENT_TYPE, TextFormat.CONTENT_TYPE_004);
                ex.getResponseSender().send(w.toString());
            }
            default -> text(ex, 404, "not found\n");
        }
    }

    private static void text(HttpServerExchange ex, int status, String body) {
        ex.setStatusCode(status);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        ex.getResponseSender().send(body);
    }

    int port() {
        return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    @Override
    public void close() {
        server.stop();
    }
}
