package dev.berth.operator.model;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * The KRaft metadata quorum as its leader reports it ({@code describeMetadataQuorum}). Every
 * timestamp is the leader's clock, so they compare with each other, never with the operator's.
 *
 * @param leaderId the quorum leader's node id, or -1 when it has none
 * @param voters every voter, the leader included
 */
public record QuorumState(int leaderId, List<Voter> voters) {
    /** A quorum that could not be read: no leader, no voters. */
    public static final QuorumState UNKNOWN = new QuorumState(-1, List.of());

    /**
     * One voter.
     *
     * @param id its node id
     * @param lastCaughtUpMs when it last had everything the leader had (leader's clock); empty if never
     */
    public record Voter(int id, OptionalLong lastCaughtUpMs) {}

    public QuorumState {
        voters = List.copyOf(voters);
    }

    public Optional<Voter> voter(int id) {
        return voters.stream().filter(v -> v.id() == id).findFirst();
    }

    public Set<Integer> voterIds() {
        Set<Integer> out = new TreeSet<>();
        voters.forEach(v -> out.add(v.id()));
        return out;
    }
}
