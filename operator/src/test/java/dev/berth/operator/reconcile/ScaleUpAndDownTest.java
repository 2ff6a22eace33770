package dev.berth.operator.reconcile;

import static dev.berth.operator.reconcile.OperatorFixture.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.operator.api.BrokersSpec;
import dev.berth.operator.api.Condition;
import dev.berth.operator.api.ConditionType;
import dev.berth.operator.api.ControllersSpec;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.api.KafkaClusterList;
import dev.berth.operator.api.KafkaClusterSpec;
import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.api.RebalanceSpec;
import dev.berth.testbed.k8s.KubeApiTestBed;
import dev.berth.testbed.kafka.KafkaAwait;
import dev.berth.testbed.kafka.KafkaRecords;
import dev.berth.testbed.kafka.KafkaTestCluster;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Scale 3 -&gt; 4 -&gt; 3 and a refused 3 -&gt; 2, end to end: the operator (with the scale steps) on
 * the Kubernetes API bed, real KRaft brokers started and stopped for the broker pods it creates and
 * deletes ({@link BrokerPodGlue}), and a producer writing with acks=all to topic {@code orders}
 * (RF 3, min.insync.replicas 2) the whole time while a monitor polls describeTopics.
 * The operator is stopped mid-drain and a fresh one finishes the scale-down.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleUpAndDownTest {
    static final String NS = "kafka";
    static final String NAME = "kc";
    static final Duration WAIT = Duration.ofSeconds(90);
    static final int PARTITIONS = 6;
    static final Map<Integer, String> RACKS = Map.of(0, "a", 1, "b", 2, "c", 3, "a", 4, "b");

    static KafkaTestCluster kafka;
    static KubeApiTestBed bed;
    static Operator operator;
    static BrokerPodGlue glue;
    static String bootstrap;
    static CoreV1Api core;
    static ScheduledExecutorService background;
    static KafkaProducer<String, String> producer;
    static final Set<String> acked = new ConcurrentSkipListSet<>();
    static final List<String> sendFailures = new CopyOnWriteArrayList<>();
    /** describeTopics answers the monitor got: it must have looked, not only failed to. */
    static final AtomicInteger monitored = new AtomicInteger();
    static final List<String> underMinIsr = new CopyOnWriteArrayList<>();
    static Map<Integer, List<Integer>> before;
    /** Every distinct "Reconciling reason" and "operation type/phase" the status showed, in order. */
    static final List<String> statusSeen = new CopyOnWriteArrayList<>();
    static volatile String lastPhase;
    /** Every distinct operation status seen, to check its progress fields. */
    static final List<OperationStatus> operationsSeen = new CopyOnWriteArrayList<>();
    static final List<String> timeline = new CopyOnWriteArrayList<>();
    static SharedInformerFactory statusWatch;

    @BeforeAll
    static void start() throws Exception {
        kafka = KafkaTestCluster.builder().broker(0, "a").broker(1, "b").broker(2, "c").start();
        bootstrap = kafka.bootstrapServers();
        KafkaAwait.get(kafka.admin().createTopics(List.of(new NewTopic("orders", PARTITIONS, (short) 3)
                .configs(Map.of("min.insync.replicas", "2")))).all());
        kafka.awaitFullIsr("orders");
        for (int p = 0; p < PARTITIONS; p++) {
            KafkaRecords.produce(bootstrap, "orders", p, 0, 800, 500); // ~400 KB per partition
        }
        before = replicas();
        bed = KubeApiTestBed.start();
        bed.load(OperatorFixture.CRD);
        core = new CoreV1Api(bed.apiClient());
        glue = new BrokerPodGlue(bed, kafka, NS, NAME, RACKS);
        operator = newOperator("op-1");
        operator.start();
        producer = KafkaRecords.producer(bootstrap);
        background = Executors.newScheduledThreadPool(3);
        AtomicInteger seq = new AtomicInteger();
        background.scheduleWithFixedDelay(() -> {
            String v = "live-" + seq.getAndIncrement();
            producer.send(new ProducerRecord<>("orders", v, v), (md, e) -> {
                if (e == null) {
                    acked.add(md.partition() + "/" + v);
                } else {
                    sendFailures.add(v + ": " + e);
                }
            });
        }, 0, 5, TimeUnit.MILLISECONDS);
        background.scheduleWithFixedDelay(ScaleUpAndDownTest::monitor, 0, 100, TimeUnit.MILLISECONDS);
        startStatusWatch();
        OperatorFixture.create(bed, NS, NAME, spec(3));
        await("3 brokers ready").atMost(WAIT).until(() -> ready(get(bed, NS, NAME)));
    }

    @AfterAll
    static void stop() {
        System.out.println("glue: " + (glue == null ? "-" : glue.log));
        System.out.println("status seen: " + statusSeen);
        System.out.println("timeline: " + timeline);
        OperatorFixture.closeAll(statusWatch == null ? null : statusWatch::stopAllRegisteredInformers,
                background == null ? null : background::shutdownNow,
                producer == null ? null : () -> producer.close(Duration.ofSeconds(2)), operator, glue, bed, kafka);
    }

    @Test
    @Order(1)
    void scaleUpMovesReplicasOnlyOntoTheNewBrokerUntilBalanced() throws Exception {
        setReplicas(3, 4);

        await("broker 3 holds data and the scale-up finished").atMost(WAIT).until(() -> {
            KafkaCluster c = get(bed, NS, NAME);
            return eventReasons().contains("ScaleUpBalanced") && c.getStatus().operation() == null;
        });

        assertThat(eventReasons()).contains("ScaleUpStarted", "ScaleUpBalanced");
        assertThat(statusSeen).contains("Reconciling=ScaleUpInProgress", "ScaleUp/Reassigning");
        // Progress is in status while data moves.
        List<OperationStatus> ups = operationsSeen.stream().filter(o -> "ScaleUp".equals(o.type())).toList();
        assertThat(ups).anySatisfy(o -> {
            assertThat(o.bytesTotal()).isPositive();
            assertThat(o.partitionsTotal()).isPositive();
        });
        assertThat(ups).filteredOn(o -> o.bytesTotal() != null).allSatisfy(o -> {
            assertThat(o.bytesMoved()).isBetween(0L, o.bytesTotal());
            assertThat(o.partitionsDone()).isBetween(0, o.partitionsTotal());
        });
        Map<Integer, List<Integer>> after = replicas();
        int onNew = 0;
        for (int p = 0; p < PARTITIONS; p++) {
            List<Integer> gone = new ArrayList<>(before.get(p));
            gone.removeAll(after.get(p));
            List<Integer> added = new ArrayList<>(after.get(p));
            added.removeAll(before.get(p));
            assertThat(added).as("partition %d: %s -> %s", p, before.get(p), after.get(p))
                    .isSubsetOf(3).hasSameSizeAs(gone);
            onNew += added.size();
            assertThat(after.get(p).stream().map(RACKS::get).distinct().count()).isEqualTo(3);
        }
        // 18 replicas over 4 brokers: broker 3 takes about a quarter, only from rack a (broker 0).
        assertThat(onNew).isBetween(2, 6);
        assertThat(get(bed, NS, NAME).getStatus().conditions())
                .anySatisfy(x -> assertThat(x.type() + "=" + x.reason())
                        .isEqualTo("Reconciling=Idle"));
    }

    @Test
    @Order(2)
    void aScaleDownThatWouldBreakRackAwarenessIsRefusedByTheStepAndSaysWhatToFix() throws Exception {
        // Brokers 0..3 in racks a, b, c, a: broker 1 is rack b's only broker, so without it RF 3 topics
        // would have 2 racks. The spec itself is valid (3 brokers for RF 3): the scale-down step refuses.
        Map<Integer, List<Integer>> replicasBefore = replicas();
        Set<String> podsBefore = brokerPodUids();
        patchBrokers("{\"replicas\":3,\"remove\":[1]}");

        await("refused by the scale-down step").atMost(WAIT).untilAsserted(() -> {
            Condition blocked = get(bed, NS, NAME).getStatus().condition(ConditionType.ScaleDownBlocked);
            assertThat(blocked).isNotNull();
            assertThat(blocked.isTrue()).isTrue();
            assertThat(blocked.reason()).isEqualTo("NotEnoughRacks");
            assertThat(blocked.message()).startsWith("Scale-down refused, nothing changed: ")
                    .contains("topic orders needs 3 racks for RF 3, found 2 among the remaining brokers")
                    .contains("To fix: name in spec.brokers.remove a broker whose rack keeps another broker");
        });
        // a Warning for kubectl describe, posted after the status write of its pass: awaited, not read once
        await("a ScaleDownRefused Warning").atMost(WAIT).until(() -> eventReasons().contains("ScaleDownRefused"));
        KafkaCluster refused = get(bed, NS, NAME);
        assertThat(refused.getStatus().operation()).isNull();
        assertThat(refused.getStatus().condition(ConditionType.SpecValid).isTrue()).isTrue();
        assertThat(KafkaAwait.registeredBrokers(kafka.admin())).containsExactlyInAnyOrder(0, 1, 2, 3);
        assertThat(brokerPodUids()).isEqualTo(podsBefore);
        assertThat(replicas()).isEqualTo(replicasBefore);

        // null removes the list (JSON merge patch); an empty list would leave broker 1 named, and the
        // operator would then add a broker 4 to keep 4 and drain broker 1.
        patchBrokers("{\"replicas\":4,\"remove\":null}");
        assertThat(get(bed, NS, NAME).getSpec().brokers().remove()).isEmpty();
        await("no longer refused").atMost(WAIT).until(() -> !get(bed, NS, NAME).getStatus()
                .condition(ConditionType.ScaleDownBlocked).isTrue());
    }

    @Test
    @Order(3)
    void scaleDownDrainsVerifiesAndRemovesTheBrokerEvenWhenTheOperatorStopsMidDrain()
            throws Exception {
        setReplicas(4, 3);
        await("draining").atMost(WAIT).until(() -> {
            OperationStatus op = get(bed, NS, NAME).getStatus().operation();
            return op != null && "ScaleDown".equals(op.type()) && "Draining".equals(op.phase());
        });
        List<Integer> leaving = get(bed, NS, NAME).getStatus().operation().brokers();
        assertThat(leaving).hasSize(1);
        int gone = leaving.get(0);

        operator.close();
        OperationStatus frozen = get(bed, NS, NAME).getStatus().operation();
        assertThat(frozen.type()).isEqualTo("ScaleDown");
        // Mid-operation: the leaving broker is still registered with its pod when the operator stops.
        // (Its first batch may have finished meanwhile: close() waits for the pass under way, and Kafka
        // lets a burst through before a throttle holds. The late topic below gives the drain work left.)
        assertThat(KafkaAwait.registrationsIncludingFenced(kafka.admin())).containsKey(gone);
        assertThat(core.readNamespacedPod(NAME + "-broker-" + gone, NS).execute()).isNotNull();
        // While no operator runs, a topic lands on the leaving broker: the drain must catch it.
        List<Integer> lateReplicas = new ArrayList<>(List.of(gone));
        for (int b : new TreeSet<>(KafkaAwait.registeredBrokers(kafka.admin()))) {
            if (lateReplicas.stream().map(RACKS::get).noneMatch(r -> r.equals(RACKS.get(b)))) {
                lateReplicas.add(b);
            }
        }
        KafkaAwait.createTopic(kafka.admin(), "late", Map.of(0, lateReplicas));
        KafkaRecords.produce(bootstrap, "late", 0, 0, 50);
        operator = newOperator("op-2");
        operator.start();

        await("scale-down complete").atMost(WAIT).until(() ->
                eventReasons().contains("ScaleDownComplete")
                        && get(bed, NS, NAME).getStatus().operation() == null
                        && !KafkaAwait.registrationsIncludingFenced(kafka.admin()).containsKey(gone));
        assertThat(OperatorFixture.pods(bed, NS, NAME)).extracting(p -> p.getMetadata().getName())
                .doesNotContain(NAME + "-broker-" + gone).contains(NAME + "-controller-0");
        assertThat(core.listNamespacedPersistentVolumeClaim(NS).execute().getItems())
                .extracting(p -> p.getMetadata().getName())
                .doesNotContain("data-" + NAME + "-broker-" + gone);
        assertThat(replicas().values()).allSatisfy(r -> assertThat(r).doesNotContain(gone).hasSize(3));
        assertThat(KafkaAwait.ids(KafkaAwait.describePartition(kafka.admin(),
                new TopicPartition("late", 0)).replicas())).hasSize(3).doesNotContain(gone);
        assertThat(KafkaRecords.consumeAll(bootstrap, new TopicPartition("late", 0))).hasSize(50);
        assertThat(glue.log).contains("pod of broker " + gone + " deleted: stop broker " + gone);
        assertThat(eventReasons()).contains("ScaleDownStarted", "ScaleDownVerified",
                "ScaleDownComplete");
        // Verifying is brief (the status write itself triggers the next reconcile): its Event
        // above proves it; the longer phases show in status.
        assertThat(statusSeen.stream().filter(x -> x.startsWith("ScaleDown/")).toList())
                .containsSubsequence("ScaleDown/Draining", "ScaleDown/Removing");
    }

    @Test
    @Order(4)
    void aScaleDownBelowTheReplicationFactorIsRefusedAndChangesNothing() throws Exception {
        Set<Integer> brokers = KafkaAwait.registeredBrokers(kafka.admin());
        assertThat(brokers).hasSize(3);
        timeline.add(java.time.Instant.now() + " test 3 starts");
        setReplicas(3, 2);

        // The spec check refuses it before any step runs: SpecValid=False says why and what to fix.
        await("refused").atMost(WAIT).untilAsserted(() -> assertThat(
                get(bed, NS, NAME).getStatus().conditions()).anySatisfy(c -> {
                    assertThat(c.type()).isEqualTo(ConditionType.SpecValid.name());
                    assertThat(c.isTrue()).isFalse();
                    assertThat(c.reason()).isEqualTo("ReplicationFactorExceedsBrokers");
                    assertThat(c.message()).contains("topic orders has replication factor 3 but "
                            + "spec.brokers.replicas is 2");
                }));
        assertThat(get(bed, NS, NAME).getStatus().operation()).isNull();
        assertThat(KafkaAwait.registeredBrokers(kafka.admin())).isEqualTo(brokers);
        assertThat(OperatorFixture.pods(bed, NS, NAME)).filteredOn(p -> p.getMetadata().getName()
                .contains("-broker-")).hasSize(3);
        assertThat(replicas().values()).allSatisfy(r -> assertThat(r).hasSize(3));

        setReplicas(2, 3);
        await("valid again").atMost(WAIT).until(() -> get(bed, NS, NAME).getStatus().conditions()
                .stream().anyMatch(c -> c.type().equals("SpecValid") && c.isTrue()));
    }

    @Test
    @Order(5)
    void everyAckedRecordIsConsumedAndNoPartitionWentBelowMinIsr() throws Exception {
        background.shutdownNow();
        producer.flush();
        Set<String> read = new TreeSet<>();
        for (int p = 0; p < PARTITIONS; p++) {
            for (ConsumerRecord<String, String> r : KafkaRecords.consumeAll(bootstrap,
                    new TopicPartition("orders", p))) {
                read.add(p + "/" + r.value());
            }
        }
        assertThat(acked).hasSizeGreaterThan(500);
        assertThat(read).containsAll(acked);
        assertThat(sendFailures).as("acks=all writes refused or timed out while brokers moved").isEmpty();
        assertThat(monitored.get()).as("ISR polls answered (every 100 ms over the whole class)").isGreaterThan(100);
        assertThat(underMinIsr).isEmpty();
        assertThat(glue.log).noneMatch(l -> l.startsWith("glue error"));
    }

    /**
     * Records every status the operator writes, through a watch (an informer without resync): a
     * short-lived state, such as scale-up progress when reassignment is quick, is seen even when a
     * loaded machine would have let a poller miss it.
     */
    private static void startStatusWatch() {
        statusWatch = new SharedInformerFactory(bed.informerClient());
        SharedIndexInformer<KafkaCluster> informer = statusWatch.sharedIndexInformerFor(new GenericKubernetesApi<>(
                KafkaCluster.class, KafkaClusterList.class, KafkaCluster.GROUP, KafkaCluster.VERSION, KafkaCluster.PLURAL,
                bed.informerClient()), KafkaCluster.class, 0);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(KafkaCluster c) {
                recordStatus(c);
            }

            @Override
            public void onUpdate(KafkaCluster before, KafkaCluster c) {
                recordStatus(c);
            }

            @Override
            public void onDelete(KafkaCluster c, boolean unknownFinalState) {}
        });
        statusWatch.startAllRegisteredInformers();
    }

    private static synchronized void recordStatus(KafkaCluster c) {
        try {
            if (!NAME.equals(c.getMetadata().getName()) || c.getStatus() == null) {
                return;
            }
            c.getStatus().conditions().stream().filter(x -> x.type().equals("Reconciling"))
                    .filter(x -> !statusSeen.contains("Reconciling=" + x.reason())).forEach(x -> {
                        statusSeen.add("Reconciling=" + x.reason());
                        timeline.add(java.time.Instant.now() + " Reconciling=" + x.reason() + ": "
                                + x.message());
                    });
            OperationStatus op = c.getStatus().operation();
            if (op != null && !operationsSeen.contains(op)) {
                operationsSeen.add(op);
            }
            String phase = op == null ? null : op.type() + "/" + op.phase();
            if (phase != null && !phase.equals(lastPhase)) {
                statusSeen.add(phase);
                timeline.add(java.time.Instant.now() + " " + phase + " " + op.brokers());
            }
            lastPhase = phase;
        } catch (RuntimeException e) {
            timeline.add(java.time.Instant.now() + " status not recorded: " + e);
        }
    }

    private static void monitor() {
        try {
            TopicDescription d = KafkaAwait.describeTopic(kafka.admin(), "orders");
            monitored.incrementAndGet();
            for (TopicPartitionInfo p : d.partitions()) {
                if (p.isr().size() < 2) {
                    underMinIsr.add(p.partition() + ":" + KafkaAwait.ids(p.isr()));
                }
            }
        } catch (RuntimeException e) {
            // a broker stopping may fail one poll; the next one counts
        }
    }

    static Set<String> eventReasons() throws Exception {
        Set<String> out = new TreeSet<>();
        core.listNamespacedEvent(NS).execute().getItems().forEach(e -> out.add(e.getReason()));
        return out;
    }

    static Set<String> brokerPodUids() throws Exception {
        Set<String> out = new TreeSet<>();
        OperatorFixture.pods(bed, NS, NAME).stream().filter(p -> p.getMetadata().getName().contains("-broker-"))
                .forEach(p -> out.add(p.getMetadata().getName() + "/" + p.getMetadata().getUid()));
        return out;
    }

    static void patchBrokers(String json) throws Exception {
        OperatorFixture.clusters(bed).patch(NS, NAME,
                io.kubernetes.client.custom.V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                new io.kubernetes.client.custom.V1Patch("{\"spec\":{\"brokers\":" + json + "}}"))
                .throwsApiException();
    }

    static Map<Integer, List<Integer>> replicas() {
        Map<Integer, List<Integer>> out = new HashMap<>();
        for (TopicPartitionInfo p : KafkaAwait.describeTopic(kafka.admin(), "orders").partitions()) {
            out.put(p.partition(), KafkaAwait.ids(p.replicas()));
        }
        return out;
    }

    static Operator newOperator(String identity) {
        return new Operator(bed.informerClient(), bed.apiClient(),
                OperatorFixture.config(NS, bootstrap, "berth-operator", identity),
                List.of(new ScaleDownStep(), new ScaleUpStep()), Clock.systemUTC());
    }

    static KafkaClusterSpec spec(int brokers) {
        // 100 KB/s (Kafka lets a burst through first: its quota window is 11 s): slow enough
        // that a drain is still running when the operator is stopped.
        return new KafkaClusterSpec(null, null, null, new ControllersSpec(1, null),
                new BrokersSpec(brokers, null, null, null), null,
                new RebalanceSpec(100_000L, RebalanceSpec.OnScale.Rebalance));
    }

    static void setReplicas(int from, int to) throws Exception {
        KafkaCluster c = get(bed, NS, NAME);
        assertThat(c.getSpec().brokers().replicas()).isEqualTo(from);
        OperatorFixture.clusters(bed).patch(NS, NAME,
                io.kubernetes.client.custom.V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                new io.kubernetes.client.custom.V1Patch(
                        "{\"spec\":{\"brokers\":{\"replicas\":" + to + "}}}")).throwsApiException();
    }

    static boolean ready(KafkaCluster c) {
        return c.getStatus() != null && c.getStatus().conditions().stream()
                .anyMatch(x -> x.type().equals("Ready") && x.isTrue());
    }

}
