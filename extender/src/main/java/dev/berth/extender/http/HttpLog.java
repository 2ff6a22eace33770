package dev.berth.extender.http;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP layer's one logger ({@code dev.berth.extender.http}): refused requests (WARN), bugs
 * caught at the error boundary (ERROR) and a failing decision-log sink. Decisions themselves go
 * to the decision log, never here.
 */
final class HttpLog {
    static final Logger LOG = LoggerFactory.getLogger(HttpLog.class.getPackageName());

    private HttpLog() {}
}
