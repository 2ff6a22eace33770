package dev.berth.extender.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.joran.spi.JoranException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;

/**
 * A runtime {@code logback.xml} loaded into a private logback context, so a test can log through
 * exactly the configuration the jar ships while the test JVM itself keeps logging plainly through
 * {@code logback-test.xml}. The JSON appender's stream is redirected into memory.
 */
public final class RuntimeLogConfig implements AutoCloseable {
    private final LoggerContext context = new LoggerContext();
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();

    private RuntimeLogConfig(URL config) {
        // The process-wide MDC, as logback's slf4j provider wires it for the default context.
        context.setMDCAdapter(org.slf4j.MDC.getMDCAdapter());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(config);
        } catch (JoranException e) {
            throw new IllegalStateException("cannot load " + config, e);
        }
        OutputStreamAppender<?> json = (OutputStreamAppender<?>) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("JSON");
        if (json == null) {
            throw new IllegalStateException(config + " has no appender named JSON on the root logger");
        }
        json.setOutputStream(written);
    }

    /** Loads {@code config}; system properties set before this call take part in its variables. */
    public static RuntimeLogConfig load(URL config) {
        return new RuntimeLogConfig(config);
    }

    /** The {@code logback.xml} shipped beside {@code owner}: in the same class path entry (directory or jar). */
    public static URL find(Class<?> owner) {
        String home = owner.getProtectionDomain().getCodeSource().getLocation().toString();
        try {
            for (URL url : Collections.list(owner.getClassLoader().getResources("logback.xml"))) {
                String u = url.toString();
                if (u.startsWith(home) || u.startsWith("jar:" + home + "!")) {
                    return url;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no logback.xml beside " + owner.getName() + " in " + home);
    }

    public org.slf4j.Logger logger(String name) {
        return context.getLogger(name);
    }

    public boolean enabled(String logger, ch.qos.logback.classic.Level level) {
        return context.getLogger(logger).isEnabledFor(level);
    }

    /** Everything written so far, split into lines (on \n, \r or \r\n, as a log shipper would). */
    public List<String> lines() {
        return text().lines().toList();
    }

    /** The raw bytes written so far, as text. */
    public String text() {
        return written.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        context.stop();
    }
}
