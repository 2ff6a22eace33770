package dev.berth.operator.plan;

import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.PartitionState;
import dev.berth.operator.model.TopicState;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether broker b may stop now: the safety rule of a leader-aware restart.
 *
 * <p><b>Goal.</b> A restart must never make a partition refuse {@code acks=all} writes, nor stop the
 * only replicas that hold its latest data. <b>Constraint:</b> it decides from one snapshot, with no
 * memory, so the step asks it again right before the pod is deleted.
 *
 * <p><b>Rule</b> (the shared design's): for every partition with replicas R, ISR I and
 * {@code min.insync.replicas} m, stopping b is safe iff not (|I| &lt; m and b ∈ R) and not
 * (|I| = m and b ∈ I). A partition with |R| ≤ m cannot be protected (any stopped replica takes it
 * below m, so waiting would never end) and does not block.
 *
 * <p><b>Example</b> (m = 2, RF 3): orders-0 R=[0,1,2], I=[0,1]: stopping 0 or 1 leaves one in-sync
 * replica, so both are blocked ({@link Reason#AT_MIN_ISR}); stopping 2 is fine (it is not in I).
 * orders-1 R=[0,1,2], I=[1]: already below m, every replica of it is blocked
 * ({@link Reason#UNDER_MIN_ISR}), the lagging ones too, since they are what would bring it back.
 * orders-2 R=[0,1], m=2: cannot be protected, never blocks.
 *
 * <p>Those partitions are named instead ({@link #exposed}), so that a restart says what it cannot
 * protect: with b down, orders-2 refuses {@code acks=all} writes, and a partition of one replica on
 * b is unavailable.
 */
public final class RestartSafety {
    private RestartSafety() {}

    /** Why one partition blocks a restart: stable words for conditions and Events. */
    public enum Reason {
        UNDER_MIN_ISR("ISR already below min.insync.replicas"),
        AT_MIN_ISR("ISR at min.insync.replicas, broker in it");

        private final String text;

        Reason(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /** One partition that makes the restart unsafe now. */
    public record Blocker(String partition, Reason reason, int isr, int minInsync) {
        @Override
        public String toString() {
            return partition + " (ISR " + isr + ", min.insync " + minInsync + ": " + reason.text() + ")";
        }
    }

    /** The partitions that forbid stopping {@code broker} now; empty means safe. */
    public static List<Blocker> blockers(ClusterSnapshot s, int broker) {
        List<Blocker> out = new ArrayList<>();
        for (PartitionState p : s.partitions()) {
            if (!p.replicas().contains(broker)) {
                continue;
            }
            TopicState t = s.topics().get(p.topic());
            int m = t == null ? 1 : t.minInsyncReplicas();
            if (p.replicas().size() <= m) {
                continue;
            }
            int isr = p.isr().size();
            if (isr < m) {
                out.add(new Blocker(p.name(), Reason.UNDER_MIN_ISR, isr, m));
            } else if (isr == m && p.isr().contains(broker)) {
                out.add(new Blocker(p.name(), Reason.AT_MIN_ISR, isr, m));
            }
        }
        return out;
    }

    /** A partition the rule cannot protect: stopping a broker of it takes it below {@code min.insync.replicas}. */
    public record Exposed(String partition, int replicas, int minInsync) {
        @Override
        public String toString() {
            return partition + (replicas == 1 ? " (1 replica: unavailable)"
                    : " (" + replicas + " replicas, min.insync " + minInsync + ": acks=all writes fail)");
        }
    }

    /** The partitions of {@code broker} with no more replicas than {@code min.insync.replicas}, in snapshot order. */
    public static List<Exposed> exposed(ClusterSnapshot s, int broker) {
        List<Exposed> out = new ArrayList<>();
        for (PartitionState p : s.partitions()) {
            TopicState t = s.topics().get(p.topic());
            int m = t == null ? 1 : t.minInsyncReplicas();
            if (p.replicas().contains(broker) && p.replicas().size() <= m) {
                out.add(new Exposed(p.name(), p.replicas().size(), m));
            }
        }
        return out;
    }

    /** At most {@code shown} blockers or exposed partitions in words, then how many more. */
    public static String describe(List<?> found, int shown) {
        List<String> words = found.stream().limit(shown).map(Object::toString).toList();
        return String.join(", ", words) + (found.size() > shown ? " and " + (found.size() - shown) + " more" : "");
    }
}
