package dev.berth.extender.state.kube;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.kubernetes.client.common.KubernetesListObject;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.util.CallGenerator;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watch;
import io.kubernetes.client.util.Watchable;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Lists and watches for an informer, as client-java's {@code SharedInformerFactory} does for a
 * call generator, except that a list is decoded item by item from the response stream, and each
 * item is made slim ({@link SlimObjects}) before the next is read.
 *
 * <p><b>Why.</b> Two things held every full object of the first list:
 * <ul>
 *   <li>client-java decodes a list response whole: the body as one string, then every item. At
 *       5,000 nodes of 4.3 KB that needed a 192 MB heap to sync, with or without slim caches (the
 *       heap benchmark);
 *   <li>its reflector keeps the list it started from in a local variable of the method that then
 *       runs the watch, for as long as that watch loop lasts: hours. An informer transform only slims
 *       what goes into the cache; the first list, as decoded, was still held (60,000 image entries
 *       in the heap histogram).
 * </ul>
 * Here the reflector gets, and keeps, a list of slim items, and no more than one full item exists
 * at a time. Watch events are single objects, slimmed by the informers' transform.
 *
 * <p><b>Constraint.</b> A list answered with an error status is an {@link ApiException} carrying
 * the status and body, as client-java's own list would throw, so that the reflector's handling
 * (a 410 Gone relists) stays the same.
 *
 * <p><b>Example.</b> {@code {"kind":"NodeList","metadata":{"resourceVersion":"81"},"items":[n1,n2]}}:
 * {@code n1} is decoded and slimmed, then {@code n2}; the list returned has resourceVersion 81 and
 * the two slim nodes.
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
        try (Response response = calls.generate(params).execute()) {
            ResponseBody body = response.body();
            if (!response.isSuccessful() || body == null) {
                throw new ApiException(response.message(), response.code(), response.headers().toMultimap(),
                        body == null ? null : body.string());
            }
            return decode(body.charStream());
        } catch (IOException | JsonParseException e) {
            throw new ApiException(e);
        }
    }

    /**
     * The list as sent, its items decoded one at a time from the stream and slimmed before the next
     * is read, so that the full objects never exist all at once.
     */
    L decode(Reader in) throws IOException {
        Gson gson = JSON.getGson();
        JsonReader reader = new JsonReader(in);
        JsonObject head = new JsonObject();
        List<KubernetesObject> items = new ArrayList<>();
        reader.beginObject();
        while (reader.hasNext()) {
            String name = reader.nextName();
            if (name.equals("items") && reader.peek() == JsonToken.BEGIN_ARRAY) {
                reader.beginArray();
                while (reader.hasNext()) {
                    T item = gson.fromJson(reader, type);
                    items.add(slim.apply(item));
                }
                reader.endArray();
            } else {
                head.add(name, JsonParser.parseReader(reader)); // apiVersion, kind, metadata: small
            }
        }
        reader.endObject();
        head.add("items", new JsonArray());
        L list = gson.fromJson(head, listType);
        @SuppressWarnings("unchecked") // the list's own item list, of T; slim copies are T as well
        List<KubernetesObject> own = (List<KubernetesObject>) list.getItems();
        own.addAll(items);
        return list;
    }

    @Override
    public Watchable<T> watch(CallGeneratorParams params) throws ApiException {
        return Watch.createWatch(client, calls.generate(params),
                TypeToken.getParameterized(Watch.Response.class, type).getType());
    }
}
