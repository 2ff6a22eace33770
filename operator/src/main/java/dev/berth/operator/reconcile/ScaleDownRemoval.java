package dev.berth.operator.reconcile;

import dev.berth.operator.act.BrokerRemover;
import dev.berth.operator.act.DrainVerifier;
import dev.berth.operator.act.desired.Names;
import dev.berth.operator.api.OperationStatus;
import dev.berth.operator.observe.KubeView;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * The scale-down's last two phases, once its drain planned nothing more ({@link ScaleDownStep}).
 *
 * <p><b>Goal:</b> take away brokers that hold nothing, and only those. <b>Constraint:</b> nothing
 * irreversible on a guess; Kafka is asked, fresh, right before each step.
 *
 * <ol>
 *   <li><b>Verifying</b> ({@link #verify}): {@link DrainVerifier} asks Kafka (describeTopics,
 *       describeLogDirs, listPartitionReassignments) about each leaving broker; anything found sends the
 *       operation back to Draining.
 *   <li><b>Removing</b> ({@link #remove}), per broker and level-based: verified empty again, its pod is
 *       deleted (the broker stops; a pod its node does not confirm for a minute past its grace period, a
 *       node lost but still listed, is deleted at once once Kafka shows the broker fenced and empty); once
 *       Kafka shows it fenced, and verified empty again,
 *       {@code unregisterBroker}; once Kafka no longer lists it at all, and verified empty again, its PVC
 *       is deleted. Done when no pod, registration or PVC is left.
 * </ol>
 *
 * <p>Each irreversible step has its own check, since data can reach a leaving broker after the one
 * before: until its controlled shutdown fences it, a stopping broker is one Kafka may still put a new
 * partition on (a CreateTopics, an auto-created topic), and a leaving broker whose pod vanished between
 * Verifying and Removing was not checked at pod deletion at all. A fenced or unregistered broker is
 * checked by the replica lists and the reassignments in flight ({@link DrainVerifier}). Anything found
 * sends the operation back to Draining and the volume stays: a partition whose replica list names an
 * unregistered broker blocks the drain's plans until that broker is back, which its volume allows.</p>
 *
 * <p><b>Example:</b> leaving [3], verified empty: pass 1 deletes pod 3; pass 2 finds no pod and broker 3
 * still heartbeating (ALIVE): waits; pass 3 finds it FENCED: unregisters; pass 4 finds it GONE: deletes
 * its PVC; pass 5 finds nothing left: {@code ScaleDownComplete}, operation cleared.
 */
final class ScaleDownRemoval {
    private ScaleDownRemoval() {}

    static StepResult verify(StepContext ctx, OperationStatus op) throws Exception {
        DrainVerifier verifier = new DrainVerifier(ctx.admin());
        for (int id : op.brokers()) {
            DrainVerifier.DrainReport r = verifier.verify(id);
            if (!r.empty()) {
                return StepResult.of(Reshuffle.phase(op, ScaleDownStep.DRAINING, "Broker " + id
                        + " still holds data (" + String.join(", ", r.findings()) + "); draining again."),
                        Duration.ofSeconds(1));
            }
        }
        String message = "Brokers " + op.brokers() + " verified empty by Kafka (describeTopics, "
                + "describeLogDirs, no reassignment in flight); removing them.";
        ctx.event("Normal", ScaleEvent.SCALE_DOWN_VERIFIED.reason(), message);
        return StepResult.of(Reshuffle.phase(op, ScaleDownStep.REMOVING, message), Duration.ofMillis(500));
    }

    static StepResult remove(StepContext ctx, OperationStatus op) throws Exception {
        BrokerRemover remover = new BrokerRemover(ctx.writer().core(), ctx.admin());
        DrainVerifier verifier = new DrainVerifier(ctx.admin());
        Map<Integer, V1Pod> pods = ctx.kube().podsByNodeId(Names.ROLE_BROKER);
        String ns = ctx.cluster().namespace();
        List<Integer> left = new ArrayList<>();
        for (int id : op.brokers()) {
            String podName = Names.brokerPod(ctx.cluster().name(), id);
            V1Pod pod = pods.get(id);
            if (pod != null && !KubeView.isTerminating(pod)) {
                DrainVerifier.DrainReport r = verifier.verify(id);
                if (!r.empty()) {
                    return drainAgain(op, r);
                }
                remover.deletePod(ns, podName);
                left.add(id);
                continue;
            }
            Registration reg = registration(ctx, id);
            // FENCED or GONE: a broker that never registered, or was unregistered already, is as stopped
            if (pod != null && reg != Registration.ALIVE && stuck(pod, ctx.clock().instant())) {
                DrainVerifier.DrainReport r = verifier.verify(id);
                if (!r.empty()) {
                    return drainAgain(op, r);
                }
                remover.forceDeletePod(ns, podName, pod.getMetadata().getUid());
                ctx.event("Warning", ScaleEvent.BROKER_POD_FORCE_DELETED.reason(), "Pod " + podName + " of broker " + id
                        + " was still terminating " + STUCK.toSeconds() + " s after its grace period, its node not"
                        + " confirming; Kafka shows the broker stopped and holding nothing, so the pod was deleted"
                        + " without waiting for its node.");
                left.add(id);
                continue;
            }
            if (pod != null || reg == Registration.ALIVE) {
                left.add(id); // the broker is still stopping
                continue;
            }
            DrainVerifier.DrainReport again = verifier.verify(id); // before unregistering, and before the volume goes
            if (!again.empty()) {
                return drainAgain(op, again);
            }
            if (reg == Registration.FENCED) {
                remover.unregisterBroker(id);
                left.add(id); // confirmed gone on the next pass
                continue;
            }
            remover.deletePvc(ns, Names.pvc(podName));
            if (ctx.kube().pvcs().containsKey(Names.pvc(podName))) {
                left.add(id);
            }
        }
        if (left.isEmpty()) {
            ctx.event("Normal", ScaleEvent.SCALE_DOWN_COMPLETE.reason(),
                    "Brokers " + op.brokers()
                            + " drained, verified empty, unregistered; pods and PVCs deleted.");
            return StepResult.of(null, Duration.ofSeconds(1));
        }
        return StepResult.of(Reshuffle.phase(op, ScaleDownStep.REMOVING, "Removing brokers " + left
                + ": stopping, unregistering, deleting PVCs."), Duration.ofSeconds(1));
    }

    /** How long past its grace period a deleted pod may stay before its node counts as not answering. */
    static final Duration STUCK = Duration.ofMinutes(1);

    /**
     * A pod deleted gracefully that is still there {@link #STUCK} after its deletion timestamp (the delete
     * plus its grace period): its kubelet does not confirm, as on a node that is lost but still listed.
     * Nothing else would end the removal then; the pod would stay Terminating until someone deleted the Node.
     */
    static boolean stuck(V1Pod pod, java.time.Instant now) {
        var at = pod.getMetadata() == null ? null : pod.getMetadata().getDeletionTimestamp();
        return at != null && !now.isBefore(at.toInstant().plus(STUCK));
    }

    private static StepResult drainAgain(OperationStatus op, DrainVerifier.DrainReport r) {
        String why = "Broker " + r.brokerId() + " holds data again (" + String.join(", ", r.findings())
                + "); draining again before removal.";
        return StepResult.of(Reshuffle.phase(op, ScaleDownStep.DRAINING, why), Duration.ofSeconds(1));
    }

    enum Registration { ALIVE, FENCED, GONE }

    /**
     * describeCluster with fenced brokers (fresh, not the observation): ALIVE while the broker
     * heartbeats, FENCED once it stopped (only then is it unregistered), GONE when unregistered.
     * An unanswered call counts as ALIVE: nothing irreversible happens on a guess.
     */
    private static Registration registration(StepContext ctx, int id) {
        try {
            return ctx.admin().describeCluster(new DescribeClusterOptions().includeFencedBrokers(true))
                    .nodes().get(10, TimeUnit.SECONDS).stream().filter(n -> n.id() == id)
                    .map(n -> n.isFenced() ? Registration.FENCED : Registration.ALIVE)
                    .findFirst().orElse(Registration.GONE);
        } catch (Exception e) {
            return Registration.ALIVE;
        }
    }
}
