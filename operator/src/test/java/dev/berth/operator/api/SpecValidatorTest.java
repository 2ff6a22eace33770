package dev.berth.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.api.SpecValidator.Problem;
import dev.berth.operator.api.SpecValidator.Reason;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SpecValidatorTest {
    static final KafkaClusterSpec BASE = KafkaClusterSpec.defaults(); // 3 brokers, default classes

    record Row(KafkaClusterSpec spec, Map<String, Integer> topics, Set<String> classes, List<Problem> expected) {}

    static KafkaClusterSpec config(Map<String, String> c) {
        return BASE.withConfig(c);
    }

    static KafkaClusterSpec brokerStorage(StorageSpec s) {
        return BASE.withBrokers(BASE.brokers().withStorage(s));
    }

    static KafkaClusterSpec resources(Map<String, String> requests, Map<String, String> limits) {
        BrokersSpec b = BASE.brokers();
        return BASE.withBrokers(new BrokersSpec(b.replicas(), b.storage(), new ResourcesSpec(requests, limits), b.remove()));
    }

    @Test
    void aStorageBlockWithoutASizeKeepsItsOwnersDefault() {
        StorageSpec onlyClass = new StorageSpec(null, "local-nvme", true);
        assertThat(new BrokersSpec(null, onlyClass, null, null).storage()).isEqualTo(new StorageSpec("100Gi", "local-nvme", true));
        assertThat(new ControllersSpec(null, onlyClass).storage()).isEqualTo(new StorageSpec("10Gi", "local-nvme", true));
        assertThat(new BrokersSpec(null, null, null, null).storage()).isEqualTo(new StorageSpec("100Gi", null, false));
        assertThat(new BrokersSpec(null, new StorageSpec("2Ti", null, null), null, null).storage().size()).isEqualTo("2Ti");
    }

    @Test
    void aNullConfigValueIsAKeyTakenOut() {
        Map<String, String> config = new java.util.HashMap<>(Map.of("log.retention.hours", "48"));
        config.put("log.retention.ms", null); // a merge patch's null, on a server that keeps it
        assertThat(KafkaClusterSpec.defaults().withConfig(config).config())
                .containsExactly(Map.entry("log.retention.hours", "48"));
    }

    @Test
    void refusesWhatKafkaOrKubernetesCannotApply() {
        Row[] rows = {
            new Row(BASE, Map.of("orders", 3), Set.of("standard"), List.of()), // defaults are valid
            new Row(BASE, null, null, List.of()), // Kafka and storage classes unknown: those checks are skipped
            new Row(BASE, Map.of("orders", 4), null, List.of(new Problem(Reason.ReplicationFactorExceedsBrokers,
                    "topic orders has replication factor 4 but spec.brokers.replicas is 3; set replicas to at least 4"
                            + " or lower the topic's replication factor"))), // one broker short
            new Row(config(Map.of("node.id", "1", "listeners", "X://:1")), null, null, List.of(new Problem(
                    Reason.ConfigKeyOwnedByBerth, "spec.config sets listeners, node.id, which berth manages itself;"
                            + " remove them"))),
            new Row(config(Map.of("security.inter.broker.protocol", "PLAINTEXT")), null, null, List.of(new Problem(
                    Reason.ConfigKeyOwnedByBerth, "spec.config sets security.inter.broker.protocol, which berth manages"
                            + " itself; remove it"))), // Kafka will not start with it beside inter.broker.listener.name
            new Row(config(Map.of("log.dirs ", "/tmp/x")), null, null, List.of(new Problem(Reason.InvalidConfigKey,
                    "spec.config has the key \"log.dirs \", which is not a Kafka configuration name (letters, digits, '.', "
                            + "'_' and '-'); fix or remove it"))), // Properties would trim it into berth's own log.dirs
            new Row(config(Map.of("listener.name.internal.ssl.key_password-2", "x")), null, null, List.of()), // a valid name
            new Row(config(Map.of("num.partitions", "six")), null, null, List.of(new Problem(Reason.InvalidConfigValue,
                    "spec.config.num.partitions is \"six\" but must be an integer"))),
            new Row(config(Map.of("auto.create.topics.enable", "yes")), null, null, List.of(new Problem(
                    Reason.InvalidConfigValue, "spec.config.auto.create.topics.enable is \"yes\" but must be true or false"))),
            new Row(config(Map.of("min.insync.replicas", "3")), null, null, List.of()), // equal to brokers: allowed
            new Row(config(Map.of("default.replication.factor", "4")), null, null, List.of(new Problem(
                    Reason.ReplicationFactorExceedsBrokers, "spec.config.default.replication.factor is 4 but"
                            + " spec.brokers.replicas is 3; lower it or add brokers"))), // just above the broker count
            new Row(brokerStorage(new StorageSpec("lots", null, false)), null, null, List.of(new Problem(
                    Reason.InvalidQuantity, "spec.brokers.storage.size is \"lots\" but must be a Kubernetes quantity"
                            + " such as 100Gi"))),
            new Row(brokerStorage(new StorageSpec("1.5Ti", "gold", true)), null, Set.of("standard"), List.of(new Problem(
                    Reason.UnknownStorageClass, "spec.brokers.storage.storageClassName names storage class gold, which"
                            + " does not exist; create it or use one of [standard]"))),
            new Row(brokerStorage(new StorageSpec("1.5Ti", "gold", true)), null, Set.of("gold"), List.of()), // class exists
            new Row(BASE.withBrokers(BASE.brokers().withRemove(List.of(1000))), null, null, List.of(new Problem(
                    Reason.InvalidBrokerId, "spec.brokers.remove names 1000 but broker ids are 0..999"))), // controller range
            new Row(BASE.withBrokers(BASE.brokers().withRemove(List.of(-1))), null, null, List.of(new Problem(
                    Reason.InvalidBrokerId, "spec.brokers.remove names -1 but broker ids are 0..999"))), // below the range
            new Row(BASE.withBrokers(BASE.brokers().withRemove(List.of(0, 999))), null, null, List.of()), // both ends allowed
            new Row(BASE.withControllers(new ControllersSpec(3, new StorageSpec("10 Gi", null, false))), null, null,
                    List.of(new Problem(Reason.InvalidQuantity, "spec.controllers.storage.size is \"10 Gi\" but must be a"
                            + " Kubernetes quantity such as 100Gi"))), // the controllers' volume is checked too
            new Row(BASE.withControllers(new ControllersSpec(3, new StorageSpec("10Gi", "fast", false))), null,
                    Set.of("standard"), List.of(new Problem(Reason.UnknownStorageClass, "spec.controllers.storage"
                            + ".storageClassName names storage class fast, which does not exist; create it or use one of"
                            + " [standard]"))),
            new Row(resources(Map.of("cpu", "2", "memory", "eight"), Map.of("memory", "8GB")), null, null, List.of(
                    new Problem(Reason.InvalidQuantity, "spec.brokers.resources.requests.memory is \"eight\" but must be"
                            + " a Kubernetes quantity such as 100Gi"),
                    new Problem(Reason.InvalidQuantity, "spec.brokers.resources.limits.memory is \"8GB\" but must be"
                            + " a Kubernetes quantity such as 100Gi"))), // GB is not a suffix: G or Gi
            new Row(resources(Map.of("cpu", "500m", "memory", "8Gi"), Map.of("memory", "8Gi")), null, null, List.of()),
            new Row(resources(Map.of("cpu", "500m", "memory", "8Gi"), Map.of("memory", "8G")), null, null, List.of(
                    new Problem(Reason.InvalidQuantity, "spec.brokers.resources.requests.memory is 8Gi, above its limit"
                            + " 8G; Kubernetes refuses such a pod: raise the limit or lower the request"))), // 8Gi > 8G
            new Row(resources(Map.of("cpu", "-1", "nvidia.com/gpu", "1", "hugepages-2Mi", "1Gi"), Map.of("cpus", "2")),
                    null, null, List.of(new Problem(Reason.InvalidQuantity,
                            "spec.brokers.resources.requests.cpu is -1 but may not be negative"),
                            new Problem(Reason.InvalidPodField, "spec.brokers.resources.limits.cpus is no"
                            + " resource Kubernetes knows: use cpu, memory, ephemeral-storage, hugepages-<size> or a name"
                            + " with a domain, such as nvidia.com/gpu"))),
            new Row(new KafkaClusterSpec("4.4.0", " apache/kafka:4.4.0", null, null, null,
                    new PlacementSpec("Berth_Scheduler", "zone label"), null), null, null, List.of(
                    new Problem(Reason.InvalidPodField, "spec.image is \" apache/kafka:4.4.0\", with blanks around it,"
                            + " which Kubernetes refuses in a pod; remove them"),
                    new Problem(Reason.InvalidPodField, "spec.placement.schedulerName is \"Berth_Scheduler\" but a"
                            + " scheduler name is a lowercase DNS subdomain (letters, digits, '-' and '.'), such as"
                            + " berth-scheduler"),
                    new Problem(Reason.InvalidPodField, "spec.placement.rackLabel is \"zone label\" but a label key is an"
                            + " optional DNS subdomain and '/' before a name of at most 63 letters, digits, '-', '_' and"
                            + " '.', such as topology.kubernetes.io/zone"))),
            new Row(new KafkaClusterSpec("4.4.0", null, null, null, null, new PlacementSpec("my.scheduler-2", "rack"), null),
                    null, null, List.of()), // a subdomain, and a label key without a prefix
            new Row(new KafkaClusterSpec("3.8.1", null, null, null, null, null, null), null, null, List.of(new Problem(
                    Reason.UnsupportedKafkaVersion, "spec.kafkaVersion is 3.8.1 but berth runs Kafka 3.9 or later (its"
                            + " controllers advertise their listener, which Kafka before 3.9 refuses); use 3.9.0 or later"))),
            new Row(new KafkaClusterSpec("3.9.0", null, null, null, null, null, null), null, null, List.of()),
            new Row(config(Map.of("auto.create.topics.enable", "True")), null, null, List.of()), // Kafka ignores the case
            new Row(BASE.withControllers(new ControllersSpec(3, null, new ResourcesSpec(Map.of("memory", "2Gi", "cpu",
                    "lots"), Map.of("memory", "1Gi")))), null, null, List.of(new Problem(Reason.InvalidQuantity,
                    "spec.controllers.resources.requests.cpu is \"lots\" but must be a Kubernetes quantity such as 100Gi"),
                    new Problem(Reason.InvalidQuantity, "spec.controllers.resources.requests.memory is 2Gi, above its limit"
                            + " 1Gi; Kubernetes refuses such a pod: raise the limit or lower the request"))), // controllers too
            new Row(brokerStorage(new StorageSpec("0", null, false)), null, null, List.of(new Problem(
                    Reason.InvalidQuantity, "spec.brokers.storage.size is \"0\" but a volume must be at least 1Mi; sizes are"
                            + " bytes (a suffix m means thousandths)"))),
            new Row(brokerStorage(new StorageSpec("100m", null, false)), null, null, List.of(new Problem(
                    Reason.InvalidQuantity, "spec.brokers.storage.size is \"100m\" but a volume must be at least 1Mi; sizes"
                            + " are bytes (a suffix m means thousandths)"))), // 0.1 byte, a slip for 100Mi
            new Row(brokerStorage(new StorageSpec("1Mi", null, false)), null, null, List.of()), // the smallest accepted
            new Row(brokerStorage(new StorageSpec(null, "local-nvme", true)), null, Set.of("local-nvme"), List.of()),
            new Row(hot(4, 0L), null, null, List.of(new Problem(Reason.InvalidHotPartitionPolicy,
                    "spec.rebalance.hotPartitions.tolerancePercent is 4 but must be 5 to 1000; below 5 every reading's"
                            + " noise would move leaders"))), // just below the range
            new Row(hot(1001, -1L), null, null, List.of(new Problem(Reason.InvalidHotPartitionPolicy,
                    "spec.rebalance.hotPartitions.tolerancePercent is 1001 but must be 5 to 1000; below 5 every reading's"
                            + " noise would move leaders"), new Problem(Reason.InvalidHotPartitionPolicy,
                    "spec.rebalance.hotPartitions.minBytesInPerSec is -1 but must be 0 or more"))),
            new Row(hot(5, 0L), null, null, List.of()), // both lower ends allowed
            new Row(hot(1000, null), null, null, List.of()), // the upper end, and the default minimum
            new Row(diskReserve(-1), null, null, List.of(new Problem(Reason.InvalidDiskReserve,
                    "spec.rebalance.minFreeDiskPercent is -1 but must be 0 to 99 (percent of each broker's disk a data"
                            + " move leaves free)"))),
            new Row(diskReserve(100), null, null, List.of(new Problem(Reason.InvalidDiskReserve,
                    "spec.rebalance.minFreeDiskPercent is 100 but must be 0 to 99 (percent of each broker's disk a data"
                            + " move leaves free)"))),
            new Row(diskReserve(0), null, null, List.of()),
            new Row(diskReserve(99), null, null, List.of()),
        };
        for (Row r : rows) {
            assertThat(SpecValidator.validate(r.spec(), r.topics(), r.classes())).as("%s", r.spec().config())
                    .containsExactlyElementsOf(r.expected());
        }
    }

    private static KafkaClusterSpec diskReserve(int percent) {
        return new KafkaClusterSpec(null, null, null, null, null, null, new RebalanceSpec(null, null, null, percent));
    }

    private static KafkaClusterSpec hot(int tolerancePercent, Long minBytesIn) {
        return new KafkaClusterSpec(null, null, null, null, null, null, new RebalanceSpec(null, null,
                new HotPartitionsSpec(null, tolerancePercent, minBytesIn)));
    }

    /** A static KRaft quorum: the controller count the cluster was created with stays. */
    @org.junit.jupiter.api.Test
    void theControllerCountIsFixedOnceTheClusterExists() {
        KafkaClusterSpec three = BASE.withControllers(new ControllersSpec(3, null));
        assertThat(SpecValidator.validate(three, null, null, (Integer) null)).isEmpty(); // not created yet: any count
        assertThat(SpecValidator.validate(three, null, null, 3)).isEmpty();
        assertThat(SpecValidator.validate(BASE.withControllers(new ControllersSpec(5, null)), null, null, 3))
                .containsExactly(new Problem(Reason.ControllerQuorumIsFixed, "spec.controllers.replicas is 5 but the "
                        + "cluster was created with 3 controllers, and its KRaft quorum is fixed; set it back to 3"));
        assertThat(SpecValidator.validate(BASE.withControllers(new ControllersSpec(1, null)), null, null, 3))
                .extracting(Problem::reason).containsExactly(Reason.ControllerQuorumIsFixed);
    }

    /** The brokers' kind of storage, as their claims record it, stays: each row is a spec's flag against the claims. */
    @org.junit.jupiter.api.Test
    void theBrokersKindOfStorageIsFixedWhileTheirVolumesExist() {
        record Row(boolean local, Map<String, String> kinds, List<Problem> expected) {}
        KafkaClusterSpec network = brokerStorage(new StorageSpec("10Gi", null, false));
        KafkaClusterSpec local = brokerStorage(new StorageSpec("10Gi", null, true));
        Row[] rows = {
            new Row(false, Map.of(), List.of()), // nothing created yet: either kind
            new Row(true, Map.of(), List.of()),
            new Row(false, Map.of("data-demo-broker-0", "network", "data-demo-broker-1", "network"), List.of()),
            new Row(true, Map.of("data-demo-broker-0", "local"), List.of()),
            new Row(true, Map.of("data-demo-broker-0", "network"), List.of(new Problem(Reason.StorageKindIsFixed,
                    "spec.brokers.storage.local is true but the broker volume data-demo-broker-0 was created as a network"
                            + " volume, and berth moves, evicts and places every broker by this setting; set it back to"
                            + " false (brokers on the other kind of storage are a new cluster)"))),
            new Row(false, Map.of("data-demo-broker-1", "local", "data-demo-broker-0", "local", "data-demo-broker-2",
                    "network"), List.of(new Problem(Reason.StorageKindIsFixed, "spec.brokers.storage.local is false but"
                            + " the broker volumes data-demo-broker-0, data-demo-broker-1 were created as local volumes,"
                            + " and berth moves, evicts and places every broker by this setting; set it back to true"
                            + " (brokers on the other kind of storage are a new cluster)"))),
            new Row(true, Map.of("data-demo-broker-0", "ssd"), List.of()), // a hand-written value is no record
        };
        for (Row r : rows) {
            assertThat(SpecValidator.validate(r.local() ? local : network, null, null,
                    new SpecValidator.Created(null, r.kinds()))).as("%s %s", r.local(), r.kinds())
                    .containsExactlyElementsOf(r.expected());
        }
        Map<String, String> seven = new java.util.TreeMap<>();
        for (int i = 0; i < 7; i++) {
            seven.put("data-demo-broker-" + i, "network");
        }
        assertThat(SpecValidator.validate(local, null, null, new SpecValidator.Created(3, seven))).singleElement()
                .extracting(Problem::message).asString().contains("volumes data-demo-broker-0, data-demo-broker-1,"
                        + " data-demo-broker-2, data-demo-broker-3, data-demo-broker-4 and 2 more were created as network");
    }

    /**
     * The integer table against Kafka's own broker ConfigDef: for every key, each value around the
     * bounds is refused by berth exactly when Kafka would refuse it at broker start (the type's range
     * and the validator). {@code default.replication.factor} is berth's own bound, Kafka has none.
     */
    @Test
    void integerSettingsAreRefusedExactlyWhenKafkasConfigDefRefusesThem() {
        var def = org.apache.kafka.server.config.AbstractKafkaConfig.CONFIG_DEF;
        for (var e : SpecValidator.INT_KEYS.entrySet()) {
            var key = def.configKeys().get(e.getKey());
            assertThat(key).as(e.getKey() + " is a Kafka broker setting").isNotNull();
            if (e.getKey().equals("default.replication.factor")) {
                continue;
            }
            long min = e.getValue().min();
            long max = e.getValue().max();
            for (long v : new long[] {min, max, min == Long.MIN_VALUE ? min : min - 1, max == Long.MAX_VALUE ? max : max + 1, 0, 1, -1}) {
                boolean kafka = kafkaAccepts(key, e.getKey(), Long.toString(v));
                boolean berth = SpecValidator.validate(BASE.withConfig(Map.of(e.getKey(), Long.toString(v))), null, null)
                        .stream().noneMatch(p -> p.reason() == Reason.InvalidConfigValue);
                assertThat(berth).as("%s = %d (Kafka %s)", e.getKey(), v, kafka ? "accepts" : "refuses").isEqualTo(kafka);
            }
        }
        for (String b : SpecValidator.BOOLEAN_KEYS) {
            assertThat(def.configKeys().get(b).type).as(b).isEqualTo(org.apache.kafka.common.config.ConfigDef.Type.BOOLEAN);
        }
    }

    private static boolean kafkaAccepts(org.apache.kafka.common.config.ConfigDef.ConfigKey key, String name, String value) {
        try {
            Object parsed = org.apache.kafka.common.config.ConfigDef.parseType(name, value, key.type);
            if (key.validator != null) {
                key.validator.ensureValid(name, parsed);
            }
            return true;
        } catch (org.apache.kafka.common.config.ConfigException e) {
            return false;
        }
    }

    /** Every owned object's name starts with the cluster's: names its pods' hostnames and Services cannot take. */
    @Test
    void aNameItsPodsAndServicesCannotTakeIsRefusedWithWhatToUse() {
        String fifty = "a".repeat(50);
        record Row(String name, boolean fits) {}
        for (Row r : List.of(new Row("demo", true), new Row("orders-eu-1", true), new Row("a", true),
                new Row(fifty, true), // demo-controller-4 style names then have 63 characters: a DNS label's most
                new Row(fifty + "b", false), new Row("1st", false), // a Service name starts with a letter
                new Row("kafka.prod", false), new Row("trailing-", false))) {
            Problem p = SpecValidator.name(r.name());
            if (r.fits()) {
                assertThat(p).as(r.name()).isNull();
            } else {
                assertThat(p).as(r.name()).isNotNull();
                assertThat(p.reason()).isEqualTo(Reason.InvalidName);
            }
        }
        assertThat(SpecValidator.name("kafka.prod").message()).isEqualTo(
                "metadata.name \"kafka.prod\" cannot name its pods and Services: use at most 50 lowercase letters,"
                        + " digits and '-', starting with a letter and not ending with '-' (a name cannot be changed:"
                        + " create the cluster again under a new name)");
    }
}
