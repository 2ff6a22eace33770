package dev.berth.operator.reconcile;

import dev.berth.operator.act.desired.Names;
import dev.berth.operator.plan.WrittenDefaults;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import java.util.Set;
import java.util.SortedSet;

/**
 * One pass's view of the record of written defaults ({@link WrittenDefaults}), kept as the annotation
 * {@link Names#ANN_DEFAULTS_WRITTEN} on the cluster's ConfigMap, and its writes. The record is read
 * from the informer cache; before a write, the API server's copy is compared, so a cache that lags
 * behind this operator's last write neither writes again nor loses a key.
 */
final class DefaultsLedger {
    private final StepContext ctx;
    private final Set<String> wanted;
    private final Set<String> present;
    private final SortedSet<String> recorded;

    /**
     * @param wanted the keys {@code spec.config} sets
     * @param present the keys with a cluster-wide default now
     */
    DefaultsLedger(StepContext ctx, Set<String> wanted, Set<String> present) {
        this.ctx = ctx;
        this.wanted = wanted;
        this.present = present;
        V1ConfigMap cm = ctx.kube().configMaps().get(Names.configMap(ctx.cluster().name()));
        this.recorded = WrittenDefaults.parse(cm == null || cm.getMetadata().getAnnotations() == null ? null
                : cm.getMetadata().getAnnotations().get(Names.ANN_DEFAULTS_WRITTEN));
    }

    /** Defaults berth wrote whose key the spec dropped: to delete. */
    SortedSet<String> orphans() {
        return WrittenDefaults.orphans(recorded, wanted, present);
    }

    /** A pass that writes nothing: the record forgets keys gone from both, and takes the spec's present ones. */
    void settle() throws ApiException {
        keep(WrittenDefaults.ahead(recorded, wanted, present, Set.of()));
    }

    /** Before Kafka is written: the record names every key about to be set. Returns it for {@link #written}. */
    SortedSet<String> before(Set<String> set) throws ApiException {
        SortedSet<String> ahead = WrittenDefaults.ahead(recorded, wanted, present, set);
        keep(ahead);
        return ahead;
    }

    /** After Kafka took the write: the deleted keys leave the record. */
    void written(SortedSet<String> ahead, Set<String> deleted) throws ApiException {
        keep(WrittenDefaults.after(ahead, deleted));
    }

    private void keep(SortedSet<String> next) throws ApiException {
        if (next.equals(recorded)) {
            return;
        }
        String ns = ctx.cluster().namespace();
        String name = Names.configMap(ctx.cluster().name());
        String value = WrittenDefaults.format(next);
        String now = ctx.writer().configMapAnnotation(ns, name, Names.ANN_DEFAULTS_WRITTEN);
        if (!WrittenDefaults.parse(now).equals(next)) {
            ctx.writer().annotateConfigMap(ns, name, Names.ANN_DEFAULTS_WRITTEN, value);
        }
    }
}
