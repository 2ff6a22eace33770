package dev.berth.testbed.k8s;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.CrudDispatcher;
import java.lang.reflect.Field;

/**
 * The mock's attribute extractor, plus the Node field {@code spec.unschedulable} ("true" or "false",
 * as a real apiserver renders it), so that {@code fieldSelector=spec.unschedulable=true} works on
 * lists and watches: the mock matches field selectors against an object's attributes, and stock
 * 8.0.0 gives objects only {@code metadata.name} and {@code metadata.namespace}. A node that stops
 * matching (uncordoned) is then sent to such a watch as DELETED, and one that starts as ADDED, as a
 * real apiserver does: the mock compares each change's old and new attributes.
 *
 * <p>The dispatcher builds its own extractor and keeps it in two private final fields; {@link #install}
 * swaps it by reflection, once per bed, and fails the bed's start loudly if a mock upgrade renamed them.
 */
final class NodeFieldsExtractor extends KubernetesAttributesExtractor {
    static final String UNSCHEDULABLE = "spec.unschedulable";

    @Override
    public AttributeSet extract(HasMetadata o) {
        AttributeSet s = super.extract(o);
        if (o == null || !"Node".equals(o.getKind())) {
            return s;
        }
        JsonObject json = KubeApiTestBed.json(Serialization.asJson(o));
        JsonElement spec = json.get("spec");
        JsonElement flag = spec != null && spec.isJsonObject() ? spec.getAsJsonObject().get("unschedulable") : null;
        boolean unschedulable = flag != null && flag.isJsonPrimitive() && flag.getAsBoolean();
        return s.add(new Attribute(UNSCHEDULABLE, Boolean.toString(unschedulable)));
    }

    /** Makes {@code dispatcher} use this extractor, with the dispatcher's CRD processor. */
    static void install(KubernetesCrudDispatcher dispatcher) {
        try {
            NodeFieldsExtractor mine = new NodeFieldsExtractor();
            Field crd = KubernetesCrudDispatcher.class.getDeclaredField("crdProcessor");
            crd.setAccessible(true);
            mine.setCustomResourceDefinitionProcessor(
                    (io.fabric8.kubernetes.client.server.mock.CustomResourceDefinitionProcessor) crd.get(dispatcher));
            Field k8s = KubernetesCrudDispatcher.class.getDeclaredField("kubernetesAttributesExtractor");
            k8s.setAccessible(true);
            k8s.set(dispatcher, mine);
            Field base = CrudDispatcher.class.getDeclaredField("attributeExtractor");
            base.setAccessible(true);
            base.set(dispatcher, mine);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("fabric8 mock changed: cannot add the Node field spec.unschedulable", e);
        }
    }
}
