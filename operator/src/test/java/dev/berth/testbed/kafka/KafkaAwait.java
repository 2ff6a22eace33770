package dev.berth.testbed.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.awaitility.core.ConditionFactory;

/**
 * Reads and waits on a test cluster through a real {@link Admin}: every wait polls Kafka itself
 * (never a plan's own idea of what should have happened) with Awaitility, 100 ms apart, up to
 * {@link #TIMEOUT}. Works the same for {@link KafkaTestCluster} and {@link ForkedKafkaCluster}.
 */
public final class KafkaAwait {
    /** Generous for 2 shared cores; a healthy bed answers in well under a second. */
    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private KafkaAwait() {
    }

    /** Awaitility with the bed's timeout and poll interval; Admin errors while polling are retried. */
    public static ConditionFactory polling(String what) {
        return await(what).atMost(TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions();
    }

    /** {@code future.get()} with a 10 s bound, unwrapping Kafka's ExecutionException. */
    public static <T> T get(KafkaFuture<T> future) {
        try {
            return future.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Admin call did not answer within 10 s", e);
        }
    }

    /** Registered, unfenced brokers and their racks, as {@code describeCluster} reports them. */
    public static Map<Integer, String> racks(Admin admin) {
        Map<Integer, String> racks = new TreeMap<>();
        for (Node node : get(admin.describeCluster().nodes())) {
            racks.put(node.id(), node.rack());
        }
        return racks;
    }

    /**
     * Every broker registration the controller holds, fenced ones included, as id -> fenced. A stopped
     * broker stays here (fenced) until it is unregistered; the plain {@link #racks} view hides it at once.
     */
    public static Map<Integer, Boolean> registrationsIncludingFenced(Admin admin) {
        Map<Integer, Boolean> fenced = new TreeMap<>();
        DescribeClusterOptions options = new DescribeClusterOptions().includeFencedBrokers(true);
        for (Node node : get(admin.describeCluster(options).nodes())) {
            fenced.put(node.id(), node.isFenced());
        }
        return fenced;
    }

    public static Set<Integer> registeredBrokers(Admin admin) {
        return racks(admin).keySet();
    }

    /**
     * Waits until {@code describeCluster} lists exactly these broker ids, as the broker that answered
     * sees them. Registrations reach each broker's metadata on their own, so another broker may still
     * list the old set for a moment: a test that asserts on the new broker right away polls too.
     */
    public static void awaitRegisteredBrokers(Admin admin, Collection<Integer> expected) {
        Set<Integer> want = new TreeSet<>(expected);
        polling("registered brokers == " + want)
                .untilAsserted(() -> assertThat(registeredBrokers(admin)).isEqualTo(want));
    }

    public static TopicDescription describeTopic(Admin admin, String topic) {
        return get(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic);
    }

    public static TopicPartitionInfo describePartition(Admin admin, TopicPartition tp) {
        return describeTopic(admin, tp.topic()).partitions().get(tp.partition());
    }

    public static List<Integer> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).collect(Collectors.toList());
    }

    /** Creates a topic with an explicit assignment (partition -> replicas, first is preferred leader). */
    public static void createTopic(Admin admin, String topic, Map<Integer, List<Integer>> assignment) {
        get(admin.createTopics(List.of(new NewTopic(topic, assignment))).all());
        awaitFullIsr(admin, topic);
    }

    /** Creates a topic and waits until every partition has a leader and a full ISR. */
    public static void createTopic(Admin admin, String topic, int partitions, short replicationFactor) {
        get(admin.createTopics(List.of(new NewTopic(topic, partitions, replicationFactor))).all());
        awaitFullIsr(admin, topic);
    }

    /**
     * Creates any topic (e.g. with {@code min.insync.replicas} in {@link NewTopic#configs}) and waits
     * until every partition has a leader and a full ISR.
     */
    public static void createTopic(Admin admin, NewTopic topic) {
        get(admin.createTopics(List.of(topic)).all());
        awaitFullIsr(admin, topic.name());
    }

    /** Waits until every partition of the topic has a leader and ISR == replicas. */
    public static void awaitFullIsr(Admin admin, String topic) {
        polling("full ISR on " + topic).untilAsserted(() -> {
            for (TopicPartitionInfo p : describeTopic(admin, topic).partitions()) {
                assertThat(p.leader()).as("leader of %s-%d", topic, p.partition()).isNotNull();
                assertThat(p.leader().isEmpty()).as("leader of %s-%d", topic, p.partition()).isFalse();
                assertThat(new TreeSet<>(ids(p.isr())))
                        .as("ISR of %s-%d", topic, p.partition())
                        .isEqualTo(new TreeSet<>(ids(p.replicas())));
            }
        });
    }

    /** Waits until the broker is in no ISR of the topic (e.g. after it crashed and was fenced). */
    public static void awaitOutOfIsr(Admin admin, String topic, int brokerId) {
        polling("broker " + brokerId + " out of every ISR of " + topic).untilAsserted(() -> {
            for (TopicPartitionInfo p : describeTopic(admin, topic).partitions()) {
                assertThat(ids(p.isr())).as("ISR of %s-%d", topic, p.partition()).doesNotContain(brokerId);
            }
        });
    }

    /** Waits until the partition's leader is the given broker. */
    public static void awaitLeader(Admin admin, TopicPartition tp, int brokerId) {
        polling("leader of " + tp + " == " + brokerId).untilAsserted(() -> {
            Node leader = describePartition(admin, tp).leader();
            assertThat(leader == null ? -1 : leader.id()).isEqualTo(brokerId);
        });
    }

    /**
     * Waits until these reassignments are complete as Kafka sees it: none is listed by
     * {@code listPartitionReassignments}, each partition's replicas equal the target (in order) and its
     * ISR is full.
     */
    public static void awaitReassignmentsComplete(Admin admin, Map<TopicPartition, List<Integer>> targets) {
        polling("reassignments complete: " + targets).untilAsserted(() -> {
            assertThat(get(admin.listPartitionReassignments(targets.keySet()).reassignments())).isEmpty();
            for (Map.Entry<TopicPartition, List<Integer>> target : targets.entrySet()) {
                TopicPartitionInfo p = describePartition(admin, target.getKey());
                assertThat(ids(p.replicas())).as("replicas of %s", target.getKey()).isEqualTo(target.getValue());
                assertThat(new TreeSet<>(ids(p.isr()))).as("ISR of %s", target.getKey())
                        .isEqualTo(new TreeSet<>(target.getValue()));
            }
        });
    }
}
