package dev.berth.operator.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import dev.berth.operator.model.BrokerState;
import dev.berth.operator.model.ClusterSnapshot;
import dev.berth.operator.model.DiskSpace;
import dev.berth.operator.model.PartitionState;
import dev.berth.operator.model.TopicState;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of a {@link ClusterSnapshot}, written by {@code snapshot} and read by
 * {@code plan --snapshot}. Field names are the record components (see README, "Snapshot JSON");
 * {@code takenAt} is an ISO-8601 instant, a broker without a rack has no {@code rack} key.
 *
 * <p>Reading validates once, here: a missing list, or any problem {@link SnapshotCheck} finds
 * (duplicate ids, a broker without id, negative numbers, sizes whose total overflows, ...) is an
 * {@link IllegalArgumentException} naming the field to fix.
 */
public final class SnapshotJson {
    private static final int SHOWN = 20;

    private SnapshotJson() {}

    /** Gson with ISO-8601 instants, pretty-printed; also used for the plan's {@code --json}. */
    public static Gson gson() {
        return new GsonBuilder()
                .registerTypeAdapter(Instant.class, new InstantAdapter())
                .serializeSpecialFloatingPointValues()
                .setPrettyPrinting()
                .disableHtmlEscaping()
                .create();
    }

    public static String write(ClusterSnapshot snapshot) {
        // topics by name, so that two snapshots of one cluster diff line by line
        com.google.gson.JsonObject tree = gson().toJsonTree(snapshot).getAsJsonObject();
        com.google.gson.JsonObject sorted = new com.google.gson.JsonObject();
        new java.util.TreeMap<>(tree.getAsJsonObject("topics").asMap()).forEach(sorted::add);
        tree.add("topics", sorted);
        return gson().toJson(tree);
    }

    /** Parses and validates; the message names what is wrong. */
    public static ClusterSnapshot read(String json) {
        String start = json.stripLeading();
        if (!start.isEmpty() && start.charAt(0) != '{') {
            throw new IllegalArgumentException("a snapshot is a JSON object with \"brokers\" and \"partitions\"");
        }
        Raw raw;
        try {
            raw = gson().fromJson(json, Raw.class);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("snapshot is not valid JSON: " + e.getMessage(), e);
        }
        if (raw == null) {
            throw new IllegalArgumentException("snapshot is empty");
        }
        if (raw.brokers == null) {
            throw new IllegalArgumentException("snapshot has no \"brokers\" list");
        }
        if (raw.partitions == null) {
            throw new IllegalArgumentException("snapshot has no \"partitions\" list");
        }
        Map<String, SnapshotCheck.RawTopic> declared = raw.topics == null ? Map.of() : raw.topics;
        List<String> problems = SnapshotCheck.problems(raw.brokers, declared, raw.partitions);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(describe(problems));
        }
        List<BrokerState> brokers = new ArrayList<>();
        for (SnapshotCheck.RawBroker b : raw.brokers) {
            brokers.add(new BrokerState(b.id(), b.rack(), b.host(), b.port() == null ? 0 : b.port()));
        }
        brokers.sort(Comparator.comparingInt(BrokerState::id));
        List<PartitionState> partitions = new ArrayList<>();
        Map<String, Integer> longest = new HashMap<>();
        for (SnapshotCheck.RawPartition p : raw.partitions) {
            longest.merge(p.topic(), p.replicas().size(), Math::max);
        }
        Map<String, TopicState> topics = new HashMap<>();
        declared.forEach((name, t) -> topics.put(name, new TopicState(name,
                t.replicationFactor() != null ? t.replicationFactor() : longest.getOrDefault(name, 1),
                t.minInsyncReplicas() != null ? t.minInsyncReplicas() : 1)));
        for (SnapshotCheck.RawPartition p : raw.partitions) {
            partitions.add(new PartitionState(p.topic(), p.partition(), p.replicas(),
                    p.leader() == null ? p.replicas().get(0) : p.leader(),
                    p.isr() == null ? p.replicas() : p.isr(),
                    p.sizeBytes() == null ? 0 : p.sizeBytes(),
                    p.bytesInPerSec() == null ? 0 : p.bytesInPerSec()));
            topics.putIfAbsent(p.topic(), new TopicState(p.topic(), longest.get(p.topic()), 1));
        }
        return new ClusterSnapshot(raw.takenAt == null ? Instant.EPOCH : raw.takenAt, brokers,
                topics, partitions, disks(raw.disks));
    }

    /** {@code "disks":{"1":{"totalBytes":..,"usableBytes":..}}}: optional (older snapshots have none). */
    private static Map<Integer, DiskSpace> disks(Map<String, DiskSpace> raw) {
        Map<Integer, DiskSpace> out = new HashMap<>();
        if (raw == null) {
            return out;
        }
        raw.forEach((key, d) -> {
            int id;
            try {
                id = Integer.parseInt(key);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("disks: key \"" + key + "\" is not a broker id");
            }
            if (d == null || d.totalBytes() < 0 || d.usableBytes() < 0) {
                throw new IllegalArgumentException("disks." + key + ": totalBytes and usableBytes must be 0 or more");
            }
            out.put(id, d);
        });
        return out;
    }

    /** One problem as it is; several one per line, at most {@value #SHOWN}, then a count. */
    static String describe(List<String> problems) {
        if (problems.size() == 1) {
            return problems.get(0);
        }
        StringBuilder out = new StringBuilder(problems.size() + " problems, fix these fields:");
        problems.stream().limit(SHOWN).forEach(p -> out.append("\n  ").append(p));
        if (problems.size() > SHOWN) {
            out.append("\n  ... and ").append(problems.size() - SHOWN).append(" more");
        }
        return out.toString();
    }

    /** Lenient shape for reading: optional fields may be absent. */
    private static final class Raw {
        Instant takenAt;
        List<SnapshotCheck.RawBroker> brokers;
        Map<String, SnapshotCheck.RawTopic> topics;
        List<SnapshotCheck.RawPartition> partitions;
        Map<String, DiskSpace> disks;
    }

    private static final class InstantAdapter extends TypeAdapter<Instant> {
        @Override
        public void write(JsonWriter out, Instant value) throws IOException {
            if (value == null) {
                out.nullValue();
            } else {
                out.value(value.toString());
            }
        }

        @Override
        public Instant read(JsonReader in) throws IOException {
            if (in.peek() == JsonToken.NULL) {
                in.nextNull();
                return null;
            }
            String s = in.nextString();
            try {
                return Instant.parse(s);
            } catch (DateTimeParseException e) {
                throw new JsonParseException("takenAt is not an ISO-8601 instant: " + s, e);
            }
        }
    }
}
