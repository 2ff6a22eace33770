package dev.berth.testbed.kafka;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.utils.Time;

/**
 * A real KRaft Kafka cluster inside the test JVM, on loopback: dedicated controllers
 * ({@code process.roles=controller}; one unless {@code controllers(n)} asks for a quorum) and
 * brokers with caller-chosen ids and {@code broker.rack}.
 * Each node is the same {@link KafkaRaftServer} that {@code kafka.Kafka} runs, on a storage directory
 * formatted by Kafka's own {@code Formatter}.
 *
 * <p>Share one cluster per test class (it starts in about 3 s):
 * <pre>{@code
 * static KafkaTestCluster kafka;
 * @BeforeAll static void startKafka() { kafka = KafkaTestCluster.builder().broker(0, "a").broker(1, "b").start(); }
 * @AfterAll static void stopKafka() { kafka.close(); }
 * ... KafkaAwait.createTopic(kafka.admin(), "t", 3, (short) 2); kafka.restartBroker(1); ...
 * }</pre>
 *
 * <p>Operations: stop and restart a broker on its own data directory (and its port when still free),
 * stop and restart a controller (same directory and port),
 * add a broker to the running cluster, stop a broker and unregister it. Every operation returns once
 * Kafka itself reports the result ({@code describeCluster} polled through the shared {@link #admin()}).
 * Settings and their reasons: {@code KafkaNodeProperties}. A crash (SIGKILL) cannot be had in-process:
 * use {@link KafkaClusterBuilder#startForked()} for that.
 */
public final class KafkaTestCluster implements AutoCloseable {
    private static final int BIND_ATTEMPTS = 4;

    private final ClusterLayout layout;
    private final Map<Integer, KafkaRaftServer> running = new ConcurrentHashMap<>();
    private final Thread cleanupOnExit;
    /** Running controllers by node id. */
    private final Map<Integer, KafkaRaftServer> controllers = new ConcurrentHashMap<>();
    private volatile SharedAdmin admin;
    /** How many exit requests the JVM's guard held before this cluster started: earlier ones are other clusters'. */
    private final int exitsBefore;

