package dev.berth.extender.state;

/**
 * Where {@code serve} gets its cluster view and its bind effect: a static cluster file
 * ({@code --cluster-file}, {@link dev.berth.extender.state.file.FileBackend}) or a Kubernetes API
 * (found through {@link StateBackendFactory}).
 */
public interface StateBackend extends AutoCloseable {
    ClusterState state();

    PodBinder binder();

    /** Stops informers and threads; must not throw. */
    @Override
    void close();
}
