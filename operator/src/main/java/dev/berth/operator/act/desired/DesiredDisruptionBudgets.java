package dev.berth.operator.act.desired;

import dev.berth.operator.api.KafkaCluster;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudgetSpec;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the PodDisruptionBudgets of a cluster: what {@code kubectl drain}, node upgrades and the
 * cluster autoscaler may evict. Deleting a pod is not an eviction, so berth's own restarts are not
 * limited by them.
 *
 * <ul>
 *   <li>{@code <c>-brokers}: none with network storage. A drain cordons the node first, and berth then
 *       moves its brokers off one at a time, leader-aware ({@code OnCordonedNodes}); the drain's retries
 *       succeed once they are gone. An eviction would stop a broker under its producers, with its
 *       leaderships. With local storage, one: berth cannot move those brokers (their data is on the
 *       node), so a drain may evict one at a time and it waits until its node is back, while a second
 *       broker down (say one restarting) holds further evictions.
 *   <li>{@code <c>-controllers}: none with network storage, as for brokers: berth moves them off a
 *       cordoned node itself, one at a time while the quorum keeps a majority in sync
 *       ({@code ControllerRollStep}), which an eviction cannot check (a Ready controller may still be
 *       replaying the log). With local storage, the quorum's spare voters, (n - 1) / 2: 1 of 3, 2 of 5,
 *       and 0 of 1, so an eviction never takes the majority (a single controller is never evicted).
 * </ul>
 *
 * <p><b>How each is written.</b> berth's pods are owned by the KafkaCluster, which has no {@code scale}
 * subresource, so Kubernetes' disruption controller cannot resolve a {@code maxUnavailable} budget over
 * them: it fails to sync and allows no eviction at all, which for the local budgets meant drains that
 * never finished. For such pods Kubernetes supports only an integer {@code minAvailable}. A budget that
 * allows one or more is therefore {@code minAvailable: count - allowed}, where count is the larger of the
 * pods the budget selects now and the spec's number (so it is never computed low while pods are still
 * being created); the operator sets it again whenever the count changes. A budget that allows none stays
 * {@code maxUnavailable: 0}: whatever the disruption controller makes of it, it allows nothing.
 *
 * <p>Example: local storage, 3 brokers with pods, 3 controllers: brokers {@code minAvailable: 2},
 * controllers {@code minAvailable: 2}; a fourth broker pod (one being drained away) makes the brokers'
 * {@code minAvailable: 3}; network storage: both {@code maxUnavailable: 0}.
 */
public final class DesiredDisruptionBudgets {
    private DesiredDisruptionBudgets() {}

    /** Both budgets, for {@code brokerPods} broker and {@code controllerPods} controller pods selected now. */
    public static List<V1PodDisruptionBudget> all(KafkaCluster c, int brokerPods, int controllerPods) {
        return List.of(brokers(c, brokerPods), controllers(c, controllerPods));
    }

    public static V1PodDisruptionBudget brokers(KafkaCluster c, int pods) {
        return budget(c, Names.ROLE_BROKER, c.getSpec().brokers().storage().isLocal() ? 1 : 0,
                Math.max(pods, c.getSpec().brokers().replicas()));
    }

    public static V1PodDisruptionBudget controllers(KafkaCluster c, int pods) {
        int replicas = c.getSpec().controllers().replicas();
        return budget(c, Names.ROLE_CONTROLLER, c.getSpec().controllers().storage().isLocal() ? (replicas - 1) / 2 : 0,
                Math.max(pods, replicas));
    }

    /** A budget's integer {@code maxUnavailable}, or {@code null} when it is absent or a percentage. */
    public static Integer maxUnavailable(V1PodDisruptionBudget pdb) {
        return integer(pdb.getSpec() == null ? null : pdb.getSpec().getMaxUnavailable());
    }

    /** A budget's integer {@code minAvailable}, or {@code null} when it is absent or a percentage. */
    public static Integer minAvailable(V1PodDisruptionBudget pdb) {
        return integer(pdb.getSpec() == null ? null : pdb.getSpec().getMinAvailable());
    }

    /** Whether {@code existing} says what {@code desired} says (both fields, as numbers; a percentage differs). */
    public static boolean same(V1PodDisruptionBudget existing, V1PodDisruptionBudget desired) {
        boolean percent = existing.getSpec() != null && (existing.getSpec().getMaxUnavailable() != null
                && !existing.getSpec().getMaxUnavailable().isInteger() || existing.getSpec().getMinAvailable() != null
                && !existing.getSpec().getMinAvailable().isInteger());
        return !percent && java.util.Objects.equals(maxUnavailable(existing), maxUnavailable(desired))
                && java.util.Objects.equals(minAvailable(existing), minAvailable(desired));
    }

    private static Integer integer(IntOrString v) {
        return v == null || !v.isInteger() ? null : v.getIntValue();
    }

    /** The budget's name: {@code <cluster>-brokers} or {@code <cluster>-controllers}. */
    public static String name(String cluster, String role) {
        return cluster + "-" + role + "s";
    }

    private static V1PodDisruptionBudget budget(KafkaCluster c, String role, int allowed, int count) {
        Map<String, String> selector = new TreeMap<>();
        selector.put(Names.LABEL_CLUSTER, c.name());
        selector.put(Names.LABEL_ROLE, role);
        V1PodDisruptionBudgetSpec spec = new V1PodDisruptionBudgetSpec()
                .selector(new V1LabelSelector().matchLabels(selector));
        if (allowed == 0) {
            spec.maxUnavailable(new IntOrString(0));
        } else {
            spec.minAvailable(new IntOrString(Math.max(0, count - allowed)));
        }
        return new V1PodDisruptionBudget()
                .apiVersion("policy/v1")
                .kind("PodDisruptionBudget")
                .metadata(Owned.meta(c, name(c.name(), role), Owned.clusterLabels(c)))
                .spec(spec);
    }
}
