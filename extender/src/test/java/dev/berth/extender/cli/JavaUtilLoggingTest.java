package dev.berth.extender.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** okhttp's java.util.logging records reach logback (and so the JSON lines), not JUL's two-line console output. */
class JavaUtilLoggingTest {

    @Test
    void javaUtilLoggingRecordsArriveAsSlf4jEventsAndTheConsoleHandlerIsGone() {
        java.util.logging.Logger julRoot = LogManager.getLogManager().getLogger("");
        Handler[] before = julRoot.getHandlers();
        Logger okhttp = (Logger) LoggerFactory.getLogger("okhttp3.OkHttpClient");
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        okhttp.addAppender(seen);
        try {
            JavaUtilLogging.routeToSlf4j();
            JavaUtilLogging.routeToSlf4j(); // idempotent: one bridge, so one event per record

            java.util.logging.Logger.getLogger("okhttp3.OkHttpClient")
                    .warning("A connection to http://127.0.0.1:6443/ was leaked. Did you forget to close a response body?");

            assertThat(julRoot.getHandlers()).hasSize(1).allMatch(h -> h instanceof SLF4JBridgeHandler);
            List<ILoggingEvent> events = seen.list;
            assertThat(events).hasSize(1);
            assertThat(events.get(0).getLevel()).isEqualTo(Level.WARN);
            assertThat(events.get(0).getLoggerName()).isEqualTo("okhttp3.OkHttpClient");
            assertThat(events.get(0).getFormattedMessage()).startsWith("A connection to http://127.0.0.1:6443/ was leaked.");
        } finally {
            okhttp.detachAppender(seen);
            SLF4JBridgeHandler.uninstall();
            for (Handler h : before) {
                julRoot.addHandler(h);
            }
        }
    }
}
