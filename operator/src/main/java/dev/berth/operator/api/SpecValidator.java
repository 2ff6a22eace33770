package dev.berth.operator.api;

import io.kubernetes.client.custom.Quantity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks what the CRD schema cannot: a spec that passes the API server but that berth must not apply.
 * An invalid spec gets the condition {@code SpecValid=False} with the first problem's reason and every
 * problem's message, and the operator changes nothing (in particular it deletes nothing).
 *
 * <p>Rules, each with its {@link Reason}:
 * <ol>
 *   <li>{@code spec.config} may not set keys berth owns (node.id, listeners, ...);
 *   <li>known numeric and boolean keys must parse;
 *   <li>replication settings in {@code spec.config} may not exceed {@code brokers.replicas};
 *   <li>no existing topic may have a replication factor above {@code brokers.replicas};
 *   <li>storage sizes and resource quantities must be Kubernetes quantities;
 *   <li>what pods carry must be what the API server takes in a pod: resource names, requests at most
 *       their limits, the image, the scheduler name, the rack label, and Kafka 3.9 or later ({@link PodFields});
 *   <li>a named storage class must exist;
 *   <li>broker ids to remove must be 0..999;
 *   <li>the hot-partition policy's tolerance must be 5..1000%, its minimum rate 0 or more;
 *   <li>once created, the controller count and the brokers' kind of storage stay as they were
 *       ({@link Created}).
 * </ol>
 * Example: {@code brokers.replicas: 2} while topic {@code orders} has 3 replicas gives
 * {@code ReplicationFactorExceedsBrokers: "topic orders has replication factor 3 but spec.brokers.replicas
 * is 2; set replicas to at least 3 or lower the topic's replication factor"}.
 */
public final class SpecValidator {
    private SpecValidator() {}

    /** Why a spec is refused. */
    public enum Reason {
        ConfigKeyOwnedByBerth,
        InvalidConfigKey,
        InvalidConfigValue,
        ReplicationFactorExceedsBrokers,
        InvalidQuantity,
        UnknownStorageClass,
        InvalidBrokerId,
        ControllerQuorumIsFixed,
        StorageKindIsFixed,
        InvalidHotPartitionPolicy,
        InvalidDiskReserve,
        InvalidName,
        InvalidPodField,
        UnsupportedKafkaVersion
    }

    /** One problem: a stable reason and a message that says what to fix. */
    public record Problem(Reason reason, String message) {}

    /**
     * The longest name whose objects Kubernetes takes: a controller pod is {@code <name>-controller-<i>}
     * (13 more characters), and its hostname must be a DNS label of at most 63.
     */
    public static final int MAX_NAME = 50;

    /**
     * The KafkaCluster's own name, which every owned object's name starts with: a custom resource may be
     * named {@code 1st.cluster} or 60 characters long, but then each pod's hostname or each Service is
     * refused (a Service name must be a DNS-1035 label: a lowercase letter first, no dots), and the cluster
     * stays {@code ApplyFailed} for good. Said as what to fix instead, or {@code null} when the name fits.
     * The CRD's root {@code x-kubernetes-validations} rule says the same, so {@code kubectl apply} refuses such a
     * name first (CrdSchemaTest holds them together); this check stays for API servers that skip CEL.
     */
    public static Problem name(String name) {
        if (name.length() <= MAX_NAME && name.matches("[a-z]([-a-z0-9]*[a-z0-9])?")) {
            return null;
        }
        return new Problem(Reason.InvalidName, "metadata.name \"" + name + "\" cannot name its pods and Services:"
                + " use at most " + MAX_NAME + " lowercase letters, digits and '-', starting with a letter and not"
                + " ending with '-' (a name cannot be changed: create the cluster again under a new name)");
    }

    /**
     * Configuration keys berth writes itself (see DesiredConfigMap), and {@code security.inter.broker.protocol},
     * which Kafka refuses to start beside berth's {@code inter.broker.listener.name} ("Only one of
     * inter.broker.listener.name and security.inter.broker.protocol should be set"): a roll would leave
     * its first broker crash-looping. spec.config may not set them.
     */
    public static final Set<String> OWNED_KEYS = Set.of(
            "advertised.listeners", "broker.id", "broker.rack", "controller.listener.names",
            "controller.quorum.bootstrap.servers", "controller.quorum.voters", "inter.broker.listener.name",
            "listener.security.protocol.map", "listeners", "log.dir", "log.dirs", "metadata.log.dir", "node.id",
            "process.roles", "security.inter.broker.protocol");

    /** Kafka configuration names: {@code log.retention.hours}, {@code listener.name.x.ssl.key.password}. */
    static final java.util.regex.Pattern CONFIG_KEY = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /** An integer setting's accepted range, as Kafka's own ConfigDef states it. */
    record Range(long min, long max) {
        static final long INT = Integer.MAX_VALUE;
        static final long SHORT = Short.MAX_VALUE;
    }

    /**
     * Integer settings with the type and lower bound Kafka 4.4's broker ConfigDef gives them
     * ({@code AbstractKafkaConfig.CONFIG_DEF}; {@code SpecValidatorTest} holds this table to it). A
     * value outside makes every broker that starts afterwards fail ("Invalid value 0 for
     * configuration min.insync.replicas"), so it is refused before the ConfigMap changes. One bound
     * is berth's own: Kafka has none on {@code default.replication.factor}, where 0 or less makes
     * every topic creation without an explicit RF fail.
     */
    static final Map<String, Range> INT_KEYS = Map.ofEntries(
            Map.entry("num.partitions", new Range(1, Range.INT)),
            Map.entry("default.replication.factor", new Range(1, Range.INT)),
            Map.entry("min.insync.replicas", new Range(1, Range.INT)),
            Map.entry("offsets.topic.replication.factor", new Range(1, Range.SHORT)),
            Map.entry("transaction.state.log.replication.factor", new Range(1, Range.SHORT)),
            Map.entry("transaction.state.log.min.isr", new Range(1, Range.INT)),
            Map.entry("num.network.threads", new Range(1, Range.INT)),
            Map.entry("num.io.threads", new Range(1, Range.INT)),
            Map.entry("num.replica.fetchers", new Range(1, Range.INT)),
            Map.entry("message.max.bytes", new Range(0, Range.INT)),
            Map.entry("log.segment.bytes", new Range(1L << 20, Range.INT)),
            Map.entry("log.retention.hours", new Range(Integer.MIN_VALUE, Range.INT)),
            Map.entry("log.retention.ms", new Range(Long.MIN_VALUE, Long.MAX_VALUE)),
            Map.entry("log.retention.bytes", new Range(Long.MIN_VALUE, Long.MAX_VALUE)),
            Map.entry("replica.lag.time.max.ms", new Range(Long.MIN_VALUE, Long.MAX_VALUE)),
            Map.entry("group.initial.rebalance.delay.ms", new Range(Integer.MIN_VALUE, Range.INT)),
            Map.entry("share.coordinator.state.topic.replication.factor", new Range(1, Range.SHORT)),
            Map.entry("share.coordinator.state.topic.min.isr", new Range(1, Range.SHORT)));

    static final Set<String> BOOLEAN_KEYS = Set.of(
            "auto.create.topics.enable", "auto.leader.rebalance.enable", "delete.topic.enable",
            "unclean.leader.election.enable");

    /** Keys whose value is a replica count and may not exceed the broker count. */
    static final Set<String> REPLICA_COUNT_KEYS = Set.of(
            "default.replication.factor", "min.insync.replicas", "offsets.topic.replication.factor",
            "transaction.state.log.replication.factor", "transaction.state.log.min.isr",
            "share.coordinator.state.topic.replication.factor", "share.coordinator.state.topic.min.isr");

    /**
     * @param spec the spec to check
     * @param topicReplicationFactors replication factor of every existing topic, or {@code null} when Kafka
     *     has not been observed (the rule is then skipped)
     * @param storageClasses names of existing storage classes, or {@code null} when unknown (skipped)
     */
    public static List<Problem> validate(KafkaClusterSpec spec, Map<String, Integer> topicReplicationFactors,
            Set<String> storageClasses) {
        return validate(spec, topicReplicationFactors, storageClasses, new Created(null, Map.of()));
    }

    /** {@link #validate(KafkaClusterSpec, Map, Set, Created)} with only the quorum's size known. */
    public static List<Problem> validate(KafkaClusterSpec spec, Map<String, Integer> topicReplicationFactors,
            Set<String> storageClasses, Integer votersNow) {
        return validate(spec, topicReplicationFactors, storageClasses, new Created(votersNow, Map.of()));
    }

    /**
     * What an existing cluster was created with, which its spec may no longer change.
     *
     * @param voters the size of its quorum (the voters in its ConfigMap), or {@code null} before it
     *     exists. KRaft's quorum here is static ({@code controller.quorum.voters}): new controllers
     *     would start with empty logs and, two of three, could elect a leader without the cluster's
     *     metadata. So the count is fixed.
     * @param brokerVolumeKinds each broker claim's recorded kind, {@code local} or {@code network}, by
     *     claim name. berth treats every broker by {@code spec.brokers.storage.local}: moved off a
     *     cordoned node or left there, evicted one at a time or never, its node's disk checked by the
     *     extender or not. A flip would treat the existing volumes as what they are not: a network
     *     broker evicted by {@code kubectl drain} without its leadership moved first, or a local broker
     *     deleted to move it, whose pod then cannot start anywhere but on the cordoned node. So the
     *     kind is fixed while any broker volume of the other kind exists.
     */
    public record Created(Integer voters, Map<String, String> brokerVolumeKinds) {
        public Created {
            brokerVolumeKinds = brokerVolumeKinds == null ? Map.of() : Map.copyOf(brokerVolumeKinds);
        }
    }

    public static List<Problem> validate(KafkaClusterSpec spec, Map<String, Integer> topicReplicationFactors,
            Set<String> storageClasses, Created created) {
        List<Problem> out = new ArrayList<>();
        Integer votersNow = created.voters();
        if (votersNow != null && !votersNow.equals(spec.controllers().replicas())) {
            out.add(new Problem(Reason.ControllerQuorumIsFixed, "spec.controllers.replicas is "
                    + spec.controllers().replicas() + " but the cluster was created with " + votersNow
                    + " controllers, and its KRaft quorum is fixed; set it back to " + votersNow));
        }
        checkStorageKind(out, spec.brokers().storage().isLocal(), created.brokerVolumeKinds());
        int brokers = spec.brokers().replicas();
        List<String> badKeys = spec.config().keySet().stream().filter(k -> !CONFIG_KEY.matcher(k).matches())
                .sorted().toList();
        for (String k : badKeys) {
            // "log.dirs " would reach Kafka as log.dirs: a berth-owned key set past the check below
            out.add(new Problem(Reason.InvalidConfigKey, "spec.config has the key \"" + k + "\", which is not a Kafka "
                    + "configuration name (letters, digits, '.', '_' and '-'); fix or remove it"));
        }
        List<String> owned = spec.config().keySet().stream().filter(OWNED_KEYS::contains).sorted().toList();
        if (!owned.isEmpty()) {
            out.add(new Problem(Reason.ConfigKeyOwnedByBerth, "spec.config sets " + String.join(", ", owned)
                    + ", which berth manages itself; remove " + (owned.size() == 1 ? "it" : "them")));
        }
        for (Map.Entry<String, String> e : spec.config().entrySet()) {
            String k = e.getKey();
            String v = e.getValue() == null ? "" : e.getValue().trim();
            if (INT_KEYS.containsKey(k)) {
                Long n = parseLong(v);
                Range range = INT_KEYS.get(k);
                if (n == null) {
                    out.add(new Problem(Reason.InvalidConfigValue,
                            "spec.config." + k + " is \"" + v + "\" but must be an integer"));
                } else if (n < range.min() || n > range.max()) {
                    out.add(new Problem(Reason.InvalidConfigValue, "spec.config." + k + " is " + n + " but Kafka takes "
                            + (range.min() == Long.MIN_VALUE ? "" : range.min() + " to ") + range.max()
                            + "; brokers would not start with it"));
                } else if (REPLICA_COUNT_KEYS.contains(k) && n > brokers) {
                    out.add(new Problem(Reason.ReplicationFactorExceedsBrokers, "spec.config." + k + " is " + n
                            + " but spec.brokers.replicas is " + brokers + "; lower it or add brokers"));
                }
            } else if (BOOLEAN_KEYS.contains(k) && !v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                // as Kafka's ConfigDef reads a boolean: "True" is true
                out.add(new Problem(Reason.InvalidConfigValue,
                        "spec.config." + k + " is \"" + v + "\" but must be true or false"));
            }
        }
        if (topicReplicationFactors != null) {
            new TreeMap<>(topicReplicationFactors).forEach((topic, rf) -> {
                if (rf > brokers) {
                    out.add(new Problem(Reason.ReplicationFactorExceedsBrokers, "topic " + topic
                            + " has replication factor " + rf + " but spec.brokers.replicas is " + brokers
                            + "; set replicas to at least " + rf + " or lower the topic's replication factor"));
                }
            });
        }
        checkSize(out, "spec.brokers.storage.size", spec.brokers().storage().size());
        checkSize(out, "spec.controllers.storage.size", spec.controllers().storage().size());
        spec.brokers().resources().requests().forEach((k, v) -> checkQuantity(out, "spec.brokers.resources.requests." + k, v));
        spec.brokers().resources().limits().forEach((k, v) -> checkQuantity(out, "spec.brokers.resources.limits." + k, v));
        spec.controllers().resources().requests().forEach((k, v) -> checkQuantity(out, "spec.controllers.resources.requests."
                + k, v));
        spec.controllers().resources().limits().forEach((k, v) -> checkQuantity(out, "spec.controllers.resources.limits."
                + k, v));
        PodFields.check(out, spec);
        if (storageClasses != null) {
            checkClass(out, "spec.brokers.storage.storageClassName", spec.brokers().storage().storageClassName(), storageClasses);
            checkClass(out, "spec.controllers.storage.storageClassName", spec.controllers().storage().storageClassName(),
                    storageClasses);
        }
        for (int id : spec.brokers().remove()) {
            if (id < 0 || id > 999) {
                out.add(new Problem(Reason.InvalidBrokerId,
                        "spec.brokers.remove names " + id + " but broker ids are 0..999"));
            }
        }
        checkHotPartitions(out, spec.rebalance().hotPartitions());
        int reserve = spec.rebalance().minFreeDiskPercent();
        if (reserve < 0 || reserve > RebalanceSpec.MAX_MIN_FREE_DISK_PERCENT) {
            out.add(new Problem(Reason.InvalidDiskReserve, "spec.rebalance.minFreeDiskPercent is " + reserve
                    + " but must be 0 to " + RebalanceSpec.MAX_MIN_FREE_DISK_PERCENT + " (percent of each broker's disk a data"
                    + " move leaves free)"));
        }
        return List.copyOf(out);
    }

    /** The hot-partition policy's numbers are in range (a schema the API server does not enforce lets them by). */
    private static void checkHotPartitions(List<Problem> out, HotPartitionsSpec hot) {
        int t = hot.tolerancePercent();
        if (t < HotPartitionsSpec.MIN_TOLERANCE_PERCENT || t > HotPartitionsSpec.MAX_TOLERANCE_PERCENT) {
            out.add(new Problem(Reason.InvalidHotPartitionPolicy, "spec.rebalance.hotPartitions.tolerancePercent is " + t
                    + " but must be " + HotPartitionsSpec.MIN_TOLERANCE_PERCENT + " to "
                    + HotPartitionsSpec.MAX_TOLERANCE_PERCENT + "; below 5 every reading's noise would move leaders"));
        }
        if (hot.minBytesInPerSec() < 0) {
            out.add(new Problem(Reason.InvalidHotPartitionPolicy, "spec.rebalance.hotPartitions.minBytesInPerSec is "
                    + hot.minBytesInPerSec() + " but must be 0 or more"));
        }
    }

    /**
     * Example: {@code local: true} while {@code data-demo-broker-0} and {@code -1} were created as
     * network volumes gives {@code StorageKindIsFixed}: "spec.brokers.storage.local is true but the
     * broker volumes data-demo-broker-0, data-demo-broker-1 were created as network volumes ...; set
     * it back to false".
     */
    private static void checkStorageKind(List<Problem> out, boolean local, Map<String, String> kinds) {
        String was = local ? "network" : "local"; // a value that is neither, written by hand, is no record
        List<String> other = new TreeMap<>(kinds).entrySet().stream().filter(e -> was.equals(e.getValue()))
                .map(Map.Entry::getKey).toList();
        if (other.isEmpty()) {
            return;
        }
        String shown = other.size() > 5 ? String.join(", ", other.subList(0, 5)) + " and " + (other.size() - 5)
                + " more" : String.join(", ", other);
        out.add(new Problem(Reason.StorageKindIsFixed, "spec.brokers.storage.local is " + local + " but "
                + (other.size() == 1 ? "the broker volume " + shown + " was created as a " + was + " volume"
                        : "the broker volumes " + shown + " were created as " + was + " volumes")
                + ", and berth moves, evicts and places every broker by this setting; set it back to " + !local
                + " (brokers on the other kind of storage are a new cluster)"));
    }

    /** The smallest volume berth accepts: a size below 1Mi is a slip (a zero, or m for milli), not a Kafka volume. */
    static final long MIN_VOLUME_BYTES = 1L << 20;

    private static void checkSize(List<Problem> out, String field, String value) {
        int before = out.size();
        checkQuantity(out, field, value);
        if (out.size() == before && Quantity.fromString(value).getNumber().compareTo(java.math.BigDecimal.valueOf(MIN_VOLUME_BYTES)) < 0) {
            out.add(new Problem(Reason.InvalidQuantity, field + " is \"" + value
                    + "\" but a volume must be at least 1Mi; sizes are bytes (a suffix m means thousandths)"));
        }
    }

    private static void checkQuantity(List<Problem> out, String field, String value) {
        try {
            if (value == null) {
                throw new IllegalArgumentException("missing");
            }
            Quantity.fromString(value);
        } catch (RuntimeException e) {
            out.add(new Problem(Reason.InvalidQuantity,
                    field + " is \"" + value + "\" but must be a Kubernetes quantity such as 100Gi"));
        }
    }

    private static void checkClass(List<Problem> out, String field, String name, Set<String> known) {
        if (name != null && !name.isEmpty() && !known.contains(name)) {
            out.add(new Problem(Reason.UnknownStorageClass, field + " names storage class " + name
                    + ", which does not exist; create it or use one of " + new java.util.TreeSet<>(known)));
        }
    }

    private static Long parseLong(String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
