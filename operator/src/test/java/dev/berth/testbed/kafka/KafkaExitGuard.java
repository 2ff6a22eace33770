package dev.berth.testbed.kafka;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.utils.internals.Exit;

/**
 * Keeps in-process Kafka nodes from killing the test JVM.
 *
 * <p>Kafka calls {@code Exit.exit}/{@code Exit.halt} on fatal errors (a log directory failing, a
 * controller that cannot continue). In a test JVM that would end the whole Surefire run without a
 * report. Installed once, the guard turns such calls into an {@link IllegalStateException} in the
 * calling Kafka thread and records the request, so a test can see it in
 * {@link KafkaTestCluster#fatalExits()}.
 */
final class KafkaExitGuard {
    private static final List<String> REQUESTS = new CopyOnWriteArrayList<>();
    private static boolean installed;

    private KafkaExitGuard() {
    }

    static synchronized void install() {
        if (installed) {
            return;
        }
        Exit.setExitProcedure((code, message) -> refuse("exit", code, message));
        Exit.setHaltProcedure((code, message) -> refuse("halt", code, message));
        installed = true;
    }

    static List<String> requests() {
        return List.copyOf(REQUESTS);
    }

    private static void refuse(String kind, int code, String message) {
        String request = kind + "(" + code + "): " + message;
        REQUESTS.add(request);
        throw new IllegalStateException("in-process Kafka asked to " + request);
    }
}
