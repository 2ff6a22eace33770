package dev.berth.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** deploy/crd/kafkacluster.yaml is a structural schema, documented everywhere, and matches the Java model. */
class CrdSchemaTest {
    static Map<String, Object> crd;
    static Map<String, Object> version;
    static Map<String, Object> schema;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws IOException {
        crd = new Yaml().load(Files.readString(Path.of("..", "deploy", "crd", "kafkacluster.yaml")));
        Map<String, Object> spec = (Map<String, Object>) crd.get("spec");
        version = ((List<Map<String, Object>>) spec.get("versions")).get(0);
        schema = (Map<String, Object>) ((Map<String, Object>) version.get("schema")).get("openAPIV3Schema");
    }

    @SuppressWarnings("unchecked")
    static void walk(String path, Map<String, Object> node, List<String> problems) {
        if (!node.containsKey("type")) {
            problems.add(path + ": no type (structural schemas need one everywhere)");
        }
        if (!node.containsKey("description")) {
            problems.add(path + ": no description (kubectl explain shows nothing)");
        }
        for (String banned : List.of("$ref", "definitions", "anyOf", "oneOf", "allOf")) {
            if (node.containsKey(banned)) {
                problems.add(path + ": " + banned + " is not allowed here");
            }
        }
        if (node.containsKey("properties") && node.containsKey("additionalProperties")) {
            problems.add(path + ": properties and additionalProperties are mutually exclusive");
        }
        Map<String, Object> props = (Map<String, Object>) node.get("properties");
        if (props != null) {
            props.forEach((k, v) -> walk(path + "." + k, (Map<String, Object>) v, problems));
        }
        if (node.get("items") instanceof Map<?, ?> items) {
            walk(path + "[]", (Map<String, Object>) items, problems);
        }
        if (node.get("additionalProperties") instanceof Map<?, ?> ap) {
            walk(path + "{}", (Map<String, Object>) ap, problems);
        }
    }

    @Test
    void schemaIsStructuralAndEveryFieldHasADescription() {
        List<String> problems = new ArrayList<>();
        walk("", schema, problems);
        assertThat(problems).isEmpty();
        assertThat(crd.get("apiVersion")).isEqualTo("apiextensions.k8s.io/v1");
        assertThat(((Map<?, ?>) crd.get("metadata")).get("name")).isEqualTo("kafkaclusters.berth.dev");
        assertThat(version.get("name")).isEqualTo("v1alpha1");
        assertThat(((Map<?, ?>) version.get("subresources")).containsKey("status")).isTrue();
    }

    @Test
    @SuppressWarnings("unchecked")
    void printerColumnsShowBrokersPhaseOperationItsStepHealthAndAge() {
        List<Map<String, Object>> cols = (List<Map<String, Object>>) version.get("additionalPrinterColumns");
        assertThat(cols).extracting(c -> c.get("name") + "=" + c.get("jsonPath")).containsExactly(
                "Brokers=.status.ready", "Phase=.status.phase", "Operation=.status.operation.type",
                "Step=.status.operation.phase", "Health=.status.conditions[?(@.type==\"Degraded\")].reason",
                "Age=.metadata.creationTimestamp");
    }

    @Test
    @SuppressWarnings("unchecked")
    void validationHasMinimumsEnumsAndRequired() {
        Map<String, Object> spec = (Map<String, Object>) ((Map<String, Object>) schema.get("properties")).get("spec");
        Map<String, Object> p = (Map<String, Object>) spec.get("properties");
        Map<String, Object> brokers = (Map<String, Object>) ((Map<String, Object>) p.get("brokers")).get("properties");
        assertThat(((Map<String, Object>) brokers.get("replicas")).get("minimum")).isEqualTo(1);
        Map<String, Object> controllers = (Map<String, Object>) ((Map<String, Object>) p.get("controllers")).get("properties");
        assertThat(((Map<String, Object>) controllers.get("replicas")).get("enum")).isEqualTo(List.of(1, 3, 5));
        assertThat((List<String>) schema.get("required")).containsExactly("spec");
        Map<String, Object> rebalance = (Map<String, Object>) ((Map<String, Object>) p.get("rebalance")).get("properties");
        Map<String, Object> hot = (Map<String, Object>) ((Map<String, Object>) rebalance.get("hotPartitions")).get("properties");
        // "Off" quoted: a YAML 1.1 reader (kubectl's included) reads a bare Off as the boolean false
        assertThat(((Map<String, Object>) hot.get("mode")).get("enum")).isEqualTo(
                java.util.Arrays.stream(HotPartitionsSpec.Mode.values()).map(Enum::name).toList());
        assertThat(((Map<String, Object>) hot.get("tolerancePercent")).get("minimum"))
                .isEqualTo(HotPartitionsSpec.MIN_TOLERANCE_PERCENT);
        assertThat(((Map<String, Object>) hot.get("tolerancePercent")).get("maximum"))
                .isEqualTo(HotPartitionsSpec.MAX_TOLERANCE_PERCENT);
        Map<String, Object> reserve = (Map<String, Object>) rebalance.get("minFreeDiskPercent");
        assertThat(reserve.get("minimum")).isEqualTo(0);
        assertThat(reserve.get("maximum")).isEqualTo(RebalanceSpec.MAX_MIN_FREE_DISK_PERCENT);
    }

