package dev.berth.operator.api;

/**
 * The fixed KRaft controller quorum.
 *
 * @param replicas quorum size, 1, 3 or 5; default 3 (survives one controller loss; 5 survives two)
 * @param storage each controller's metadata volume; default 10Gi on the default storage class
 *     (the metadata log is small)
 */
public record ControllersSpec(Integer replicas, StorageSpec storage) {
    public ControllersSpec {
        replicas = replicas == null ? 3 : replicas;
        storage = StorageSpec.withDefaultSize(storage, "10Gi");
    }

    public static ControllersSpec defaults() {
        return new ControllersSpec(null, null);
    }
}
