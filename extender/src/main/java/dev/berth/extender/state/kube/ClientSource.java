package dev.berth.extender.state.kube;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Where {@code serve} finds its Kubernetes API, decided once at start:
 * <ol>
 *   <li>{@code --kubeconfig FILE} when given (explicit beats implicit);
 *   <li>else the in-cluster service account, when {@code KUBERNETES_SERVICE_HOST} is set and the
 *       token file exists (the Deployment in {@code deploy/} runs this way);
 *   <li>else client-java's standard search: {@code $KUBECONFIG}, then {@code ~/.kube/config} (a
 *       developer's laptop).
 * </ol>
 *
 * @param kind which of the three
 * @param kubeconfig the file for {@link Kind#KUBECONFIG_FLAG}, else null
 */
public record ClientSource(Kind kind, Path kubeconfig) {
    public enum Kind { KUBECONFIG_FLAG, IN_CLUSTER, STANDARD }

    static final String SERVICE_HOST_ENV = "KUBERNETES_SERVICE_HOST";
    static final Path TOKEN = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

    public static ClientSource choose(Path kubeconfigFlag, Map<String, String> env, Predicate<Path> exists) {
        if (kubeconfigFlag != null) {
            return new ClientSource(Kind.KUBECONFIG_FLAG, kubeconfigFlag);
        }
        String host = env.get(SERVICE_HOST_ENV);
        if (host != null && !host.isEmpty() && exists.test(TOKEN)) {
            return new ClientSource(Kind.IN_CLUSTER, null);
        }
        return new ClientSource(Kind.STANDARD, null);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case KUBECONFIG_FLAG -> "kubeconfig " + kubeconfig;
            case IN_CLUSTER -> "in-cluster service account";
            case STANDARD -> "$KUBECONFIG or ~/.kube/config";
        };
    }
}
