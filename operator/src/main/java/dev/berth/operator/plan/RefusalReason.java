package dev.berth.operator.plan;

/** Why a plan cannot be made. Each value feeds the refused operation's status condition. */
public enum RefusalReason {
    /** Fewer brokers would remain than a topic's replication factor. */
    NOT_ENOUGH_BROKERS,
    /** Removing brokers would leave fewer racks than a rack-aware topic's replication factor. */
    NOT_ENOUGH_RACKS,
    /** The intent names a broker id the snapshot does not know (remove) or already knows (add). */
    UNKNOWN_BROKER,
    /** A replica has no broker it may move to without breaking rack-awareness. */
    NO_ELIGIBLE_TARGET,
    /** The intent itself is malformed (nothing to add, remove all brokers, ...). */
    INVALID_INTENT
}
