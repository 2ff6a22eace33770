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

    /**
     * One controller slot. Its port is fixed once a second controller exists: every node's static
     * {@code controller.quorum.voters} names it.
     */
    static final class ControllerSlot {
        final int id;
        final Path dir;
        volatile int port;

        ControllerSlot(int id, Path dir, int port) {
            this.id = id;
            this.dir = dir;
            this.port = port;
        }
    }

    final String clusterId = Uuid.randomUuid().toString();
    final Path root;
    /** The first controller's id (the only one's, in a bed of one). */
    final int controllerId;
    final Path controllerDir;
    /** Controllers {@code controllerId, controllerId + 1, ...}, in id order. */
    final List<ControllerSlot> controllers;
    final int initialBrokerCount;
    final Map<String, String> brokerOverrides;
    /** Set before the controllers start ({@link KafkaClusterBuilder#controllerConfig}). */
    volatile Map<String, String> controllerOverrides = Map.of();
    private final Map<Integer, BrokerSlot> brokers = new LinkedHashMap<>();

    ClusterLayout(int controllerId, int initialBrokerCount, Map<String, String> brokerOverrides) {
        this(controllerId, 1, initialBrokerCount, brokerOverrides);
    }

    ClusterLayout(int controllerId, int controllerCount, int initialBrokerCount, Map<String, String> brokerOverrides) {
        try {
            this.root = Files.createTempDirectory("berth-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.controllerId = controllerId;
        java.util.List<ControllerSlot> slots = new java.util.ArrayList<>();
        for (int i = 0; i < controllerCount; i++) {
            int id = controllerId + i;
            slots.add(new ControllerSlot(id, root.resolve("controller-" + id), LoopbackPorts.next()));
        }
        this.controllers = List.copyOf(slots);
        this.controllerDir = controllers.get(0).dir;
        this.initialBrokerCount = initialBrokerCount;
        this.brokerOverrides = Map.copyOf(brokerOverrides);
    }

    synchronized BrokerSlot addBroker(int id, String rack) {
        if (controllers.stream().anyMatch(c -> c.id == id)) {
            throw new IllegalArgumentException("broker id " + id + " collides with a controller's node id");
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

    /** The first controller's port; the forked bed moves it when it was taken. */
    int controllerPort() {
        return controllers.get(0).port;
    }

    ControllerSlot controller(int id) {
        return controllers.stream().filter(c -> c.id == id).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no controller " + id));
    }

    Properties controllerProperties() {
        return controllerProperties(controllerId);
    }

    Properties controllerProperties(int id) {
        ControllerSlot slot = controller(id);
        Properties p = KafkaNodeProperties.controller(id, slot.port, slot.dir, quorumVoters());
        controllerOverrides.forEach(p::setProperty);
        return p;
    }

    Properties brokerProperties(int id) {
        BrokerSlot slot = broker(id);
        return KafkaNodeProperties.broker(id, slot.rack, slot.port, slot.dir,
                quorumVoters(), initialBrokerCount, brokerOverrides);
    }

    /** {@code id@127.0.0.1:port,...}: the static quorum of every controller. */
    String quorumVoters() {
        return controllers.stream().map(c -> KafkaNodeProperties.quorumVoters(c.id, c.port))
                .collect(Collectors.joining(","));
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
