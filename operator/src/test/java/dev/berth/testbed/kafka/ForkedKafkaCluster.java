package dev.berth.testbed.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;

/**
 * The Kafka test bed with every node in its own JVM, for the few tests that need a real crash: a
 * broker can be {@link #kill killed} with SIGKILL (no controlled shutdown, no flush) and started
 * again on the same data directory.
 *
 * <p>Each node runs {@code java -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp <test classpath>
 * ForkedKafkaMain server.properties}, that is {@code kafka.Kafka} plus a stdin watchdog, with the same
 * settings as the in-process bed ({@code KafkaNodeProperties}). Storage is formatted in the test JVM
 * with Kafka's {@code Formatter}. Output of node {@code x} goes to {@code <root>/x.log}.
 *
 * <p>Children never outlive the tests: {@link #close()} kills them, a JVM shutdown hook kills them if
 * close was skipped, and {@link ForkedKafkaMain}'s watchdog halts a child whose parent died without
 * running hooks.
 *
 * <p>Costs (measured, see README): about 155 MiB RSS per node and several seconds to start, against
 * about 3 s for a whole in-process cluster; prefer {@link KafkaTestCluster} unless a crash matters.
 */
public final class ForkedKafkaCluster implements AutoCloseable {
    private static final int BIND_ATTEMPTS = 4;
    private static final String CLASSPATH =
            System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));

    private final ClusterLayout layout;
    private final Map<Integer, Process> brokers = new ConcurrentHashMap<>();
    private final Thread killOnExit;
    private volatile Process controller;
    private volatile SharedAdmin admin;

    private ForkedKafkaCluster(ClusterLayout layout) {
        this.layout = layout;
        this.killOnExit = new Thread(this::killAll, "forked-kafka-kill");
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    public static KafkaClusterBuilder builder() {
        return new KafkaClusterBuilder();
    }

    static ForkedKafkaCluster start(KafkaClusterBuilder spec) {
        ForkedKafkaCluster cluster = new ForkedKafkaCluster(
                new ClusterLayout(spec.controllerId, spec.brokers.size(), spec.brokerOverrides));
        try {
            spec.brokers.forEach(cluster.layout::addBroker);
            cluster.layout.format(cluster.layout.controllerId, cluster.layout.controllerDir);
            cluster.layout.brokers().forEach(b -> cluster.layout.format(b.id, b.dir));
            cluster.startController();
            cluster.layout.brokers().forEach(b -> cluster.launchBroker(b.id));
            for (ClusterLayout.BrokerSlot slot : cluster.layout.brokers()) {
                cluster.awaitBrokerUp(slot.id);
            }
            cluster.admin = new SharedAdmin(() -> Admin.create(KafkaTestCluster.adminConfig(cluster.bootstrapServers())));
            KafkaAwait.awaitRegisteredBrokers(cluster.admin(), cluster.brokerIds());
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    public String bootstrapServers() {
        return ClusterLayout.bootstrap(layout.brokers());
    }

    /** One Admin shared by the tests of this cluster; closed with the cluster. */
    public Admin admin() {
        return admin.handle();
    }

    public Set<Integer> brokerIds() {
        Set<Integer> ids = new TreeSet<>();
        layout.brokers().forEach(b -> ids.add(b.id));
        return ids;
    }

    public Path dataDir(int brokerId) {
        return layout.broker(brokerId).dir;
    }

    /** The node's combined stdout and stderr. */
    public Path log(int brokerId) {
        return layout.root.resolve("broker-" + brokerId + ".log");
    }

    /** Operating-system pid of a running broker. */
    public long pid(int brokerId) {
        return process(brokerId).pid();
    }

    /** Resident memory of a running broker's JVM in KiB (Linux {@code /proc}); -1 if unknown. */
    public long rssKib(int brokerId) {
        return rssKib(process(brokerId).pid());
    }

    /** Resident memory of the controller's JVM in KiB; -1 if unknown. */
    public long controllerRssKib() {
        return rssKib(controller.pid());
    }

    /** SIGKILL: the broker dies at once, without controlled shutdown. Returns when it is dead. */
    public void kill(int brokerId) {
        Process process = brokers.remove(brokerId);
        if (process == null) {
            throw new IllegalStateException("broker " + brokerId + " is not running");
        }
        process.destroyForcibly();
        waitForExit(process);
    }

    /** SIGTERM: Kafka's own shutdown hook runs a controlled shutdown. Returns when it has exited. */
    public void stopBroker(int brokerId) {
        Process process = brokers.remove(brokerId);
        if (process == null) {
            throw new IllegalStateException("broker " + brokerId + " is not running");
        }
        process.destroy();
        waitForExit(process);
    }

    /** Starts a stopped or killed broker on its data directory; waits until it is registered. */
    public void startBroker(int brokerId) {
        if (brokers.containsKey(brokerId)) {
            throw new IllegalStateException("broker " + brokerId + " is already running");
        }
        int before = layout.broker(brokerId).port;
        launchBroker(brokerId);
        awaitBrokerUp(brokerId);
        if (layout.broker(brokerId).port != before) {
            admin.renew();
        }
    }

    private Process process(int brokerId) {
        Process process = brokers.get(brokerId);
        if (process == null) {
            throw new IllegalStateException("broker " + brokerId + " is not running");
        }
        return process;
    }

    private void startController() {
        for (int attempt = 1; attempt <= BIND_ATTEMPTS; attempt++) {
            String name = "controller-" + layout.controllerId;
            controller = launch(name, layout.controllerProperties());
            Process process = controller;
            int port = layout.controllerPort();
            KafkaAwait.polling(name + " listening or dead")
                    .until(() -> !process.isAlive() || accepts(port));
            if (process.isAlive()) {
                return;
            }
            if (!logShowsBindFailure(name)) {
                break;
            }
            layout.controllers.get(0).port = LoopbackPorts.next();
        }
        throw new IllegalStateException("forked controller failed to start; see " + layout.root);
    }

    private void launchBroker(int id) {
        ClusterLayout.BrokerSlot slot = layout.broker(id);
        if (!LoopbackPorts.isFree(slot.port)) {
            slot.port = LoopbackPorts.next();
        }
        brokers.put(id, launch("broker-" + id, layout.brokerProperties(id)));
    }

    /**
     * Waits until the new process serves requests and is registered; relaunches it on another port if
     * its port was taken. Asking the cluster alone is not enough: right after a SIGKILL the dead
     * incarnation stays registered until the controller fences it (1.5 s). A broker only processes
     * requests once its startup completed (registered and unfenced), so an Admin bootstrapped to this
     * broker's address alone answers only then.
     */
    private void awaitBrokerUp(int id) {
        for (int attempt = 1; attempt <= BIND_ATTEMPTS; attempt++) {
            Process process = brokers.get(id);
            int port = layout.broker(id).port;
            // First the listener (a plain TCP probe, silent), then Kafka itself: an Admin polling a
            // JVM that is still booting logs a warning per attempt.
            KafkaAwait.polling("broker " + id + " listening or dead").until(() -> !process.isAlive() || accepts(port));
            try (Admin direct = Admin.create(KafkaTestCluster.adminConfig(layout.broker(id).address()))) {
                KafkaAwait.polling("broker " + id + " serving and registered, or dead").until(() ->
                        !process.isAlive() || KafkaAwait.registeredBrokers(direct).contains(id));
            }
            if (process.isAlive()) {
                return;
            }
            brokers.remove(id);
            if (!logShowsBindFailure("broker-" + id)) {
                break;
            }
            layout.broker(id).port = LoopbackPorts.next();
            brokers.put(id, launch("broker-" + id, layout.brokerProperties(id)));
        }
        throw new IllegalStateException("forked broker " + id + " failed to start; see " + log(id));
    }

    private Process launch(String name, Properties properties) {
        Path config = layout.root.resolve(name + ".properties");
        try (OutputStream out = Files.newOutputStream(config)) {
            properties.store(out, "berth Kafka test bed: " + name);
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            List<String> command = new ArrayList<>(List.of(java.toString(),
                    // Small and quick to start: the bed's data is tiny and the cores are shared.
                    "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-cp", CLASSPATH, ForkedKafkaMain.class.getName(), config.toString()));
            return new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(layout.root.resolve(name + ".log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("launching " + name, e);
        }
    }

    private boolean logShowsBindFailure(String name) {
        try {
            String log = Files.readString(layout.root.resolve(name + ".log"), StandardCharsets.UTF_8);
            return log.contains("Address already in use") || log.contains("BindException");
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(KafkaNodeProperties.LOOPBACK, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void waitForExit(Process process) {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    static long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Not Linux, or the process just exited.
        }
        return -1;
    }

    private void killAll() {
        List<Process> all = new ArrayList<>(brokers.values());
        brokers.clear();
        if (controller != null) {
            all.add(controller);
            controller = null;
        }
        all.forEach(Process::destroyForcibly);
        all.forEach(ForkedKafkaCluster::waitForExit);
    }

    /** Kills every node (a clean shutdown buys nothing here) and deletes the directories. */
    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
        killAll();
        layout.delete();
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException alreadyExiting) {
            // The hook runs anyway.
        }
    }
}
