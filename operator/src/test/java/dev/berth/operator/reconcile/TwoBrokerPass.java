package dev.berth.operator.reconcile;

import dev.berth.operator.act.desired.DesiredPods;
import dev.berth.operator.api.BrokersSpec;
import dev.berth.operator.api.ControllersSpec;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.api.KafkaClusterSpec;
import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.observe.KafkaObserver;
import dev.berth.operator.observe.KafkaView;
import dev.berth.operator.observe.KubeView;
import dev.berth.testbed.kafka.KafkaAwait;
import dev.berth.testbed.kafka.KafkaRecords;
import dev.berth.testbed.kafka.KafkaTestCluster;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * One pass of a data-moving step as it meets real KRaft brokers 0 and 1, both with Ready pods, and every
 * partition of {@code orders} (4, 50 records each) on one of them:
 * <ul>
 *   <li>{@link #oneNew}: a scale-up ({@link ScaleUpStep}); the data on broker 0, broker 1 new and empty,
 *       the spec wanting both;
 *   <li>{@link #oneLeaving}: a scale-down ({@link ScaleDownStep}); the data on broker 1, the spec wanting
 *       one broker and naming broker 1 to remove (else the empty broker 0 would be the one to go).
 * </ul>
 * The step runs from a fresh observation, with the Admin client a test gives.
 */
record TwoBrokerPass(KafkaTestCluster kafka, KafkaCluster cluster, KubeView kube, SortedSet<Integer> desired,
        OperationStep step) {
    static TwoBrokerPass oneNew(KafkaTestCluster kafka) throws Exception {
        return on(kafka, 0, 2, List.of(), new ScaleUpStep());
    }

    static TwoBrokerPass oneLeaving(KafkaTestCluster kafka) throws Exception {
        return on(kafka, 1, 1, List.of(1), new ScaleDownStep());
    }

    private static TwoBrokerPass on(KafkaTestCluster kafka, int holder, int replicas, List<Integer> remove,
            OperationStep step)
            throws Exception {
        KafkaAwait.get(kafka.admin().createTopics(List.of(new NewTopic("orders", Map.of(0, List.of(holder),
                1, List.of(holder), 2, List.of(holder), 3, List.of(holder))))).all());
        for (int p = 0; p < 4; p++) {
            KafkaRecords.produce(kafka.bootstrapServers(), "orders", p, 0, 50);
        }
        KafkaCluster cluster = new KafkaCluster(new V1ObjectMeta().name("demo").namespace("kafka")
                .uid("6f1c2b7e-3d4a-4b5c-8d9e-0f1a2b3c4d5e").generation(1L),
                KafkaClusterSpec.defaults().withControllers(new ControllersSpec(1, null))
                        .withBrokers(new BrokersSpec(replicas, null, null, remove)));
        Map<String, V1Pod> pods = new HashMap<>();
        for (int id = 0; id <= 1; id++) {
            V1Pod pod = DesiredPods.broker(cluster, id, null);
            pod.getMetadata().uid("pod-" + id);
            pod.status(new V1PodStatus().conditions(List.of(new V1PodCondition().type("Ready").status("True"))));
            pods.put(pod.getMetadata().getName(), pod);
        }
        SortedSet<Integer> desired = new TreeSet<>();
        for (int id = 0; desired.size() < replicas; id++) {
            if (!remove.contains(id)) {
                desired.add(id);
            }
        }
        return new TwoBrokerPass(kafka, cluster, new KubeView(pods, Map.of(), Map.of(), Map.of(), null), desired, step);
    }

    /** One pass of the step with {@code admin}, the operation {@code op} in flight (null: none yet). */
    StepResult pass(Admin admin, OperationStatus op, StepEvents events) throws Exception {
        Clock clock = Clock.systemUTC();
        KafkaView observed = new KafkaView(new KafkaObserver(kafka.admin(), clock).observe(), null, clock.instant());
        return step.step(new StepContext(cluster, kube, observed, admin, desired, op, null, clock, events));
    }
}
