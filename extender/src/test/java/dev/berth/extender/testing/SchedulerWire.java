package dev.berth.extender.testing;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Request bodies shaped exactly as kube-scheduler (Go, {@code encoding/json}) sends them to an
 * extender: {@code ExtenderArgs} with capitalised keys and no json tags, the unused one of
 * {@code Nodes}/{@code NodeNames} present as {@code null}; embedded Pod and Node objects in
 * lowerCamel without {@code kind}, struct fields in Go declaration order, map keys sorted,
 * {@code managedFields} present, and {@code & < >} escaped as {@code \u0026 \u003c \u003e}.
 */
public final class SchedulerWire {
    private SchedulerWire() {}

    /** A pod as the scheduler embeds it. */
    public static String pod(String namespace, String name, String uid, Map<String, String> labels, Map<String, String> annotations) {
        StringBuilder b = new StringBuilder(1024);
        b.append("{\"metadata\":{\"name\":").append(q(name)).append(",\"namespace\":").append(q(namespace))
                .append(",\"uid\":").append(q(uid)).append(",\"resourceVersion\":\"4711\",\"creationTimestamp\":\"2026-11-25T10:00:00Z\"");
        if (!labels.isEmpty()) {
            b.append(",\"labels\":").append(map(labels));
        }
        if (!annotations.isEmpty()) {
            b.append(",\"annotations\":").append(map(annotations));
        }
        b.append(",\"ownerReferences\":[{\"apiVersion\":\"berth.dev/v1alpha1\",\"kind\":\"KafkaCluster\",\"name\":\"orders\",\"uid\":\"0b5e\",\"controller\":true}]")
                .append(",\"managedFields\":[{\"manager\":\"berth-operator\",\"operation\":\"Update\",\"apiVersion\":\"v1\",\"time\":\"2026-11-25T10:00:00Z\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:metadata\":{\"f:labels\":{\".\":{},\"f:berth.dev/cluster\":{}}},\"f:spec\":{\"f:containers\":{\"k:{\\\"name\\\":\\\"kafka\\\"}\":{\".\":{}}}}}}]}")
                .append(",\"spec\":{\"volumes\":[{\"name\":\"data\",\"persistentVolumeClaim\":{\"claimName\":\"data-").append(name).append("\"}}]")
                .append(",\"containers\":[{\"name\":\"kafka\",\"image\":\"apache/kafka:4.1.0\",\"env\":[{\"name\":\"KAFKA_OPTS\",\"value\":\"-Da=1 \\u0026\\u0026 -Db=\\u003c2\\u003e\"}],\"resources\":{\"requests\":{\"cpu\":\"1\",\"memory\":\"4Gi\"}}}]")
                .append(",\"restartPolicy\":\"Always\",\"schedulerName\":\"berth-scheduler\",\"priority\":0}")
                .append(",\"status\":{\"phase\":\"Pending\",\"qosClass\":\"Burstable\"}}");
        return b.toString();
    }

