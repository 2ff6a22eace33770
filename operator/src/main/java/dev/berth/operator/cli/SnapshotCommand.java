package dev.berth.operator.cli;

import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.observe.KafkaObserver;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;

/**
 * {@code snapshot}: dumps what the operator's observe layer reads from a live cluster (brokers,
 * racks, partitions, replicas, leaders, ISR, sizes) as the JSON that {@code plan --snapshot} reads.
 * Read-only: it never changes Kafka. Exit codes: 0 written, 2 bad usage, 1 Kafka unreachable.
 */
public final class SnapshotCommand {
    static final String USAGE = """
            Usage: berth-operator snapshot --bootstrap HOST:PORT[,HOST:PORT] [--rates DURATION] > cluster.json

            Reads a live Kafka cluster through the Admin API, read-only, and prints its snapshot as
            JSON (see README, "Snapshot JSON"): brokers with racks, topics with RF and
            min.insync.replicas, partitions with replicas, leader, ISR and size (describeLogDirs).

              --bootstrap HOST:PORT  any broker(s) of the cluster (also --bootstrap=HOST:PORT)
              --rates DURATION       read twice, DURATION apart (1s to 10m, e.g. 30s), so that each
                                     partition's bytesInPerSec is its log's growth in between, as the
                                     operator estimates it; what `plan --hot-leaders` reads. Default:
                                     one reading, every rate 0
              --help                 print this help
            Exit codes: 0 written, 1 Kafka did not answer, 2 bad usage.
            """;

    /** The longest {@code --rates} window: longer, and a segment deleted by retention meanwhile hides the growth. */
    static final Duration MAX_WINDOW = Duration.ofMinutes(10);

    private final Clock clock;

    public SnapshotCommand() {
        this(Clock.systemUTC());
    }

    SnapshotCommand(Clock clock) {
        this.clock = clock;
    }

    public int run(String[] args, PrintStream out, PrintStream err) {
        String bootstrap = null;
        String rates = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--bootstrap=")) { // --flag=value, as plan and run take it too
                bootstrap = args[i].substring("--bootstrap=".length());
                continue;
            }
            if (args[i].startsWith("--rates=")) {
                rates = args[i].substring("--rates=".length());
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
                case "--rates" -> {
                    if (i + 1 >= args.length) {
                        err.println("snapshot: --rates needs a duration such as 30s");
                        return 2;
                    }
                    rates = args[++i];
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
        Duration window = null;
        if (rates != null) {
            window = RunOptions.duration(rates);
            if (window == null || window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(MAX_WINDOW) > 0) {
                err.println("snapshot: --rates needs a duration from 1s to 10m such as 30s, got \"" + rates + "\"");
                return 2;
            }
        }
        try (KafkaObserver observer = KafkaObserver.connect(bootstrap, clock)) {
            ClusterSnapshot snapshot = observer.snapshot();
            if (window != null) {
                err.println("snapshot: reading again in " + rates.trim() + " for the rates");
                Thread.sleep(window.toMillis()); // the window the rates are measured over, not a wait for a state
                snapshot = observer.snapshot();
            }
            out.println(SnapshotJson.write(snapshot));
            return 0;
        } catch (RuntimeException e) {
            err.println("snapshot: cannot read " + bootstrap + ": " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("snapshot: interrupted before the second reading");
            return 1;
        }
    }
}
