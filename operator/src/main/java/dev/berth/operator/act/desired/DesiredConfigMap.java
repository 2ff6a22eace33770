package dev.berth.operator.act.desired;

import dev.berth.operator.api.KafkaCluster;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Pod;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Builds the ConfigMap {@code <c>-config} from the spec: one server.properties per role plus the start
 * script every pod runs.
 *
 * <p>Role files hold what is the same for every pod of the role: roles, listeners, the fixed
 * controller quorum ({@code controller.quorum.voters}, ids 1000+), the data dir, and {@code spec.config}
 * sorted by key (controllers: only its {@link #CONTROLLER_KEYS}). The start script appends what differs
 * per pod ({@code node.id}, {@code advertised.listeners}, {@code broker.rack} from the downward API),
 * formats the data dir once and execs Kafka. Example for cluster {@code demo} in namespace {@code kafka} with one controller:
 *
 * <pre>
 * process.roles=broker
 * listeners=PLAINTEXT://:9092
 * ...
 * controller.quorum.voters=1000@demo-controller-0.demo-nodes.kafka.svc:9093
 * </pre>
 */
public final class DesiredConfigMap {
    private DesiredConfigMap() {}

    public static final String BROKER_FILE = "broker.properties";
    public static final String CONTROLLER_FILE = "controller.properties";
    public static final String START_SCRIPT = "start.sh";

    /** The ConfigMap's key with the Kafka cluster id every pod formats its volume with ({@link #clusterId}). */
    public static final String CLUSTER_ID_KEY = "cluster.id";

    /** The ConfigMap of a cluster that has none yet: its cluster id derived from the resource's uid. */
    public static V1ConfigMap build(KafkaCluster c) {
        return build(c, null, List.of());
    }

    /**
     * The ConfigMap, keeping the cluster id that {@code existing} (the ConfigMap there now, or null) or
     * {@code pods} carry ({@link #clusterId}).
     */
    public static V1ConfigMap build(KafkaCluster c, V1ConfigMap existing, Collection<V1Pod> pods) {
        Map<String, String> data = new TreeMap<>();
        data.put(BROKER_FILE, brokerProperties(c));
        data.put(CONTROLLER_FILE, controllerProperties(c));
        data.put(START_SCRIPT, startScript());
        data.put(CLUSTER_ID_KEY, clusterId(c, existing, pods));
        return new V1ConfigMap()
                .apiVersion("v1")
                .kind("ConfigMap")
                .metadata(Owned.meta(c, Names.configMap(c.name()), Owned.clusterLabels(c)))
                .data(data);
    }

    static String brokerProperties(KafkaCluster c) {
        return brokerProperties(c, c.getSpec().config(), true);
    }

    /**
     * The broker file with {@code config} in place of {@code spec.config}; {@code internalTopics}: with
     * the internal topics' replication defaults (the file), or without (the hash).
     */
    private static String brokerProperties(KafkaCluster c, Map<String, String> config, boolean internalTopics) {
        StringBuilder b = new StringBuilder("# Rendered by berth from KafkaCluster ").append(c.name())
                .append("; per-pod keys are appended by start.sh.\n");
        b.append("process.roles=broker\n");
        b.append("listeners=PLAINTEXT://:").append(Names.CLIENT_PORT).append('\n');
        b.append("listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT\n");
        b.append("inter.broker.listener.name=PLAINTEXT\n");
        b.append("controller.listener.names=CONTROLLER\n");
        b.append("controller.quorum.voters=").append(voters(c)).append('\n');
        b.append("log.dirs=").append(Names.LOG_DIR).append('\n');
        if (internalTopics) {
            internalTopicDefaults(c).forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
        }
        for (Map.Entry<String, String> e : new TreeMap<>(config).entrySet()) {
            b.append(e.getKey()).append('=').append(propertiesValue(e.getValue())).append('\n');
        }
        return b.toString();
    }

    /**
     * A value as {@code java.util.Properties} (which Kafka reads server.properties with, in
     * ISO-8859-1) gives it back: backslashes doubled, line breaks, tabs and form feeds as escapes, so
     * a value can never end its line and start a key of its own, every character outside printable
     * ASCII as {@code \\uXXXX}, and a leading blank escaped so it is not dropped.
     */
    static String propertiesValue(String v) {
        if (v == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(v.length() + 8);
        for (int i = 0; i < v.length(); i++) {
            char ch = v.charAt(i);
            switch (ch) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\f' -> out.append("\\f");
                case ' ' -> out.append(i == 0 ? "\\ " : " ");
                default -> {
                    if (ch < 0x20 || ch > 0x7e) {
                        out.append(String.format("\\u%04x", (int) ch));
                    } else {
                        out.append(ch);
                    }
                }
            }
        }
        return out.toString();
    }

    /**
     * Replication of Kafka's internal topics, sized to the cluster: Kafka's defaults (RF 3, min ISR
     * 2) cannot create {@code __consumer_offsets}, the transaction log or the share-group state topic
     * on one or two brokers, and then no consumer group works. RF is min(3, brokers), min ISR
     * min(2, RF) of the topic's RF as it will be, the spec's when it sets one (a transaction log of RF 1
     * with min ISR 2 would refuse every transactional write); a key that {@code spec.config} sets is left
     * to it. Kafka uses them when it first creates each topic, so a later change of
     * {@code brokers.replicas} leaves existing topics as they are.
     */
    static Map<String, String> internalTopicDefaults(KafkaCluster c) {
        int rf = Math.max(1, Math.min(3, c.getSpec().brokers().replicas()));
        Map<String, String> config = c.getSpec().config();
        Map<String, String> out = new java.util.LinkedHashMap<>();
        out.put("offsets.topic.replication.factor", Integer.toString(rf));
        for (String topic : List.of("transaction.state.log", "share.coordinator.state.topic")) {
            out.put(topic + ".replication.factor", Integer.toString(rf));
            int effective = intOr(config.get(topic + ".replication.factor"), rf);
            out.put(topic + ".min.isr", Integer.toString(Math.max(1, Math.min(2, effective))));
        }
        out.keySet().removeAll(config.keySet());
        return out;
    }

    private static int intOr(String value, int otherwise) {
        try {
            return value == null ? otherwise : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return otherwise; // the spec check refuses it: nothing is rendered from it then
        }
    }

    /**
     * The keys of {@code spec.config} the controllers act on, rendered into their file as well. In KRaft
     * a broker forwards CreateTopics to the active controller, which fills a partition count or
     * replication factor left at -1 (the Admin client without them, Kafka Streams' internal topics) from
     * its own {@code num.partitions} and {@code default.replication.factor} (Kafka 4.x, KAFKA-19655;
     * only auto-created topics take the broker's). The controller also runs every leader election
     * ({@code unclean.leader.election.enable}) and keeps the eligible leader replicas by
     * {@code min.insync.replicas}. Set on the brokers only, {@code default.replication.factor: "3"} still
     * gave such topics one replica. Other keys stay off the controllers: they would roll them for
     * settings only brokers read.
     */
    public static final java.util.Set<String> CONTROLLER_KEYS = java.util.Set.of("default.replication.factor",
            "num.partitions", "min.insync.replicas", "unclean.leader.election.enable");

    static String controllerProperties(KafkaCluster c) {
        StringBuilder b = new StringBuilder("# Rendered by berth from KafkaCluster ").append(c.name())
                .append("; per-pod keys are appended by start.sh.\n")
                .append("process.roles=controller\n")
                .append("listeners=CONTROLLER://:").append(Names.CONTROLLER_PORT).append('\n')
                .append("listener.security.protocol.map=CONTROLLER:PLAINTEXT\n")
                .append("controller.listener.names=CONTROLLER\n")
                .append("controller.quorum.voters=").append(voters(c)).append('\n')
                .append("log.dirs=").append(Names.LOG_DIR).append('\n');
        new TreeMap<>(c.getSpec().config()).forEach((k, v) -> {
            if (CONTROLLER_KEYS.contains(k)) {
                b.append(k).append('=').append(propertiesValue(v)).append('\n');
            }
        });
        return b.toString();
    }

    /**
     * A short hash of what a pod of {@code role} reads at start (its properties file and start.sh):
     * stamped on the pod ({@link Names#ANN_CONFIG_HASH}) so that status can tell a pod started
     * before a configuration change ({@code PodDrift}). The internal topics' defaults are left out:
     * they follow {@code brokers.replicas}, and Kafka reads them only when it creates those topics,
     * so a scale from one to three brokers makes no running broker out of date.
     */
    public static String configHash(KafkaCluster c, String role) {
        return role.equals(Names.ROLE_BROKER) ? brokerConfigHash(c, c.getSpec().config())
                : hash(controllerProperties(c) + startScript());
    }

    /**
     * The broker hash as it would be with {@code config} as {@code spec.config}, all else as the spec
     * is now. When a pod's hash equals it for the config the pod records ({@link Names#ANN_CONFIG}),
     * the pod differs from the spec in {@code spec.config} alone, which Kafka may take at run time.
     */
    public static String brokerConfigHash(KafkaCluster c, Map<String, String> config) {
        return hash(brokerProperties(c, config, false) + startScript());
    }

    private static String hash(String text) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * The number of voters in a rendered ConfigMap's {@code controller.properties}, or {@code null}
     * when there is none: the quorum the cluster was created with.
     */
    public static Integer voterCount(V1ConfigMap existing) {
        if (existing == null || existing.getData() == null || existing.getData().get(CONTROLLER_FILE) == null) {
            return null;
        }
        for (String line : existing.getData().get(CONTROLLER_FILE).split("\n")) {
            if (line.startsWith("controller.quorum.voters=")) {
                String v = line.substring("controller.quorum.voters=".length()).trim();
                return v.isEmpty() ? null : v.split(",").length;
            }
        }
        return null;
    }

    /**
     * The quorum a cluster was created with when its ConfigMap, which records it ({@link #voterCount}), is
     * gone: one past the highest controller ordinal that has a pod or a volume, or {@code null} when none
     * has. Without it, a deleted ConfigMap switched the fixed-quorum rule off, and a refused
     * {@code controllers.replicas} edit was rendered at once: new voters with empty logs beside the old
     * quorum, two voter sets at a time. Example: volumes data-demo-controller-0..2 give 3.
     */
    public static Integer controllersCreated(String cluster, Collection<Integer> controllerNodeIds,
            Collection<String> pvcNames) {
        int highest = -1;
        for (int id : controllerNodeIds) {
            highest = Math.max(highest, id - Names.CONTROLLER_ID_BASE);
        }
        String prefix = Names.pvc(Names.controllerPod(cluster, 0));
        prefix = prefix.substring(0, prefix.length() - 1); // data-<c>-controller-
        for (String name : pvcNames) {
            if (name.startsWith(prefix)) {
                try {
                    highest = Math.max(highest, Integer.parseInt(name.substring(prefix.length())));
                } catch (NumberFormatException notOurs) {
                    // data-<c>-controller-x...: not a controller volume berth names
                }
            }
        }
        return highest < 0 ? null : highest + 1;
    }

    /** The fixed quorum: {@code 1000@<c>-controller-0.<headless>:9093,1001@...}. */
    public static String voters(KafkaCluster c) {
        List<String> v = new ArrayList<>();
        for (int i = 0; i < c.getSpec().controllers().replicas(); i++) {
            v.add(Names.controllerId(i) + "@" + Names.podHost(c.name(), c.namespace(), Names.controllerPod(c.name(), i))
                    + ":" + Names.CONTROLLER_PORT);
        }
        return String.join(",", v);
    }

    /**
     * The Kafka cluster id, written once and then kept: the one {@code existing} records under
     * {@link #CLUSTER_ID_KEY}; else the one a pod of an older berth carries in its {@code CLUSTER_ID}
     * variable; else, for a new cluster, {@link #kafkaClusterId}. Derived from the resource's uid each time,
     * a KafkaCluster deleted with {@code --cascade=orphan} and created again (a new uid) adopted pods and
     * volumes formatted with the old id, and gave every new or restarted pod the new one: Kafka refuses a
     * volume of another cluster id, so no broker restarted and no scale-up finished. Pods read it from this
     * ConfigMap ({@code DesiredPods}). A recorded id that starts with '-' is not kept: the storage tool
     * reads it as an option and refuses to format, so no volume holds it, and every pod of that cluster
     * crash-looped at its format step; the id derived again does not start with '-'.
     */
    static String clusterId(KafkaCluster c, V1ConfigMap existing, Collection<V1Pod> pods) {
        String recorded = existing == null || existing.getData() == null ? null : existing.getData().get(CLUSTER_ID_KEY);
        if (usable(recorded)) {
            return recorded;
        }
        for (V1Pod p : pods) {
            if (p.getSpec() == null) {
                continue;
            }
            for (var container : p.getSpec().getContainers()) {
                for (var e : container.getEnv() == null ? List.<io.kubernetes.client.openapi.models.V1EnvVar>of()
                        : container.getEnv()) {
                    if ("CLUSTER_ID".equals(e.getName()) && usable(e.getValue())) {
                        return e.getValue();
                    }
                }
            }
        }
        return kafkaClusterId(c);
    }

    /**
     * The Kafka cluster id, derived from the KafkaCluster's uid (a UUID) in Kafka's own encoding
     * (URL-safe base64 of the 16 bytes, no padding): stable across operator restarts, unique per
     * resource, and needs no extra state. Never with a leading '-', which {@code kafka-storage.sh format -t}
     * takes for an option (Kafka's own random ids avoid it for the same reason): for the uids whose first
     * byte is 0xF8 to 0xFB (about one in 64), that byte's top bit is cleared, so the id starts with 'e'
     * instead. Example: uid {@code f8000000-0000-4000-8000-000000000000} gives
     * {@code eAAAAAAAQACAAAAAAAAAAA}.
     */
    public static String kafkaClusterId(KafkaCluster c) {
        UUID u = UUID.fromString(c.getMetadata().getUid());
        byte[] bytes = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array();
        if ((bytes[0] & 0xFC) == 0xF8) { // the first six bits 111110 encode as '-'
            bytes[0] &= 0x7F;
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A recorded id berth keeps: not blank, and not one the storage tool could never format with. */
    private static boolean usable(String id) {
        return id != null && !id.isBlank() && !id.startsWith("-");
    }

    /**
     * The start script. Env (set by {@link DesiredPods}): ROLE, NODE_ID, ADVERTISED_LISTENERS,
     * CLUSTER_ID and, for brokers, BROKER_RACK from the pod's {@code berth.dev/rack} annotation
     * (empty when the pod has none; then broker.rack is not set).
     */
    static String startScript() {
        return """
                #!/bin/bash
                # Rendered by berth: per-pod Kafka configuration, one-time format, then Kafka itself.
                set -euo pipefail
                cp "%s/${ROLE}.properties" /tmp/server.properties
                {
                  echo "node.id=${NODE_ID}"
                  echo "advertised.listeners=${ADVERTISED_LISTENERS}"
                  if [ -n "${BROKER_RACK:-}" ]; then echo "broker.rack=${BROKER_RACK}"; fi
                } >> /tmp/server.properties
                # A volume formatted by an older berth holds its log at the root: keep using it there.
                if [ -f "%s/meta.properties" ]; then
                  sed -i "s|^log.dirs=.*|log.dirs=%s|" /tmp/server.properties
                fi
                /opt/kafka/bin/kafka-storage.sh format --ignore-formatted -t "${CLUSTER_ID}" -c /tmp/server.properties
                exec /opt/kafka/bin/kafka-server-start.sh /tmp/server.properties
                """.formatted(Names.CONFIG_DIR, Names.DATA_DIR, Names.DATA_DIR);
    }
}
