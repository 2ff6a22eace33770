package dev.berth.operator.reconcile;

import dev.berth.testbed.k8s.KubeApiTestBed;
import dev.berth.testbed.kafka.KafkaTestCluster;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What the kubelet and the extender would do in a real cluster, for one KafkaCluster on the test
 * beds: a broker pod that the operator creates gets a rack (the extender's bind stamp), a real
 * Kafka broker is started for it in the Kafka bed, and it is marked Ready; when the pod is deleted,
 * that broker is stopped. A controller pod whose node id the Kafka bed runs (1000, 1001, ...) is
 * played the same way: replaced, its controller restarts on its directory; gone, it stops. Other
 * controller pods are only marked Ready. Polls every 200 ms on its own thread (no sleeps).
 */
final class BrokerPodGlue implements AutoCloseable {
    private final KubeApiTestBed bed;
    private final KafkaTestCluster kafka;
    private final String namespace;
    private final String cluster;
    private final Map<Integer, String> racks;
    private final Set<Integer> running = ConcurrentHashMap.newKeySet();
    /** Broker ids whose pod the glue has seen: only those are stopped when their pod goes. */
    private final Set<Integer> seen = ConcurrentHashMap.newKeySet();
    /** Brokers lost with their node ({@link #lose}): never started again, whatever their pod does. */
    private final Set<Integer> lost = ConcurrentHashMap.newKeySet();
    final List<String> log = new CopyOnWriteArrayList<>();
    /** When a broker whose pod was replaced in {@link #slowReturn} mode may start again (nanoTime). */
    private final Map<Integer, Long> startAt = new ConcurrentHashMap<>();
    /** Milliseconds a replaced pod's broker stays down while the pod already reads Ready; 0: restart at once. */
    private volatile long slowReturn;
    /** Pod UID last seen per broker id: a new UID is a new pod, so its broker restarts. */
    private final Map<Integer, String> uids = new ConcurrentHashMap<>();
    /**
     * Per broker id, what Kafka showed each time its pod went, as "led N, under-replicated M": a
     * leader-aware restart makes both 0 (no leader stopped, the broker before it back in every ISR).
     */
    final Map<Integer, List<String>> stops = new ConcurrentHashMap<>();
    /** Controllers lost with their node ({@link #loseController}): not started again until recovered. */
    private final Set<Integer> lostControllers = ConcurrentHashMap.newKeySet();
    /** Pods ("controller-1001", "broker-4") that read not Ready whatever runs, as a failing readiness probe would. */
    private final Set<String> unready = ConcurrentHashMap.newKeySet();
    /** Controller pod UID last seen per node id, for the controllers the Kafka bed runs. */
    private final Map<Integer, String> controllerUids = new ConcurrentHashMap<>();
    /**
     * Per controller id, the quorum as each of its pods went: "leader L; others behind ms: id=ms ..."
     * (how far each other voter's last caught-up time trails the newest, on the leader's clock).
     */
    final Map<Integer, List<String>> controllerStops = new ConcurrentHashMap<>();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "broker-pod-glue");
        t.setDaemon(true);
        return t;
    });

    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "broker-pod-glue-watchdog");
        t.setDaemon(true);
        return t;
    });

    /**
     * Where a broker pod may run, as a scheduler would choose: the nodes to try for broker {@code id},
     * in order. The glue binds a pod to the first that is neither cordoned nor the pod's
     * {@code berth.dev/avoid-node}; with none, the pod stays unbound (Pending), and no broker runs
     * for it.
     */
    interface Placement {
        List<String> nodes(int id);
    }

    /** Without a placement, pods are never bound to a node (the other day-2 tests do not need one). */
    private final Placement placement;

    /** @param racks rack of each broker id the operator may create */
    BrokerPodGlue(KubeApiTestBed bed, KafkaTestCluster kafka, String namespace, String cluster,
            Map<Integer, String> racks) {
        this(bed, kafka, namespace, cluster, racks, null);
    }

    BrokerPodGlue(KubeApiTestBed bed, KafkaTestCluster kafka, String namespace, String cluster,
            Map<Integer, String> racks, Placement placement) {
        this.placement = placement;
        this.bed = bed;
        this.kafka = kafka;
        this.namespace = namespace;
        this.cluster = cluster;
        this.racks = racks;
        running.addAll(kafka.runningBrokerIds());
        loop.scheduleWithFixedDelay(this::syncSafely, 0, 200, TimeUnit.MILLISECONDS);
    }

    private void syncSafely() {
        try {
            sync();
        } catch (Exception | Error e) {
            // anything thrown out of here would cancel the periodic task without a word, and the
            // test would only time out: record it (tests check that no "glue error" was logged)
            log.add("glue error: " + e);
        }
    }

    private void sync() throws Exception {
        List<V1Pod> pods = new CoreV1Api(bed.apiClient()).listNamespacedPod(namespace)
                .labelSelector("berth.dev/cluster=" + cluster).execute().getItems();
        Set<Integer> brokerPods = ConcurrentHashMap.newKeySet();
        Set<Integer> controllerPods = new java.util.HashSet<>();
        for (V1Pod pod : pods) {
            Map<String, String> labels = pod.getMetadata().getLabels();
            boolean terminating = pod.getMetadata().getDeletionTimestamp() != null;
            boolean broken = cannotStart(pod, labels.get("berth.dev/role"));
            if ("controller".equals(labels.get("berth.dev/role")) && !terminating) {
                syncController(Integer.parseInt(labels.get("berth.dev/broker-id")), pod.getMetadata().getUid(), broken);
                controllerPods.add(Integer.parseInt(labels.get("berth.dev/broker-id")));
            }
            if ("broker".equals(labels.get("berth.dev/role")) && !terminating) {
                int id = Integer.parseInt(labels.get("berth.dev/broker-id"));
                brokerPods.add(id);
                seen.add(id);
                String rack = racks.get(id);
                Map<String, String> ann = pod.getMetadata().getAnnotations();
                if (rack != null && (ann == null || !rack.equals(ann.get("berth.dev/rack")))) {
                    OperatorFixture.patchPod(bed, namespace, pod.getMetadata().getName(),
                            "{\"metadata\":{\"annotations\":{\"berth.dev/rack\":\"" + rack + "\"}}}");
                }
                String uid = pod.getMetadata().getUid();
                if (placement != null && !bind(pod, id)) {
                    if (running.remove(id)) { // replaced between two polls by a pod that no node takes
                        noteStop(id);
                        log.add("pod of broker " + id + " replaced by one without a node: stop broker " + id);
                        kafka.stopBroker(id);
                    }
                    uids.put(id, uid);
                    continue;
                }
                String before = uids.put(id, uid);
                if (broken) {
                    if (running.remove(id)) {
                        noteStop(id);
                        log.add("pod of broker " + id + " replaced by one that cannot start: stop broker " + id);
                        kafka.stopBroker(id);
                    }
                } else if (running.contains(id) && before != null && !before.equals(uid) && slowReturn > 0) {
                    noteStop(id);
                    log.add("pod of broker " + id + " replaced: stop broker " + id + ", back in " + slowReturn + " ms");
                    kafka.stopBroker(id);
                    running.remove(id);
                    startAt.put(id, System.nanoTime() + slowReturn * 1_000_000);
                } else if (running.contains(id) && before != null && !before.equals(uid)) {
                    // deleted and created again between two polls: the kubelet would run a new container
                    noteStop(id);
                    log.add("pod of broker " + id + " replaced: restart broker " + id + " on its data directory");
                    kafka.restartBroker(id);
                } else if (!running.contains(id) && !lost.contains(id) && due(id)) {
                    startAt.remove(id);
                    if (kafka.brokerIds().contains(id)) {
                        log.add("start broker " + id + " again on its data directory");
                        kafka.restartBroker(id);
                    } else {
                        log.add("start broker " + id + " (rack " + rack + ")");
                        kafka.addBroker(id, rack);
                    }
                    running.add(id);
                }
            }
            boolean unbound = placement != null && "broker".equals(labels.get("berth.dev/role"))
                    && (pod.getSpec() == null || pod.getSpec().getNodeName() == null);
            boolean probeFails = unready.contains(labels.get("berth.dev/role") + "-" + labels.get("berth.dev/broker-id"));
            if (probeFails && ready(pod)) {
                OperatorFixture.markNotReady(bed, pod);
            } else if (!terminating && !ready(pod) && !unbound && !broken && !probeFails) {
                OperatorFixture.markReady(bed, pod);
            }
        }
        for (int id : kafka.runningControllerIds()) {
            if (controllerUids.containsKey(id) && !controllerPods.contains(id)) {
                noteControllerStop(id);
                log.add("pod of controller " + id + " deleted: stop controller " + id);
                kafka.stopController(id);
            }
        }
        for (int id : Set.copyOf(running)) {
            if (seen.contains(id) && !brokerPods.contains(id)) {
                noteStop(id);
                log.add("pod of broker " + id + " deleted: stop broker " + id);
                long started = System.nanoTime();
                // a stop that hangs leaves the broker ALIVE and the scale-down waiting in Removing:
                // after 15 s, record where Kafka's threads are, for whoever reads the failure
                java.util.concurrent.ScheduledFuture<?> dump = watchdog.schedule(
                        () -> log.add("broker " + id + " still stopping after 15 s; threads: " + kafkaThreads()), 15, TimeUnit.SECONDS);
                try {
                    kafka.stopBroker(id);
                } finally {
                    dump.cancel(false);
                }
                // how long Kafka's controlled shutdown took: the first thing to read when a
                // scale-down test times out in Removing (the broker stays ALIVE until it returns)
                log.add("broker " + id + " stopped after " + (System.nanoTime() - started) / 1_000_000 + " ms");
                running.remove(id);
            }
        }
    }

    /**
     * A pod that would not start under a kubelet: a controller whose image ends in {@code :broken}, a
     * broker limited to less than 64 MiB of memory (killed at start). The glue runs nothing for it and
     * never marks it Ready.
     */
    private static boolean cannotStart(V1Pod pod, String role) {
        if (pod.getSpec() == null || pod.getSpec().getContainers().isEmpty()) {
            return false;
        }
        var container = pod.getSpec().getContainers().get(0);
        if ("controller".equals(role)) {
            return container.getImage() != null && container.getImage().endsWith(":broken");
        }
        var limits = container.getResources() == null ? null : container.getResources().getLimits();
        var memory = limits == null ? null : limits.get("memory");
        return "broker".equals(role) && memory != null
                && memory.getNumber().compareTo(java.math.BigDecimal.valueOf(64L * 1024 * 1024)) < 0;
    }

    /**
     * Runs the bed's controller {@code id} for its pod {@code uid}: restarted when the pod is new. A pod
     * whose image ends in {@code :broken} runs nothing and never reads Ready, as a bad image would.
     */
    private void syncController(int id, String uid, boolean broken) {
        if (!kafka.controllerIds().contains(id)) {
            return;
        }
        String before = controllerUids.put(id, uid);
        boolean runs = kafka.runningControllerIds().contains(id);
        if (broken) {
            if (runs) {
                noteControllerStop(id);
                log.add("pod of controller " + id + " replaced by one whose image does not start: stop controller " + id);
                kafka.stopController(id);
            }
            return;
        }
        if (runs && before != null && !before.equals(uid)) {
            noteControllerStop(id);
            log.add("pod of controller " + id + " replaced: restart controller " + id);
            kafka.restartController(id);
        } else if (!runs && !lostControllers.contains(id)) {
            log.add("start controller " + id + " again on its directory");
            kafka.restartController(id);
        }
    }

    private void noteControllerStop(int id) {
        String seen;
        try {
            var q = kafka.admin().describeMetadataQuorum().quorumInfo().get(10, TimeUnit.SECONDS);
            long newest = q.voters().stream().mapToLong(v -> v.lastCaughtUpTimestamp().orElse(0)).max().orElse(0);
            StringBuilder b = new StringBuilder("leader " + q.leaderId() + "; others behind ms:");
            q.voters().stream().filter(v -> v.replicaId() != id).forEach(v -> b.append(' ').append(v.replicaId())
                    .append('=').append(v.lastCaughtUpTimestamp().isPresent()
                            ? newest - v.lastCaughtUpTimestamp().getAsLong() : Long.MAX_VALUE));
            seen = b.toString();
        } catch (Exception e) {
            seen = "unknown: " + e;
        }
        controllerStops.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(seen);
    }

    /**
     * True when the pod is bound: already, or now to the first node of {@link #placement} that is not
     * cordoned and not its {@code berth.dev/avoid-node} (the extender's rule, and the scheduler's).
     */
    private boolean bind(V1Pod pod, int id) throws Exception {
        if (pod.getSpec() != null && pod.getSpec().getNodeName() != null) {
            return true;
        }
        Set<String> cordoned = new java.util.HashSet<>();
        new CoreV1Api(bed.apiClient()).listNode().execute().getItems().stream()
                .filter(n -> n.getSpec() != null && Boolean.TRUE.equals(n.getSpec().getUnschedulable()))
                .forEach(n -> cordoned.add(n.getMetadata().getName()));
        Map<String, String> ann = pod.getMetadata().getAnnotations();
        String avoid = ann == null ? null : ann.get("berth.dev/avoid-node");
        for (String node : placement.nodes(id)) {
            if (!cordoned.contains(node) && !node.equals(avoid)) {
                OperatorFixture.patchPod(bed, namespace, pod.getMetadata().getName(),
                        "{\"spec\":{\"nodeName\":\"" + node + "\"}}");
                selectNode("data-" + pod.getMetadata().getName(), node);
                log.add("bind broker " + id + " to " + node);
                return true;
            }
        }
        return false;
    }

    /**
     * What the scheduler writes on a pod's WaitForFirstConsumer claim when it binds the pod: the node
     * the volume is made on. Only the first binding sets it, as for a real volume.
     */
    private void selectNode(String pvc, String node) throws Exception {
        CoreV1Api core = new CoreV1Api(bed.apiClient());
        var claims = core.listNamespacedPersistentVolumeClaim(namespace).execute().getItems().stream()
                .filter(c -> c.getMetadata().getName().equals(pvc)).toList();
        if (claims.isEmpty() || claims.get(0).getMetadata().getAnnotations() != null
                && claims.get(0).getMetadata().getAnnotations().containsKey("volume.kubernetes.io/selected-node")) {
            return;
        }
        String body = "{\"metadata\":{\"annotations\":{\"volume.kubernetes.io/selected-node\":\"" + node + "\"}}}";
        io.kubernetes.client.util.PatchUtils.patch(io.kubernetes.client.openapi.models.V1PersistentVolumeClaim.class,
                () -> core.patchNamespacedPersistentVolumeClaim(pvc, namespace,
                        new io.kubernetes.client.custom.V1Patch(body)).buildCall(null),
                io.kubernetes.client.custom.V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, bed.apiClient());
    }

    /**
     * Broker {@code id} is lost with its node: its Kafka process stops (Kafka fences it, and it stays
     * registered), its pod object stays as the API shows it, and nothing starts it again.
     */
    void lose(int id) {
        lost.add(id);
        running.remove(id);
        kafka.stopBroker(id);
        log.add("broker " + id + " lost with its node");
    }

    /** Controller {@code id} is lost with its node: it stops, and its pod stays as the API shows it. */
    void loseController(int id) {
        lostControllers.add(id);
        kafka.stopController(id);
        log.add("controller " + id + " lost with its node");
    }

    /**
     * The pod of {@code role} ("controller", "broker") {@code id} reads not Ready ({@code true}) or may read
     * Ready again, whatever runs: the glue starts and stops the process as before.
     */
    void unready(String role, int id, boolean notReady) {
        log.add(role + " " + id + "'s pod " + (notReady ? "not Ready" : "may read Ready again"));
        if (notReady) {
            unready.add(role + "-" + id);
        } else {
            unready.remove(role + "-" + id);
        }
    }

    /** Controller {@code id}'s node is back: the next poll starts it again. */
    void recoverController(int id) {
        log.add("controller " + id + "'s node is back");
        lostControllers.remove(id);
    }

    /**
     * From now on, a replaced broker pod reads Ready at once while its broker starts only {@code ms}
     * later, as a readiness probe that passes on the listener while the broker still catches up.
     */
    void slowReturn(long ms) {
        slowReturn = ms;
    }

    /** Whether broker {@code id} may start: no {@link #slowReturn} delay pending for it. */
    private boolean due(int id) {
        Long at = startAt.get(id);
        return at == null || System.nanoTime() - at >= 0;
    }

    /** Broker {@code id}'s node is back: the next poll starts it again on its data directory. */
    void recover(int id) {
        log.add("broker " + id + "'s node is back");
        lost.remove(id);
    }

    /**
     * Notes what Kafka shows as broker {@code id} goes. Kafka is asked first and the entry added
     * after, so a test that sees {@code stops} name a broker also sees what was noted for it.
     */
    private void noteStop(int id) {
        String seen = atStop(id);
        stops.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(seen);
    }

    /** "led N, under-replicated M": partitions broker {@code id} leads, and partitions missing an in-sync replica. */
    private String atStop(int id) {
        try {
            var admin = kafka.admin();
            var names = admin.listTopics().names().get(10, TimeUnit.SECONDS);
            int led = 0;
            int under = 0;
            for (var t : admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS).values()) {
                for (var p : t.partitions()) {
                    led += p.leader() != null && p.leader().id() == id ? 1 : 0;
                    under += p.isr().size() < p.replicas().size() ? 1 : 0;
                }
            }
            return "led " + led + ", under-replicated " + under;
        } catch (Exception e) {
            return "unknown: " + e;
        }
    }

    private static boolean ready(V1Pod p) {
        return p.getStatus() != null && p.getStatus().getConditions() != null && p.getStatus()
                .getConditions().stream().anyMatch(c -> "Ready".equals(c.getType())
                        && "True".equals(c.getStatus()));
    }

    /** Stacks of the threads whose names say Kafka, broker or raft, top frames only. */
    private static String kafkaThreads() {
        StringBuilder b = new StringBuilder();
        Thread.getAllStackTraces().forEach((t, stack) -> {
            String name = t.getName().toLowerCase(java.util.Locale.ROOT);
            if (name.contains("kafka") || name.contains("broker") || name.contains("raft")) {
                b.append("\n  ").append(t.getName()).append(" ").append(t.getState());
                for (int i = 0; i < Math.min(8, stack.length); i++) {
                    b.append("\n    at ").append(stack[i]);
                }
            }
        });
        return b.toString();
    }

    @Override
    public void close() {
        // no interrupt, and no further polls: a broker start or stop under way finishes before the
        // cluster goes. One that started after the cluster had stopped its brokers ran on while its
        // directory was deleted, and Kafka halted (seen in CI, after LiveConfigTest)
        loop.shutdown();
        try {
            if (!loop.awaitTermination(60, TimeUnit.SECONDS)) {
                log.add("glue loop still busy 60 s after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // only now: a stop under way when close came arms the watchdog, and a watchdog shut down first refused it,
            // which failed the test class as a glue error (seen in a clean-clone run, after LiveConfigTest)
            watchdog.shutdownNow();
        }
    }
}
