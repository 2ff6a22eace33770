package dev.berth.operator.act;

import java.util.List;
import java.util.Map;

/**
 * Where an executing plan stands, as read from Kafka in one pass (never from memory).
 *
 * @param bytesDone bytes of added replicas that Kafka reports in place
 * @param bytesTotal bytes of every added replica of the plan
 * @param partitionsDone partitions whose replicas, ISR and preferred leader match the plan
 * @param partitionsTotal partitions in the plan
 * @param inFlight partitions with a reassignment running in Kafka right now
 * @param complete every partition done and the throttles cleared
 * @param errors per-partition errors Kafka returned in this pass (short, stable texts)
 * @param submittedFrom partitions this pass asked Kafka to reassign ({@code topic-partition}), each with
 *     its replica list just before: what a cancelled move must be put back to, order included
 */
public record ReassignmentProgress(
        long bytesDone,
        long bytesTotal,
        int partitionsDone,
        int partitionsTotal,
        int inFlight,
        boolean complete,
        List<String> errors,
        Map<String, List<Integer>> submittedFrom) {

    public ReassignmentProgress {
        errors = List.copyOf(errors);
        submittedFrom = Map.copyOf(submittedFrom);
    }

    @Override
    public String toString() {
        return "bytes " + bytesDone + "/" + bytesTotal + ", partitions " + partitionsDone + "/"
                + partitionsTotal + ", in flight " + inFlight + (complete ? ", complete" : "")
                + (errors.isEmpty() ? "" : ", errors " + errors);
    }
}
