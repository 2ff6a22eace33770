package dev.berth.extender.state.file;

import dev.berth.extender.state.ClusterState;
import dev.berth.extender.state.PodBinder;
import dev.berth.extender.state.StateBackend;
import java.io.IOException;
import java.nio.file.Path;

/** {@code serve --cluster-file FILE}: state and binder from a static file, binds kept in memory. */
public final class FileBackend implements StateBackend {
    private final FileClusterState state;

    public FileBackend(FileClusterState state) {
        this.state = state;
    }

    /**
     * @throws IOException the file cannot be read (the message names it and says why)
     * @throws IllegalArgumentException it is not a cluster file: bad YAML, no Node, a name twice
     */
    public static FileBackend open(Path file, String rackLabel) throws IOException {
        return new FileBackend(new FileClusterState(ClusterFile.read(file).requireNodes(file.toString()), rackLabel));
    }

    @Override
    public ClusterState state() {
        return state;
    }

    @Override
    public PodBinder binder() {
        return state;
    }

    @Override
    public void close() {}
}
