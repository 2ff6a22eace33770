package dev.berth.operator.plan;

/**
 * Why a plan cannot be made. Each value feeds the refused operation's status condition, together with
 * its {@link #remedy()}: what the user can change so that the plan becomes possible.
 */
public enum RefusalReason {
    /** Fewer brokers would remain than a topic's replication factor. */
    NOT_ENOUGH_BROKERS("keep spec.brokers.replicas at least at every topic's replication factor,"
            + " or lower the topic's replication factor first"),
    /** Removing brokers would leave fewer racks than a rack-aware topic's replication factor. */
    NOT_ENOUGH_RACKS("name in spec.brokers.remove a broker whose rack keeps another broker,"
            + " or add a broker in another rack first"),
    /** The intent names a broker id the snapshot does not know (remove) or already knows (add). */
    UNKNOWN_BROKER("name only registered brokers in spec.brokers.remove"),
    /** A replica has no broker it may move to without breaking rack-awareness. */
    NO_ELIGIBLE_TARGET("add a broker in a rack that holds no replica of that partition"),
    /** A broker would receive more bytes than its disk can take with the reserve kept free ({@link DiskRoom}). */
    NOT_ENOUGH_DISK("give the receiving brokers larger volumes or free space on them (a shorter retention),"
            + " remove fewer brokers at once, or lower spec.rebalance.minFreeDiskPercent if its reserve is more"
            + " than a move needs"),
    /** Every broker id of 0..999 is taken, so no new broker can be named. */
    NO_FREE_BROKER_ID("remove brokers that are gone for good to free their ids: broker ids are 0..999"),
    /**
     * The snapshot was taken while Kafka moved a partition (more replicas than its topic's RF): the
     * operator waits for such a move to end before it plans. Only the {@code plan} CLI meets it.
     */
    REASSIGNMENT_IN_FLIGHT("wait for the reassignment to finish, then take the snapshot again"),
    /**
     * A partition to drain has no leader: its in-sync copies are on brokers that are down ({@link Leaderless}).
     * A leaving broker gets no pod, so it does not come back by itself.
     */
    NO_LEADER("bring back a broker that holds their in-sync copies (a leaving broker gets no pod: take it out of"
            + " spec.brokers.remove, or raise spec.brokers.replicas back if it leaves by a lower count, until it is back"
            + " in sync, then remove it again), or delete the topic if its data may go"),
    /**
     * A partition being moved keeps or gets a replica on a broker that is down ({@link DownReplicas}): the move
     * ends only once that broker is back in sync.
     */
    MOVE_TARGET_DOWN("bring the brokers named back (their pods, their nodes): the moves then end, and the operation goes"
            + " on by itself; if one is lost for good, call the operation off first (take the leaving brokers out of"
            + " spec.brokers.remove or raise spec.brokers.replicas back; for a scale-up, lower it back), then name it"
            + " in spec.brokers.remove"),
    /** A new broker runs without {@code broker.rack} while the other brokers have one. */
    NO_BROKER_RACK("restart that broker (annotate its pod berth.dev/restart) so that it starts with the rack its"
            + " pod's berth.dev/rack names: a broker that started before the extender stamped its pod runs without"
            + " one"),
    /**
     * The cluster runs Kafka before 4.0: a scale-down tells a stopped broker from an unregistered one by
     * asking for fenced brokers (DescribeCluster v2, KIP-1073), which 3.9 does not answer, so it could
     * neither unregister the leaving broker nor judge its rack.
     */
    KAFKA_TOO_OLD("upgrade the cluster to Kafka 4.0 or later (spec.kafkaVersion, then the roll), then scale down"),
    /** The intent itself is malformed (nothing to add, remove all brokers, ...). */
    INVALID_INTENT("keep at least one broker");

    private final String remedy;

    RefusalReason(String remedy) {
        this.remedy = remedy;
    }

    /** What to change in the spec or the cluster, a lower-case clause. */
    public String remedy() {
        return remedy;
    }
}
