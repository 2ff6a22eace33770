package dev.berth.operator.reconcile;

import dev.berth.operator.act.KubeWriter;
import dev.berth.operator.act.StatusBuilder;
import dev.berth.operator.api.KafkaCluster;
import dev.berth.operator.api.KafkaClusterStatus;
import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.metrics.ClusterGauges;
import dev.berth.operator.metrics.OperatorMetrics;
import dev.berth.operator.observe.KafkaView;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.JSON;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last stage of a reconcile pass: the status write, with its three rules.
 * <ol>
 *   <li>Only over the object the pass read ({@link KubeWriter#patchStatus} tests its resourceVersion):
 *       a pass that read an older KafkaCluster writes nothing and decides again.
 *   <li>But what such a pass did to Kafka is still recorded ({@link #keepOperation}).
 *   <li>A successor operator keeps the status its predecessor left until its own first look at Kafka
 *       ({@link #heldUntilObserved}).
 * </ol>
 */
final class StatusWrites {
    private static final Logger LOG = LoggerFactory.getLogger(StatusWrites.class);

    private final KubeWriter writer;
    private final Clock clock;

    StatusWrites(KubeWriter writer, Clock clock) {
        this.writer = writer;
        this.clock = clock;
    }

    /**
     * After a refused status write: the steps may have acted on Kafka (a batch submitted, moves
     * cancelled) and recorded it in the operation, such as the replica lists a call-off needs to put
     * partitions back. A spec edit during the pass (every edit changes the resourceVersion) made that
     * record vanish. So the operation alone is written over the fresh object, if this pass acted on
     * Kafka ({@link #actedOnKafka}) and nobody else changed the operation since this pass read it
     * (compare-and-set; another leader's operation is never overwritten). A pass that only decided
     * (an operation started, Verifying to Removing) is not kept: the next pass decides again from the
     * new spec, which may call the operation off.
     */
    /** @return whether the operation was written */
    boolean keepOperation(KafkaCluster read, OperationStatus before, OperationStatus after) throws ApiException {
        if (!actedOnKafka(before, after)) {
            return false;
        }
        KafkaCluster fresh = writer.read(read.namespace(), read.name());
        if (fresh == null || !java.util.Objects.equals(fresh.getStatus().operation(), before)) {
            LOG.info("operation of {}/{} changed by another writer meanwhile; this pass's is dropped",
                    read.namespace(), read.name());
            return false;
        }
        KafkaClusterStatus s = fresh.getStatus();
        try {
            writer.patchStatus(fresh, new KafkaClusterStatus(s.observedGeneration(), s.phase(), s.ready(), s.conditions(),
                    s.brokers(), s.controllers(), after, s.suspended()));
            return true;
        } catch (ApiException e) {
            if (!KubeWriter.isStale(e)) {
                throw e;
            }
            LOG.info("operation of {}/{} not recorded: the object changed again", read.namespace(), read.name());
            return false;
        }
    }

    /** Whether the operation records an action of this pass: a new batch, moves cancelled, or a pod deleted to restart it. */
    static boolean actedOnKafka(OperationStatus before, OperationStatus after) {
        if (before == null || after == null) {
            return false; // a start or an end is a decision
        }
        return !java.util.Objects.equals(before.details().get(MoveCancel.ORIGINS), after.details().get(MoveCancel.ORIGINS))
                || !java.util.Objects.equals(before.details().get(MoveCancel.CANCELLED), after.details().get(MoveCancel.CANCELLED))
                || !java.util.Objects.equals(before.details().get(RestartStep.DELETED_POD),
                        after.details().get(RestartStep.DELETED_POD));
    }

    /**
     * Whether this pass must leave a status written before alone: the cluster ran before (phase
     * Running, Degraded or Invalid; a cluster still being created has no verdict on Kafka to lose) and
     * this operator has not finished its first look at Kafka (no observation, no failure yet). Without Kafka, a status says Ready=False "Kafka does not answer", phase Degraded
     * and Degraded=Unknown, and skips the topic-RF spec check: after every operator restart or Lease
     * fail-over a healthy cluster flipped to Degraded and back within a second, with new transition
     * times. The first observation, or its failure (within the Admin timeout, about 6 s), enqueues the
     * cluster again and its status is written then. Pods are still healed in the meantime.
     */
    static boolean heldUntilObserved(KafkaCluster c, KafkaView kafka) {
        String phase = c.getStatus().phase();
        return kafka.observation() == null && kafka.unreachable() == null && phase != null
                && !KafkaClusterStatus.Phase.Creating.name().equals(phase);
    }

    /**
     * Writes the status when it changed; false when the KafkaCluster changed since this pass read it
     * (the write is refused, and a new pass must decide again from the new object).
     */
    boolean write(StatusBuilder.Inputs in) throws ApiException {
        KafkaCluster c = in.cluster();
        if (heldUntilObserved(c, in.kafka())) {
            LOG.debug("status of {}/{} kept until Kafka is first observed", c.namespace(), c.name());
            return true;
        }
        KafkaClusterStatus next = StatusBuilder.build(in, clock);
        if (!JSON.serialize(next).equals(JSON.serialize(c.getStatus()))) {
            LOG.debug("status of {}/{}: {} -> {}", c.namespace(), c.name(), JSON.serialize(c.getStatus()), JSON.serialize(next));
            try {
                writer.patchStatus(c, next);
            } catch (ApiException e) {
                if (!KubeWriter.isStale(e)) {
                    throw e;
                }
                LOG.info("status of {}/{} not written: the object changed since this pass read it; deciding again",
                        c.namespace(), c.name());
                return false;
            }
            OperatorMetrics.STATUS_WRITES.inc();
        }
        ClusterGauges.publish(c.namespace(), c.name(), next);
        return true;
    }
}
