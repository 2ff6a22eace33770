package dev.berth.operator.cli;

import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.observe.KafkaObserver;
import java.io.PrintStream;
import java.time.Clock;

/**
 * {@code snapshot}: dumps what the operator's observe layer reads from a live cluster (brokers,
 * racks, partitions, replicas, leaders, ISR, sizes) as the JSON that {@code plan --snapshot} reads.
 * Read-only: it never changes Kafka. Exit codes: 0 written, 2 bad usage, 1 Kafka unreachable.
 */
public final class SnapshotCommand {
    static final String USAGE = """
            Usage: berth-operator snapshot --bootstrap HOST:PORT[,HOST:PORT] > cluster.json

            Reads a live Kafka cluster through the Admin API, read-only, and prints its snapshot as
            JSON (see README, "Snapshot JSON"): brokers with racks, topics with RF and
            min.insync.replicas, partitions with replicas, leader, ISR and size (describeLogDirs).

              --bootstrap HOST:PORT  any broker(s) of the cluster (also --bootstrap=HOST:PORT)
              --help                 print this help
            Exit codes: 0 written, 1 Kafka did not answer, 2 bad usage.
            """;

    private final Clock clock;

    public SnapshotCommand() {
        this(Clock.systemUTC());
    }

    SnapshotCommand(Clock clock) {
        this.clock = clock;
    }

    public int run(String[] args, PrintStream out, PrintStream err) {
        String bootstrap = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--bootstrap=")) { // --flag=value, as plan and run take it too
                bootstrap = args[i].substring("--bootstrap=".length());
                continue;
            }
            switch (args[i]) {
                case "--help", "-h" -> {
                    out.print(USAGE);
                    return 0;
                }
                case "--bootstrap" -> {
                    if (i + 1 >= args.length) {
                        err.println("snapshot: --bootstrap needs HOST:PORT");
                        return 2;
                    }
                    bootstrap = args[++i];
                }
                default -> {
                    err.println("snapshot: unknown flag " + args[i]);
                    err.print(USAGE);
                    return 2;
                }
            }
        }
        if (bootstrap == null || bootstrap.isBlank()) {
            err.println("snapshot: --bootstrap HOST:PORT is required");
            err.print(USAGE);
            return 2;
        }
        String wrong = BootstrapAddress.problem(bootstrap);
        if (wrong != null) {
            err.println("snapshot: " + wrong);
            return 2;
        }
        try (KafkaObserver observer = KafkaObserver.connect(bootstrap, clock)) {
            ClusterSnapshot snapshot = observer.snapshot();
            out.println(SnapshotJson.write(snapshot));
            return 0;
        } catch (RuntimeException e) {
            err.println("snapshot: cannot read " + bootstrap + ": " + e.getMessage());
            return 1;
        }
    }
}
