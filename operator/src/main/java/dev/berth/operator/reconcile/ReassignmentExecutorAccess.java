package dev.berth.operator.reconcile;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.PartitionReassignment;
import org.apache.kafka.common.TopicPartition;

/** listPartitionReassignments with a bound, for the steps' "anything in flight?" check. */
final class ReassignmentExecutorAccess {
    private ReassignmentExecutorAccess() {}

    static Map<TopicPartition, PartitionReassignment> running(Admin admin) {
        try {
            return admin.listPartitionReassignments().reassignments().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("listPartitionReassignments failed: " + e, e);
        }
    }
}
