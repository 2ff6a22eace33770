package dev.berth.testbed.kafka;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * Server properties of test-bed nodes: dedicated KRaft controllers (one by default) and N brokers
 * on loopback.
 *
 * <p>Every value below is either required for KRaft or makes the bed fast and small; the reason is
 * next to each group. Callers may override broker settings (applied last).
 *
 * <p>Worked example: {@code broker(0, "a", 21000, dir, "1000@127.0.0.1:20500", 3, Map.of())} gives
 * {@code process.roles=broker}, {@code node.id=0}, {@code broker.rack=a},
 * {@code listeners=PLAINTEXT://127.0.0.1:21000}, {@code controller.quorum.voters=1000@127.0.0.1:20500},
 * {@code offsets.topic.replication.factor=3} and the shared fast settings.
 */
final class KafkaNodeProperties {
    static final String CONTROLLER_LISTENER = "CONTROLLER";
    static final String BROKER_LISTENER = "PLAINTEXT";
    static final String LOOPBACK = "127.0.0.1";

    private KafkaNodeProperties() {
    }

    /** {@code id@127.0.0.1:port}: one voter of the static quorum. */
    static String quorumVoters(int controllerId, int controllerPort) {
        return controllerId + "@" + LOOPBACK + ":" + controllerPort;
    }

    /** @param quorumVoters every controller of the cluster, {@code id@host:port,...} */
    static Properties controller(int nodeId, int port, Path dir, String quorumVoters) {
        Properties p = common(nodeId, dir, quorumVoters);
        p.setProperty("process.roles", "controller");
        p.setProperty("listeners", CONTROLLER_LISTENER + "://" + LOOPBACK + ":" + port);
        return p;
    }

    /**
     * @param expectedBrokers brokers the cluster starts with; internal topics' replication factor is
     *                        capped by it (Kafka refuses to create them with more replicas than brokers)
     */
    static Properties broker(int nodeId, String rack, int port, Path dir, String quorumVoters,
                             int expectedBrokers, Map<String, String> overrides) {
        Properties p = common(nodeId, dir, quorumVoters);
        p.setProperty("process.roles", "broker");
        p.setProperty("listeners", BROKER_LISTENER + "://" + LOOPBACK + ":" + port);
        p.setProperty("advertised.listeners", BROKER_LISTENER + "://" + LOOPBACK + ":" + port);
        p.setProperty("inter.broker.listener.name", BROKER_LISTENER);
        if (rack != null) {
            p.setProperty("broker.rack", rack);
        }
        String internalRf = Integer.toString(Math.max(1, Math.min(3, expectedBrokers)));
        // Internal topics: at most as many replicas as brokers, few partitions (created faster).
        p.setProperty("offsets.topic.replication.factor", internalRf);
        p.setProperty("offsets.topic.num.partitions", "5");
        p.setProperty("transaction.state.log.replication.factor", internalRf);
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "5");
        p.setProperty("share.coordinator.state.topic.replication.factor", internalRf);
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        // Consumers join at once instead of waiting 3 s for more members.
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        // Leadership moves only when a test (or the operator under test) asks: Kafka's own periodic
        // preferred-leader rebalance would otherwise undo or fake leader-aware steps.
        p.setProperty("auto.leader.rebalance.enable", "false");
        // Small segments and indexes: tests write little; preallocated 10 MiB indexes waste memory.
        p.setProperty("log.segment.bytes", "1048576");
        p.setProperty("log.index.size.max.bytes", "65536");
        // Without this each broker's cleaner takes 128 MiB of heap.
        p.setProperty("log.cleaner.dedupe.buffer.size", "2097152");
        p.setProperty("log.cleaner.threads", "1");
        p.setProperty("num.replica.fetchers", "1");
        p.setProperty("replica.fetch.backoff.ms", "100");
        overrides.forEach(p::setProperty);
        return p;
    }

    private static Properties common(int nodeId, Path dir, String quorumVoters) {
        Properties p = new Properties();
        p.setProperty("node.id", Integer.toString(nodeId));
        p.setProperty("log.dirs", dir.toString());
        p.setProperty("controller.quorum.voters", quorumVoters);
        p.setProperty("controller.listener.names", CONTROLLER_LISTENER);
        p.setProperty("listener.security.protocol.map",
                CONTROLLER_LISTENER + ":PLAINTEXT," + BROKER_LISTENER + ":PLAINTEXT");
        // A stopped broker is fenced after 1.5 s instead of 9 s, so a restarted broker is not refused
        // with DUPLICATE_BROKER_REGISTRATION for long, and a killed one leaves the ISR quickly.
        p.setProperty("broker.session.timeout.ms", "1500");
        p.setProperty("broker.heartbeat.interval.ms", "300");
        // Two cores are shared by six test suites: few threads per node.
        p.setProperty("num.network.threads", "1");
        p.setProperty("num.io.threads", "2");
        p.setProperty("background.threads", "2");
        p.setProperty("num.recovery.threads.per.data.dir", "1");
        return p;
    }
}
