package dev.berth.operator.reconcile;

import dev.berth.operator.act.KubeWriter;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.observe.KafkaView;
import dev.berth.operator.observe.KubeView;
import java.time.Clock;
import java.util.SortedSet;
import org.apache.kafka.clients.admin.Admin;

/**
 * What an {@link OperationStep} sees.
 *
 * @param cluster the KafkaCluster (spec and previous status)
 * @param kube its owned objects from the informer caches
 * @param kafka the latest Kafka observation (check {@link KafkaView#reachable()})
 * @param admin the Admin client of this cluster, or {@code null} when not connected
 * @param desiredBrokers broker ids that should have a pod now
 * @param operation the operation in flight, or {@code null}
 * @param writer Kubernetes writes (pods, annotations)
 * @param clock time
 * @param events Events for the KafkaCluster, posted once the pass's status is written
 * @param suspended the operation that made way for a move off a cordoned node ({@link MakeWay}), or {@code null}
 */
public record StepContext(
        KafkaCluster cluster,
        KubeView kube,
        KafkaView kafka,
        Admin admin,
        SortedSet<Integer> desiredBrokers,
        OperationStatus operation,
        KubeWriter writer,
        Clock clock,
        StepEvents events,
        OperationStatus suspended) {

    /** A context with no operation suspended. */
    public StepContext(KafkaCluster cluster, KubeView kube, KafkaView kafka, Admin admin, SortedSet<Integer> desiredBrokers,
            OperationStatus operation, KubeWriter writer, Clock clock, StepEvents events) {
        this(cluster, kube, kafka, admin, desiredBrokers, operation, writer, clock, events, null);
    }

    public StepContext withOperation(OperationStatus op) {
        return new StepContext(cluster, kube, kafka, admin, desiredBrokers, op, writer, clock, events, suspended);
    }

    public StepContext withSuspended(OperationStatus op) {
        return new StepContext(cluster, kube, kafka, admin, desiredBrokers, operation, writer, clock, events, op);
    }

    /** Queues an Event on this KafkaCluster ({@link StepEvents}). */
    public void event(String type, String reason, String message) {
        events.post(type, reason, message);
    }

    /** Queues an Event, and runs {@code posted} once it is posted ({@link StepEvents}). */
    public void event(String type, String reason, String message, Runnable posted) {
        events.post(type, reason, message, posted);
    }
}
