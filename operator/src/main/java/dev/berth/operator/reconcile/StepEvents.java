package dev.berth.operator.reconcile;

import dev.berth.operator.act.KubeWriter;
import dev.berth.operator.api.KafkaCluster;
import io.kubernetes.client.openapi.ApiException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Events a pass's steps want on the KafkaCluster, posted only once the pass's status is written.
 * A pass whose status write is refused decides again from the new object, and the next pass posts
 * its own Events: posted at once, a refused pass's {@code ScaleDownStarted} (or its Warning) showed in
 * {@code kubectl describe} for a decision that was then made again, or not at all. A failed post is
 * logged: the status holds the facts, an Event only tells them.
 */
public final class StepEvents {
    private static final Logger LOG = LoggerFactory.getLogger(StepEvents.class);

    private record Pending(String type, String reason, String message, Runnable posted) {}

    private final List<Pending> pending = new ArrayList<>();

    /** Queues an Event ({@code type} Normal or Warning, {@code reason} CamelCase). */
    public void post(String type, String reason, String message) {
        post(type, reason, message, () -> {});
    }

    /**
     * As {@link #post(String, String, String)}, and runs {@code posted} once the Event is posted: for a
     * step that remembers, in memory, that it said something (it is not run when the pass's Events are
     * dropped, or the post fails, so the step says it again on a later pass).
     */
    public void post(String type, String reason, String message, Runnable posted) {
        pending.add(new Pending(type, reason, message, posted));
    }

    /** Reasons queued so far, in order (for tests and logs). */
    public List<String> reasons() {
        return pending.stream().map(Pending::reason).toList();
    }

    /** Types ({@code Normal}, {@code Warning}) queued so far, in order (for tests). */
    public List<String> types() {
        return pending.stream().map(Pending::type).toList();
    }

    /** Messages queued so far, in order (for tests). */
    public List<String> messages() {
        return pending.stream().map(Pending::message).toList();
    }

    /** How many Events are queued: a mark for {@link #dropSince}. */
    int size() {
        return pending.size();
    }

    /** Forgets the Events queued after {@code mark}: the step that queued them failed, so they do not count. */
    void dropSince(int mark) {
        pending.subList(mark, pending.size()).clear();
    }

    /** Posts every queued Event on {@code cluster}, then forgets them. */
    void flush(KubeWriter writer, KafkaCluster cluster) {
        for (Pending p : pending) {
            try {
                writer.event(cluster, p.type(), p.reason(), p.message());
                p.posted().run();
            } catch (ApiException | RuntimeException e) {
                LOG.warn("event {} on {}/{} not posted: {}", p.reason(), cluster.namespace(), cluster.name(), e.toString());
            }
        }
        pending.clear();
    }

    /** Forgets the queued Events: the pass that queued them did not count. */
    void drop() {
        if (!pending.isEmpty()) {
            LOG.debug("events {} of a pass whose status was not written: not posted", reasons());
        }
        pending.clear();
    }
}
