package dev.berth.operator.observe;

import dev.berth.operator.model.QuorumState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.QuorumInfo;

/**
 * Reads the metadata quorum from Kafka: any broker forwards {@code DescribeQuorum} to the quorum's
 * leader, so the answer is the leader's own view of every voter.
 */
public final class QuorumReader {
    private static final long TIMEOUT_SECONDS = 10;

    private QuorumReader() {}

    /** The quorum now; {@link KafkaUnreachableException} when Kafka does not answer. */
    public static QuorumState read(Admin admin) throws InterruptedException {
        try {
            return of(admin.describeMetadataQuorum().quorumInfo().get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaUnreachableException("describeMetadataQuorum failed: " + e.getMessage(), e);
        }
    }

    static QuorumState of(QuorumInfo info) {
        List<QuorumState.Voter> voters = new ArrayList<>();
        for (QuorumInfo.ReplicaState r : info.voters()) {
            voters.add(new QuorumState.Voter(r.replicaId(), r.lastCaughtUpTimestamp()));
        }
        return new QuorumState(info.leaderId(), voters);
    }
}
