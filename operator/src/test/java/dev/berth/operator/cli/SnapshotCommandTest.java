package dev.berth.operator.cli;

import static dev.berth.testbed.kafka.KafkaAwait.get;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.DiskSpace;
import dev.berth.operator.model.PartitionState;
import dev.berth.testbed.kafka.KafkaAwait;
import dev.berth.testbed.kafka.KafkaTestCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code snapshot} against real brokers 0, 1, 2 in racks a, b, c; then {@code plan} on its file. */
class SnapshotCommandTest {
    private static KafkaTestCluster kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void startKafka() {
        kafka = KafkaTestCluster.builder().broker(0, "a").broker(1, "b").broker(2, "c").start();
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void snapshotDumpsWhatDescribeTopicsShowsAndPlanReadsItWithoutTouchingKafka() throws Exception {
        KafkaAwait.createTopic(kafka.admin(), "orders", Map.of(0, List.of(0, 1, 2),
                1, List.of(1, 2, 0), 2, List.of(2, 0, 1)));
        produce("orders", 0, 500);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = new SnapshotCommand().run(new String[] {"--bootstrap", kafka.bootstrapServers()},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        String json = out.toString(StandardCharsets.UTF_8);
        ClusterSnapshot s = SnapshotJson.read(json);
        assertThat(s.brokers()).extracting(b -> b.id() + ":" + b.rack())
                .containsExactly("0:a", "1:b", "2:c");
        TopicDescription orders = KafkaAwait.describeTopic(kafka.admin(), "orders");
        List<PartitionState> dumped = s.partitions().stream()
                .filter(p -> p.topic().equals("orders")).toList();
        assertThat(dumped).hasSize(3);
        for (TopicPartitionInfo p : orders.partitions()) {
            PartitionState d = dumped.get(p.partition());
            assertThat(d.replicas()).isEqualTo(KafkaAwait.ids(p.replicas()));
            assertThat(d.leader()).isEqualTo(p.leader().id());
            assertThat(d.isr()).containsExactlyInAnyOrderElementsOf(KafkaAwait.ids(p.isr()));
        }
        assertThat(dumped.get(0).sizeBytes()).isGreaterThan(500L * 100);
        assertThat(s.topics().get("orders").replicationFactor()).isEqualTo(3);
        // each broker's disk as describeLogDirs reports it: the file system under its log dir
        assertThat(s.disks()).containsOnlyKeys(0, 1, 2);
        for (int id = 0; id < 3; id++) {
            java.nio.file.FileStore store = Files.getFileStore(kafka.dataDir(id));
            DiskSpace d = s.disks().get(id);
            assertThat(d.totalBytes()).as("broker %d", id).isEqualTo(store.getTotalSpace());
            assertThat(d.usableBytes()).as("broker %d", id).isPositive().isLessThanOrEqualTo(d.totalBytes());
        }

        Path file = dir.resolve("cluster.json");
        Files.writeString(file, json);
        ByteArrayOutputStream planOut = new ByteArrayOutputStream();
        int planCode = new PlanCommand().run(new String[] {"--snapshot", file.toString(),
                "--add-brokers", "1", "--racks", "a"},
                new PrintStream(planOut, true, StandardCharsets.UTF_8), System.err);
        assertThat(planCode).isZero();
        assertThat(planOut.toString(StandardCharsets.UTF_8)).contains("plan: add-brokers 3");
        assertThat(get(kafka.admin().listPartitionReassignments().reassignments())).isEmpty();
        assertThat(KafkaAwait.describeTopic(kafka.admin(), "orders").partitions())
                .extracting(p -> KafkaAwait.ids(p.replicas()))
                .containsExactly(List.of(0, 1, 2), List.of(1, 2, 0), List.of(2, 0, 1));
    }

    @Test
    void ratesAreTheLogsGrowthBetweenTwoReadingsAndPlanHotLeadersReadsThem() throws Exception {
        KafkaAwait.createTopic(kafka.admin(), "clicks", Map.of(0, List.of(0, 1, 2), 1, List.of(0, 2, 1),
                2, List.of(0, 1, 2)));
        kafka.awaitFullIsr("clicks");
        ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        String value = "x".repeat(1000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            // 5 records of 1 KB every 50 ms: about 100 KB/s into each partition
            writer.scheduleAtFixedRate(() -> {
                for (int p = 0; p < 3; p++) {
                    for (int i = 0; i < 5; i++) {
                        producer.send(new ProducerRecord<>("clicks", p, null, value));
                    }
                }
            }, 0, 50, TimeUnit.MILLISECONDS);
            code = new SnapshotCommand().run(new String[] {"--bootstrap", kafka.bootstrapServers(), "--rates", "2s"},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        } finally {
            writer.shutdownNow();
        }

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("snapshot: reading again in 2s for the rates");
        ClusterSnapshot s = SnapshotJson.read(out.toString(StandardCharsets.UTF_8));
        List<PartitionState> clicks = s.partitions().stream().filter(p -> p.topic().equals("clicks")).toList();
        assertThat(clicks).hasSize(3).allSatisfy(p -> assertThat(p.bytesInPerSec()).as(p.name())
                .isBetween(20_000.0, 1_000_000.0));
        assertThat(s.partitions().stream().filter(p -> p.topic().equals("orders")))
                .allSatisfy(p -> assertThat(p.bytesInPerSec()).as("nothing written to " + p.name()).isZero());

        Path file = dir.resolve("rated.json");
        Files.writeString(file, out.toString(StandardCharsets.UTF_8));
        ByteArrayOutputStream planOut = new ByteArrayOutputStream();
        int planCode = new PlanCommand().run(new String[] {"--snapshot", file.toString(), "--hot-leaders",
                "--min-bytes-in", "10000"}, new PrintStream(planOut, true, StandardCharsets.UTF_8), System.err);
        assertThat(planCode).isZero();
        assertThat(planOut.toString(StandardCharsets.UTF_8)).contains("moves: 2 (leadership only, no data moves)")
                .containsPattern("clicks-\\d +\\[0, \\d, \\d\\] +-> \\[\\d, 0, \\d\\] +leader 0 -> 1")
                .containsPattern("clicks-\\d +\\[0, \\d, \\d\\] +-> \\[\\d, 0, \\d\\] +leader 0 -> 2");
    }

    @Test
    void aRatesWindowOutsideOneSecondToTenMinutesIsBadUsage() {
        for (String w : List.of("0s", "999ms", "11m", "soon")) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = new SnapshotCommand().run(new String[] {"--bootstrap", kafka.bootstrapServers(), "--rates", w},
                    System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(code).as(w).isEqualTo(2);
            assertThat(err.toString(StandardCharsets.UTF_8)).as(w)
                    .isEqualTo("snapshot: --rates needs a duration from 1s to 10m such as 30s, got \"" + w + "\"\n");
        }
    }

    @Test
    void anUnreachableClusterExitsOneWithTheReason() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // the --flag=value form here; the test above uses --flag value
        int code = new SnapshotCommand().run(new String[] {"--bootstrap=127.0.0.1:1"},
                System.out, new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("snapshot: cannot read 127.0.0.1:1");
    }

    private static void produce(String topic, int partition, int n) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(topic, partition, "k" + i, "v".repeat(100)));
            }
            producer.flush();
        }
    }
}