    /**
     * The root rule that makes {@code kubectl apply} refuse a cluster name no pod or Service could take
     * agrees with {@link SpecValidator#name} on every row. The rule is evaluated here as CEL would:
     * {@code matches} finds the pattern anywhere (RE2 and Java agree on this one), so its anchors count.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theRootRuleRefusesTheNamesTheOperatorRefuses() {
        List<Map<String, Object>> rules = (List<Map<String, Object>>) schema.get("x-kubernetes-validations");
        assertThat(rules).hasSize(1);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "self\\.metadata\\.name\\.size\\(\\) <= (\\d+) && self\\.metadata\\.name\\.matches\\('([^']*)'\\)")
                .matcher((String) rules.get(0).get("rule"));
        assertThat(m.matches()).as("rule shape: %s", rules.get(0).get("rule")).isTrue();
        int max = Integer.parseInt(m.group(1));
        java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(m.group(2));
        assertThat(max).isEqualTo(SpecValidator.MAX_NAME);
        assertThat((String) rules.get(0).get("message")).contains("at most " + SpecValidator.MAX_NAME);
        for (String name : List.of("demo", "a", "orders-eu-1", "a".repeat(50), "a".repeat(51), "1st", "kafka.prod",
                "trailing-", "-lead", "Demo", "de_mo", "x1", "a b")) {
            boolean celAdmits = name.length() <= max && pattern.matcher(name).find();
            assertThat(celAdmits).as(name).isEqualTo(SpecValidator.name(name) == null);
        }
    }

    /** Every field the operator writes or reads exists in the schema (a real apiserver would prune the rest). */
    @Test
    void everyFieldOfTheJavaModelIsInTheSchema() {
        KafkaClusterSpec spec = new KafkaClusterSpec("4.4.0", "apache/kafka:4.4.0", Map.of("a", "b"),
                new ControllersSpec(3, new StorageSpec("1Gi", "x", false)),
                new BrokersSpec(3, new StorageSpec("1Gi", "x", true), new ResourcesSpec(Map.of("cpu", "1"), Map.of("cpu", "1")),
                        List.of(1)),
                new PlacementSpec("s", "r"), new RebalanceSpec(1L << 21, RebalanceSpec.OnScale.None,
                        new HotPartitionsSpec(HotPartitionsSpec.Mode.Off, 50, 2048L), 15));
        KafkaCluster c = new KafkaCluster(new V1ObjectMeta().name("x"), spec);
        c.setStatus(new KafkaClusterStatus(1L, "Running", "3/3",
                List.of(new Condition("Ready", "True", "R", "m", "2026-01-01T00:00:00Z", 1L)),
                List.of(new BrokerStatus(0, "p", "n", "r", "Running", 1, 2, 3, 4, 5L, 6L)),
                List.of(new NodeStatus(1000, "p", "n", "r", "Running")),
                new OperationStatus("ScaleUp", "Moving", List.of(3), 1L, 2L, 3, 4, "2026-01-01T00:00:00Z", "m",
                        Map.of("k", "v")),
                new OperationStatus("ScaleUp", "Reassigning", List.of(3), 1L, 2L, 3, 4, "2026-01-01T00:00:00Z", "m",
                        Map.of("k", "v"))));
        JsonObject json = JSON.getGson().toJsonTree(c).getAsJsonObject();
        json.remove("metadata");
        List<String> missing = new ArrayList<>();
        check("", json, schema, missing);
        assertThat(missing).isEmpty();
    }

    @SuppressWarnings("unchecked")
    static void check(String path, JsonElement value, Map<String, Object> node, List<String> missing) {
        if (value.isJsonObject()) {
            Map<String, Object> props = (Map<String, Object>) node.get("properties");
            Map<String, Object> ap = node.get("additionalProperties") instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
            for (Map.Entry<String, JsonElement> e : value.getAsJsonObject().entrySet()) {
                Map<String, Object> child = props != null ? (Map<String, Object>) props.get(e.getKey()) : ap;
                if (child == null) {
                    missing.add(path + "." + e.getKey());
                } else {
                    check(path + "." + e.getKey(), e.getValue(), child, missing);
                }
            }
        } else if (value.isJsonArray()) {
            for (JsonElement item : value.getAsJsonArray()) {
                check(path + "[]", item, (Map<String, Object>) node.get("items"), missing);
            }
        }
    }

