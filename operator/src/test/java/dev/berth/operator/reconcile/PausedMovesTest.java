package dev.berth.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.act.ReassignmentProgress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link PausedMoves#refusedMoves}: when a pass's submissions count as Kafka refusing the moves. */
class PausedMovesTest {
    record Row(String why, int inFlight, List<String> errors, String expected) {}

    /** The executor's words for a submission the Admin client gave up on, and for one Kafka refused. */
    static String submitted(Throwable failure) {
        org.apache.kafka.common.internals.KafkaFutureImpl<Void> f = new org.apache.kafka.common.internals.KafkaFutureImpl<>();
        f.completeExceptionally(failure);
        return dev.berth.operator.act.ReassignmentExecutor.error(new org.apache.kafka.common.TopicPartition("orders", 0), f,
                "reassign").orElseThrow();
    }

    @Test
    void theAdminClientsOwnTimeOutReadsAsATimeOut() {
        assertThat(submitted(new org.apache.kafka.common.errors.TimeoutException("Timed out waiting for a node assignment")))
                .isEqualTo("orders-0: reassign timed out");
        assertThat(submitted(new org.apache.kafka.common.errors.ClusterAuthorizationException("no")))
                .isEqualTo("orders-0: reassign ClusterAuthorizationException");
        ReassignmentProgress p = new ReassignmentProgress(0, 0, 0, 1, 0, false, List.of(submitted(
                new org.apache.kafka.common.errors.TimeoutException("slow controller"))), Map.of());
        assertThat(PausedMoves.refusedMoves(p)).as("the call may still be carried out").isNull();
    }

    @Test
    void onlyAnswersThatSayNoAreRefusals() {
        for (Row row : List.of(
                new Row("every submission refused, none running", 0,
                        List.of("orders-0: reassign ClusterAuthorizationException", "orders-1: reassign ClusterAuthorizationException"),
                        "Kafka refuses the data moves (2 partitions): orders-0: reassign ClusterAuthorizationException;"
                                + " orders-1: reassign ClusterAuthorizationException"),
                new Row("some running: those refused are asked again", 1,
                        List.of("orders-0: reassign ClusterAuthorizationException"), null),
                new Row("timed out: Kafka may yet carry it out, the next pass reads what runs", 0,
                        List.of("orders-0: reassign timed out", "orders-1: reassign timed out"), null),
                new Row("a refusal beside a time-out is still one", 0,
                        List.of("orders-0: reassign timed out", "orders-1: reassign InvalidReplicaAssignmentException"),
                        "Kafka refuses the data moves (1 partitions): orders-1: reassign InvalidReplicaAssignmentException"),
                new Row("a list still lagging is no refusal", 0,
                        List.of("orders-0: planned 2 replicas, Kafka lists 3; not submitted"), null))) {
            ReassignmentProgress p = new ReassignmentProgress(0, 0, 0, 2, row.inFlight(), false, row.errors(), Map.of());
            assertThat(PausedMoves.refusedMoves(p)).as(row.why()).isEqualTo(row.expected());
        }
    }
}
