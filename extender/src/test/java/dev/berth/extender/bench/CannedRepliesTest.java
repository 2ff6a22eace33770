package dev.berth.extender.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.extender.testing.SchedulerWire;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CannedRepliesTest {
    @Test
    void findsEachBenchPodInItsFilterBody() {
        List<String> pods = BenchData.pods(new Random(7));
        List<String> nodes = List.of("node-00001", "node-00002");
        for (int p = 0; p < pods.size(); p++) {
            byte[] body = SchedulerWire.namesArgs(pods.get(p), nodes).getBytes(StandardCharsets.UTF_8);
            assertThat(CannedReplies.podOf(body)).as("pod %d", p).isEqualTo(p);
        }
    }

    @Test
    void bodyWithoutABenchUidIsRefused() {
        byte[] body = "{\"Pod\":{\"metadata\":{\"uid\":\"other\"}},\"NodeNames\":[]}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CannedReplies.podOf(body)).hasMessageContaining("uid-p");
    }
}