    /**
     * Each default a field's description promises ("Default 10Gi", "Rebalance (default)") is the value
     * the model fills in for an empty spec: the CRD declares no {@code default:}, so the description is
     * the only place a person reads it, and it must not drift from the code. "Default none" is a field
     * left empty.
     */
    @Test
    @SuppressWarnings("unchecked")
    void everyDefaultADescriptionPromisesIsTheOneTheModelFillsIn() {
        JsonObject empty = JSON.getGson().toJsonTree(KafkaClusterSpec.defaults()).getAsJsonObject();
        Map<String, Object> spec = (Map<String, Object>) ((Map<String, Object>) schema.get("properties")).get("spec");
        Map<String, String> promised = new java.util.TreeMap<>();
        promises("spec", spec, promised);
        assertThat(promised).as("the fields whose description names a default").hasSize(20);
        List<String> wrong = new ArrayList<>();
        promised.forEach((path, value) -> {
            JsonElement got = at(empty, path.substring("spec.".length()));
            String want = value.replace("<kafkaVersion>", KafkaClusterSpec.DEFAULT_KAFKA_VERSION);
            boolean ok = want.equals("none") ? nothing(got)
                    : got != null && got.isJsonPrimitive() && got.getAsString().equals(want);
            if (!ok) {
                wrong.add(path + ": description says " + want + ", the model fills in " + got);
            }
        });
        assertThat(wrong).isEmpty();
    }

    /** Path to the default its description names, for every property under {@code node}. */
    @SuppressWarnings("unchecked")
    static void promises(String path, Map<String, Object> node, Map<String, String> out) {
        String description = String.valueOf(node.get("description"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Default (\\S+?)[.,]?(\\s|$)").matcher(description);
        java.util.regex.Matcher enumDefault = java.util.regex.Pattern.compile("(\\w+) \\(default\\)").matcher(description);
        if (m.find()) {
            out.put(path, m.group(1));
        } else if (enumDefault.find()) {
            out.put(path, enumDefault.group(1));
        }
        Map<String, Object> props = (Map<String, Object>) node.get("properties");
        if (props != null) {
            props.forEach((k, v) -> promises(path + "." + k, (Map<String, Object>) v, out));
        }
    }

    /** Absent, null, or an object of nothing: {@code resources} with empty requests and limits. */
    static boolean nothing(JsonElement e) {
        return e == null || e.isJsonNull() || e.isJsonObject() && e.getAsJsonObject().entrySet().stream()
                .allMatch(kv -> nothing(kv.getValue()));
    }

    static JsonElement at(JsonObject root, String path) {
        JsonElement e = root;
        for (String part : path.split("\\.")) {
            if (e == null || !e.isJsonObject()) {
                return null;
            }
            e = e.getAsJsonObject().get(part);
        }
        return e;
    }

    /**
     * The storage {@code size} patterns follow Kubernetes' quantity grammar without the milli suffix
     * and signs (a size is at least 1Mi, checked by SpecValidator): every accepted value is a
     * quantity client-java parses, and the CRD refuses what is no quantity at admission.
     */
    @Test
    @SuppressWarnings("unchecked")
    void storageSizePatternsFollowTheQuantityGrammar() {
        Map<String, Object> spec = (Map<String, Object>) ((Map<String, Object>) schema.get("properties")).get("spec");
        List<String> patterns = new ArrayList<>();
        for (String role : List.of("brokers", "controllers")) {
            Map<String, Object> r = (Map<String, Object>) ((Map<String, Object>) spec.get("properties")).get(role);
            Map<String, Object> storage = (Map<String, Object>) ((Map<String, Object>) r.get("properties")).get("storage");
            Map<String, Object> size = (Map<String, Object>) ((Map<String, Object>) storage.get("properties")).get("size");
            patterns.add((String) size.get("pattern"));
        }
        assertThat(patterns).hasSize(2).doesNotContainNull();
        for (String pattern : patterns) {
            java.util.regex.Pattern re = java.util.regex.Pattern.compile(pattern);
            for (String ok : List.of("100Gi", "1.5Ti", "500G", "107374182400", "1e3", "1e+3", "1E9", ".5Gi", "1.", "10k", "2Ei", "5M")) {
                assertThat(re.matcher(ok).find()).as("%s accepts %s", pattern, ok).isTrue();
                assertThat(new io.kubernetes.client.custom.Quantity(ok).getNumber().signum()).as(ok).isPositive();
            }
            for (String bad : List.of("10K", "100m", "-1Gi", "+1Gi", "10GB", "", "1.2.3", "Gi", "1 Gi", "1Gi ", "e3", "1ki")) {
                assertThat(re.matcher(bad).find()).as("%s refuses %s", pattern, bad).isFalse();
            }
        }
    }
}
