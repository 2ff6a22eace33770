package dev.berth.operator.api;

/**
 * The fixed KRaft controller quorum.
 *
 * @param replicas quorum size, 1, 3 or 5; default 3 (survives one controller loss; 5 survives two)
 * @param storage each controller's metadata volume; default 10Gi on the default storage class
 *     (the metadata log is small)
 * @param resources the controllers' container resources; default none, as for brokers: the namespace's
 *     LimitRange applies. A namespace with a compute ResourceQuota and no LimitRange refuses pods without
 *     requests, and a controller without them is the first pod evicted under node pressure, so set them
 *     there (a controller needs little: {@code cpu: 500m, memory: 1Gi} holds a large metadata log)
 */
public record ControllersSpec(Integer replicas, StorageSpec storage, ResourcesSpec resources) {
    public ControllersSpec {
        replicas = replicas == null ? 3 : replicas;
        storage = StorageSpec.withDefaultSize(storage, "10Gi");
        resources = resources == null ? new ResourcesSpec(null, null) : resources;
    }

    /** A quorum with no resources set. */
    public ControllersSpec(Integer replicas, StorageSpec storage) {
        this(replicas, storage, null);
    }

    public static ControllersSpec defaults() {
        return new ControllersSpec(null, null);
    }
}
