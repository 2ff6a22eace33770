package dev.berth.extender.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    private static final Path EXAMPLES = Path.of("examples");

    record Run(int code, String out, String err) {}

    private static Run main(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void whatIfOnTheShippedExampleChoosesTheEmptyNodeInTheRackWithoutABroker() {
        Run r = main("what-if", "--cluster-file", EXAMPLES.resolve("cluster.yaml").toString(), "--pod", EXAMPLES.resolve("broker-pod.yaml").toString());
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).startsWith("pod kafka/orders-broker-2: cluster orders, broker 2, rack not yet pinned");
        assertThat(r.out())
                .containsPattern("node-a1 +rack-a +reject .*node already hosts a broker of this cluster \\(transient\\)")
                .containsPattern("node-b2 +rack-b +reject .*not enough free local disk \\(transient\\)")
                .containsPattern("node-x1 +- +reject .*node has no rack label \\(permanent\\)")
                // rack-a already holds an orders broker and rack-c, on offer, none: refused for good, not outscored
                .containsPattern("node-a2 +rack-a +reject .*another rack has fewer brokers of this cluster \\(permanent\\)")
                .containsPattern("node-c1 +rack-c +pass +5 +10 +0 +2 +leader load 200")
                .containsPattern("node-c2 +rack-c +pass +10 +10 +10 +7 +leader load 0");
        assertThat(lines.get(lines.size() - 1)).isEqualTo("chosen: node-c2 (score 10/10)");
    }

    @Test
    void whatIfWeightsChangeTheChoice(@TempDir Path dir) throws Exception {
        // move the events broker (200 leaders, 300Gi) from c1 to c2: c1 is now the empty node of rack-c
        String cluster = Files.readString(EXAMPLES.resolve("cluster.yaml")).replace("""
                  spec: {nodeName: node-c1, schedulerName: berth-scheduler}""", """
                  spec: {nodeName: node-c2, schedulerName: berth-scheduler}""");
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, cluster);
        Run r = main("what-if", "--cluster-file", file.toString(), "--pod", EXAMPLES.resolve("broker-pod.yaml").toString(),
                "--weight-rack", "0", "--weight-disk", "0");
        assertThat(r.out()).endsWith("chosen: node-c1 (score 10/10)\n"); // leadership only: the node that leads nothing
        Run byRack = main("what-if", "--cluster-file", file.toString(), "--pod", EXAMPLES.resolve("broker-pod.yaml").toString(),
                "--weight-leaders", "0", "--weight-disk", "0", "--max-rack-skew", "0");
        // rack balance only, the rack skew rule off: c1 and c2 tie at 10 (rack-c has no orders broker), the first in
        // the file wins; rack-a scores 5
        assertThat(byRack.out()).endsWith("chosen: node-c1 (score 10/10)\n").contains("node-a2          rack-a     pass        5");
        Run skew2 = main("what-if", "--cluster-file", file.toString(), "--pod", EXAMPLES.resolve("broker-pod.yaml").toString(),
                "--max-rack-skew", "2");
        assertThat(skew2.out()).containsPattern("node-a2 +rack-a +pass ");
        assertThat(r.out()).containsPattern("node-a2 +rack-a +reject .*another rack has fewer brokers of this cluster");
    }

    @Test
    void whatIfLeavesOutTheNodesKubeSchedulerWouldNotOfferAsServeNeverSeesThem(@TempDir Path dir) throws Exception {
        // rack-c is being drained: node-c1 cordoned, node-c2 tainted; kube-scheduler filters both before berth
        String cluster = Files.readString(EXAMPLES.resolve("cluster.yaml"))
                .replace("    annotations: {berth.dev/disk-capacity: \"1099511627776\"}\n",
                        "    annotations: {berth.dev/disk-capacity: \"1099511627776\"}\n  spec: {unschedulable: true}\n")
                .replace("    name: node-c2\n    labels: {kubernetes.io/hostname: node-c2, topology.kubernetes.io/zone: rack-c}\n"
                        + "    annotations: {berth.dev/disk-capacity: 2Ti}\n",
                        "    name: node-c2\n    labels: {kubernetes.io/hostname: node-c2, topology.kubernetes.io/zone: rack-c}\n"
                        + "    annotations: {berth.dev/disk-capacity: 2Ti}\n  spec:\n    taints: [{key: dedicated, value: batch,"
                        + " effect: NoSchedule}, {key: x, effect: PreferNoSchedule}]\n");
        assertThat(cluster).contains("unschedulable: true").contains("taints:");
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, cluster);
        Run r = main("what-if", "--cluster-file", file.toString(), "--pod", EXAMPLES.resolve("broker-pod.yaml").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("node-c1 +rack-c +skip .*not offered by kube-scheduler: cordoned")
                .containsPattern("node-c2 +rack-c +skip .*not offered by kube-scheduler: taint dedicated=batch:NoSchedule")
                .containsPattern("node-a2 +rack-a +pass +6 +10 ") // rack-c offers nothing: rack-a is the emptiest left
                .endsWith("chosen: node-a2 (score 6/10)\n");

        Path tolerant = dir.resolve("pod.yaml");
        Files.writeString(tolerant, Files.readString(EXAMPLES.resolve("broker-pod.yaml")).replace("spec:",
                "spec:\n  tolerations: [{key: dedicated, operator: Exists, effect: NoSchedule}]"));
        Run tolerated = main("what-if", "--cluster-file", file.toString(), "--pod", tolerant.toString());
        assertThat(tolerated.out()).containsPattern("node-c1 +rack-c +skip .*cordoned")
                .containsPattern("node-c2 +rack-c +pass +10").endsWith("chosen: node-c2 (score 10/10)\n");
    }

    @Test
    void whatIfWithNoFittingNodeExitsOne(@TempDir Path dir) throws Exception {
        Path pod = dir.resolve("p.yaml");
        Files.writeString(pod, """
                kind: Pod
                metadata: {name: big, namespace: kafka, labels: {berth.dev/cluster: orders}, annotations: {berth.dev/local-storage: 100Ti}}
                """);
        Run r = main("what-if", "--cluster-file", EXAMPLES.resolve("cluster.yaml").toString(), "--pod", pod.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("node disk smaller than broker storage (permanent)").endsWith("chosen: none (no node passes the hard rules)\n");
    }

    @Test
    void whatIfOnAControllerPodSaysItIsNotABroker(@TempDir Path dir) throws Exception {
        Path pod = dir.resolve("p.yaml");
        Files.writeString(pod, """
                kind: Pod
                metadata: {name: orders-controller-0, namespace: kafka, labels: {berth.dev/cluster: orders, berth.dev/role: controller}}
                """);
        Run r = main("what-if", "--cluster-file", EXAMPLES.resolve("cluster.yaml").toString(), "--pod", pod.toString());
        assertThat(r.code()).isZero();
        // it has the cluster label: "no berth.dev/cluster label" was wrong for it
        assertThat(r.out()).contains("pod kafka/orders-controller-0: not a broker (no berth.dev/cluster label, or a"
                + " berth.dev/role other than broker), berth has no opinion");
    }

    @Test
    void everyCommandHasHelpWithTheFormula() {
        Run top = main("--help");
        assertThat(top.code()).isZero();
        assertThat(top.out()).contains("serve").contains("what-if");
        for (String cmd : List.of("serve", "what-if")) {
            Run r = main(cmd, "--help");
            assertThat(r.code()).isZero();
            assertThat(r.out()).contains("Usage: java -jar berth-extender.jar " + cmd)
                    .contains("total = round_half_up((wr*rack + wl*leaders + wd*disk) / (wr + wl + wd))")
                    .contains("floor(10 * (Lmax - L) / Lmax)").contains("--rack-label KEY");
        }
        assertThat(main("serve", "--help").out()).contains("--port N                  8888").contains("--score-leaders-by M");
    }

    @Test
    void usageErrorsExitTwoWithAMessage() {
        assertThat(main().code()).isEqualTo(2);
        Run unknown = main("launch");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown command: launch");
        Run flag = main("serve", "--colour", "blue");
        assertThat(flag.code()).isEqualTo(2);
        assertThat(flag.err()).contains("unknown flag: --colour");
        Run weight = main("serve", "--weight-rack", "-1");
        assertThat(weight.code()).isEqualTo(2);
        assertThat(weight.err()).contains("--weight-rack must be >= 0");
        Run skew = main("what-if", "--cluster-file", "c.yaml", "--pod", "p.yaml", "--max-rack-skew", "-1");
        assertThat(skew.code()).isEqualTo(2);
        assertThat(skew.err()).contains("--max-rack-skew must be >= 0");
        Run port = main("serve", "--port", "70000");
        assertThat(port.code()).isEqualTo(2);
        assertThat(port.err()).contains("--port must be <= 65535");
        for (String tlsFlag : List.of("--tls-client-ca", "--tls-password-file", "--tls-client-ca-password-file")) {
            Run tls = main("serve", tlsFlag, "x.p12"); // would otherwise serve plain HTTP without a word
            assertThat(tls.code()).isEqualTo(2);
            assertThat(tls.err()).contains(tlsFlag + " needs --tls-keystore");
        }
        Run kept = main("serve", "--decisions-kept", "1000000"); // each decision holds up to 150 KB
        assertThat(kept.code()).isEqualTo(2);
        assertThat(kept.err()).contains("--decisions-kept must be <= 10000");
        Run noCa = main("serve", "--tls-keystore", "k.p12", "--tls-client-ca-password-file", "pw"); // mTLS meant, not had
        assertThat(noCa.code()).isEqualTo(2);
        assertThat(noCa.err()).contains("--tls-client-ca-password-file needs --tls-client-ca");
        Run noValue = main("serve", "--port");
        assertThat(noValue.code()).isEqualTo(2);
        assertThat(noValue.err()).contains("--port needs a value");
        Run twice = main("serve", "--weight-rack", "3", "--weight-rack=0"); // assembled args: last-wins would hide it
        assertThat(twice.code()).isEqualTo(2);
        assertThat(twice.err()).contains("--weight-rack given twice");
        Run both = main("serve", "--cluster-file", "c.yaml", "--kubeconfig", "k"); // the file would win in silence
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("--cluster-file and --kubeconfig exclude each other");
        Run lastMisspelt = main("serve", "--cluster-file", "c.yaml", "--colour"); // named as unknown, not as valueless
        assertThat(lastMisspelt.code()).isEqualTo(2);
        assertThat(lastMisspelt.err()).contains("unknown flag: --colour").doesNotContain("needs a value");
        Run whatIfFlag = main("what-if", "--cluster-file", "c.yaml", "--pod", "p.yaml", "--port", "1");
        assertThat(whatIfFlag.code()).isEqualTo(2);
        assertThat(whatIfFlag.err()).contains("unknown flag: --port").contains("what-if --help");
        Run metric = main("serve", "--score-leaders-by", "cpu");
        assertThat(metric.err()).contains("leaders or bytes-in");
        Run whatIf = main("what-if", "--pod", "x.yaml");
        assertThat(whatIf.code()).isEqualTo(2);
        assertThat(whatIf.err()).contains("--cluster-file and --pod are required");
    }

    @Test
    void serveWithoutClusterFileAndWithoutAKubernetesBackendExitsTwo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ServeCommand.run(new String[] {"serve", "--port", "0"}, System.out, new PrintStream(err, true, StandardCharsets.UTF_8), List::of);
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no Kubernetes backend in this build; pass --cluster-file FILE");
    }

    @Test
    void badClusterFilesAndSinksAreUsageErrorsThatNameTheProblem(@TempDir Path dir) throws Exception {
        Path pod = EXAMPLES.resolve("broker-pod.yaml");
        Path empty = Files.writeString(dir.resolve("empty.yaml"), "");
        Path twice = Files.writeString(dir.resolve("twice.yaml"),
                "kind: Node\nmetadata: {name: n1}\n---\nkind: Node\nmetadata: {name: n1}\n");
        Path binary = Files.write(dir.resolve("binary.yaml"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        record Row(String file, String says) {}
        List<Row> rows = List.of(
                new Row(dir.resolve("missing.yaml").toString(), "missing.yaml: no such file"),
                new Row(dir.toString(), ": is a directory"),
                new Row(empty.toString(), "empty.yaml: no Node in the file"),
                new Row(twice.toString(), "twice.yaml: node n1 is listed twice"),
                new Row(binary.toString(), "binary.yaml: not UTF-8 text"));
        for (Row row : rows) {
            Run whatIf = main("what-if", "--cluster-file", row.file(), "--pod", pod.toString());
            assertThat(whatIf.code()).as(row.file()).isEqualTo(2);
            assertThat(whatIf.err()).as(row.file()).contains(row.says()).doesNotContain("Exception");
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = ServeCommand.run(new String[] {"serve", "--port", "0", "--cluster-file", row.file()}, System.out,
                    new PrintStream(err, true, StandardCharsets.UTF_8), List::of);
            assertThat(code).as(row.file()).isEqualTo(2);
            assertThat(err.toString(StandardCharsets.UTF_8)).as(row.file()).startsWith("serve: ").contains(row.says());
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ServeCommand.run(new String[] {"serve", "--port", "0", "--cluster-file", EXAMPLES.resolve("cluster.yaml").toString(),
                "--decision-log", dir.resolve("no/such/dir/d.log").toString()}, System.out, new PrintStream(err, true, StandardCharsets.UTF_8), List::of);
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot open --decision-log").contains("its directory does not exist");

        // a --kubeconfig that is not there: it printed the bare path ("serve: /root/.kube/config")
        ByteArrayOutputStream noConfig = new ByteArrayOutputStream();
        int noConfigCode = ServeCommand.run(new String[] {"serve", "--port", "0", "--kubeconfig", dir.resolve("kubeconfig").toString()},
                System.out, new PrintStream(noConfig, true, StandardCharsets.UTF_8),
                () -> List.of(new dev.berth.extender.state.kube.KubeBackendFactory()));
        assertThat(noConfigCode).isEqualTo(2);
        assertThat(noConfig.toString(StandardCharsets.UTF_8)).isEqualTo("serve: " + dir.resolve("kubeconfig") + ": no such file"
                + System.lineSeparator());
    }

    @Test
    void aPortThatAnotherProcessHoldsIsOneLineAndExitOne() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = ServeCommand.run(new String[] {"serve", "--address", "127.0.0.1", "--port", String.valueOf(taken.getLocalPort()),
                    "--cluster-file", EXAMPLES.resolve("cluster.yaml").toString()}, System.out, new PrintStream(err, true, StandardCharsets.UTF_8), List::of);
            assertThat(code).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8).strip())
                    .startsWith("serve: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": java.net.BindException")
                    .doesNotContain("\n");
        }
    }

    /**
     * At most 1 GiB: the server lets Undertow read twice the limit (plus a margin) and reads a body
     * into one array, so a larger value overflowed both.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "[{0}]")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "1024                | NULL",                                                        // the least
        "1073741824          | NULL",                                                        // 1 GiB, the most
        "1073741825          | --max-body-bytes must be <= 1073741824, got 1073741825",
        "2147483648          | --max-body-bytes must be <= 1073741824, got 2147483648",     // past an array's length
        "9223372036854775807 | --max-body-bytes must be <= 1073741824, got 9223372036854775807", // twice it overflowed a long
        "1023                | --max-body-bytes must be >= 1024, got 1023",
    })
    void maxBodyBytesIsBoundedOnBothSides(String value, String problem) {
        if (problem == null) {
            assertThat(ServeCommand.options(flags("--max-body-bytes", value)).listen().maxBodyBytes()).isEqualTo(Long.parseLong(value));
            return;
        }
        Run r = main("serve", "--cluster-file", "c.yaml", "--max-body-bytes", value);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().lines().findFirst()).contains("serve: " + problem);
    }

    @Test
    void aRackLabelNoNodeCouldCarryIsRefused() {
        for (String command : List.of("serve", "what-if")) {
            Run r = main(command, "--cluster-file", "c.yaml", "--pod", "p.yaml", "--rack-label", "");
            if (command.equals("serve")) {
                r = main(command, "--cluster-file", "c.yaml", "--rack-label", "");
            }
            assertThat(r.code()).as(command).isEqualTo(2);
            assertThat(r.err()).as(command).contains("--rack-label '': a label key cannot be empty");
        }
    }

    @Test
    void aTypedNodeListFromTheApiIsReadAsNodes(@TempDir Path dir) throws Exception {
        Path raw = Files.writeString(dir.resolve("nodes.yaml"), """
                kind: NodeList
                apiVersion: v1
                items:
                - metadata: {name: n1, labels: {topology.kubernetes.io/zone: a}, annotations: {berth.dev/disk-capacity: 1Ti}}
                """);
        Run r = main("what-if", "--cluster-file", raw.toString(), "--pod", EXAMPLES.resolve("broker-pod.yaml").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("chosen: n1");
    }

    @Test
    void whatIfSaysWhatThePodPinsAndChoosesTheFirstNodeWhenItScoresBest(@TempDir Path dir) throws Exception {
        Path nodes = Files.writeString(dir.resolve("nodes.yaml"), """
                kind: NodeList
                apiVersion: v1
                items:
                - metadata: {name: n1, labels: {topology.kubernetes.io/zone: a}, annotations: {berth.dev/disk-capacity: 1Ti}}
                - metadata: {name: n2, labels: {topology.kubernetes.io/zone: a}, annotations: {berth.dev/disk-capacity: 100Gi}}
                - metadata: {name: n3, labels: {topology.kubernetes.io/zone: a}, annotations: {berth.dev/disk-capacity: 2Ti}}
                """);
        Path pod = Files.writeString(dir.resolve("p.yaml"), """
                kind: Pod
                metadata:
                  name: orders-broker-7
                  namespace: kafka
                  labels: {berth.dev/cluster: orders, berth.dev/role: broker}
                  annotations: {berth.dev/rack: a, berth.dev/avoid-node: n3}
                """);
        Run r = main("what-if", "--cluster-file", nodes.toString(), "--pod", pod.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().lines().findFirst()).hasValue("pod kafka/orders-broker-7: cluster orders, broker ?, rack a,"
                + " local storage none (network storage), avoiding n3");
        assertThat(r.out()).containsPattern("n3 +a +reject ").as("the first node, with the most disk of those that pass")
                .endsWith("chosen: n1 (score 10/10)\n");
    }

    @Test
    void serveFlagsBecomeOptions() {
        ServeOptions o = ServeCommand.options(flags("--port", "9000", "--prefix", "/x", "--weight-disk", "5", "--score-leaders-by", "bytes-in",
                "--rack-label", "rack", "--cluster-file", "c.yaml", "--decisions-kept", "7", "--max-rack-skew", "0"));
        assertThat(o.scoring().maxRackSkew()).isZero();
        assertThat(o.listen().port()).isEqualTo(9000);
        assertThat(o.listen().prefix()).isEqualTo("/x");
        assertThat(o.scoring().weights()).isEqualTo(new dev.berth.extender.placement.Weights(3, 2, 5));
        assertThat(o.scoring().leaderMetric()).isEqualTo(dev.berth.extender.placement.LeaderMetric.BYTES_IN);
        assertThat(o.scoring().rackLabel()).isEqualTo("rack");
        assertThat(o.sources().clusterFile()).isEqualTo(Path.of("c.yaml"));
        assertThat(o.logging().decisionsKept()).isEqualTo(7);
        assertThat(o.tls().enabled()).isFalse();
        ServeOptions defaults = ServeCommand.options(flags());
        assertThat(defaults).usingRecursiveComparison().isEqualTo(ServeOptions.defaults());
    }

    private static Flags flags(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "serve";
        System.arraycopy(args, 0, all, 1, args.length);
        return Flags.parse(all, 1, ServeCommand.FLAGS);
    }
}
