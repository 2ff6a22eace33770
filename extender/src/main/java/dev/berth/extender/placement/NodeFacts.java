package dev.berth.extender.placement;

import java.util.List;

/**
 * What the placement rules know about one node.
 *
 * @param name node name
 * @param rack value of the configured rack label (default {@code topology.kubernetes.io/zone}), or
 *     {@code null} when the node has none
 * @param diskCapacityBytes node annotation {@code berth.dev/disk-capacity} in bytes, or {@code null}
 *     when absent (the node offers no local disk to brokers), {@link #INVALID_CAPACITY} when the
 *     annotation is present but not a quantity (the node fails the disk rule with a reason)
 * @param brokers broker pods bound to the node or reserved on it, of every cluster
 */
public record NodeFacts(String name, String rack, Long diskCapacityBytes, List<PlacedBroker> brokers) {
    /** {@code diskCapacityBytes} of a node whose {@code berth.dev/disk-capacity} is not a quantity. */
    public static final long INVALID_CAPACITY = -1L;

    public NodeFacts {
        brokers = List.copyOf(brokers);
    }
}
