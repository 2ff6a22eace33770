package dev.berth.extender.state.file;

import java.util.List;

/**
 * Whether kube-scheduler would offer a node to a pod at all, before it calls the extender: what
 * {@code what-if} needs to answer as {@code serve} would be asked.
 *
 * <p><b>Goal:</b> kube-scheduler's own filters run before the extender's filter, so {@code serve} never
 * sees a cordoned node or one whose taints the pod does not tolerate. {@code what-if} reads the cluster
 * file itself; without this it chose, during the very drains berth's moves are about, a node the broker
 * could never be placed on. <b>Constraints:</b> only the two plugins that follow from the file's own
 * fields, as kube-scheduler applies them: {@code NodeUnschedulable} (a cordoned node, unless the pod
 * tolerates the {@code node.kubernetes.io/unschedulable:NoSchedule} taint) and {@code TaintToleration}
 * ({@code NoSchedule} and {@code NoExecute} taints must be tolerated; {@code PreferNoSchedule} only
 * scores). Resources, affinity and volume topology are not modelled.
 *
 * <p><b>Algorithm:</b> cordoned and not tolerated: "cordoned"; else the first {@code NoSchedule} or
 * {@code NoExecute} taint no toleration matches: "taint key=value:Effect". A toleration matches a taint when
 * its effect is empty or equal, its key is empty (with {@code Exists}: every taint) or equal, and with
 * {@code Exists} any value, else ({@code Equal}, the default) the same value.
 *
 * <p><b>Example:</b> node n1 has {@code spec.unschedulable: true} and taint {@code dedicated=kafka:NoSchedule};
 * a pod tolerating {@code dedicated} with {@code Exists} is still not offered n1 ("cordoned"); after the
 * uncordon it is, and a pod without that toleration is not ("taint dedicated=kafka:NoSchedule").
 */
public final class NodeOffer {
    /** The taint a cordon stands for, which a pod may tolerate to be offered cordoned nodes. */
    static final Taint UNSCHEDULABLE = new Taint("node.kubernetes.io/unschedulable", null, "NoSchedule");

    /** A node taint ({@code spec.taints[]}). */
    public record Taint(String key, String value, String effect) {
        @Override
        public String toString() {
            return key + (value == null || value.isEmpty() ? "" : "=" + value) + ":" + effect;
        }
    }

    /** A pod toleration ({@code spec.tolerations[]}); {@code operator} null means {@code Equal}. */
    public record Toleration(String key, String operator, String value, String effect) {
        boolean tolerates(Taint t) {
            if (effect != null && !effect.isEmpty() && !effect.equals(t.effect())) {
                return false;
            }
            boolean exists = "Exists".equals(operator);
            if (key == null || key.isEmpty()) {
                return exists;
            }
            if (!key.equals(t.key())) {
                return false;
            }
            return exists || nullToEmpty(value).equals(nullToEmpty(t.value()));
        }
    }

    private NodeOffer() {}

    /** Why kube-scheduler would not offer {@code node} to a pod with {@code tolerations}, or {@code null}. */
    public static String notOffered(boolean unschedulable, List<Taint> taints, List<Toleration> tolerations) {
        if (unschedulable && !tolerated(UNSCHEDULABLE, tolerations)) {
            return "cordoned";
        }
        for (Taint t : taints) {
            if (("NoSchedule".equals(t.effect()) || "NoExecute".equals(t.effect())) && !tolerated(t, tolerations)) {
                return "taint " + t;
            }
        }
        return null;
    }

    private static boolean tolerated(Taint t, List<Toleration> tolerations) {
        return tolerations.stream().anyMatch(tol -> tol.tolerates(t));
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
