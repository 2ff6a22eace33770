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
import dev.berth.operator.model.PartitionState;
import dev.berth.operator.model.TopicState;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of a {@link ClusterSnapshot}, written by {@code snapshot} and read by
 * {@code plan --snapshot}. Field names are the record components (see README, "Snapshot JSON");
 * {@code takenAt} is an ISO-8601 instant, a broker without a rack has no {@code rack} key.
 *
 * <p>Reading validates once, here: a missing list, a partition of an unknown topic shape or a
 * negative size is an {@link IllegalArgumentException} naming the field.
 */
public final class SnapshotJson {
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
        return gson().toJson(snapshot);
    }

    /** Parses and validates; the message names what is wrong. */
    public static ClusterSnapshot read(String json) {
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
        List<BrokerState> brokers = new ArrayList<>();
        for (BrokerState b : raw.brokers) {
            if (b == null) {
                throw new IllegalArgumentException("snapshot has a null broker");
            }
            brokers.add(b);
        }
        List<PartitionState> partitions = new ArrayList<>();
        Map<String, TopicState> topics = new HashMap<>(raw.topics == null ? Map.of() : raw.topics);
        for (int i = 0; i < raw.partitions.size(); i++) {
            RawPartition p = raw.partitions.get(i);
            if (p == null || p.topic == null || p.replicas == null || p.replicas.isEmpty()) {
                throw new IllegalArgumentException("partitions[" + i
                        + "] needs \"topic\", \"partition\" and a non-empty \"replicas\" list");
            }
            if (p.sizeBytes < 0) {
                throw new IllegalArgumentException("partitions[" + i + "] (" + p.topic + "-"
                        + p.partition + ") has a negative sizeBytes: " + p.sizeBytes);
            }
            partitions.add(new PartitionState(p.topic, p.partition, p.replicas,
                    p.leader == null ? p.replicas.get(0) : p.leader,
                    p.isr == null ? p.replicas : p.isr, p.sizeBytes, p.bytesInPerSec));
            topics.putIfAbsent(p.topic, new TopicState(p.topic, p.replicas.size(), 1));
        }
        return new ClusterSnapshot(raw.takenAt == null ? Instant.EPOCH : raw.takenAt, brokers,
                topics, partitions);
    }

    /** Lenient shape for reading: optional fields may be absent. */
    private static final class Raw {
        Instant takenAt;
        List<BrokerState> brokers;
        Map<String, TopicState> topics;
        List<RawPartition> partitions;
    }

    private static final class RawPartition {
        String topic;
        int partition;
        List<Integer> replicas;
        Integer leader;
        List<Integer> isr;
        long sizeBytes;
        double bytesInPerSec;
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
