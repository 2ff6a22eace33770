package dev.berth.extender.state;

import dev.berth.extender.placement.NodeTable;
import java.time.Instant;
import java.util.function.Function;

/**
 * Keeps the last {@link NodeTable} built from a cache until the cache changes.
 *
 * <p><b>Goal.</b> Building a table of 5,000 nodes takes about a millisecond; a scheduler asks twice
 * per pod, and the cache changes far less often (a broker bound, a node added). So the table is
 * rebuilt only when the backend's change counter has moved, or when a time-bound fact in it (a
 * reservation) has expired.
 *
 * <p><b>Correctness.</b> The caller reads its counter before building, so a change that races
 * with a build leaves the new table tagged with the older count, and the next call builds again:
 * a table can be one request late at worst, never stuck. Two threads may build at once; either
 * result is valid and the last one stays.
 *
 * <p><b>Example.</b> Counter 41: the first filter builds, the next hundred calls reuse it. A bind
 * reserves a node (counter 42): the next filter builds a table that holds the reservation, valid
 * until the reservation expires two minutes later.
 */
public final class TableCache {
    /** What a backend builds: the table, and until when it holds (null: until the counter moves). */
    public record Built(NodeTable table, Instant validUntil) {}

    private record Entry(NodeTable table, long version, Instant validUntil) {}

    private volatile Entry entry;

    /**
     * The cached table when it was built at {@code version} and is still valid at {@code now},
     * else a new one from {@code build}, which the caller runs after reading {@code version}. The
     * builder gets the last table (null at first), whose names it may share
     * ({@link NodeTable#of(java.util.Collection, NodeTable)}).
     */
    public NodeTable get(long version, Instant now, Function<NodeTable, Built> build) {
        Entry e = entry;
        if (e != null && e.version == version && (e.validUntil == null || now.isBefore(e.validUntil))) {
            return e.table;
        }
        Built b = build.apply(e == null ? null : e.table);
        entry = new Entry(b.table(), version, b.validUntil());
        return b.table();
    }
}
