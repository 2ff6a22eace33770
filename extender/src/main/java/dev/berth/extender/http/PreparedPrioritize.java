package dev.berth.extender.http;

import dev.berth.extender.placement.BrokerPod;
import dev.berth.extender.placement.NodeTable;
import dev.berth.extender.placement.PlacementEngine;
import dev.berth.extender.placement.Reason;
import dev.berth.extender.placement.Scores;
import dev.berth.extender.protocol.ByteBuilder;
import dev.berth.extender.protocol.NameList;
import dev.berth.extender.protocol.WireEncoder;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The prioritize answer for the nodes a names-mode filter passed, computed right after the filter
 * reply is sent.
 *
 * <p><b>Goal.</b> kube-scheduler sends prioritize right after filter, naming exactly the nodes
 * the filter passed, in the filter reply's order (when its own plugins pass them all, as with a
 * dedicated broker scheduler). Between the two calls it reads the filter reply and builds the next
 * request, and the extender has nothing to do for that pod. Scoring and encoding then, instead of
 * after the prioritize request arrives, takes them off the scheduler's wait.
 *
 * <p><b>Constraint.</b> A prepared answer must be exactly what prioritize would compute. It is used
 * only when everything the scores depend on is the same:
 * <ul>
 *   <li>the very {@link NodeTable} instance (a bind, a reservation, a leader-count or node change
 *       makes a new one);
 *   <li>an equal pod (cluster, broker id, rack pin, avoided node, disk request);
 *   <li>exactly the prepared rows, in the same order.
 * </ul>
 * Anything else (the scheduler's own plugins dropped a node, another pod's filter came in between,
 * the state changed) is computed as usual, and counted as a miss.
 *
 * <p><b>Algorithm.</b> One slot, the latest names-mode filter's. {@link #expect} fills it before
 * the filter reply goes out and returns the work to run once it is sent. {@link #answer} waits for
 * that work if it is still running (at most {@link #WAIT_MS}), because finishing it is cheaper
 * than starting over.
 *
 * <p><b>Example.</b> Filter for {@code kafka/orders-3} passes {@code n7, n2, n9} of table T. After
 * the reply is sent, their scores {@code 9, 4, 10} and the bytes
 * {@code [{"Host":"n7","Score":9},...]} are prepared. A prioritize for the same pod naming
 * {@code n7, n2, n9} while the cache still serves T gets those bytes. If it names {@code n7, n9},
 * or a bind made table T' in between, it is scored afresh.
 */
final class PreparedPrioritize {
    /** How long a prioritize waits for a preparation still running: far more than it takes (~0.1 ms at 5,000 nodes). */
    static final long WAIT_MS = 50;

    /** What prioritize answers: the scores (for the decision log) and the encoded reply. */
    record Answer(int[] rows, Scores scores, ByteBuilder reply) {}

    private record Slot(NodeTable table, BrokerPod pod, CompletableFuture<Answer> answer) {}

    private final PlacementEngine engine;
    private volatile Slot slot;

    PreparedPrioritize(PlacementEngine engine) {
        this.engine = engine;
    }

    /**
     * Takes the slot for the filter of {@code pod} over {@code filtered} with verdicts
     * {@code reasons}; returns the preparation, to run after the filter reply is sent.
     */
    Runnable expect(BrokerPod pod, NameList filtered, Reason[] reasons) {
        NodeTable table = filtered.table();
        Slot mine = new Slot(table, pod, new CompletableFuture<>());
        slot = mine;
        return () -> {
            try {
                mine.answer.complete(prepare(pod, table, filtered, reasons));
            } catch (RuntimeException | Error e) {
                mine.answer.completeExceptionally(e);
                throw e;
            }
        };
    }

    /** The prepared answer for this prioritize request, or null when it must be computed. */
    Answer answer(NodeTable table, BrokerPod pod, NameList names) {
        Slot s = slot;
        if (s == null || s.table != table || !s.pod.equals(pod)) {
            return null;
        }
        Answer a;
        try {
            a = s.answer.get(WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
        return a != null && names.namesRows(a.rows()) ? a : null;
    }

    private Answer prepare(BrokerPod pod, NodeTable table, NameList filtered, Reason[] reasons) {
        int passed = 0;
        for (Reason r : reasons) {
            passed += r == null ? 1 : 0;
        }
        int[] rows = new int[passed];
        for (int i = 0, k = 0; i < reasons.length; i++) {
            if (reasons[i] == null) {
                rows[k] = filtered.id(i);
                if (rows[k++] < 0) {
                    return null; // a node the table does not know never passes; nothing to prepare if one did
                }
            }
        }
        Scores scores = engine.prioritize(pod, table, rows, () -> table.rackCounts(pod));
        return new Answer(rows, scores, WireEncoder.hostPriorities(NameList.ofRows(table, rows), scores));
    }
}