    /**
     * A full Node as the scheduler embeds it; {@code images} extra image entries make it bigger
     * (about 4 KB with 12).
     */
    public static String node(String name, Map<String, String> labels, Map<String, String> annotations, int images) {
        Map<String, String> allLabels = new TreeMap<>(labels);
        allLabels.put("kubernetes.io/hostname", name);
        allLabels.put("kubernetes.io/os", "linux");
        allLabels.put("beta.kubernetes.io/arch", "amd64");
        Map<String, String> allAnn = new TreeMap<>(annotations);
        allAnn.put("node.alpha.kubernetes.io/ttl", "0");
        allAnn.put("volumes.kubernetes.io/controller-managed-attach-detach", "true");
        StringBuilder b = new StringBuilder(4096);
        b.append("{\"metadata\":{\"name\":").append(q(name)).append(",\"uid\":\"6f1c2b8e-").append(Math.abs(name.hashCode()))
                .append("\",\"resourceVersion\":\"99881\",\"creationTimestamp\":\"2026-11-01T08:00:00Z\",\"labels\":").append(map(allLabels))
                .append(",\"annotations\":").append(map(allAnn))
                .append(",\"managedFields\":[{\"manager\":\"kubelet\",\"operation\":\"Update\",\"apiVersion\":\"v1\",\"time\":\"2026-11-25T09:59:00Z\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:metadata\":{\"f:annotations\":{\".\":{},\"f:node.alpha.kubernetes.io/ttl\":{}},\"f:labels\":{\".\":{},\"f:kubernetes.io/hostname\":{}}},\"f:status\":{\"f:conditions\":{\"k:{\\\"type\\\":\\\"Ready\\\"}\":{\"f:lastHeartbeatTime\":{}}}}},\"subresource\":\"status\"}]}")
                .append(",\"spec\":{\"podCIDR\":\"10.244.1.0/24\",\"podCIDRs\":[\"10.244.1.0/24\"],\"providerID\":\"kind://docker/berth/").append(name).append("\"}")
                .append(",\"status\":{\"capacity\":{\"cpu\":\"16\",\"ephemeral-storage\":\"1056763060Ki\",\"hugepages-2Mi\":\"0\",\"memory\":\"65843248Ki\",\"pods\":\"110\"}")
                .append(",\"allocatable\":{\"cpu\":\"16\",\"ephemeral-storage\":\"1056763060Ki\",\"hugepages-2Mi\":\"0\",\"memory\":\"65843248Ki\",\"pods\":\"110\"}")
                .append(",\"conditions\":[{\"type\":\"MemoryPressure\",\"status\":\"False\",\"lastHeartbeatTime\":\"2026-11-25T09:59:00Z\",\"lastTransitionTime\":\"2026-11-01T08:00:00Z\",\"reason\":\"KubeletHasSufficientMemory\",\"message\":\"kubelet has sufficient memory available\"}")
                .append(",{\"type\":\"Ready\",\"status\":\"True\",\"lastHeartbeatTime\":\"2026-11-25T09:59:00Z\",\"lastTransitionTime\":\"2026-11-01T08:00:10Z\",\"reason\":\"KubeletReady\",\"message\":\"kubelet is posting ready status \\u003cok\\u003e \\u0026 fine\"}]")
                .append(",\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"10.0.0.7\"},{\"type\":\"Hostname\",\"address\":").append(q(name)).append("}]")
                .append(",\"daemonEndpoints\":{\"kubeletEndpoint\":{\"Port\":10250}}")
                .append(",\"nodeInfo\":{\"machineID\":\"3b0e8a1f9c5d4e2a8b7c6d5e4f3a2b1c\",\"systemUUID\":\"3b0e8a1f-9c5d-4e2a-8b7c-6d5e4f3a2b1c\",\"bootID\":\"c0ffee00-1111-2222-3333-444455556666\",\"kernelVersion\":\"6.1.0-26-amd64\",\"osImage\":\"Debian GNU/Linux 12 (bookworm)\",\"containerRuntimeVersion\":\"containerd://1.7.22\",\"kubeletVersion\":\"v1.31.2\",\"kubeProxyVersion\":\"v1.31.2\",\"operatingSystem\":\"linux\",\"architecture\":\"amd64\"}")
                .append(",\"images\":[");
        for (int i = 0; i < images; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append("{\"names\":[\"registry.example.com/team/app-").append(i)
                    .append("@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\",\"registry.example.com/team/app-")
                    .append(i).append(":v1.").append(i).append(".0\"],\"sizeBytes\":").append(100_000_000L + i * 7919L).append('}');
        }
        b.append("]}}");
        return b.toString();
    }

    /** {@code ExtenderArgs} in names mode ({@code nodeCacheCapable: true}). */
    public static String namesArgs(String pod, List<String> names) {
        StringBuilder b = new StringBuilder(pod.length() + names.size() * 16 + 64).append("{\"Pod\":").append(pod).append(",\"Nodes\":null,\"NodeNames\":[");
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(q(names.get(i)));
        }
        return b.append("]}").toString();
    }

    /** {@code ExtenderArgs} in full mode ({@code nodeCacheCapable: false}): a NodeList. */
    public static String fullArgs(String pod, List<String> nodes) {
        int size = pod.length() + 64;
        for (String n : nodes) {
            size += n.length() + 1;
        }
        StringBuilder b = new StringBuilder(size).append("{\"Pod\":").append(pod).append(",\"Nodes\":{\"metadata\":{},\"items\":[");
        for (int i = 0; i < nodes.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(nodes.get(i));
        }
        return b.append("]},\"NodeNames\":null}").toString();
    }

    public static String bindArgs(String namespace, String name, String uid, String node) {
        return "{\"PodName\":" + q(name) + ",\"PodNamespace\":" + q(namespace) + ",\"PodUID\":" + q(uid) + ",\"Node\":" + q(node) + "}";
    }

    /** A JSON string escaped as Go does ({@code & < >} as unicode escapes). */
    public static String q(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '&' -> b.append("\\u0026");
                case '<' -> b.append("\\u003c");
                case '>' -> b.append("\\u003e");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /** A map with sorted keys, as Go encodes {@code map[string]string}. */
    public static String map(Map<String, String> m) {
        StringBuilder b = new StringBuilder("{");
        for (Map.Entry<String, String> e : new TreeMap<>(m).entrySet()) {
            if (b.length() > 1) {
                b.append(',');
            }
            b.append(q(e.getKey())).append(':').append(q(e.getValue()));
        }
        return b.append('}').toString();
    }
}
