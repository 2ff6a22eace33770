package dev.berth.extender.state;

import dev.berth.extender.cli.ServeOptions;

/**
 * The hook through which {@code serve} without {@code --cluster-file} obtains a Kubernetes-backed
 * {@link StateBackend}, found with {@link java.util.ServiceLoader} (register the implementation in
 * {@code META-INF/services/dev.berth.extender.state.StateBackendFactory}). No reflection on class
 * names: when no factory is on the class path, {@code serve} says so and exits 2.
 */
public interface StateBackendFactory {
    /** Short name for messages, e.g. {@code kubernetes}. */
    String name();

    /** Connects (kubeconfig or in-cluster) and starts the caches; may return before they sync. */
    StateBackend start(ServeOptions options) throws Exception;
}
