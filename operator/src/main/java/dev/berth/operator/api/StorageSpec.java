package dev.berth.operator.api;

/**
 * One node's data volume.
 *
 * @param size a Kubernetes quantity such as {@code 100Gi}; default set by the owner (controllers or brokers)
 * @param storageClassName storage class of the PVC; {@code null} uses the cluster's default class
 * @param local {@code true} when the volume is node-local disk: broker pods then carry
 *     {@code berth.dev/local-storage} and the extender checks the node's disk; default false. For
 *     brokers it is fixed while their volumes of the other kind exist ({@code SpecValidator.Created})
 */
public record StorageSpec(String size, String storageClassName, Boolean local) {
    public StorageSpec {
        local = local != null && local;
    }

    /**
     * {@code spec} with {@code size} filled in when absent: a block that only sets the class or
     * {@code local} keeps its owner's default size rather than losing it.
     */
    static StorageSpec withDefaultSize(StorageSpec spec, String size) {
        if (spec == null) {
            return new StorageSpec(size, null, false);
        }
        return spec.size() == null ? new StorageSpec(size, spec.storageClassName(), spec.local()) : spec;
    }

    public boolean isLocal() {
        return local;
    }
}
