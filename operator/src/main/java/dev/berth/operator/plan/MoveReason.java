package dev.berth.operator.plan;

/** Why a partition's replica list changes. The notes feed logs, Events and the plan CLI. */
public enum MoveReason {
    /** A replica leaves a broker that is being removed (scale-down). */
    DRAIN("replica leaves a broker being removed"),
    /** Two replicas shared a rack although enough racks exist: one moves to a free rack. */
    RACK_REPAIR("two replicas shared a rack"),
    /** A replica moves onto a new broker to even replica bytes, counts and leaders (scale-up). */
    SCALE_UP("replica moves onto a new broker"),
    /** A replica moves from a broker above the mean to one below it (rebalance). */
    BALANCE_BYTES("replica moves from a loaded broker to a light one"),
    /** Only the replica order changes: another in-sync replica becomes the preferred leader. */
    LEADER_BALANCE("preferred leader changes within the replica set"),
    /** Only the replica order changes: a broker that leads more bytes-in than its share hands leadership over. */
    HOT_LEADER("leadership leaves a broker that takes more produce than its share"),
    /** The replica of a broker that leads more bytes-in than its share moves to a cooler broker, which leads it. */
    HOT_REPLICA("replica and leadership leave a broker that takes more produce than its share");

    private final String note;

    MoveReason(String note) {
        this.note = note;
    }

    public String note() {
        return note;
    }
}
