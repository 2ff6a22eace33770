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
 *   <li>{@code <c>-brokers}, {@code maxUnavailable: 0} with network storage: no broker is ever
 *       evicted. A drain cordons the node first, and berth then moves its brokers off one at a
 *       time, leader-aware ({@code OnCordonedNodes}); the drain's retries succeed once they are
 *       gone. An eviction would stop a broker under its producers, with its leaderships.
 *       With local storage, {@code maxUnavailable: 1}: berth cannot move those brokers (their data
 *       is on the node), so a drain may evict one at a time and it waits until its node is back,
 *       while a second broker down (say one restarting) holds further evictions.
 *   <li>{@code <c>-controllers}, {@code maxUnavailable: 0} with network storage, as for brokers:
 *       berth moves them off a cordoned node itself, one at a time while the quorum keeps a
 *       majority in sync ({@code ControllerRollStep}), which an eviction cannot check (a Ready
 *       controller may still be replaying the log). With local storage, the quorum's spare voters,
 *       (n - 1) / 2: 1 of 3, 2 of 5, and 0 of 1, so an eviction never takes the majority (a single
 *       controller is never evicted: its node's drain waits).
 * </ul>
 *
 * <p>Example: network storage, 3 controllers: brokers 0, controllers 0; local storage, 3
 * controllers: brokers 1, controllers 1.
 */
public final class DesiredDisruptionBudgets {
    private DesiredDisruptionBudgets() {}

    public static List<V1PodDisruptionBudget> all(KafkaCluster c) {
        return List.of(brokers(c), controllers(c));
    }

    public static V1PodDisruptionBudget brokers(KafkaCluster c) {
        return budget(c, Names.ROLE_BROKER, c.getSpec().brokers().storage().isLocal() ? 1 : 0);
    }

    public static V1PodDisruptionBudget controllers(KafkaCluster c) {
        return budget(c, Names.ROLE_CONTROLLER, c.getSpec().controllers().storage().isLocal()
                ? (c.getSpec().controllers().replicas() - 1) / 2 : 0);
    }

    /** A budget's {@code maxUnavailable} as a number, or -1 when it is absent or a percentage. */
    public static int maxUnavailable(V1PodDisruptionBudget pdb) {
        IntOrString v = pdb.getSpec() == null ? null : pdb.getSpec().getMaxUnavailable();
        return v == null || !v.isInteger() ? -1 : v.getIntValue();
    }

    /** The budget's name: {@code <cluster>-brokers} or {@code <cluster>-controllers}. */
    public static String name(String cluster, String role) {
        return cluster + "-" + role + "s";
    }

    private static V1PodDisruptionBudget budget(KafkaCluster c, String role, int maxUnavailable) {
        Map<String, String> selector = new TreeMap<>();
        selector.put(Names.LABEL_CLUSTER, c.name());
        selector.put(Names.LABEL_ROLE, role);
        return new V1PodDisruptionBudget()
                .apiVersion("policy/v1")
                .kind("PodDisruptionBudget")
                .metadata(Owned.meta(c, name(c.name(), role), Owned.clusterLabels(c)))
                .spec(new V1PodDisruptionBudgetSpec()
                        .maxUnavailable(new IntOrString(maxUnavailable))
                        .selector(new V1LabelSelector().matchLabels(selector)));
    }
}
