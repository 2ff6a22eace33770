package dev.berth.extender.state;

import dev.berth.extender.placement.NodeFacts;
import dev.berth.extender.placement.PlacedBroker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * In-flight binds that the informer cache has not shown yet.
 *
 * <p><b>Goal.</b> Two broker pods scheduled back to back must never double-book a node. After a
 * successful bind the informer needs a few milliseconds (seconds when a watch reconnects) to show
 * the pod on its node; a filter call in that window would see the node empty. The ledger closes the
 * window: a bind is recorded here and counts against the node's disk and its one-broker-per-cluster
 * rule exactly like a bound broker.
 *
 * <p><b>Constraints.</b>
 * <ul>
 *   <li>A reservation ends when the informer shows the pod bound or gone: from then on the
 *       informer is the truth ({@link #settle}).
 *   <li>Only news about the reserved incarnation (its UID) counts. The operator deletes and
 *       recreates broker pods under the same name, and an informer that lags delivers the old
 *       incarnation's last events after the new one was bound: the old pod's {@code DELETED}, or an
 *       update that still shows it on its old node. Such an event says nothing about the new pod, and
 *       ending its reservation on it let a second broker of the cluster onto the same node. An event
 *       about another UID ends the reservation only once the informer has shown the reserved UID
 *       itself ("sighted"): then the other UID is a newer incarnation, and the reserved one is gone.
 *       Until then it is older, and ignored; if the reserved pod was created and deleted inside a
 *       watch gap, the TTL ends its reservation.
 *   <li>A reservation also ends when it expires, so a lost event cannot block a node forever.
 *   <li>A pod holds at most one reservation: re-reserving it replaces the old one.
 *   <li>Never counted twice: {@link #merge} skips a reservation whose pod is already in the node's
 *       broker list.
 * </ul>
 *
 * <p><b>Algorithm.</b> A map podKey → (uid, node, broker, expiresAt). Reads drop expired entries
 * lazily; {@link #merge} appends the live reservations of one node, each as a {@link PlacedBroker}
 * with {@code reserved = true}.
 *
 * <p><b>Default TTL: {@value #DEFAULT_TTL_SECONDS} s.</b> It must outlive the informer's lag,
 * which is milliseconds normally and up to tens of seconds when a watch breaks and the informer
 * relists a large cluster; a reservation dropped too early re-opens the double-booking window. It
 * should not be much longer, because a reservation whose settling event was lost would keep
 * phantom disk booked on a node. Two minutes covers a relist of 5,000 nodes with a wide margin.
 *
 * <p><b>Example.</b> At 12:00:00 broker-1 of cluster {@code orders} is bound to node n1 and
 * reserved until 12:02:00. A filter for broker-2 at 12:00:00.010 asks for n1's facts: the informer
 * shows no broker there, {@code merge} adds broker-1 (reserved), and the one-broker rule rejects n1.
 * At 12:00:00.030 the informer shows broker-1 on n1: {@code settle} ends the reservation, and n1
 * still shows broker-1, now from the informer.
 */
public final class ReservationLedger {
    public static final long DEFAULT_TTL_SECONDS = 120;
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(DEFAULT_TTL_SECONDS);

    private final Clock clock;
    private final Duration ttl;
    private final Map<String, Reservation> byPod = new ConcurrentHashMap<>();
    private final AtomicLong changes = new AtomicLong();

    /**
     * One in-flight bind. {@code broker.podKey()} is the key; {@code sighted} says that the informer
     * has shown this UID (still unbound) since the bind.
     */
    public record Reservation(String podUid, String node, PlacedBroker broker, Instant expiresAt, boolean sighted) {}

    public ReservationLedger(Clock clock, Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("reservation TTL must be positive, got " + ttl);
        }
        this.clock = clock;
        this.ttl = ttl;
    }

    public ReservationLedger(Clock clock) {
        this(clock, DEFAULT_TTL);
    }

    /** Records a bind of {@code broker} (any {@code reserved} flag) to {@code node}. */
    public void reserve(String podUid, String node, PlacedBroker broker) {
        PlacedBroker asReserved = new PlacedBroker(
                broker.podKey(),
                broker.cluster(),
                broker.brokerId(),
                broker.localStorageBytes(),
                broker.leaders(),
                broker.leaderBytesIn(),
                true);
        byPod.put(broker.podKey(), new Reservation(podUid, node, asReserved, clock.instant().plus(ttl), false));
        changes.incrementAndGet();
    }

    /**
     * The informer has shown pod {@code podKey} with UID {@code podUid} (null when unknown): bound
     * (then {@code nodeName} is set) or deleted ({@code deleted}). About the reserved UID, or with no
     * UID to tell: bound or deleted ends the reservation, and a sighting still unbound keeps it (the
     * informer lags) and marks it sighted. About another UID: it ends a sighted reservation (a newer
     * incarnation) and is ignored otherwise (an older one's late event).
     */
    public void settle(String podKey, String podUid, String nodeName, boolean deleted) {
        if (!byPod.containsKey(podKey)) {
            return; // the usual case: every broker pod event settles, few pods have a reservation
        }
        Reservation after = byPod.computeIfPresent(podKey, (key, r) -> {
            boolean otherIncarnation = podUid != null && r.podUid() != null && !podUid.equals(r.podUid());
            if (otherIncarnation) {
                return r.sighted() ? null : r;
            }
            boolean informerKnows = nodeName != null && !nodeName.isEmpty();
            if (deleted || informerKnows) {
                return null;
            }
            return r.sighted() || podUid == null ? r : new Reservation(r.podUid(), r.node(), r.broker(), r.expiresAt(), true);
        });
        if (after == null) {
            changes.incrementAndGet();
        }
    }

    /**
     * Drops the reservation of {@code podKey} made for {@code podUid} on {@code node}: that bind did not
     * happen. One on another node stays: the pod's earlier attempt, found landed there after all.
     */
    public void release(String podKey, String podUid, String node) {
        Reservation held = byPod.get(podKey);
        // remove(key, value): only that reservation, and only a real removal counts as a change
        if (held != null && Objects.equals(held.podUid(), podUid) && held.node().equals(node)
                && byPod.remove(podKey, held)) {
            changes.incrementAndGet();
        }
    }

    /**
     * Counts every write (reserve, settle, release); with {@link #earliestExpiry()} it tells a
     * cached {@link dev.berth.extender.placement.NodeTable} whether it still holds.
     */
    public long changes() {
        return changes.get();
    }

    /** When the first live reservation expires, or null when there is none. */
    public Instant earliestExpiry() {
        Instant first = null;
        for (Reservation r : byPod.values()) {
            if (first == null || r.expiresAt().isBefore(first)) {
                first = r.expiresAt();
            }
        }
        return first;
    }

    public Instant now() {
        return clock.instant();
    }

    /** Live reservations on {@code node}. */
    public List<PlacedBroker> reservedOn(String node) {
        if (byPod.isEmpty()) {
            return List.of();
        }
        Instant now = clock.instant();
        List<PlacedBroker> out = new ArrayList<>();
        for (Reservation r : byPod.values()) {
            if (!now.isBefore(r.expiresAt())) {
                byPod.remove(r.broker().podKey(), r);
            } else if (r.node().equals(node)) {
                out.add(r.broker());
            }
        }
        return out;
    }

    /** {@code facts} plus the live reservations on that node whose pod it does not list already. */
    public NodeFacts merge(NodeFacts facts) {
        return merge(facts, reservedOn(facts.name()));
    }

    /**
     * {@code facts} plus {@code reserved} (what {@link #reservedOn} gave for that node, read before the facts),
     * less the pods it lists already.
     */
    public static NodeFacts merge(NodeFacts facts, List<PlacedBroker> reserved) {
        if (reserved.isEmpty()) {
            return facts;
        }
        Set<String> present = new HashSet<>();
        for (PlacedBroker b : facts.brokers()) {
            present.add(b.podKey());
        }
        List<PlacedBroker> all = new ArrayList<>(facts.brokers());
        for (PlacedBroker b : reserved) {
            if (present.add(b.podKey())) {
                all.add(b);
            }
        }
        return all.size() == facts.brokers().size()
                ? facts
                : new NodeFacts(facts.name(), facts.rack(), facts.diskCapacityBytes(), all);
    }

    /** Number of live reservations (diagnostics and tests). */
    public int size() {
        Instant now = clock.instant();
        byPod.values().removeIf(r -> !now.isBefore(r.expiresAt()));
        return byPod.size();
    }

    public Duration ttl() {
        return ttl;
    }
}
