package dev.berth.operator.reconcile;

import dev.berth.operator.act.desired.Names;
import dev.berth.operator.plan.WrittenDefaults;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.function.UnaryOperator;

/**
 * One pass's view of the record of written defaults ({@link WrittenDefaults}), kept as the annotation
 * {@link Names#ANN_DEFAULTS_WRITTEN} on the cluster's ConfigMap, and its writes. The record is read
 * from the informer cache. A change is checked against the API server's copy first, and built on
 * that copy when the cache lags behind it, so a lagging cache neither writes again nor drops a key
 * this operator recorded a pass ago. The write is a replace with that copy's resourceVersion, so a
 * concurrent write (a spec edit replacing the data) fails it rather than being undone; the pass then
 * writes no default, and the next one reads again.
 */
final class DefaultsLedger {
    private final StepContext ctx;
    private final Set<String> wanted;
    private final Set<String> present;
    /** The record as this pass knows it: the cache's, then what it wrote or found. */
    private SortedSet<String> current;

    /**
     * @param wanted the keys {@code spec.config} sets
     * @param present the keys with a cluster-wide default now
     */
    DefaultsLedger(StepContext ctx, Set<String> wanted, Set<String> present) {
        this.ctx = ctx;
        this.wanted = wanted;
        this.present = present;
        V1ConfigMap cm = ctx.kube().configMaps().get(Names.configMap(ctx.cluster().name()));
        this.current = WrittenDefaults.parse(cm == null || cm.getMetadata().getAnnotations() == null ? null
                : cm.getMetadata().getAnnotations().get(Names.ANN_DEFAULTS_WRITTEN));
    }

    /** Defaults berth wrote whose key the spec dropped: to delete. */
    SortedSet<String> orphans() {
        return WrittenDefaults.orphans(current, wanted, present);
    }

    /** A pass that writes nothing: the record forgets keys gone from both, and takes the spec's present ones. */
    void settle() throws ApiException {
        keep(r -> WrittenDefaults.ahead(r, wanted, present, Set.of()));
    }

    /** Before Kafka is written: the record names every key about to be set. */
    void before(Set<String> set) throws ApiException {
        keep(r -> WrittenDefaults.ahead(r, wanted, present, set));
    }

    /** After Kafka took the write: the deleted keys leave the record. */
    void written(Set<String> deleted) throws ApiException {
        keep(r -> WrittenDefaults.after(r, deleted));
    }

    private void keep(UnaryOperator<SortedSet<String>> change) throws ApiException {
        SortedSet<String> next = change.apply(current);
        if (next.equals(current)) {
            return;
        }
        V1ConfigMap fresh = ctx.writer().readConfigMap(ctx.cluster().namespace(), Names.configMap(ctx.cluster().name()));
        if (fresh == null) {
            throw new IllegalStateException("ConfigMap " + Names.configMap(ctx.cluster().name()) + " is gone: the"
                    + " record of written defaults cannot be kept, so no default is written this pass");
        }
        Map<String, String> ann = fresh.getMetadata().getAnnotations();
        SortedSet<String> now = WrittenDefaults.parse(ann == null ? null : ann.get(Names.ANN_DEFAULTS_WRITTEN));
        if (!now.equals(current)) {
            next = change.apply(now); // the cache lagged: build on the API server's copy
        }
        if (!now.equals(next)) {
            // a write by anyone since the read fails (409), and the next pass reads again
            ctx.writer().annotate(fresh, Names.ANN_DEFAULTS_WRITTEN, WrittenDefaults.format(next));
        }
        current = next;
    }
}
