package dev.berth.operator.api;

import java.util.List;

/**
 * The brokers.
 *
 * @param replicas how many brokers; default 3 (the smallest count that holds replication factor 3)
 * @param storage each broker's data volume; default 100Gi on the default storage class
 * @param resources container requests and limits; default none (the cluster's LimitRange decides)
 * @param remove broker ids to drain and remove (a scale down that names its brokers); default none
 */
public record BrokersSpec(Integer replicas, StorageSpec storage, ResourcesSpec resources, List<Integer> remove) {
    public BrokersSpec {
        replicas = replicas == null ? 3 : replicas;
        storage = StorageSpec.withDefaultSize(storage, "100Gi");
        resources = resources == null ? new ResourcesSpec(null, null) : resources;
        remove = remove == null ? List.of() : List.copyOf(remove);
    }

    public static BrokersSpec defaults() {
        return new BrokersSpec(null, null, null, null);
    }

    public BrokersSpec withReplicas(int r) {
        return new BrokersSpec(r, storage, resources, remove);
    }

    public BrokersSpec withStorage(StorageSpec s) {
        return new BrokersSpec(replicas, s, resources, remove);
    }

    public BrokersSpec withRemove(List<Integer> ids) {
        return new BrokersSpec(replicas, storage, resources, ids);
    }
}
