package dev.berth.operator.cli;

import static dev.berth.extender.testing.JsonLogLines.parse;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.google.gson.JsonObject;
import dev.berth.extender.testing.RuntimeLogConfig;
import java.io.InputStream;
import java.net.URL;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The operator's runtime logback.xml: the same file as the extender's (the extender module tests its
 * format in depth), and the levels that matter to the operator, which talks to Kafka through Admin
 * and to Kubernetes through client-java.
 */
class RuntimeLoggingTest {
    private static final URL CONFIG = RuntimeLogConfig.find(Main.class);

    @Test
    void bothProgramsShipTheSameLoggingConfiguration() throws Exception {
        URL extender = RuntimeLogConfig.find(dev.berth.extender.cli.ServeOptions.class);
        assertThat(CONFIG).isNotEqualTo(extender);
        try (InputStream mine = CONFIG.openStream(); InputStream theirs = extender.openStream()) {
            assertThat(new String(mine.readAllBytes())).isEqualTo(new String(theirs.readAllBytes()));
        }
    }

    @Test
    void operatorEventsAreOneJsonLineEach() {
        try (RuntimeLogConfig logs = RuntimeLogConfig.load(CONFIG)) {
            logs.logger("dev.berth.operator.reconcile.Operator").info("{} leads {}", "berth-operator-0", "berth-operator");
            List<JsonObject> events = parse(logs.lines());
            assertThat(events).hasSize(1);
            assertThat(events.get(0).get("formattedMessage").getAsString()).isEqualTo("berth-operator-0 leads berth-operator");
            assertThat(events.get(0).get("loggerName").getAsString()).isEqualTo("dev.berth.operator.reconcile.Operator");
        }
    }

    /** logger, level, enabled by default. */
    private static final Object[][] DEFAULT_LEVELS = {
        {"dev.berth.operator.reconcile.KafkaClusterReconciler", Level.INFO, true},  // berth's own INFO
        {"dev.berth.operator.observe.KafkaObservations", Level.DEBUG, false},       // just below it
        {"org.apache.kafka.clients.admin.KafkaAdminClient", Level.INFO, false},     // Admin logs every (re)connection at INFO
        {"org.apache.kafka.clients.NetworkClient", Level.WARN, true},              // a broker that cannot be reached
        {"org.apache.kafka.common.utils.AppInfoParser", Level.INFO, false},         // the version banner of every Admin
        {"io.kubernetes.client.extended.leaderelection.LeaderElector", Level.INFO, false}, // every renewal
        {"io.kubernetes.client.extended.leaderelection.LeaderElector", Level.ERROR, true},  // a lock it cannot read
        {"io.kubernetes.client.informer.cache.ReflectorRunnable", Level.INFO, false},
        {"okhttp3.OkHttpClient", Level.INFO, false},
    };

    @Test
    void berthLogsAtInfoAndKafkaAndClientJavaAtWarnByDefault() {
        try (RuntimeLogConfig logs = RuntimeLogConfig.load(CONFIG)) {
            for (Object[] row : DEFAULT_LEVELS) {
                assertThat(logs.enabled((String) row[0], (Level) row[1])).as("%s at %s", row[0], row[1]).isEqualTo(row[2]);
            }
        }
    }
}
