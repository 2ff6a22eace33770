package dev.berth.testbed.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * Where each node of a test cluster lives (id, rack, port, data directory) and how its storage is
 * formatted. Shared by the in-process and the forked cluster; it starts nothing itself.
 *
 * <p>Layout on disk: one temporary root per cluster, {@code controller-<id>/} and
 * {@code broker-<id>/} below it. {@link #delete()} removes the root.
 */
final class ClusterLayout {
    /** One broker slot. The port may change if it was taken while the broker was down. */
    static final class BrokerSlot {
        final int id;
        final String rack;
        final Path dir;
        volatile int port;

        BrokerSlot(int id, String rack, Path dir, int port) {
            this.id = id;
            this.rack = rack;
            this.dir = dir;
            this.port = port;
        }

        String address() {
            return KafkaNodeProperties.LOOPBACK + ":" + port;
        }
    }

    final String clusterId = Uuid.randomUuid().toString();
    final Path root;
    final int controllerId;
    final Path controllerDir;
    volatile int controllerPort;
    final int initialBrokerCount;
    final Map<String, String> brokerOverrides;
    private final Map<Integer, BrokerSlot> brokers = new LinkedHashMap<>();

    ClusterLayout(int controllerId, int initialBrokerCount, Map<String, String> brokerOverrides) {
        try {
            this.root = Files.createTempDirectory("berth-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.controllerId = controllerId;
        this.controllerDir = root.resolve("controller-" + controllerId);
        this.controllerPort = LoopbackPorts.next();
        this.initialBrokerCount = initialBrokerCount;
        this.brokerOverrides = Map.copyOf(brokerOverrides);
    }

    synchronized BrokerSlot addBroker(int id, String rack) {
        if (id == controllerId) {
            throw new IllegalArgumentException("broker id " + id + " collides with the controller's node id");
        }
        if (brokers.containsKey(id)) {
            throw new IllegalArgumentException("broker " + id + " already exists");
        }
        BrokerSlot slot = new BrokerSlot(id, rack, root.resolve("broker-" + id), LoopbackPorts.next());
        brokers.put(id, slot);
        return slot;
    }

    synchronized BrokerSlot broker(int id) {
        BrokerSlot slot = brokers.get(id);
        if (slot == null) {
            throw new IllegalArgumentException("no broker " + id + "; brokers are " + brokers.keySet());
        }
        return slot;
    }

    synchronized List<BrokerSlot> brokers() {
        return List.copyOf(brokers.values());
    }

    synchronized void removeBroker(int id) {
        brokers.remove(id);
    }

    Properties controllerProperties() {
        return KafkaNodeProperties.controller(controllerId, controllerPort, controllerDir);
    }

    Properties brokerProperties(int id) {
        BrokerSlot slot = broker(id);
        return KafkaNodeProperties.broker(id, slot.rack, slot.port, slot.dir,
                KafkaNodeProperties.quorumVoters(controllerId, controllerPort), initialBrokerCount, brokerOverrides);
    }

    /** {@code 127.0.0.1:p1,127.0.0.1:p2,...} of the given slots. */
    static String bootstrap(List<BrokerSlot> slots) {
        return slots.stream().map(BrokerSlot::address).collect(Collectors.joining(","));
    }

    /** Formats one node's directory for this cluster, as {@code kafka-storage.sh format} would. */
    void format(int nodeId, Path dir) {
        try {
            Files.createDirectories(dir);
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(nodeId)
                    .setClusterId(clusterId)
                    .setDirectories(List.of(dir.toString()))
                    .setMetadataLogDirectory(dir.toString())
                    .setControllerListenerName(KafkaNodeProperties.CONTROLLER_LISTENER)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("formatting " + dir + " for node " + nodeId + " failed", e);
        }
    }

    /** Deletes every node's directory. */
    void delete() {
        deleteTree(root);
    }

    static void deleteTree(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // Best effort: a file still open by a dying node; the OS temp cleaner gets the rest.
        }
    }
}
