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
 * and caught up with the leader without c. <b>Constraints:</b> it decides from one
 * {@link QuorumState} (Kafka's own answer, read right before the pod is deleted) and never compares
 * the operator's clock with Kafka's: every timestamp it uses is the quorum leader's.
 *
 * <p><b>Rule.</b> A voter is caught up when it is the leader, or its last caught-up time is within
 * {@code lag} of the newest one any voter reports (the leader's own, which is "now" on its clock).
 * With n voters, stopping c is safe iff the quorum has a leader and at least ⌊n/2⌋+1 voters other
 * than c are caught up. A single voter can never be protected: stopping it halts metadata until it
 * is back ({@link Reason#SINGLE_VOTER}, allowed with a warning, or a one-controller cluster could
 * never take a new image).
 *
 * <p><b>Order</b> ({@link #order}): followers first, the leader last, so that the quorum elects a
 * new leader once per roll, not once per controller.
 *
 * <p><b>Example</b> (lag 2 s): voters 1000 (leader, caught up at t=10.0 s), 1001 (t=9.9 s), 1002
 * (t=4.0 s, it was restarted and is still replaying). n=3, a majority is 2. Stopping 1001 leaves
 * {1000} caught up: 1 &lt; 2, {@link Reason#VOTERS_BEHIND} naming 1002. Stopping 1002 leaves
 * {1000, 1001}: safe. Once 1002 reports t ≥ 8.0 s, 1001 may stop too; 1000 goes last.
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

    public static Verdict check(QuorumState q, int candidate, Duration lag) {
        if (q.leaderId() < 0 || q.voters().isEmpty()) {
            return new Verdict(Reason.NO_LEADER, List.of());
        }
        if (q.voters().size() == 1 && q.voters().get(0).id() == candidate) {
            return new Verdict(Reason.SINGLE_VOTER, List.of());
        }
        int majority = q.voters().size() / 2 + 1;
        int caughtUp = 0;
        List<Integer> behind = new ArrayList<>();
        for (QuorumState.Voter v : q.voters()) {
            if (v.id() == candidate) {
                continue;
            }
            if (caughtUp(q, v.id(), lag)) {
                caughtUp++;
            } else {
                behind.add(v.id());
            }
        }
        behind.sort(null);
        return new Verdict(caughtUp >= majority ? Reason.SAFE : Reason.VOTERS_BEHIND, behind);
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

    /** {@code ids} in the order to restart them: ascending, the quorum leader last. */
    public static List<Integer> order(Collection<Integer> ids, int leaderId) {
        List<Integer> out = new ArrayList<>(new TreeSet<>(ids));
        if (out.remove(Integer.valueOf(leaderId))) {
            out.add(leaderId);
        }
        return out;
    }
}
