package dev.berth.operator.reconcile;

/** Event reasons of the scale operations; the notes say when each is emitted. */
public enum ScaleEvent {
    /** Registered, ready brokers hold nothing while others hold data: spreading onto them. */
    SCALE_UP_STARTED("ScaleUpStarted"),
    /** What is left to move is at most a tenth of an average broker's bytes: elections done, throttles cleared. */
    SCALE_UP_BALANCED("ScaleUpBalanced"),
    /**
     * brokers.remove names some of the scale-up's new brokers: the moves onto them were cancelled
     * and the scale-up ended.
     */
    SCALE_UP_ABANDONED("ScaleUpAbandoned"),
    /**
     * A Warning: the remaining brokers could not hold every topic's RF or rack-awareness, nothing
     * changed. Emitted when the refusal starts or its reason changes, not on every retry.
     */
    SCALE_DOWN_REFUSED("ScaleDownRefused"),
    /** Brokers chosen, the rest can hold every topic: draining them. */
    SCALE_DOWN_STARTED("ScaleDownStarted"),
    /** Kafka confirmed the leaving brokers empty (describeTopics, describeLogDirs, no reassignment). */
    SCALE_DOWN_VERIFIED("ScaleDownVerified"),
    /**
     * The spec wants some leaving brokers again (brokers.replicas raised back, or another broker named
     * instead) before their pods were stopped: the moves off them were cancelled and they stay.
     */
    SCALE_DOWN_CANCELLED("ScaleDownCancelled"),
    /**
     * A Warning: a leaving broker's pod stayed terminating a minute past its grace period (its node does not
     * answer) while Kafka shows the broker stopped and empty: the pod was deleted without its node.
     */
    BROKER_POD_FORCE_DELETED("BrokerPodForceDeleted"),
    /** Drained, verified empty by Kafka, unregistered; pods and PVCs deleted. */
    SCALE_DOWN_COMPLETE("ScaleDownComplete"),
    /**
     * A Warning: a scale-up's reshuffle or a scale-down's drain found its next plan refused (a receiving
     * disk without room, a topic of a higher RF created meanwhile): nothing more is submitted until it
     * can go on. Emitted when the pause starts or its reason changes, not on every retry.
     */
    DATA_MOVE_PAUSED("DataMovePaused");

    private final String reason;

    ScaleEvent(String reason) {
        this.reason = reason;
    }

    /** The CamelCase Event reason. */
    public String reason() {
        return reason;
    }
}
