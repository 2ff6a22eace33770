package dev.berth.operator.act.desired;

import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.api.KafkaClusterSpec;
import dev.berth.operator.api.ResourcesSpec;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1ConfigMapVolumeSource;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1EnvVarSource;
import io.kubernetes.client.openapi.models.V1ObjectFieldSelector;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaimVolumeSource;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Affinity;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1PodAffinityTerm;
import io.kubernetes.client.openapi.models.V1PodAntiAffinity;
import io.kubernetes.client.openapi.models.V1PodSecurityContext;
import io.kubernetes.client.openapi.models.V1TopologySpreadConstraint;
import io.kubernetes.client.openapi.models.V1WeightedPodAffinityTerm;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Probe;
import io.kubernetes.client.openapi.models.V1ResourceRequirements;
import io.kubernetes.client.openapi.models.V1TCPSocketAction;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import io.kubernetes.client.custom.IntOrString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds broker and controller pods: one pod per Kafka node id, no StatefulSet (any broker must be
 * removable on its own).
 *
 * <p>Every pod: the contract labels ({@code berth.dev/cluster}, {@code berth.dev/broker-id},
 * {@code berth.dev/role}); {@code hostname}/{@code subdomain} so that it has a stable DNS name under the
 * headless Service; the official image running {@code start.sh} from the ConfigMap; its own PVC at
 * {@code /var/lib/kafka/data} (Kafka's log dir is {@code kafka/} inside it: {@link Names#LOG_DIR}),
 * writable by the image's non-root user through {@code fsGroup}. A pod that had a rack before
 * (remembered in status) is created with the same {@code berth.dev/rack}, so the extender puts it
 * back into that rack. Each pod carries {@code berth.dev/config-hash}, the hash of its role's rendered
 * configuration, so that status can tell a pod started before a configuration change.
 *
 * <p>Broker pods also carry {@code spec.schedulerName} (the berth scheduler), {@code berth.dev/local-storage}
 * when storage is local, and {@code BROKER_RACK} from {@code metadata.annotations['berth.dev/rack']} through
 * the downward API (the extender stamps it at bind, before the container starts), and a required pod
 * anti-affinity that says the extender's one-broker-per-node rule to kube-scheduler too. Controllers use the
 * default scheduler (the extender places brokers only), spread over nodes and over the racks of
 * {@code spec.placement.rackLabel} as preferences.
 */
public final class DesiredPods {
    /**
     * The group of the {@code apache/kafka} image's user ({@code appuser}, uid and gid 1000), as the
     * pod's {@code fsGroup}: many provisioners hand out a volume owned by root with mode 0755, where
     * a non-root Kafka could not write. {@code OnRootMismatch} changes ownership once, not on every
     * start of a pod with a large volume.
     */
    static final long KAFKA_GID = 1000L;

    private DesiredPods() {}

    public static V1Pod broker(KafkaCluster c, int id, String rememberedRack) {
        return broker(c, id, rememberedRack, null);
    }

    /**
     * @param avoidNode the node this broker is being moved off, written as {@value Names#ANN_AVOID_NODE}
     *     for the extender, or {@code null}
     */
    public static V1Pod broker(KafkaCluster c, int id, String rememberedRack, String avoidNode) {
        KafkaClusterSpec spec = c.getSpec();
        String name = Names.brokerPod(c.name(), id);
        V1Pod pod = base(c, name, Names.ROLE_BROKER, id, spec.brokers().resources(),
                "PLAINTEXT://" + Names.podHost(c.name(), c.namespace(), name) + ":" + Names.CLIENT_PORT,
                Names.CLIENT_PORT, rememberedRack);
        pod.getSpec().schedulerName(spec.placement().schedulerName());
        if (spec.brokers().storage().isLocal()) {
            pod.getMetadata().putAnnotationsItem(Names.ANN_LOCAL_STORAGE, spec.brokers().storage().size());
        }
        if (avoidNode != null && !avoidNode.isBlank()) {
            pod.getMetadata().putAnnotationsItem(Names.ANN_AVOID_NODE, avoidNode);
        }
        pod.getSpec().getContainers().get(0).addEnvItem(new V1EnvVar().name("BROKER_RACK")
                .valueFrom(new V1EnvVarSource().fieldRef(new V1ObjectFieldSelector()
                        .fieldPath("metadata.annotations['" + Names.ANN_RACK + "']"))));
        oneBrokerPerNode(c, pod.getSpec());
        return pod;
    }

    /**
     * {@code pod}, a local-storage broker, asking the extender for the disk its existing claim {@code claim}
     * requests rather than for the spec's size. berth does not resize volumes, so after an edit of
     * {@code brokers.storage.size} the spec and the claims differ; a recreated broker asking for the new size
     * would be refused on the one node its local volume ties it to ({@code DISK_TOO_SMALL} or
     * {@code DISK_FULL}) and stay Pending. Example: claim 400Gi, spec 600Gi: the pod asks for 400Gi. A claim
     * without a storage request leaves the pod as it is.
     */
    public static V1Pod askingForClaim(V1Pod pod, io.kubernetes.client.openapi.models.V1PersistentVolumeClaim claim) {
        var meta = pod.getMetadata();
        var spec = claim == null ? null : claim.getSpec();
        var requested = spec == null || spec.getResources() == null || spec.getResources().getRequests() == null ? null
                : spec.getResources().getRequests().get("storage");
        if (requested != null && meta.getAnnotations() != null
                && meta.getAnnotations().containsKey(Names.ANN_LOCAL_STORAGE)) {
            meta.putAnnotationsItem(Names.ANN_LOCAL_STORAGE, requested.toSuffixedString());
        }
        return pod;
    }

    /**
     * The extender's one-broker-of-a-cluster-per-node rule, said to kube-scheduler too, as a required pod
     * anti-affinity on the node's hostname. The extender sees a broker on a node only once its bind
     * arrives, and kube-scheduler binds asynchronously: while one broker's bind waits in PreBind for its
     * volume, the next broker's filter may pass the same node. The extender's bind refuses that one, but
     * a broker with local storage has its volume bound to the node by then, and is bound anyway
     * ({@code PlacementRuleBrokenAtBind}). kube-scheduler's own anti-affinity check counts the pods it has
     * assumed onto a node before their bind, so it never lets two brokers of a cluster choose one node. The
     * same rule as the extender's, it cannot fight it: neither leaves a node the other would take.
     */
    private static void oneBrokerPerNode(KafkaCluster c, V1PodSpec spec) {
        spec.affinity(new V1Affinity().podAntiAffinity(new V1PodAntiAffinity()
                .requiredDuringSchedulingIgnoredDuringExecution(List.of(new V1PodAffinityTerm()
                        .topologyKey(HOSTNAME_LABEL)
                        .labelSelector(new V1LabelSelector().matchLabels(Map.of(
                                Names.LABEL_CLUSTER, c.name(), Names.LABEL_ROLE, Names.ROLE_BROKER)))))));
    }

    public static V1Pod controller(KafkaCluster c, int ordinal, String rememberedRack) {
        String name = Names.controllerPod(c.name(), ordinal);
        V1Pod pod = base(c, name, Names.ROLE_CONTROLLER, Names.controllerId(ordinal), c.getSpec().controllers().resources(),
                "CONTROLLER://" + Names.podHost(c.name(), c.namespace(), name) + ":" + Names.CONTROLLER_PORT,
                Names.CONTROLLER_PORT, rememberedRack);
        spreadControllers(c, pod.getSpec());
        return pod;
    }

    /**
     * Controllers go through the default scheduler, so they are spread the Kubernetes way: a quorum
     * of three survives one lost controller only if no two share a node or, better, a rack. Each
     * controller prefers (weight 100) a node without another controller of its cluster, and the
     * controllers spread over the values of {@code spec.placement.rackLabel} with skew 1. Both are
     * preferences, not requirements: on a cluster with fewer nodes or racks than controllers (a
     * one-node trial) a required rule would leave controllers pending and the quorum without a
     * majority, where a shared node still gives a working, if less safe, quorum.
     */
    private static void spreadControllers(KafkaCluster c, V1PodSpec spec) {
        V1LabelSelector controllers = new V1LabelSelector().matchLabels(Map.of(
                Names.LABEL_CLUSTER, c.name(), Names.LABEL_ROLE, Names.ROLE_CONTROLLER));
        spec.affinity(new V1Affinity().podAntiAffinity(new V1PodAntiAffinity()
                .preferredDuringSchedulingIgnoredDuringExecution(List.of(new V1WeightedPodAffinityTerm()
                        .weight(100)
                        .podAffinityTerm(new V1PodAffinityTerm()
                                .topologyKey(HOSTNAME_LABEL)
                                .labelSelector(controllers))))));
        spec.topologySpreadConstraints(List.of(new V1TopologySpreadConstraint()
                .maxSkew(1)
                .topologyKey(c.getSpec().placement().rackLabel())
                .whenUnsatisfiable("ScheduleAnyway")
                .labelSelector(controllers)));
    }

    /** The well-known label with a node's name, which every kubelet sets. */
    static final String HOSTNAME_LABEL = "kubernetes.io/hostname";

    private static V1Pod base(KafkaCluster c, String name, String role, int nodeId, ResourcesSpec res,
            String advertised, int port, String rememberedRack) {
        Map<String, String> annotations = new TreeMap<>();
        annotations.put(Names.ANN_CONFIG_HASH, DesiredConfigMap.configHash(c, role));
        annotations.put(Names.ANN_IMAGE, c.getSpec().image());
        annotations.put(Names.ANN_RESOURCES, RecordedResources.write(res));
        if (role.equals(Names.ROLE_BROKER)) {
            annotations.put(Names.ANN_CONFIG, RecordedConfig.write(c.getSpec().config()));
        }
        if (rememberedRack != null && !rememberedRack.isBlank()) {
            annotations.put(Names.ANN_RACK, rememberedRack);
        }
        List<V1EnvVar> env = new ArrayList<>(List.of(
                new V1EnvVar().name("ROLE").value(role),
                new V1EnvVar().name("NODE_ID").value(Integer.toString(nodeId)),
                new V1EnvVar().name("ADVERTISED_LISTENERS").value(advertised),
                new V1EnvVar().name("CLUSTER_ID").valueFrom(new V1EnvVarSource().configMapKeyRef(
                        new io.kubernetes.client.openapi.models.V1ConfigMapKeySelector().name(Names.configMap(c.name()))
                                .key(DesiredConfigMap.CLUSTER_ID_KEY)))));
        String heap = HeapSize.opts(res);
        if (heap != null) {
            env.add(new V1EnvVar().name("KAFKA_HEAP_OPTS").value(heap));
        }
        V1Container kafka = new V1Container()
                .name("kafka")
                .image(c.getSpec().image())
                .command(List.of("/bin/bash", Names.CONFIG_DIR + "/" + DesiredConfigMap.START_SCRIPT))
                .env(env)
                .ports(List.of(new V1ContainerPort().name(role.equals(Names.ROLE_BROKER) ? "client" : "controller")
                        .containerPort(port)))
                .readinessProbe(new V1Probe().tcpSocket(new V1TCPSocketAction().port(new IntOrString(port)))
                        .periodSeconds(5))
                .resources(resources(res))
                .volumeMounts(List.of(
                        new V1VolumeMount().name("data").mountPath(Names.DATA_DIR),
                        new V1VolumeMount().name("config").mountPath(Names.CONFIG_DIR).readOnly(true)));
        V1Pod pod = new V1Pod()
                .apiVersion("v1")
                .kind("Pod")
                .metadata(Owned.meta(c, name, Owned.nodeLabels(c, role, nodeId)).annotations(annotations))
                .spec(new V1PodSpec()
                        .hostname(name)
                        .subdomain(Names.headlessService(c.name()))
                        .restartPolicy("Always")
                        .terminationGracePeriodSeconds(60L)
                        .securityContext(new V1PodSecurityContext()
                                .fsGroup(KAFKA_GID)
                                .fsGroupChangePolicy("OnRootMismatch"))
                        .containers(new ArrayList<>(List.of(kafka)))
                        .volumes(List.of(
                                new V1Volume().name("data").persistentVolumeClaim(
                                        new V1PersistentVolumeClaimVolumeSource().claimName(Names.pvc(name))),
                                new V1Volume().name("config").configMap(
                                        new V1ConfigMapVolumeSource().name(Names.configMap(c.name()))))));
        return pod;
    }

    private static V1ResourceRequirements resources(ResourcesSpec r) {
        if (r.requests().isEmpty() && r.limits().isEmpty()) {
            return null;
        }
        V1ResourceRequirements out = new V1ResourceRequirements();
        if (!r.requests().isEmpty()) {
            out.requests(quantities(r.requests()));
        }
        if (!r.limits().isEmpty()) {
            out.limits(quantities(r.limits()));
        }
        return out;
    }

    private static Map<String, Quantity> quantities(Map<String, String> m) {
        Map<String, Quantity> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, Quantity.fromString(v)));
        return out;
    }
}
