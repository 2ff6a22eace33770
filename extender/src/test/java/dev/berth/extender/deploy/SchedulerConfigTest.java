package dev.berth.extender.deploy;

import static dev.berth.extender.deploy.Manifests.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The second scheduler's KubeSchedulerConfiguration. kube-scheduler decodes it strictly and
 * case-sensitively, so every key is checked against the v1 field names, and the values against what
 * the extender serves.
 */
class SchedulerConfigTest {
    /** The extender's routes: {@code POST <prefix>/<verb>}, prefix {@code /scheduler} by default. */
    static final String ROUTE_PREFIX = "/scheduler";
    static final Set<String> ROUTE_VERBS = Set.of("filter", "prioritize", "bind");

    /** Field names of KubeSchedulerConfiguration v1 Extender (k8s.io/kube-scheduler/config/v1). */
    static final Set<String> EXTENDER_FIELDS = Set.of("urlPrefix", "filterVerb", "preemptVerb", "prioritizeVerb",
            "weight", "bindVerb", "enableHTTPS", "tlsConfig", "httpTimeout", "nodeCacheCapable", "managedResources",
            "ignorable");
    static final Set<String> TOP_FIELDS = Set.of("apiVersion", "kind", "parallelism", "leaderElection",
            "clientConnection", "healthzBindAddress", "metricsBindAddress", "enableProfiling",
            "enableContentionProfiling", "percentageOfNodesToScore", "podInitialBackoffSeconds",
            "podMaxBackoffSeconds", "profiles", "extenders", "delayCacheUntilActive");

    static Map<String, Object> config;
    static Map<String, Object> extender;

    @BeforeAll
    static void load() {
        List<Map<String, Object>> docs = Manifests.documents(Manifests.read("scheduler-config/scheduler-config.yaml"));
        assertThat(docs).hasSize(1);
        config = docs.get(0);
        List<Map<String, Object>> extenders = Manifests.list(config, "extenders");
        assertThat(extenders).hasSize(1);
        extender = extenders.get(0);
    }

    @Test
    void isAV1KubeSchedulerConfigurationWithOnlyKnownKeys() {
        assertThat(config).containsEntry("apiVersion", "kubescheduler.config.k8s.io/v1")
                .containsEntry("kind", "KubeSchedulerConfiguration");
        assertThat(TOP_FIELDS).containsAll(config.keySet());
        assertThat(EXTENDER_FIELDS).containsAll(extender.keySet()); // catches enableHttps and friends
    }

    @Test
    void hasOneProfileNamedBerthSchedulerThatScoresEveryNode() {
        List<Map<String, Object>> profiles = Manifests.list(config, "profiles");
        assertThat(profiles).hasSize(1);
        assertThat(profiles.get(0)).containsEntry("schedulerName", "berth-scheduler")
                .containsEntry("percentageOfNodesToScore", 100);
        assertThat(config).containsEntry("percentageOfNodesToScore", 100);
    }

    @Test
    void leaderElectionUsesItsOwnLease() {
        Map<String, Object> le = Manifests.map(config, "leaderElection");
        assertThat(le).containsEntry("leaderElect", true)
                .containsEntry("resourceLock", "leases")
                .containsEntry("resourceName", "berth-scheduler")
                .containsEntry("resourceNamespace", "berth-system");
    }

    @Test
    void verbsMatchTheExtenderRoutesUnderItsPrefix() {
        URI url = URI.create((String) extender.get("urlPrefix"));
        assertThat(url.getPath()).isEqualTo(ROUTE_PREFIX);
        assertThat(url.getHost()).isEqualTo("berth-extender.berth-system.svc");
        assertThat(Set.of(extender.get("filterVerb"), extender.get("prioritizeVerb"), extender.get("bindVerb")))
                .isEqualTo(Set.<Object>copyOf(ROUTE_VERBS));
        assertThat(extender).containsEntry("filterVerb", "filter")
                .containsEntry("prioritizeVerb", "prioritize")
                .containsEntry("bindVerb", "bind")
                .doesNotContainKey("preemptVerb");
    }

    @Test
    void extenderIsWeightedCacheCapableAndNotIgnorable() {
        assertThat((Integer) extender.get("weight")).isPositive(); // prioritizeVerb requires weight > 0
        assertThat(extender).containsEntry("nodeCacheCapable", true).containsEntry("ignorable", false);
        assertThat((String) extender.get("httpTimeout")).matches("\\d+s");
    }

    @Test
    void exactlyOneExtenderBinds() {
        long binders = Manifests.list(config, "extenders").stream().filter(e -> e.get("bindVerb") != null).count();
        assertThat(binders).isEqualTo(1);
    }

    @Test
    void urlPrefixPointsAtTheExtenderServicePort() {
        URI url = URI.create((String) extender.get("urlPrefix"));
        var docs = Manifests.documents(Manifests.read("deploy/extender.yaml"));
        Map<String, Object> service = Manifests.one(docs, "Service", "berth-extender");
        Integer port = at(service, "spec", "ports", 0, "port");
        assertThat(url.getPort()).isEqualTo(port);
    }
}
