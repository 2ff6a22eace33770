package dev.berth.operator.reconcile;

import static dev.berth.operator.reconcile.OperatorFixture.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.operator.api.BrokersSpec;
import dev.berth.operator.api.Condition;
import dev.berth.operator.api.ControllersSpec;
import dev.berth.operator.api.KafkaClusterSpec;
import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.api.RebalanceSpec;
import dev.berth.testbed.k8s.KubeApiTestBed;
import dev.berth.testbed.kafka.KafkaAwait;
import dev.berth.testbed.kafka.KafkaRecords;
import dev.berth.testbed.kafka.KafkaTestCluster;
import io.kubernetes.client.custom.V1Patch;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A throttled drain that the spec stops halfway: a topic with RF 4 appears while 4 → 3 runs, so
 * the spec asks for fewer brokers than a topic needs and every step halts. Real KRaft brokers, the
 * Kubernetes API bed, {@link BrokerPodGlue} playing kubelet.
 *
 * <p>Before, the halted drain kept its replication throttles on every broker and topic for as long as
 * the spec stayed invalid (a follower that fell behind meanwhile caught up at 20 KB/s), and
 * {@code ScaleDownBlocked} said "NotBlocked". Now the throttles go once Kafka runs no reassignment,
 * the condition says why the drain waits, and the drain finishes once the spec is fixed.
 */
class PausedDrainTest {
    static final String NS = "kafka";
    static final String NAME = "paused";
    static final Duration WAIT = Duration.ofSeconds(90);
    static final Map<Integer, String> RACKS = Map.of(0, "a", 1, "b", 2, "c", 3, "a");

    static KafkaTestCluster kafka;
    static KubeApiTestBed bed;
    static Operator operator;
    static BrokerPodGlue glue;

    @BeforeAll
    static void start() throws Exception {
        kafka = KafkaTestCluster.builder().broker(0, "a").broker(1, "b").broker(2, "c").broker(3, "a").start();
        KafkaAwait.get(kafka.admin().createTopics(List.of(new NewTopic("orders", 6, (short) 3)
                .configs(Map.of("min.insync.replicas", "2")))).all());
        kafka.awaitFullIsr("orders");
        for (int p = 0; p < 6; p++) {
            // 1.2 MB a partition: a replica fetch copies 1 MB before the 20 KB/s throttle holds it back,
            // so a batch runs for about 10 s: long enough to be seen running, short enough to wait out
            KafkaRecords.produce(kafka.bootstrapServers(), "orders", p, 0, 2400, 500);
        }
        bed = KubeApiTestBed.start();
        bed.load(OperatorFixture.CRD);
        glue = new BrokerPodGlue(bed, kafka, NS, NAME, RACKS);
        operator = new Operator(bed.informerClient(), bed.apiClient(),
                OperatorFixture.config(NS, kafka.bootstrapServers(), "berth-operator", "op-paused"),
                List.of(new ScaleDownStep(), new ScaleUpStep()), Clock.systemUTC());
        operator.start();
        OperatorFixture.create(bed, NS, NAME, new KafkaClusterSpec(null, null, null, new ControllersSpec(1, null),
                new BrokersSpec(4, null, null, null), null, new RebalanceSpec(20_000L, RebalanceSpec.OnScale.Rebalance)));
        await("4 broker pods").atMost(WAIT).until(() -> OperatorFixture.pods(bed, NS, NAME).stream()
                .filter(p -> p.getMetadata().getName().contains("-broker-")).count() == 4);
    }

    @AfterAll
    static void stop() {
        System.out.println("glue: " + (glue == null ? "-" : glue.log));
        OperatorFixture.closeAll(operator, glue, bed, kafka);
    }

    @Test
    void aDrainHaltedByAnInvalidSpecDropsItsThrottlesSaysWhyAndFinishesOnceFixed() throws Exception {
        OperatorFixture.clusters(bed).patch(NS, NAME, V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                new V1Patch("{\"spec\":{\"brokers\":{\"replicas\":3,\"remove\":[3]}}}")).throwsApiException();
        await("the drain moves data, throttled").atMost(WAIT).until(() -> {
            OperationStatus op = get(bed, NS, NAME).getStatus().operation();
            return op != null && OperationStatus.SCALE_DOWN.equals(op.type()) && reassigning() && !throttles().isEmpty();
        });

        KafkaAwait.createTopic(kafka.admin(), "wide", 1, (short) 4); // 3 brokers cannot hold RF 4
        await("halted: nothing moves, no throttle left, and the condition says why").atMost(WAIT).until(() ->
                !reassigning() && throttles().isEmpty() && blocked().map(c -> c.isTrue()
                        && c.reason().equals("SpecInvalid")).orElse(false));
        assertThat(blocked().orElseThrow().message()).contains("is paused while the spec is invalid");
        assertThat(get(bed, NS, NAME).getStatus().operation().type()).isEqualTo(OperationStatus.SCALE_DOWN);
        assertThat(KafkaAwait.registeredBrokers(kafka.admin())).contains(3); // nothing removed while halted

        KafkaAwait.get(kafka.admin().deleteTopics(List.of("wide")).all());
        OperatorFixture.clusters(bed).patch(NS, NAME, V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                new V1Patch("{\"spec\":{\"rebalance\":{\"throttleBytesPerSec\":50000000}}}")).throwsApiException();
        await("the drain resumes and removes broker 3").atMost(WAIT).until(() ->
                !KafkaAwait.registrationsIncludingFenced(kafka.admin()).containsKey(3)
                        && get(bed, NS, NAME).getStatus().operation() == null);
        assertThat(throttles()).isEmpty();
        assertThat(blocked().orElseThrow().isTrue()).isFalse();
        for (int p = 0; p < 6; p++) {
            assertThat(KafkaRecords.consumeAll(kafka.bootstrapServers(), new TopicPartition("orders", p))).hasSize(2400);
        }
    }

    static java.util.Optional<Condition> blocked() throws Exception {
        return get(bed, NS, NAME).getStatus().conditions().stream().filter(c -> c.type().equals("ScaleDownBlocked")).findFirst();
    }

    static boolean reassigning() throws Exception {
        return !kafka.admin().listPartitionReassignments().reassignments().get().isEmpty();
    }

    /** Every replication throttle set on a broker or a topic, as "resource name=value". */
    static List<String> throttles() throws Exception {
        List<ConfigResource> resources = new ArrayList<>();
        for (String t : kafka.admin().listTopics().names().get()) {
            resources.add(new ConfigResource(ConfigResource.Type.TOPIC, t));
        }
        for (int b : KafkaAwait.registeredBrokers(kafka.admin())) {
            resources.add(new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(b)));
        }
        List<String> out = new ArrayList<>();
        kafka.admin().describeConfigs(resources).all().get().forEach((r, config) -> config.entries().forEach(e -> {
            if (e.name().contains("throttled") && e.value() != null && !e.value().isEmpty()
                    && e.source() != ConfigEntry.ConfigSource.DEFAULT_CONFIG) {
                out.add(r.name() + " " + e.name() + "=" + e.value());
            }
        }));
        return out;
    }
}
