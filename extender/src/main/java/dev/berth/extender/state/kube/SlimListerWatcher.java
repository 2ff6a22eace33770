package dev.berth.extender.state.kube;

import com.google.gson.reflect.TypeToken;
import io.kubernetes.client.common.KubernetesListObject;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.util.CallGenerator;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watch;
import io.kubernetes.client.util.Watchable;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Lists and watches for an informer, as client-java's {@code SharedInformerFactory} does for a
 * call generator, except that a list's items are made slim ({@link SlimObjects}) before the
 * informer gets them.
 *
 * <p><b>Why.</b> client-java's reflector keeps the list it started from in a local variable of the
 * method that then runs the watch, so the whole list stays reachable for as long as that watch loop
 * lasts: hours. A transform on the informer only slims what goes into its cache; the first list,
 * as decoded, was still held (5,000 nodes: 60,000 image entries, in the heap benchmark). Slimming
 * the items here, as soon as the list is decoded, leaves the reflector holding slim copies. Watch
 * events are single objects, slimmed by the informer's transform.
 *
 * <p><b>Example.</b> A list of 5,000 nodes of 4.3 KB of JSON each is decoded (about 65 MB, for a
 * moment), its items are replaced by 5,000 slim nodes, and only those are kept.
 */
final class SlimListerWatcher<T extends KubernetesObject, L extends KubernetesListObject> implements ListerWatcher<T, L> {
    private final ApiClient client;
    private final CallGenerator calls;
    private final Class<T> type;
    private final Class<L> listType;
    private final UnaryOperator<KubernetesObject> slim;

    SlimListerWatcher(ApiClient client, CallGenerator calls, Class<T> type, Class<L> listType, UnaryOperator<KubernetesObject> slim) {
        this.client = client;
        this.calls = calls;
        this.type = type;
        this.listType = listType;
        this.slim = slim;
    }

    @Override
    public L list(CallGeneratorParams params) throws ApiException {
        L list = client.<L>execute(calls.generate(params), listType).getData();
        @SuppressWarnings("unchecked") // the list's own item list, of T; slim copies are T as well
        List<KubernetesObject> items = (List<KubernetesObject>) list.getItems();
        if (items != null) {
            items.replaceAll(slim);
        }
        return list;
    }

    @Override
    public Watchable<T> watch(CallGeneratorParams params) throws ApiException {
        return Watch.createWatch(client, calls.generate(params),
                TypeToken.getParameterized(Watch.Response.class, type).getType());
    }
}
