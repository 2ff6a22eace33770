package dev.berth.testbed.kafka;

import static dev.berth.testbed.kafka.KafkaAwait.get;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Proves the forked bed: a broker killed with SIGKILL really dies (no controlled shutdown, so it
 * leaves the ISR only because the controller fences it), and started again on its data directory it
 * rejoins the ISR and serves the acknowledged records. One lean test: forked JVMs are expensive.
 */
class ForkedKafkaClusterTest {

    @Test
    void sigkilledBrokerLeavesTheIsrAndRejoinsWithItsDataAfterRestart() throws Exception {
        try (ForkedKafkaCluster kafka = ForkedKafkaCluster.builder().broker(0, "a").broker(1, "b").startForked()) {
            Admin admin = kafka.admin();
            assertThat(KafkaAwait.racks(admin)).isEqualTo(Map.of(0, "a", 1, "b"));
            KafkaAwait.createTopic(admin, "crash", Map.of(0, List.of(1, 0)));
            TopicPartition tp = new TopicPartition("crash", 0);
            KafkaRecords.produce(kafka.bootstrapServers(), "crash", 0, 0, 50);
            long pid = kafka.pid(1);

            kafka.kill(1);

            assertThat(ProcessHandle.of(pid)).isEmpty();
            KafkaAwait.awaitOutOfIsr(admin, "crash", 1);
            KafkaAwait.awaitLeader(admin, tp, 0);

            kafka.startBroker(1);

            KafkaAwait.awaitFullIsr(admin, "crash");
            get(admin.electLeaders(ElectionType.PREFERRED, Set.of(tp)).all());
            KafkaAwait.awaitLeader(admin, tp, 1);
            ListOffsetsResult.ListOffsetsResultInfo end =
                    get(admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp));
            assertThat(end.offset()).as("end offset served by the restarted leader").isEqualTo(50);
            assertThat(KafkaRecords.consumeAll(kafka.bootstrapServers(), tp))
                    .extracting(record -> record.value())
                    .hasSize(50).startsWith("record-0").endsWith("record-49");
        }
    }
}
