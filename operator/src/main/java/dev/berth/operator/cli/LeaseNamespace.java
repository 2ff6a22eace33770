package dev.berth.operator.cli;

/**
 * Where the leader-election Lease lives.
 *
 * <p><b>Goal:</b> the Lease sits where the shipped RBAC lets the operator write it. {@code
 * deploy/operator.yaml} grants {@code leases} with a Role in the operator's own namespace only
 * (berth-system), because a Lease is the operator's private state, not the watched clusters'. So
 * the operator's own namespace wins over the namespace it watches: with {@code --namespace kafka}
 * the Lease still lives in berth-system, and a Lease in kafka would be Forbidden and nothing would
 * ever reconcile.
 *
 * <p><b>Order</b> (first one set wins):
 * <ol>
 *   <li>{@code --lease-namespace}: an explicit choice;
 *   <li>{@code POD_NAMESPACE}: the operator's own namespace, set through the downward API in a pod;
 *   <li>{@code --namespace}: outside a pod (a local run), the one namespace the user named;
 *   <li>{@link #DEFAULT}: the namespace of the shipped install.
 * </ol>
 *
 * <p>Example: {@code --namespace kafka} in a pod of berth-system gives berth-system; the same flag on
 * a laptop, without {@code POD_NAMESPACE}, gives kafka.
 */
final class LeaseNamespace {
    static final String DEFAULT = "berth-system";

    private LeaseNamespace() {}

    /**
     * @param flag {@code --lease-namespace}, or {@code null} when not given
     * @param podNamespace {@code POD_NAMESPACE}, or {@code null}; blank counts as unset
     * @param watched {@code --namespace}, or {@code null} when watching all namespaces
     */
    static String resolve(String flag, String podNamespace, String watched) {
        if (flag != null) {
            return flag;
        }
        if (podNamespace != null && !podNamespace.isBlank()) {
            return podNamespace;
        }
        if (watched != null) {
            return watched;
        }
        return DEFAULT;
    }
}
