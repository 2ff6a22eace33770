package dev.berth.operator.act;

import dev.berth.operator.observe.DeletedTopics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.PartitionReassignment;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * Checks AGAINST KAFKA that a broker holds no data before it may be removed. It never reads the
 * plan or the operator's status: a plan can be stale (a partition created on the broker while it
 * drained), and status can be wrong; only Kafka's own answers count.
 *
 * <p>Three independent witnesses, all must agree the broker is empty:
 * <ol>
 *   <li>describeTopics of every topic (internal ones included): the broker is in no replica list. A topic
 *       deleted since the list holds nothing, and is left out ({@link DeletedTopics});
 *   <li>listPartitionReassignments: nothing is in flight at all (a running reassignment may still
 *       add the broker, or still read from it);
 *   <li>describeLogDirs of the broker itself: no partition log on any of its directories. A broker
 *       that does not answer is not verified empty, unless Kafka itself says it is not running
 *       (fenced, or no longer registered: describeCluster with fenced brokers). Such a broker serves
 *       nothing, and whatever its disk holds no replica list names (witness 1), so it is no data
 *       Kafka has: a broker lost with its node can be removed, which it could not be if this
 *       witness waited for an answer that never comes.
 * </ol>
 * Findings are short stable texts: {@code replica t-0}, {@code reassignment t-0},
 * {@code log t-0 (123 bytes)}, {@code describeLogDirs failed}.
 */
public final class DrainVerifier {
    private final Admin admin;

    public DrainVerifier(Admin admin) {
        this.admin = admin;
    }

    /**
     * @param brokerId the broker being removed
     * @param empty true only when every witness found nothing
     * @param findings why it is not empty (sorted, capped at 20 with a count of the rest)
     */
    public record DrainReport(int brokerId, boolean empty, List<String> findings) {
        public DrainReport {
            findings = List.copyOf(findings);
        }
    }

    public DrainReport verify(int brokerId) {
        List<String> findings = new ArrayList<>();
        Set<String> names = ReassignmentExecutor.get(
                admin.listTopics(new ListTopicsOptions().listInternal(true)).names(), "listTopics");
        if (!names.isEmpty()) {
            Map<String, TopicDescription> topics = ReassignmentExecutor.existing(
                    admin.describeTopics(names).topicNameValues(), "describeTopics");
            Set<String> onBroker = new TreeSet<>();
            for (TopicDescription t : topics.values()) {
                for (TopicPartitionInfo p : t.partitions()) {
                    if (ReassignmentExecutor.ids(p.replicas()).contains(brokerId)) {
                        onBroker.add("replica " + t.name() + "-" + p.partition());
                    }
                }
            }
            findings.addAll(onBroker);
        }
        Map<TopicPartition, PartitionReassignment> running = ReassignmentExecutor.get(
                admin.listPartitionReassignments().reassignments(), "listPartitionReassignments");
        running.keySet().stream().map(tp -> "reassignment " + tp).sorted().forEach(findings::add);
        if (!running(brokerId)) {
            return report(brokerId, findings);
        }
        try {
            Map<Integer, Map<String, LogDirDescription>> dirs = ReassignmentExecutor.get(
                    admin.describeLogDirs(List.of(brokerId)).allDescriptions(), "describeLogDirs");
            Set<String> logs = new TreeSet<>();
            dirs.getOrDefault(brokerId, Map.of()).values().forEach(d -> d.replicaInfos().forEach(
                    (tp, info) -> logs.add("log " + tp + " (" + info.size() + " bytes)")));
            findings.addAll(logs);
        } catch (KafkaCallException e) {
            findings.add("describeLogDirs failed");
        }
        return report(brokerId, findings);
    }

    private static DrainReport report(int brokerId, List<String> findings) {
        if (findings.size() > 20) {
            int rest = findings.size() - 20;
            findings = new ArrayList<>(findings.subList(0, 20));
            findings.add("and " + rest + " more");
        }
        return new DrainReport(brokerId, findings.isEmpty(), findings);
    }

    /**
     * False only when Kafka answers that the broker is fenced or not registered; a failed call
     * counts as running, so the log-dir witness still has to answer.
     */
    private boolean running(int brokerId) {
        try {
            return admin.describeCluster(new DescribeClusterOptions().includeFencedBrokers(true)).nodes()
                    .get(10, TimeUnit.SECONDS).stream().anyMatch(n -> n.id() == brokerId && !n.isFenced());
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return true;
        }
    }
}
