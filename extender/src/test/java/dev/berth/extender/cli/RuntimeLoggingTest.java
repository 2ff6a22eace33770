package dev.berth.extender.cli;

import static dev.berth.extender.testing.JsonLogLines.parse;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.google.gson.JsonObject;
import dev.berth.extender.testing.RuntimeLogConfig;
import java.io.IOException;
import java.net.URL;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.MDC;

/**
 * The extender's runtime logback.xml, loaded as the jar loads it: every event is one JSON object on
 * one line with the promised fields, whatever the message holds, and the levels are berth INFO,
 * libraries WARN, overridable by BERTH_LOG_LEVEL / BERTH_LIBRARY_LOG_LEVEL.
 */
class RuntimeLoggingTest {
    private static final URL CONFIG = RuntimeLogConfig.find(Main.class);

    @Test
    void eachEventIsOneJsonLineWithTimestampLevelLoggerThreadAndFormattedMessage() {
        try (RuntimeLogConfig logs = RuntimeLogConfig.load(CONFIG)) {
            long before = System.currentTimeMillis();
            logs.logger("dev.berth.extender.http").info("bound {} to \"{}\"", "kafka/orders-broker-2", "node-c2");
            // Characters that break naive JSON: newline, CR, tab, backslash, quotes, non-ASCII, a control char.
            logs.logger("dev.berth.extender.http").warn("line one\nline two\r\ttab \\ back \"q\" é \u0001 </x>");
            long after = System.currentTimeMillis();

            assertThat(logs.text()).endsWith("\n");
            List<JsonObject> events = parse(logs.lines());
            assertThat(events).hasSize(2);
            JsonObject first = events.get(0);
            assertThat(first.get("timestamp").getAsLong()).isBetween(before, after);
            assertThat(first.get("level").getAsString()).isEqualTo("INFO");
            assertThat(first.get("loggerName").getAsString()).isEqualTo("dev.berth.extender.http");
            assertThat(first.get("threadName").getAsString()).isEqualTo(Thread.currentThread().getName());
            assertThat(first.get("formattedMessage").getAsString()).isEqualTo("bound kafka/orders-broker-2 to \"node-c2\"");
            assertThat(first.get("throwable").isJsonNull()).isTrue();
            // Left out on purpose: they repeat the fields above on every line.
            assertThat(first.keySet()).doesNotContain("message", "arguments", "context", "sequenceNumber", "nanoseconds");
            assertThat(events.get(1).get("formattedMessage").getAsString())
                    .isEqualTo("line one\nline two\r\ttab \\ back \"q\" é \u0001 </x>");
        }
    }

    @Test
    void anExceptionAndItsCausesStayOnTheEventsLine() {
        try (RuntimeLogConfig logs = RuntimeLogConfig.load(CONFIG)) {
            IOException root = new IOException("connection refused");
            logs.logger("dev.berth.extender.http").error("decision log write failed",
                    new IllegalStateException("sink closed\nsecond line of the message", root));

            List<JsonObject> events = parse(logs.lines());
            assertThat(events).hasSize(1);
            JsonObject thrown = events.get(0).getAsJsonObject("throwable");
            assertThat(thrown.get("className").getAsString()).isEqualTo("java.lang.IllegalStateException");
            assertThat(thrown.get("message").getAsString()).isEqualTo("sink closed\nsecond line of the message");
            assertThat(thrown.getAsJsonArray("stepArray").get(0).getAsJsonObject().get("className").getAsString())
                    .isEqualTo(RuntimeLoggingTest.class.getName());
            JsonObject cause = thrown.getAsJsonObject("cause");
            assertThat(cause.get("className").getAsString()).isEqualTo("java.io.IOException");
            assertThat(cause.get("message").getAsString()).isEqualTo("connection refused");
        }
    }

    @Test
    void mdcAndKeyValuesAreFieldsOfTheEvent() {
        try (RuntimeLogConfig logs = RuntimeLogConfig.load(CONFIG)) {
            Logger log = logs.logger("dev.berth.extender.http");
            MDC.put("cluster", "orders");
            try {
                log.atInfo().addKeyValue("pod", "kafka/orders-broker-2").addKeyValue("leaders", 120).log("scored");
            } finally {
                MDC.remove("cluster");
            }
            log.info("no context");

            List<JsonObject> events = parse(logs.lines());
            assertThat(events.get(0).getAsJsonObject("mdc").get("cluster").getAsString()).isEqualTo("orders");
            assertThat(events.get(0).getAsJsonArray("kvpList").toString())
                    .isEqualTo("[{\"pod\":\"kafka/orders-broker-2\"},{\"leaders\":\"120\"}]");
            assertThat(events.get(1).getAsJsonObject("mdc").keySet()).isEmpty();
            assertThat(events.get(1).has("kvpList")).isFalse();
        }
    }

    /** logger, level, enabled by default. */
    private static final Object[][] DEFAULT_LEVELS = {
        {"dev.berth.extender.cli.ServeCommand", Level.INFO, true},  // berth's own INFO: start-up, where it listens
        {"dev.berth.extender.http", Level.DEBUG, false},            // just below berth's level
        {"dev.berth", Level.INFO, true},
        {"dev.berthless.Thing", Level.INFO, false},                 // a name prefix is not a package: falls to root
        {"org.apache.kafka.clients.admin.KafkaAdminClient", Level.INFO, false}, // Kafka's INFO is per-connection chatter
        {"org.apache.kafka.clients.admin.KafkaAdminClient", Level.WARN, true},  // but its warnings matter
        {"kafka.server.BrokerServer", Level.INFO, false},
        {"io.kubernetes.client.informer.cache.Controller", Level.INFO, false},
        {"okhttp3.OkHttpClient", Level.INFO, false},
        {"io.undertow", Level.INFO, false},
        {"org.xnio", Level.INFO, false},                            // the XNIO version banner
        {"org.xnio", Level.ERROR, true},
        {"com.example.Unlisted", Level.INFO, false},                // root: any other library
        {"com.example.Unlisted", Level.WARN, true},
    };

    @Test
    void berthLogsAtInfoAndLibrariesAtWarnByDefault() {
        try (RuntimeLogConfig logs = RuntimeLogConfig.load(CONFIG)) {
            for (Object[] row : DEFAULT_LEVELS) {
                assertThat(logs.enabled((String) row[0], (Level) row[1])).as("%s at %s", row[0], row[1]).isEqualTo(row[2]);
            }
        }
    }

    @Test
    void levelsAreChangedByPropertiesOfTheDocumentedNames() {
        Map<String, String> overrides = Map.of("BERTH_LOG_LEVEL", "DEBUG", "BERTH_LIBRARY_LOG_LEVEL", "INFO");
        overrides.forEach(System::setProperty);
        try (RuntimeLogConfig logs = RuntimeLogConfig.load(CONFIG)) {
            assertThat(logs.enabled("dev.berth.extender.http", Level.DEBUG)).isTrue();
            assertThat(logs.enabled("dev.berth.extender.http", Level.TRACE)).isFalse();
            assertThat(logs.enabled("org.xnio", Level.INFO)).isTrue();
            assertThat(logs.enabled("com.example.Unlisted", Level.INFO)).isTrue();
            assertThat(logs.enabled("com.example.Unlisted", Level.DEBUG)).isFalse();
        } finally {
            overrides.keySet().forEach(System::clearProperty);
        }
    }
}
