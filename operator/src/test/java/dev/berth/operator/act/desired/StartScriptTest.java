package dev.berth.operator.act.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.api.KafkaCluster;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the rendered {@code start.sh} with bash, as a pod's container would, against Kafka's real
 * storage tool (from the test classpath; the image's {@code kafka-storage.sh} wraps the same class).
 * Only the server start is a stub that records its argument: the script ends by exec'ing it.
 * Absolute paths of the image ({@code /etc/berth}, {@code /opt/kafka/bin}, the data directory and
 * {@code /tmp/server.properties}) are moved under a temporary directory; nothing else changes.
 */
class StartScriptTest {
    @TempDir
    Path dir;

    @Test
    void aBrokerGetsItsKeysAndAFormattedVolumeOnceAndKafkaStartsOnThatFile() throws Exception {
        Map<String, String> env = podEnv(DesiredPods.broker(DesiredObjectsTest.LOCAL, 2, null).getSpec().getContainers().get(0));
        env.put("BROKER_RACK", "rack-a"); // from the pod's berth.dev/rack annotation (downward API)

        Run first = run(env);
        assertThat(first.exit).as(first.output).isZero();
        assertThat(first.startedWith).isEqualTo(path("server.properties").toString());
        String rendered = DesiredConfigMap.build(DesiredObjectsTest.LOCAL).getData().get("broker.properties");
        assertThat(Files.readString(path("server.properties"))).isEqualTo(relocated(rendered)
                + "node.id=2\nadvertised.listeners=PLAINTEXT://demo-broker-2.demo-nodes.kafka.svc:9092\nbroker.rack=rack-a\n");
        String meta = Files.readString(path("data").resolve("kafka/meta.properties"));
        assertThat(meta).contains("cluster.id=" + DesiredConfigMap.kafkaClusterId(DesiredObjectsTest.LOCAL), "node.id=2");

        // a restarted pod finds its volume formatted: the format is skipped, the data kept
        Run again = run(env);
        assertThat(again.exit).as(again.output).isZero();
        assertThat(Files.readString(path("data").resolve("kafka/meta.properties"))).isEqualTo(meta);
    }

    @Test
    void aVolumeWhoseRootHoldsLostAndFoundIsFormattedInsideItsKafkaDirectory() throws Exception {
        // ext4 volumes come with lost+found at the root; Kafka refuses a log dir holding it
        Files.createDirectories(path("data").resolve("lost+found"));
        Map<String, String> env = podEnv(DesiredPods.broker(DesiredObjectsTest.LOCAL, 3, null).getSpec().getContainers().get(0));
        Run r = run(env);
        assertThat(r.exit).as(r.output).isZero();
        assertThat(path("data").resolve("kafka/meta.properties")).exists();
        assertThat(Files.readString(path("server.properties"))).contains("log.dirs=" + path("data").resolve("kafka") + "\n");
        V1Container c = DesiredPods.broker(DesiredObjectsTest.LOCAL, 3, null).getSpec().getContainers().get(0);
        String mount = c.getVolumeMounts().stream().filter(m -> m.getName().equals("data")).findFirst().orElseThrow().getMountPath();
        assertThat(Names.LOG_DIR).as("log.dirs is inside the volume, not its root").startsWith(mount + "/");
    }

    @Test
    void aVolumeFormattedAtItsRootByAnOlderBerthKeepsItsDataThere() throws Exception {
        // the layout before log.dirs moved into kafka/: meta.properties at the volume root
        Map<String, String> env = podEnv(DesiredPods.broker(DesiredObjectsTest.LOCAL, 4, null).getSpec().getContainers().get(0));
        Run first = run(env);
        assertThat(first.exit).as(first.output).isZero();
        Files.move(path("data").resolve("kafka/meta.properties"), path("data").resolve("meta.properties"));
        Files.delete(path("data").resolve("kafka"));

        Run again = run(env);
        assertThat(again.exit).as(again.output).isZero();
        assertThat(Files.readString(path("server.properties"))).contains("log.dirs=" + path("data") + "\n")
                .doesNotContain("log.dirs=" + path("data").resolve("kafka"));
        assertThat(path("data").resolve("kafka")).as("no second, empty log dir").doesNotExist();
    }

    @Test
    void aBrokerWithoutARackGetsNoRackKey() throws Exception {
        Map<String, String> env = podEnv(DesiredPods.broker(DesiredObjectsTest.LOCAL, 1, null).getSpec().getContainers().get(0));
        env.put("BROKER_RACK", ""); // the annotation is missing: the downward API gives an empty value
        Run r = run(env);
        assertThat(r.exit).as(r.output).isZero();
        assertThat(Files.readString(path("server.properties"))).contains("node.id=1\n").doesNotContain("broker.rack");
    }

    @Test
    void aClusterIdStartingWithADashIsRefusedByTheStorageToolSoBerthNeverDerivesOne() throws Exception {
        // about 1 uid in 64 starts with 0xf8..0xfb, whose plain base64 id starts with '-'
        Map<String, String> env = podEnv(DesiredPods.broker(DesiredObjectsTest.LOCAL, 2, null).getSpec().getContainers().get(0));
        env.put("CLUSTER_ID", "-AAAAAAAQACAAAAAAAAAAA");
        Run refused = run(env);
        assertThat(refused.exit).isNotZero();
        assertThat(refused.output).contains("--cluster-id/-t: expected one argument");
        assertThat(refused.startedWith).isNull();

        KafkaCluster dashed = DesiredObjectsTest.cluster(DesiredObjectsTest.LOCAL.getSpec());
        dashed.getMetadata().setUid("f8000000-0000-4000-8000-000000000000");
        String id = DesiredConfigMap.kafkaClusterId(dashed);
        assertThat(id).isEqualTo("eAAAAAAAQACAAAAAAAAAAA");
        env.put("CLUSTER_ID", id);
        Run r = run(env);
        assertThat(r.exit).as(r.output).isZero();
        assertThat(Files.readString(path("data").resolve("kafka/meta.properties"))).contains("cluster.id=" + id + "\n");
    }

    @Test
    void aControllerIsFormattedWithItsNodeId() throws Exception {
        Map<String, String> env = podEnv(DesiredPods.controller(DesiredObjectsTest.LOCAL, 0, null).getSpec().getContainers().get(0));
        Run r = run(env);
        assertThat(r.exit).as(r.output).isZero();
        assertThat(Files.readString(path("server.properties"))).startsWith(relocated(
                DesiredConfigMap.build(DesiredObjectsTest.LOCAL).getData().get("controller.properties")));
        assertThat(Files.readString(path("data").resolve("kafka/meta.properties"))).contains("node.id=1000");
    }

    @Test
    void aMissingVariableStopsTheScriptBeforeKafkaStarts() throws Exception {
        Map<String, String> env = podEnv(DesiredPods.broker(DesiredObjectsTest.LOCAL, 2, null).getSpec().getContainers().get(0));
        env.remove("NODE_ID");
        Run r = run(env);
        assertThat(r.exit).isNotZero();
        assertThat(r.output).contains("NODE_ID");
        assertThat(r.startedWith).isNull();
        assertThat(path("data").resolve("kafka/meta.properties")).doesNotExist();
    }

    private record Run(int exit, String output, String startedWith) {}

    /**
     * The container's env as the kubelet gives it: literal values, and those read from the rendered ConfigMap
     * (CLUSTER_ID); BROKER_RACK comes from the downward API: the caller sets it.
     */
    private static Map<String, String> podEnv(V1Container c) {
        assertThat(c.getCommand()).containsExactly("/bin/bash", Names.CONFIG_DIR + "/" + DesiredConfigMap.START_SCRIPT);
        Map<String, String> env = new HashMap<>(DesiredObjectsTest.env(c));
        Map<String, String> data = DesiredConfigMap.build(DesiredObjectsTest.LOCAL).getData();
        c.getEnv().stream().filter(e -> e.getValueFrom() != null && e.getValueFrom().getConfigMapKeyRef() != null)
                .forEach(e -> env.put(e.getName(), data.get(e.getValueFrom().getConfigMapKeyRef().getKey())));
        return env;
    }

    private Path path(String name) {
        return dir.resolve(name);
    }

    /** The image's absolute paths, moved under the temporary directory. */
    private String relocated(String text) {
        return text.replace(Names.CONFIG_DIR, path("etc").toString())
                .replace(Names.DATA_DIR, path("data").toString())
                .replace("/opt/kafka/bin", path("bin").toString())
                .replace("/tmp/server.properties", path("server.properties").toString());
    }

    private Run run(Map<String, String> podEnv) throws IOException, InterruptedException {
        V1ConfigMap cm = DesiredConfigMap.build(DesiredObjectsTest.LOCAL);
        Files.createDirectories(path("etc"));
        Files.createDirectories(path("bin"));
        for (Map.Entry<String, String> e : cm.getData().entrySet()) {
            Files.writeString(path("etc").resolve(e.getKey()), relocated(e.getValue()));
        }
        write("kafka-storage.sh", "#!/bin/bash\nexec \"$JAVA\" -cp \"$KAFKA_CP\" kafka.tools.StorageTool \"$@\"\n");
        write("kafka-server-start.sh", "#!/bin/bash\necho -n \"$1\" > \"$(dirname \"$0\")/started-with\"\n");
        Files.deleteIfExists(path("bin").resolve("started-with"));

        ProcessBuilder pb = new ProcessBuilder("bash", path("etc").resolve(DesiredConfigMap.START_SCRIPT).toString())
                .redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.keySet().retainAll(List.of("PATH", "HOME"));
        env.putAll(podEnv);
        env.put("JAVA", ProcessHandle.current().info().command().orElse("java"));
        env.put("KAFKA_CP", System.getProperty("java.class.path"));
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("start.sh finished").isTrue();
        Path started = path("bin").resolve("started-with");
        return new Run(p.exitValue(), output, Files.exists(started) ? Files.readString(started) : null);
    }

    private void write(String name, String script) throws IOException {
        Path f = path("bin").resolve(name);
        Files.writeString(f, script);
        assertThat(f.toFile().setExecutable(true)).isTrue();
    }
}
