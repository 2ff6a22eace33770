package dev.berth.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.model.QuorumState;
import dev.berth.operator.model.QuorumState.Voter;
import dev.berth.operator.plan.QuorumSafety.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class QuorumSafetyTest {
    private static final Duration LAG = Duration.ofSeconds(2);

    /**
     * Voters as the second of two reads, written "id@caughtUpMs" ("id@-" for never caught up). In
     * the first read each was caught up 1 ms earlier, unless marked "!" (the same time: it has not
     * caught up since, it is dead). The leader is named apart.
     */
    record Row(String why, int leader, List<String> voters, int candidate, Reason expected, List<Integer> behind) {}

    @Test
    void theRuleRowByRow() {
        Row[] rows = {
            new Row("three in step: a follower may stop", 1000, List.of("1000@10000", "1001@9900", "1002@9950"), 1001,
                    Reason.SAFE, List.of()),
            new Row("three in step: the leader may stop too (a new one is elected)", 1000,
                    List.of("1000@10000", "1001@9900", "1002@9950"), 1000, Reason.SAFE, List.of()),
            new Row("the class comment's example: 1002 replaying, 1001 must wait", 1000,
                    List.of("1000@10000", "1001@9900", "1002@4000"), 1001, Reason.VOTERS_BEHIND, List.of(1002)),
            new Row("the class comment's example: the one behind may stop itself", 1000,
                    List.of("1000@10000", "1001@9900", "1002@4000"), 1002, Reason.SAFE, List.of()),
            new Row("exactly lag behind still counts", 1000, List.of("1000@10000", "1001@8000", "1002@10000"), 1002,
                    Reason.SAFE, List.of()),
            new Row("one millisecond more does not", 1000, List.of("1000@10000", "1001@7999", "1002@10000"), 1002,
                    Reason.VOTERS_BEHIND, List.of(1001)),
            new Row("never caught up (just added, or never reached)", 1000, List.of("1000@10000", "1001@-", "1002@9999"),
                    1002, Reason.VOTERS_BEHIND, List.of(1001)),
            new Row("behind, listed in id order whatever order the leader reports them in", 1000,
                    List.of("1000@10000", "1004@100", "1001@9999", "1003@200", "1002@300"), 1001, Reason.VOTERS_BEHIND,
                    List.of(1002, 1003, 1004)),
            new Row("no leader: nothing may stop", -1, List.of("1000@10000", "1001@9900", "1002@9950"), 1001,
                    Reason.NO_LEADER, List.of()),
            new Row("five voters, one behind: any other may stop (3 of 4 left)", 1000,
                    List.of("1000@10000", "1001@9900", "1002@9950", "1003@1000", "1004@9999"), 1001, Reason.SAFE,
                    List.of(1003)),
            new Row("five voters, two behind: only they may stop", 1000,
                    List.of("1000@10000", "1001@9900", "1002@500", "1003@1000", "1004@9999"), 1001,
                    Reason.VOTERS_BEHIND, List.of(1002, 1003)),
            new Row("five voters, two behind, one of them stops: 3 of 4 left", 1000,
                    List.of("1000@10000", "1001@9900", "1002@500", "1003@1000", "1004@9999"), 1002, Reason.SAFE,
                    List.of(1003)),
            new Row("a single voter cannot be protected: it may stop, said apart", 1000, List.of("1000@10000"), 1000,
                    Reason.SINGLE_VOTER, List.of()),
            new Row("two voters: stopping either leaves 1 < 2", 1000, List.of("1000@10000", "1001@10000"), 1001,
                    Reason.VOTERS_BEHIND, List.of()),
            new Row("a controller the quorum does not list: the voters keep their majority", 1000,
                    List.of("1000@10000", "1001@9900", "1002@9950"), 1005, Reason.SAFE, List.of()),
            new Row("the class comment's example, read 2: 1001 just died, within lag but not caught up since", 1000,
                    List.of("1000@11000", "1001@9900!", "1002@10800"), 1002, Reason.VOTERS_BEHIND, List.of(1001)),
            new Row("the leader counts without moving (it is the one that answered)", 1000,
                    List.of("1000@11000!", "1001@10900", "1002@10800"), 1002, Reason.SAFE, List.of()),
            new Row("five voters, one dead one behind: 1001 may not stop (2 of 4 in sync)", 1000,
                    List.of("1000@10000", "1001@9900", "1002@9950!", "1003@1000", "1004@9999"), 1001,
                    Reason.VOTERS_BEHIND, List.of(1002, 1003)),
        };
        for (Row r : rows) {
            QuorumSafety.Verdict v = QuorumSafety.check(quorum(r.leader(), r.voters(), false),
                    quorum(r.leader(), r.voters(), true), r.candidate(), LAG);
            assertThat(v.reason()).as(r.why()).isEqualTo(r.expected());
            assertThat(v.behind()).as(r.why()).isEqualTo(r.behind());
            assertThat(v.mayStop()).as(r.why()).isEqualTo(r.expected() == Reason.SAFE || r.expected() == Reason.SINGLE_VOTER);
        }
    }

    @Test
    void withoutAPreviousReadNoFollowerIsKnownAlive() {
        QuorumState now = quorum(1000, List.of("1000@10000", "1001@9900", "1002@9950"), true);
        assertThat(QuorumSafety.check(QuorumState.UNKNOWN, now, 1001, LAG))
                .isEqualTo(new QuorumSafety.Verdict(Reason.VOTERS_BEHIND, List.of(1002)));
        assertThat(QuorumSafety.check(now, now, 1001, LAG).reason()).as("the same read twice: nobody moved")
                .isEqualTo(Reason.VOTERS_BEHIND);
        QuorumState neverCaughtUp = new QuorumState(1000, List.of(new Voter(1000, OptionalLong.of(9_000)),
                new Voter(1001, OptionalLong.empty())));
        assertThat(QuorumSafety.inSync(neverCaughtUp, now, 1001, LAG)).as("first caught up between the reads").isTrue();
        assertThat(QuorumSafety.inSync(now, neverCaughtUp, 1001, LAG)).as("never caught up now").isFalse();
    }

    @Test
    void aVoterIsCaughtUpAgainstTheNewestTimeAnyVoterReportsNotTheOperatorsClock() {
        // the leader's own entry missing its time (older Kafka): the newest follower's time is "now"
        QuorumState q = new QuorumState(1000, List.of(new Voter(1000, OptionalLong.empty()),
                new Voter(1001, OptionalLong.of(1_000_000)), new Voter(1002, OptionalLong.of(997_000))));
        assertThat(QuorumSafety.caughtUp(q, 1000, LAG)).as("the leader").isTrue();
        assertThat(QuorumSafety.caughtUp(q, 1001, LAG)).isTrue();
        assertThat(QuorumSafety.caughtUp(q, 1002, LAG)).as("3 s behind 1001").isFalse();
        assertThat(QuorumSafety.caughtUp(q, 1003, LAG)).as("not a voter").isFalse();
        assertThat(QuorumSafety.caughtUp(QuorumState.UNKNOWN, 1000, LAG)).isFalse();
    }

    @Test
    void eachControllersPlaceInTheQuorumForItsStatusRow() {
        QuorumState q = quorum(1000, List.of("1000@10000", "1001@9000", "1002@7000", "1003@-"), true);
        assertThat(QuorumSafety.role(q, 1000)).isEqualTo("Leader");
        assertThat(QuorumSafety.role(q, 1001)).isEqualTo("Follower");
        assertThat(QuorumSafety.role(q, 1002)).as("3 s behind").isEqualTo("Behind");
        assertThat(QuorumSafety.role(q, 1003)).as("never caught up").isEqualTo("Behind");
        assertThat(QuorumSafety.role(q, 1004)).isEqualTo("NotAVoter");
        assertThat(QuorumSafety.role(QuorumState.UNKNOWN, 1000)).as("not read").isNull();
        assertThat(QuorumSafety.role(new QuorumState(-1, q.voters()), 1001)).as("no leader: nobody is caught up")
                .isEqualTo("Behind");
    }

    @Test
    void followersGoFirstAndTheLeaderLast() {
        assertThat(QuorumSafety.order(List.of(1002, 1000, 1001), 1001)).containsExactly(1000, 1002, 1001);
        assertThat(QuorumSafety.order(List.of(1002, 1000), 1001)).as("leader not among them").containsExactly(1000, 1002);
        assertThat(QuorumSafety.order(List.of(1000), -1)).containsExactly(1000);
    }

    /** The second read as written, or ({@code second} false) the first: 1 ms earlier, or the same for "!". */
    private static QuorumState quorum(int leader, List<String> voters, boolean second) {
        List<Voter> out = new ArrayList<>();
        for (String v : voters) {
            boolean dead = v.endsWith("!");
            String[] parts = v.replace("!", "").split("@");
            OptionalLong at = OptionalLong.empty();
            if (!parts[1].equals("-")) {
                at = OptionalLong.of(Long.parseLong(parts[1]) - (second || dead ? 0 : 1));
            }
            out.add(new Voter(Integer.parseInt(parts[0]), at));
        }
        return new QuorumState(leader, out);
    }
}
