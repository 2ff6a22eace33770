package dev.berth.operator.plan;

/**
 * One broker's load before and after a plan.
 *
 * @param id broker id
 * @param rack its rack, or {@code null}
 * @param role {@code NEW}, {@code REMOVED} or {@code KEPT}
 * @param bytesBefore replica bytes now
 * @param bytesAfter replica bytes after the plan
 * @param replicasBefore replicas now
 * @param replicasAfter replicas after
 * @param leadersBefore preferred leaderships now
 * @param leadersAfter preferred leaderships after
 */
public record BrokerLoad(
        int id,
        String rack,
        String role,
        long bytesBefore,
        long bytesAfter,
        int replicasBefore,
        int replicasAfter,
        int leadersBefore,
        int leadersAfter) {}
