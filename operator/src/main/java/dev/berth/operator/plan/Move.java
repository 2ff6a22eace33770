package dev.berth.operator.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * One partition's change: the replica list before and after, in preference order (the first is
 * the preferred leader).
 *
 * @param topic topic name
 * @param partition partition number
 * @param oldReplicas replicas now
 * @param newReplicas replicas wanted
 * @param reason the first reason the partition changed
 * @param sizeBytes the partition's log size, copied by every added replica
 */
public record Move(
        String topic,
        int partition,
        List<Integer> oldReplicas,
        List<Integer> newReplicas,
        MoveReason reason,
        long sizeBytes) {

    public Move {
        oldReplicas = List.copyOf(oldReplicas);
        newReplicas = List.copyOf(newReplicas);
    }

    public String name() {
        return topic + "-" + partition;
    }

    /** Brokers that must copy the log. */
    public List<Integer> adding() {
        List<Integer> out = new ArrayList<>(newReplicas);
        out.removeAll(oldReplicas);
        return out;
    }

    /** Brokers that drop their replica once the new ones are in sync. */
    public List<Integer> removing() {
        List<Integer> out = new ArrayList<>(oldReplicas);
        out.removeAll(newReplicas);
        return out;
    }

    /** Bytes copied over the network: one log per added replica. */
    public long bytesMoved() {
        return sizeBytes * adding().size();
    }

    /** True when only the order (the preferred leader) changes and no data moves. */
    public boolean leaderOnly() {
        return adding().isEmpty();
    }

    @Override
    public String toString() {
        return name() + " " + oldReplicas + " -> " + newReplicas + " " + reason;
    }
}
