package dev.berth.operator.plan;

import dev.berth.operator.model.QuorumState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * Whether controller c may stop now: the safety rule of a controller roll, the quorum's counterpart
 * of {@link RestartSafety}.
 *
 * <p><b>Goal.</b> Metadata keeps being committed while a controller restarts: partition leaders
 * fail over, brokers stay unfenced, topics can be created. That needs a majority of the voters up
 * and caught up with the leader without c. <b>Constraints:</b> it decides from Kafka's own answers
 * ({@code describeMetadataQuorum}, read right before the pod is deleted) and never compares the
 * operator's clock with Kafka's: every timestamp it uses is the quorum leader's.
 *
 * <p><b>Rule.</b> A voter is in sync when it is the leader, or when both hold:
 * <ul>
 *   <li>caught up: its last caught-up time is within {@code lag} of the newest one any voter reports
 *       (the leader's own, which is "now" on its clock);
 *   <li>alive: it caught up again between the previous read and this one. A voter that died a
 *       second ago still looks caught up, and its last in-flight fetch may even land after it died
 *       (seen on a real quorum), but its caught-up time stops moving; a live follower's moves at
 *       least every second. Without a previous read, no follower is known alive yet.
 * </ul>
 * With n voters, stopping c is safe iff the quorum has a leader and at least ⌊n/2⌋+1 voters other
 * than c are in sync. A single voter can never be protected: stopping it halts metadata until it
 * is back ({@link Reason#SINGLE_VOTER}, allowed with a warning, or a one-controller cluster could
 * never take a new image).
 *
 * <p><b>Order</b> ({@link #order}): followers first, the leader last, so that the quorum elects a
 * new leader once per roll, not once per controller.
 *
 * <p><b>Example</b> (lag 2 s), voters 1000 (leader), 1001, 1002; n=3, a majority is 2. Read 1: 1001
 * caught up at t=9.9 s; 1002 at 4.0 s (restarted, still replaying). Stopping 1001 leaves {1000} in
 * sync: 1 &lt; 2, {@link Reason#VOTERS_BEHIND} naming 1002. Read 2, a second later: 1002 caught up
 * at 10.8 s; 1001 still at 9.9 s (it just died). Stopping 1002 is refused too: 1001 has not caught
 * up since read 1, although 9.9 s is within 2 s of 10.8 s.
 */
public final class QuorumSafety {
    /**
     * How far behind the newest caught-up time a voter may be and still count: Kafka's default
     * {@code controller.quorum.fetch.timeout.ms} (2 s). A follower that has not fetched for that long
     * is one the quorum itself would start an election over.
     */
    public static final Duration DEFAULT_LAG = Duration.ofSeconds(2);

    private QuorumSafety() {}

    /** What the rule found: stable words for conditions and Events. */
    public enum Reason {
        SAFE("Safe"),
        /** The controller is the only voter: it may stop, and metadata waits until it is back. */
        SINGLE_VOTER("SingleController"),
        NO_LEADER("QuorumHasNoLeader"),
        VOTERS_BEHIND("QuorumAtRisk");

        private final String word;

        Reason(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    /**
     * @param behind voters other than the candidate that are not caught up, in id order
     */
    public record Verdict(Reason reason, List<Integer> behind) {
        public Verdict {
            behind = List.copyOf(behind);
        }

        public boolean mayStop() {
            return reason == Reason.SAFE || reason == Reason.SINGLE_VOTER;
        }
    }

    /**
     * @param before the previous read of the quorum ({@link QuorumState#UNKNOWN} when there is none)
     * @param now the quorum read right before c would stop
     */
    public static Verdict check(QuorumState before, QuorumState now, int candidate, Duration lag) {
        if (now.leaderId() < 0 || now.voters().isEmpty()) {
            return new Verdict(Reason.NO_LEADER, List.of());
        }
        if (now.voters().size() == 1 && now.voters().get(0).id() == candidate) {
            return new Verdict(Reason.SINGLE_VOTER, List.of());
        }
        int majority = now.voters().size() / 2 + 1;
        int inSync = 0;
        List<Integer> behind = new ArrayList<>();
        for (QuorumState.Voter v : now.voters()) {
            if (v.id() == candidate) {
                continue;
            }
            if (inSync(before, now, v.id(), lag)) {
                inSync++;
            } else {
                behind.add(v.id());
            }
        }
        behind.sort(null);
        return new Verdict(inSync >= majority ? Reason.SAFE : Reason.VOTERS_BEHIND, behind);
    }

    /** The rule's "in sync": the leader, or caught up now and caught up again since {@code before}. */
    public static boolean inSync(QuorumState before, QuorumState now, int id, Duration lag) {
        return caughtUp(now, id, lag) && (id == now.leaderId() || caughtUpSince(before, now, id));
    }

    /** Whether voter {@code id}'s last caught-up time moved between the two reads (the leader's clock). */
    static boolean caughtUpSince(QuorumState before, QuorumState now, int id) {
        OptionalLong was = before.voter(id).map(QuorumState.Voter::lastCaughtUpMs).orElse(null);
        OptionalLong is = now.voter(id).map(QuorumState.Voter::lastCaughtUpMs).orElse(OptionalLong.empty());
        if (was == null || is.isEmpty()) {
            return false;
        }
        return was.isEmpty() || is.getAsLong() > was.getAsLong();
    }

    /** Whether voter {@code id} has what the leader has, within {@code lag}; false for a non-voter. */
    public static boolean caughtUp(QuorumState q, int id, Duration lag) {
        if (q.leaderId() < 0) {
            return false;
        }
        if (id == q.leaderId()) {
            return q.voter(id).isPresent();
        }
        OptionalLong at = q.voter(id).map(QuorumState.Voter::lastCaughtUpMs).orElse(OptionalLong.empty());
        long newest = q.voters().stream().map(QuorumState.Voter::lastCaughtUpMs).filter(OptionalLong::isPresent)
                .mapToLong(OptionalLong::getAsLong).max().orElse(Long.MIN_VALUE);
        return at.isPresent() && newest - at.getAsLong() <= lag.toMillis();
    }

    /**
     * A controller's place in the quorum for its status row: {@code Leader}, {@code Follower} (caught
     * up within {@link #DEFAULT_LAG}), {@code Behind}, {@code NotAVoter}; null when the quorum is unknown.
     */
    public static String role(QuorumState q, int id) {
        if (q.voters().isEmpty()) {
            return null;
        }
        if (q.voter(id).isEmpty()) {
            return "NotAVoter";
        }
        return id == q.leaderId() ? "Leader" : caughtUp(q, id, DEFAULT_LAG) ? "Follower" : "Behind";
    }

    /** {@code ids} in the order to restart them: ascending, the quorum leader last. */
    public static List<Integer> order(Collection<Integer> ids, int leaderId) {
        List<Integer> out = new ArrayList<>(new TreeSet<>(ids));
        if (out.remove(Integer.valueOf(leaderId))) {
            out.add(leaderId);
        }
        return out;
    }
}
