package dev.berth.operator.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one place a snapshot file is checked before anything plans on it: pure, over the file's
 * fields as written (a missing field is {@code null}, never a silent 0).
 *
 * <p><b>Rules</b>, each a problem that names where and which field to fix:
 * <ol>
 *   <li>every broker has an {@code id}, 0 or more (Kafka's range), listed once;
 *   <li>a {@code rack} is absent or non-empty: {@code ""} is refused rather than guessed, since
 *       Kafka has no empty rack and "no rack" is written by leaving the key out;
 *   <li>every partition has a {@code topic}, a {@code partition} of 0 or more and a non-empty
 *       {@code replicas} list; each topic-partition is listed once;
 *   <li>replica and ISR ids are 0 or more, and no broker appears twice in one replica list;
 *       {@code leader} is -1 (none) or 0 or more;
 *   <li>{@code sizeBytes} is 0 or more, {@code bytesInPerSec} a finite number of 0 or more;
 *   <li>the replica bytes of the whole cluster (size × replicas, summed) fit in a long, so every
 *       per-broker total and ratio the planner prints is exact (they are all parts of that sum);
 *   <li>a {@code topics} entry is an object; its {@code name}, when given, is its key; its
 *       {@code replicationFactor}, when given, is 1 or more and no more than the longest replica
 *       list of its partitions (Kafka lists RF replicas, more only while a reassignment adds some);
 *       its {@code minInsyncReplicas}, when given, is 1 or more. A missing RF is taken from the
 *       partitions, a missing min.insync.replicas is 1.
 * </ol>
 *
 * <p>Example: brokers {@code [{"id": 1}, {"id": 1}]} give
 * {@code brokers[1]: "id" 1 is listed twice (also brokers[0]); list each broker once}.
 */
final class SnapshotCheck {
    private SnapshotCheck() {}

    /** A broker as written in the file. */
    record RawBroker(Integer id, String rack, String host, Integer port) {}

    /** A {@code topics} entry as written in the file; each field is {@code null} when absent. */
    record RawTopic(String name, Integer replicationFactor, Integer minInsyncReplicas) {}

    /** A partition as written in the file; optional fields are {@code null} when absent. */
    record RawPartition(String topic, Integer partition, List<Integer> replicas, Integer leader,
            List<Integer> isr, Long sizeBytes, Double bytesInPerSec) {}

    /** Every problem, in file order (brokers first); empty means the snapshot may be planned. */
    static List<String> problems(List<RawBroker> brokers, Map<String, RawTopic> topics, List<RawPartition> partitions) {
        List<String> out = new ArrayList<>();
        checkBrokers(brokers, out);
        checkPartitions(partitions, out);
        checkTopics(topics, partitions, out);
        return out;
    }

    private static void checkTopics(Map<String, RawTopic> topics, List<RawPartition> partitions, List<String> out) {
        Map<String, Integer> longest = new HashMap<>();
        for (RawPartition p : partitions) {
            if (p != null && p.topic() != null && p.replicas() != null) {
                longest.merge(p.topic(), p.replicas().size(), Math::max);
            }
        }
        for (Map.Entry<String, RawTopic> e : new java.util.TreeMap<>(topics).entrySet()) {
            String at = "topics[\"" + e.getKey() + "\"]";
            RawTopic t = e.getValue();
            if (t == null) {
                out.add(at + ": is null; write {\"replicationFactor\": N} or remove the entry");
                continue;
            }
            if (t.name() != null && !t.name().equals(e.getKey())) {
                out.add(at + ": \"name\" \"" + t.name() + "\" is not its key; a topic is listed under its own name");
            }
            Integer rf = t.replicationFactor();
            Integer most = longest.get(e.getKey());
            if (rf != null && rf < 1) {
                out.add(at + ": \"replicationFactor\" " + rf + " is not 1 or more");
            } else if (rf != null && most != null && rf > most) {
                out.add(at + ": \"replicationFactor\" " + rf + " but its partitions list at most " + most
                        + " replicas; write the RF its partitions have");
            }
            if (t.minInsyncReplicas() != null && t.minInsyncReplicas() < 1) {
                out.add(at + ": \"minInsyncReplicas\" " + t.minInsyncReplicas() + " is not 1 or more");
            }
        }
    }

    private static void checkBrokers(List<RawBroker> brokers, List<String> out) {
        Map<Integer, Integer> firstAt = new HashMap<>();
        for (int i = 0; i < brokers.size(); i++) {
            RawBroker b = brokers.get(i);
            String at = "brokers[" + i + "]";
            if (b == null) {
                out.add(at + ": is null; write {\"id\": N} or remove the entry");
                continue;
            }
            if (b.id() == null) {
                out.add(at + ": no \"id\"; every broker needs its Kafka node id");
            } else if (b.id() < 0) {
                out.add(at + ": \"id\" " + b.id() + " is negative; Kafka broker ids are 0 or more");
            } else {
                Integer first = firstAt.putIfAbsent(b.id(), i);
                if (first != null) {
                    out.add(at + ": \"id\" " + b.id() + " is listed twice (also brokers[" + first
                            + "]); list each broker once");
                }
            }
            if (b.rack() != null && b.rack().isEmpty()) {
                out.add(at + ": \"rack\" is empty; leave \"rack\" out for a broker without a rack");
            }
        }
    }

    private static void checkPartitions(List<RawPartition> partitions, List<String> out) {
        Map<String, Integer> firstAt = new HashMap<>();
        long total = 0;
        boolean overflowed = false;
        for (int i = 0; i < partitions.size(); i++) {
            RawPartition p = partitions.get(i);
            String at = "partitions[" + i + "]";
            if (p == null) {
                out.add(at + ": is null; remove the entry");
                continue;
            }
            if (p.topic() == null) {
                out.add(at + ": no \"topic\"");
                continue;
            }
            if (p.partition() == null) {
                out.add(at + " (" + p.topic() + "): no \"partition\"");
                continue;
            }
            at += " (" + p.topic() + "-" + p.partition() + ")";
            if (p.partition() < 0) {
                out.add(at + ": \"partition\" " + p.partition()
                        + " is negative; partition numbers are 0 or more");
            }
            Integer first = firstAt.putIfAbsent(p.topic() + "\u0000" + p.partition(), i);
            if (first != null) {
                out.add(at + ": listed twice (also partitions[" + first + "]); list each partition once");
            }
            if (p.replicas() == null || p.replicas().isEmpty()) {
                out.add(at + ": no \"replicas\"; list the brokers that hold it, preferred leader first");
            } else {
                checkIds(at, "replicas", p.replicas(), out);
                Integer twice = twice(p.replicas());
                if (twice != null) {
                    out.add(at + ": \"replicas\" " + p.replicas() + " names broker " + twice
                            + " twice; each replica is on a different broker");
                }
            }
            if (p.isr() != null) {
                checkIds(at, "isr", p.isr(), out);
            }
            if (p.leader() != null && p.leader() < -1) {
                out.add(at + ": \"leader\" " + p.leader() + " is neither -1 (no leader) nor a broker id");
            }
            long size = p.sizeBytes() == null ? 0 : p.sizeBytes();
            if (size < 0) {
                out.add(at + ": \"sizeBytes\" " + size + " is negative");
            }
            Double rate = p.bytesInPerSec();
            if (rate != null && (rate.isNaN() || rate.isInfinite() || rate < 0)) {
                out.add(at + ": \"bytesInPerSec\" " + rate + " is not a finite number of 0 or more");
            }
            if (!overflowed && size > 0 && p.replicas() != null) {
                try {
                    total = Math.addExact(total, Math.multiplyExact(size, (long) p.replicas().size()));
                } catch (ArithmeticException e) {
                    overflowed = true;
                    out.add(at + ": \"sizeBytes\" " + size + " × " + p.replicas().size()
                            + " replicas takes the cluster's replica bytes past " + Long.MAX_VALUE
                            + "; totals would overflow, so check the sizes");
                }
            }
        }
    }

    private static void checkIds(String at, String field, List<Integer> ids, List<String> out) {
        for (Integer id : ids) {
            if (id == null || id < 0) {
                out.add(at + ": \"" + field + "\" " + ids + " has broker id " + id
                        + "; Kafka broker ids are 0 or more");
                return;
            }
        }
    }

    /** The first id listed twice, or null. */
    private static Integer twice(List<Integer> ids) {
        Set<Integer> seen = new HashSet<>();
        for (Integer id : ids) {
            if (id != null && !seen.add(id)) {
                return id;
            }
        }
        return null;
    }
}
