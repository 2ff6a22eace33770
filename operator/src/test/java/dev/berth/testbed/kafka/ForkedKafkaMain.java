package dev.berth.testbed.kafka;

import java.io.IOException;

/**
 * Entry point of a forked test-bed node: {@code kafka.Kafka server.properties}, plus a watchdog that
 * halts the node as soon as its standard input reaches end-of-file. The parent keeps the pipe open, so
 * EOF means the test JVM is gone, even if it was SIGKILLed and could run no shutdown hook: a forked
 * broker never outlives the tests.
 */
public final class ForkedKafkaMain {
    private ForkedKafkaMain() {
    }

    public static void main(String[] args) {
        Thread watchdog = new Thread(() -> {
            try {
                while (System.in.read() != -1) {
                    // Nothing is ever written; only EOF matters.
                }
            } catch (IOException ignored) {
                // A broken pipe means the parent is gone too.
            }
            Runtime.getRuntime().halt(3);
        }, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        kafka.Kafka.main(args);
    }
}