    private KafkaTestCluster(ClusterLayout layout) {
        this.layout = layout;
        this.exitsBefore = KafkaExitGuard.requests().size();
        this.cleanupOnExit = new Thread(layout::delete, "kafka-test-cluster-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanupOnExit);
    }

    public static KafkaClusterBuilder builder() {
        return new KafkaClusterBuilder();
    }

    static KafkaTestCluster start(KafkaClusterBuilder spec) {
        KafkaExitGuard.install();
        KafkaTestCluster cluster = new KafkaTestCluster(
                new ClusterLayout(spec.controllerId, spec.controllerCount, spec.brokers.size(), spec.brokerOverrides));
        cluster.layout.controllerOverrides = Map.copyOf(spec.controllerOverrides);
        try {
            spec.brokers.forEach(cluster.layout::addBroker);
            cluster.layout.controllers.forEach(c -> cluster.layout.format(c.id, c.dir));
            cluster.layout.brokers().forEach(b -> cluster.layout.format(b.id, b.dir));
            // in parallel: with several voters each waits for the others' votes
            List<CompletableFuture<Void>> controllersUp = new ArrayList<>();
            for (ClusterLayout.ControllerSlot c : cluster.layout.controllers) {
                controllersUp.add(CompletableFuture.runAsync(() -> cluster.startController(c.id), command -> {
                    Thread thread = new Thread(command, "start-controller-" + c.id);
                    thread.setDaemon(true);
                    thread.start();
                }));
            }
            CompletableFuture.allOf(controllersUp.toArray(CompletableFuture[]::new)).join();
            List<CompletableFuture<Void>> starting = new ArrayList<>();
            for (ClusterLayout.BrokerSlot slot : cluster.layout.brokers()) {
                starting.add(CompletableFuture.runAsync(() -> cluster.startBroker(slot.id), command -> {
                    Thread thread = new Thread(command, "start-broker-" + slot.id);
                    thread.setDaemon(true);
                    thread.start();
                }));
            }
            CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new)).join();
            if (!cluster.running.isEmpty()) {
                KafkaAwait.awaitRegisteredBrokers(cluster.admin(), cluster.brokerIds());
            }
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e instanceof CompletionException && e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** Admin client settings: short timeouts so that a broken bed fails a test quickly. */
    static Map<String, Object> adminConfig(String bootstrap) {
        return Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000,
                AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 100,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
    }

    /** {@code 127.0.0.1:port,...} of the running brokers. */
    public String bootstrapServers() {
        List<ClusterLayout.BrokerSlot> up = new ArrayList<>();
        for (ClusterLayout.BrokerSlot slot : layout.brokers()) {
            if (running.containsKey(slot.id)) {
                up.add(slot);
            }
        }
        return ClusterLayout.bootstrap(up);
    }

    /**
     * One Admin shared by the tests of this cluster; closed with the cluster. Do not close it.
     * Created on first use (a cluster started without brokers has nothing to bootstrap from).
     */
    public synchronized Admin admin() {
        if (admin == null) {
            if (running.isEmpty()) {
                throw new IllegalStateException("no broker is running: add one before asking for an Admin");
            }
            admin = new SharedAdmin(() -> Admin.create(adminConfig(bootstrapServers())));
        }
        return admin.handle();
    }

    public String clusterId() {
        return layout.clusterId;
    }

    /** The first controller's node id (the only one's, unless built with {@code controllers(n)}). */
    public int controllerId() {
        return layout.controllerId;
    }

    /** Every controller's node id, running or stopped. */
    public Set<Integer> controllerIds() {
        Set<Integer> ids = new TreeSet<>();
        layout.controllers.forEach(c -> ids.add(c.id));
        return ids;
    }

    public Set<Integer> runningControllerIds() {
        return new TreeSet<>(controllers.keySet());
    }

    /** Shuts one controller down; the quorum elects another leader when it led and a majority is left. */
    public void stopController(int id) {
        layout.controller(id);
        KafkaRaftServer server = controllers.remove(id);
        if (server == null) {
            throw new IllegalStateException("controller " + id + " is not running");
        }
        server.shutdown();
        server.awaitShutdown();
    }

    /**
     * Starts a controller again on its data directory and port (the other nodes' static quorum names
     * that port), stopping it first if it runs. It returns once the node runs; it catches up with the
     * quorum by itself (see {@code describeMetadataQuorum}).
     */
    public void restartController(int id) {
        if (controllers.containsKey(id)) {
            stopController(id);
        }
        startController(id);
    }

    /** Broker ids of this cluster, running or stopped, minus those unregistered. */
    public Set<Integer> brokerIds() {
        Set<Integer> ids = new TreeSet<>();
        layout.brokers().forEach(b -> ids.add(b.id));
        return ids;
    }

    public Set<Integer> runningBrokerIds() {
        return new TreeSet<>(running.keySet());
    }

    /** broker id -> rack, as configured. */
    public Map<Integer, String> racks() {
        Map<Integer, String> racks = new TreeMap<>();
        layout.brokers().forEach(b -> racks.put(b.id, b.rack));
        return racks;
    }

    /** The broker's {@code log.dirs} (also its metadata log directory). */
    public Path dataDir(int brokerId) {
        return layout.broker(brokerId).dir;
    }

    /** {@code 127.0.0.1:port} of one broker. */
    public String address(int brokerId) {
        return layout.broker(brokerId).address();
    }

    /**
     * Kafka's requests to exit or halt the JVM that the bed refused since this cluster started (empty
     * when healthy). The guard is the JVM's, so a cluster of an earlier test class that halted while
     * it was torn down is not counted against this one.
     */
    public List<String> fatalExits() {
        List<String> all = KafkaExitGuard.requests();
        return all.subList(Math.min(exitsBefore, all.size()), all.size());
    }

    /** Shuts a broker down cleanly (controlled shutdown moves its leaderships away first). */
    public void stopBroker(int id) {
        layout.broker(id);
        KafkaRaftServer server = running.remove(id);
        if (server == null) {
            throw new IllegalStateException("broker " + id + " is not running");
        }
        server.shutdown();
        server.awaitShutdown();
    }

    /**
     * Starts a broker again on its data directory, stopping it first if it runs, and waits until it is
     * registered and unfenced. Its replicas then catch up and rejoin the ISR by themselves (wait with
     * {@link KafkaAwait#awaitFullIsr}).
     */
    public void restartBroker(int id) {
        if (running.containsKey(id)) {
            stopBroker(id);
        }
        startBroker(id);
        awaitRunningRegistered();
    }

    /** Adds a new broker to the running cluster and waits until it is registered. */
    public void addBroker(int id, String rack) {
        ClusterLayout.BrokerSlot slot = layout.addBroker(id, rack);
        layout.format(slot.id, slot.dir);
        startBroker(id);
        awaitRunningRegistered();
    }

    /**
     * Adds a broker that registers with the controller but advertises an address nobody listens on,
     * as a broker behind a network partition looks to clients: describeCluster lists it, and every
     * request sent to it times out. Give it no replicas (it cannot serve them).
     */
    public void addUnreachableBroker(int id, String rack) {
        ClusterLayout.BrokerSlot slot = layout.addBroker(id, rack);
        layout.format(slot.id, slot.dir);
        int nobody = LoopbackPorts.next();
        running.put(id, startNode("broker " + id, () -> {
            Properties p = layout.brokerProperties(id);
            p.setProperty("advertised.listeners", KafkaNodeProperties.BROKER_LISTENER + "://127.0.0.1:" + nobody);
            return p;
        }, () -> slot.port = LoopbackPorts.next()));
        awaitRunningRegistered();
    }

    /**
     * Stops a broker and removes its registration ({@code Admin.unregisterBroker}), as scale-down does
     * once the broker is empty; waits until {@code describeCluster} no longer lists it. Its data
     * directory is kept until {@link #close()}.
     */
    public void stopAndUnregister(int id) {
        if (running.containsKey(id)) {
            stopBroker(id);
        }
        KafkaAwait.polling("unregister broker " + id)
                .until(() -> {
                    KafkaAwait.get(admin().unregisterBroker(id).all());
                    return true;
                });
        // The controller has committed the unregistration; the broker answering describeCluster
        // may apply it a moment later. A stopped broker is already absent from the default view
        // (it is fenced), so wait on the view that includes fenced brokers.
        KafkaAwait.polling("broker " + id + " gone from describeCluster, fenced brokers included")
                .until(() -> !KafkaAwait.registrationsIncludingFenced(admin()).containsKey(id));
        layout.removeBroker(id);
        awaitRunningRegistered();
    }

    /** Waits until describeCluster lists exactly the running brokers. */
    public void awaitRunningRegistered() {
        KafkaAwait.awaitRegisteredBrokers(admin(), running.keySet());
    }

    /** Waits until every partition of the topic has a leader and a full ISR. */
    public void awaitFullIsr(String topic) {
        KafkaAwait.awaitFullIsr(admin(), topic);
    }

    private void startController(int id) {
        ClusterLayout.ControllerSlot slot = layout.controller(id);
        // a lone controller may move to another port (brokers start after it); one of several may not
        Runnable newPort = layout.controllers.size() == 1 ? () -> slot.port = LoopbackPorts.next() : () -> { };
        controllers.put(id, startNode("controller " + id, () -> layout.controllerProperties(id), newPort));
    }

    private void startBroker(int id) {
        ClusterLayout.BrokerSlot slot = layout.broker(id);
        int before = slot.port;
        if (!LoopbackPorts.isFree(slot.port)) {
            slot.port = LoopbackPorts.next();
        }
        running.put(id, startNode("broker " + id, () -> layout.brokerProperties(id), () -> slot.port = LoopbackPorts.next()));
        SharedAdmin shared = admin;
        if (slot.port != before && shared != null) {
            shared.renew();
        }
    }

    /** Starts one node; when its port was taken in the meantime, takes another and tries again. */
    private static KafkaRaftServer startNode(String name, java.util.function.Supplier<Properties> properties,
                                             Runnable newPort) {
        RuntimeException last = null;
        for (int attempt = 1; attempt <= BIND_ATTEMPTS; attempt++) {
            KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(properties.get(), false), Time.SYSTEM);
            try {
                server.startup();
                return server;
            } catch (RuntimeException e) {
                last = e;
                shutdownQuietly(server);
                if (!LoopbackPorts.isBindFailure(e)) {
                    break;
                }
                newPort.run();
            }
        }
        throw new IllegalStateException(name + " failed to start", last);
    }

    private static void shutdownQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException ignored) {
            // It never fully started; what matters is that its sockets and threads are released.
        }
    }

    /** Stops every node (brokers first, in parallel, then the controllers) and deletes the directories. */
    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
        List<CompletableFuture<Void>> stopping = new ArrayList<>();
        for (Integer id : new ArrayList<>(running.keySet())) {
            KafkaRaftServer server = running.remove(id);
            stopping.add(CompletableFuture.runAsync(() -> shutdownQuietly(server), command -> {
                Thread thread = new Thread(command, "stop-broker-" + id);
                thread.setDaemon(true);
                thread.start();
            }));
        }
        CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new)).join();
        for (Integer id : new ArrayList<>(controllers.keySet())) {
            shutdownQuietly(controllers.remove(id));
        }
        layout.delete();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
        } catch (IllegalStateException alreadyExiting) {
            // The hook runs anyway.
        }
    }
}
