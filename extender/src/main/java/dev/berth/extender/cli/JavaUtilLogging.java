package dev.berth.extender.cli;

import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Sends java.util.logging records to slf4j, so they come out as the same JSON lines as everything
 * else. okhttp, under client-java, logs its warnings (a leaked connection, a failed TLS
 * handshake) through java.util.logging, whose default console handler would write each as two
 * plain-text lines on stderr. logback.xml's LevelChangePropagator keeps java.util.logging's levels
 * in step with logback's, so records nobody will see are dropped before they are bridged.
 */
public final class JavaUtilLogging {
    private JavaUtilLogging() {}

    /** Replaces java.util.logging's root handlers with the slf4j bridge; calling it again changes nothing. */
    public static synchronized void routeToSlf4j() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }
}
