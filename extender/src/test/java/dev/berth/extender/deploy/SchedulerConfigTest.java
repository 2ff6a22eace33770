package dev.berth.extender.deploy;

import static dev.berth.extender.deploy.Manifests.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.extender.cli.ServeOptions;
import dev.berth.extender.http.ExtenderServer;
import dev.berth.extender.placement.NodeFacts;
import dev.berth.extender.state.ClusterState;
import dev.berth.extender.state.PodBinder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Collection;
import java.util.Optional;
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
    /** What {@code serve} listens on by default (the Deployment does not override the prefix). */
    static final String ROUTE_PREFIX = ServeOptions.Listen.DEFAULT.prefix();
    static final int PORT = ServeOptions.Listen.DEFAULT.port();

    /** Field names of KubeSchedulerConfiguration v1 Extender (k8s.io/kube-scheduler/config/v1). */
    static final Set<String> EXTENDER_FIELDS = Set.of("urlPrefix", "filterVerb", "preemptVerb", "prioritizeVerb",
            "weight", "bindVerb", "enableHTTPS", "tlsConfig", "httpTimeout", "nodeCacheCapable", "managedResources",
            "ignorable");
    /** (healthzBindAddress and metricsBindAddress went with v1beta3: v1's strict decoding refuses them.) */
    static final Set<String> TOP_FIELDS = Set.of("apiVersion", "kind", "parallelism", "leaderElection",
            "clientConnection", "enableProfiling",
            "enableContentionProfiling", "percentageOfNodesToScore", "podInitialBackoffSeconds",
            "podMaxBackoffSeconds", "profiles", "extenders", "delayCacheUntilActive");

    static final Set<String> PROFILE_FIELDS = Set.of("schedulerName", "percentageOfNodesToScore", "plugins",
            "pluginConfig");
    static final Set<String> LEADER_ELECTION_FIELDS = Set.of("leaderElect", "leaseDuration", "renewDeadline",
            "retryPeriod", "resourceLock", "resourceName", "resourceNamespace");

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
        assertThat(LEADER_ELECTION_FIELDS).containsAll(Manifests.map(config, "leaderElection").keySet());
        for (Map<String, Object> profile : Manifests.list(config, "profiles")) {
            assertThat(PROFILE_FIELDS).containsAll(profile.keySet());
        }
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
    void urlPrefixIsTheExtenderServiceWithServesDefaultPrefixAndPort() {
        URI url = URI.create((String) extender.get("urlPrefix"));
        assertThat(url.getScheme()).isEqualTo("http"); // enableHTTPS is off, see the commented tlsConfig
        assertThat(url.getHost()).isEqualTo("berth-extender.berth-system.svc");
        assertThat(url.getPort()).isEqualTo(PORT);
        assertThat(url.getPath()).isEqualTo(ROUTE_PREFIX);
        assertThat(extender).doesNotContainKey("preemptVerb");
    }

    /** Every configured verb, POSTed as the scheduler would to a real extender, reaches a verb route. */
    @Test
    void eachConfiguredVerbIsARouteOfTheRealExtender() throws Exception {
        ClusterState empty = new ClusterState() {
            @Override
            public boolean synced() {
                return true;
            }

            @Override
            public Optional<NodeFacts> node(String name) {
                return Optional.empty();
            }

            @Override
            public Collection<NodeFacts> nodes() {
                return List.of();
            }
        };
        PodBinder noop = target -> null;
        String pod = "{\"metadata\":{\"name\":\"p\",\"namespace\":\"d\",\"uid\":\"u\"}}";
        Map<String, String> bodies = Map.of(
                "filterVerb", "{\"Pod\":" + pod + ",\"Nodes\":null,\"NodeNames\":[\"n1\"]}",
                "prioritizeVerb", "{\"Pod\":" + pod + ",\"Nodes\":null,\"NodeNames\":[\"n1\"]}",
                "bindVerb", "{\"PodName\":\"p\",\"PodNamespace\":\"d\",\"PodUID\":\"u\",\"Node\":\"n1\"}");
        HttpClient http = HttpClient.newHttpClient();
        try (ExtenderServer server = ExtenderServer.builder().state(empty).binder(noop).prefix(ROUTE_PREFIX).port(0).start()) {
            String base = "http://127.0.0.1:" + server.port() + URI.create((String) extender.get("urlPrefix")).getPath();
            for (Map.Entry<String, String> verb : bodies.entrySet()) {
                String path = base + "/" + extender.get(verb.getKey());
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(path))
                        .POST(HttpRequest.BodyPublishers.ofString(verb.getValue())).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as("%s %s: %s", verb.getKey(), path, r.body()).isEqualTo(200);
            }
            HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(URI.create(base + "/filterr"))
                    .POST(HttpRequest.BodyPublishers.ofString(bodies.get("filterVerb"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(wrong.statusCode()).isNotEqualTo(200); // so the check above would notice a misspelt verb
        }
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
