package dev.berth.operator.observe;

import dev.berth.operator.model.BrokerState;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.DiskSpace;
import dev.berth.operator.model.KafkaObservation;
import dev.berth.operator.model.PartitionState;
import dev.berth.operator.model.QuorumState;
import dev.berth.operator.model.TopicState;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeLogDirsResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.PartitionReassignment;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Reads a live Kafka cluster through the Admin API into an immutable {@link ClusterSnapshot}
 * (read-only: it never changes Kafka).
 *
 * <p>One {@link #observe()} makes at least seven calls: describeCluster (brokers, racks), listTopics
 * (internal topics included), listPartitionReassignments before and after describeTopics (replicas,
 * leader, ISR; the three again, at most twice, while the two lists differ, so that a partition a move
 * is changing counts the move's target toward its topic's replication factor), describeConfigs of
 * every topic ({@code min.insync.replicas}) and describeLogDirs of every broker (sizes). Partition sizes feed the
 * {@link BytesInEstimator}, so call it on an interval to get rates.
 *
 * <p>Usage: {@code try (KafkaObserver o = KafkaObserver.connect("localhost:9092", Clock.systemUTC()))
 * { ClusterSnapshot s = o.snapshot(); }}
 */
public final class KafkaObserver implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(KafkaObserver.class);
    /** How long one Admin call may take before the cluster counts as unreachable. */
    public static final long CALL_TIMEOUT_MS = 5_000;

    private final Admin admin;
    private final Clock clock;
    private final BytesInEstimator estimator;
    /**
     * Partitions a move was changing at the last observation, with the move's target count. A broker's
     * metadata can show a finished move's old and new replicas a moment after no list names it; with
     * this, a one-partition topic (where "the count most partitions have" is that partition's) does not
     * read as RF + 1 then. Only the periodic observer, which sees the moves run, has it.
     */
    private volatile Map<TopicPartition, Integer> lastTargets = Map.of();

    public KafkaObserver(Admin admin, Clock clock) {
        this.admin = admin;
        this.clock = clock;
        this.estimator = new BytesInEstimator(clock);
    }

    /** An observer with its own Admin client for {@code bootstrap} (host:port[,host:port]). */
    public static KafkaObserver connect(String bootstrap, Clock clock) {
        return new KafkaObserver(Admin.create(adminProperties(bootstrap)), clock);
    }

    /** Admin settings: short timeouts, so an unreachable cluster is reported within seconds. */
    public static Properties adminProperties(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(CALL_TIMEOUT_MS));
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "berth-operator");
        return p;
    }

    /** The Admin client this observer reads with (day-2 steps act through the same connection). */
    public Admin admin() {
        return admin;
    }

    /** Reads the cluster. Throws {@link KafkaUnreachableException} when Kafka does not answer in time. */
    public ClusterSnapshot snapshot() {
        return observe().snapshot();
    }

    /**
     * {@link #snapshot()} plus brokers {@code offline} that it does not list, in the racks Kafka registered
     * them with ({@link RegisteredRacks}), else in those of {@code knownRacks} (the racks status remembers):
     * the brokers a drain still plans with while they are down. Kafka before 4.0 cannot list fenced brokers,
     * and a down broker with no rack counted as a rack of its own, so a move could put a second replica of a
     * partition in the rack it really is in.
     */
    public ClusterSnapshot snapshotWith(Set<Integer> offline, java.util.Map<Integer, String> knownRacks) {
        ClusterSnapshot s = snapshot();
        if (offline.isEmpty()) {
            return s;
        }
        java.util.Map<Integer, String> racks = new java.util.TreeMap<>(knownRacks);
        racks.putAll(RegisteredRacks.fenced(admin)); // Kafka's registration wins where it has one
        return s.withBrokers(offline, racks);
    }

    /** Reads the cluster, including the bytes on each broker's log dirs. */
    public KafkaObservation observe() {
        try {
            Collection<Node> nodes = get(admin.describeCluster().nodes());
            List<BrokerState> brokers = nodes.stream()
                    .map(n -> new BrokerState(n.id(), n.rack(), n.host(), n.port()))
                    .sorted(Comparator.comparingInt(BrokerState::id))
                    .toList();
            Set<String> names = get(admin.listTopics(new ListTopicsOptions().listInternal(true)).names());
            // Reassignments listed before and after describeTopics, read again while the two lists differ:
            // a move that ended between describeTopics (its replica list still holding the added replica)
            // and one later list read as a topic of a larger RF, which the spec check then refused.
            Map<TopicPartition, PartitionReassignment> before = reassignments(names);
            Map<String, TopicDescription> described = describe(names);
            Map<TopicPartition, PartitionReassignment> after = reassignments(names);
            for (int again = 0; again < 2 && !before.keySet().equals(after.keySet()); again++) {
                before = after;
                described = describe(names);
                after = reassignments(names);
            }
            Map<TopicPartition, PartitionReassignment> inFlight = new HashMap<>(before);
            inFlight.putAll(after);
            Map<TopicPartition, Integer> recent = lastTargets;
            Map<TopicPartition, Integer> targets = new HashMap<>();
            inFlight.forEach((tp, r) -> targets.put(tp, r.replicas().size() - r.removingReplicas().size()));
            lastTargets = Map.copyOf(targets);
            Map<String, Integer> minIsr = minInsync(names);
            Map<Integer, Long> bytesByBroker = new TreeMap<>();
            Map<Integer, DiskSpace> disks = new TreeMap<>();
            Map<TopicPartition, Long> sizes = logSizes(brokers, bytesByBroker, disks);

            Map<String, Long> sizeByName = new HashMap<>();
            List<PartitionState> rows = new ArrayList<>();
            Map<String, TopicState> topics = new TreeMap<>();
            for (TopicDescription t : described.values()) {
                List<TopicPartitionInfo> ps = t.partitions();
                int rf = replicationFactor(t.name(), ps, inFlight, recent);
                topics.put(t.name(), new TopicState(t.name(), rf, minIsr.getOrDefault(t.name(), 1)));
                for (TopicPartitionInfo p : ps) {
                    Long known = sizes.get(new TopicPartition(t.name(), p.partition()));
                    long size = known == null ? 0 : known;
                    if (known != null) {
                        // an unknown size is no sample: fed as 0, the next real size read as a burst of
                        // produce (a restarted broker's whole log divided by one interval)
                        sizeByName.put(t.name() + "-" + p.partition(), size);
                    }
                    rows.add(new PartitionState(t.name(), p.partition(), ids(p.replicas()),
                            p.leader() == null ? -1 : p.leader().id(), ids(p.isr()), size, 0));
                }
            }
            boolean ratesKnown = estimator.primed();
            Map<String, Double> rates = estimator.update(sizeByName);
            List<PartitionState> partitions = rows.stream()
                    .map(p -> new PartitionState(p.topic(), p.partition(), p.replicas(), p.leader(), p.isr(),
                            p.sizeBytes(), rates.getOrDefault(p.name(), 0.0)))
                    .sorted(Comparator.comparing(PartitionState::topic).thenComparingInt(PartitionState::partition))
                    .toList();
            return new KafkaObservation(new ClusterSnapshot(clock.instant(), brokers, topics, partitions, disks), bytesByBroker,
                    quorum(), ratesKnown);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnreachableException("interrupted", e);
        }
    }

    /**
     * A topic's replication factor: the replica count most of its partitions have (a tie goes to the
     * smaller). A partition that a reassignment moves counts its target (Kafka's list of the move's
     * replicas minus those it removes), whatever describeTopics showed: the union of old and new
     * replicas while the move runs, the target once it ended; both happen when the move ends between
     * the reads. Not the largest count: describeTopics is answered from a broker's copy of the
     * metadata, which can show a move's union for a moment after the controller ended it and no list
     * names it any more, and one such partition made an RF 3 topic read as RF 4 (the spec check then
     * refused a healthy drain, and the planner paused it). A topic whose partitions really differ is
     * still safe: the planner refuses a move it cannot place.
     *
     * <p>Example: [0,1,2] moving to [0,1,3] shows [0,1,3,2] (adding [3], removing [2]) and counts 3,
     * also once describeTopics shows [0,1,3]; counts 3, 3, 4 give RF 3; 3, 4 give 3.
     */
    static int replicationFactor(String topic, List<TopicPartitionInfo> partitions,
            Map<TopicPartition, PartitionReassignment> inFlight) {
        return replicationFactor(topic, partitions, inFlight, Map.of());
    }

    /**
     * @param recent partitions a move was changing at the previous observation, with its target count: one
     *     no list names now that still shows more replicas counts that target (the lag above)
     */
    static int replicationFactor(String topic, List<TopicPartitionInfo> partitions,
            Map<TopicPartition, PartitionReassignment> inFlight, Map<TopicPartition, Integer> recent) {
        Map<Integer, Integer> partitionsByCount = new TreeMap<>();
        for (TopicPartitionInfo p : partitions) {
            TopicPartition tp = new TopicPartition(topic, p.partition());
            PartitionReassignment r = inFlight.get(tp);
            Integer target = recent.get(tp);
            int count = r != null ? r.replicas().size() - r.removingReplicas().size()
                    : target != null ? Math.min(target, p.replicas().size()) : p.replicas().size();
            partitionsByCount.merge(count, 1, Integer::sum);
        }
        int rf = 0;
        int most = 0;
        for (Map.Entry<Integer, Integer> e : partitionsByCount.entrySet()) { // ascending: a tie keeps the smaller
            if (e.getValue() > most) {
                rf = e.getKey();
                most = e.getValue();
            }
        }
        return rf;
    }

    private Map<TopicPartition, PartitionReassignment> reassignments(Set<String> topics) throws InterruptedException {
        return topics.isEmpty() ? Map.of() : get(admin.listPartitionReassignments().reassignments());
    }

    /** The topics still there: one deleted since listTopics is left out ({@link DeletedTopics}). */
    private Map<String, TopicDescription> describe(Set<String> topics) throws InterruptedException {
        return topics.isEmpty() ? Map.of() : existing(admin.describeTopics(topics).topicNameValues());
    }

    private Map<String, Integer> minInsync(Set<String> topics) throws InterruptedException {
        if (topics.isEmpty()) {
            return Map.of();
        }
        List<ConfigResource> resources = topics.stream()
                .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
                .toList();
        Map<ConfigResource, Config> configs = existing(admin.describeConfigs(resources).values());
        Map<String, Integer> out = new HashMap<>();
        configs.forEach((r, c) -> {
            ConfigEntry e = c.get("min.insync.replicas");
            if (e != null && e.value() != null) {
                out.put(r.name(), Integer.parseInt(e.value()));
            }
        });
        return out;
    }

    /**
     * Per-partition size (largest replica) and, into {@code bytesByBroker}, each broker's total; into
     * {@code disks}, each broker's disk, when every log dir that answered reports it.
     */
    private Map<TopicPartition, Long> logSizes(List<BrokerState> brokers, Map<Integer, Long> bytesByBroker,
            Map<Integer, DiskSpace> disks) throws InterruptedException {
        Map<TopicPartition, Long> sizes = new HashMap<>();
        if (brokers.isEmpty()) {
            return sizes;
        }
        DescribeLogDirsResult r = admin.describeLogDirs(brokers.stream().map(BrokerState::id).toList());
        // per broker: one registered broker that does not answer (a network partition, a dead
        // advertised address) must not turn the whole cluster "unreachable"; its bytes stay unknown
        // (BrokerFacts then sums its partitions' sizes)
        Map<Integer, Map<String, LogDirDescription>> all = new TreeMap<>();
        List<String> silent = new ArrayList<>();
        for (Map.Entry<Integer, org.apache.kafka.common.KafkaFuture<Map<String, LogDirDescription>>> e
                : r.descriptions().entrySet()) {
            try {
                all.put(e.getKey(), get(e.getValue()));
            } catch (KafkaUnreachableException x) {
                silent.add(e.getKey() + " (" + x.getMessage() + ")");
            }
        }
        if (!silent.isEmpty()) {
            LOG.warn("describeLogDirs: no answer from brokers {}; their sizes are unknown this time", silent);
        }
        all.forEach((broker, dirs) -> {
            long total = 0;
            for (LogDirDescription d : dirs.values()) {
                if (d.error() != null) {
                    continue;
                }
                for (Map.Entry<TopicPartition, ReplicaInfo> e : d.replicaInfos().entrySet()) {
                    long size = e.getValue().size();
                    total += size;
                    sizes.merge(e.getKey(), size, Math::max);
                }
            }
            bytesByBroker.put(broker, total);
            disk(dirs.values()).ifPresent(d -> disks.put(broker, d));
        });
        return sizes;
    }

    /**
     * The sum of the healthy log dirs' sizes and room; empty when there is none, or one of them does not
     * say (a Kafka before 3.3 answers -1, which the client turns into an empty OptionalLong).
     */
    static java.util.Optional<DiskSpace> disk(Collection<LogDirDescription> dirs) {
        long total = 0;
        long usable = 0;
        boolean any = false;
        for (LogDirDescription d : dirs) {
            if (d.error() != null) {
                continue;
            }
            if (d.totalBytes().isEmpty() || d.usableBytes().isEmpty()) {
                return java.util.Optional.empty();
            }
            total += d.totalBytes().getAsLong();
            usable += d.usableBytes().getAsLong();
            any = true;
        }
        return any ? java.util.Optional.of(new DiskSpace(total, usable)) : java.util.Optional.empty();
    }

    /**
     * The metadata quorum, best effort: a cluster whose quorum cannot be described (an error, a
     * timeout) is still observed, with {@link QuorumState#UNKNOWN}, since nothing but the controllers'
     * status rows reads it from here (the controller roll reads its own, fresh).
     */
    private QuorumState quorum() throws InterruptedException {
        try {
            return QuorumReader.of(get(admin.describeMetadataQuorum().quorumInfo()));
        } catch (KafkaUnreachableException e) {
            return QuorumState.UNKNOWN;
        }
    }

    private static List<Integer> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).collect(Collectors.toList());
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> f) throws InterruptedException {
        try {
            return f.get(CALL_TIMEOUT_MS + 1_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw unreachable(e);
        }
    }

    private static <K, T> Map<K, T> existing(Map<K, org.apache.kafka.common.KafkaFuture<T>> futures)
            throws InterruptedException {
        try {
            return DeletedTopics.without(futures, CALL_TIMEOUT_MS + 1_000);
        } catch (ExecutionException | TimeoutException e) {
            throw unreachable(e);
        }
    }

    /** A failed call as the cluster's unreachability: Kafka's error, or how long it did not answer. */
    private static KafkaUnreachableException unreachable(Exception e) {
        if (e instanceof TimeoutException) {
            return new KafkaUnreachableException("no answer within " + (CALL_TIMEOUT_MS + 1_000) + " ms", e);
        }
        Throwable cause = e.getCause() == null ? e : e.getCause();
        return new KafkaUnreachableException(cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause);
    }

    @Override
    public void close() {
        admin.close(java.time.Duration.ofSeconds(2));
    }
}
