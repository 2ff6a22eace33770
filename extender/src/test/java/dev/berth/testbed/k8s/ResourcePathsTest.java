package dev.berth.testbed.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The bridge's reading of REST paths and its kind table decide where objects go: exact outputs. */
class ResourcePathsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            # path                                                       | group               | version  | namespace | plural         | name  | sub
            /api/v1/pods                                                 | ''                  | v1       | -         | pods           | -     | -
            /api/v1/namespaces/kafka/pods                                | ''                  | v1       | kafka     | pods           | -     | -
            /api/v1/namespaces/kafka/pods/b-0/binding                    | ''                  | v1       | kafka     | pods           | b-0   | binding
            /api/v1/namespaces/team-a                                    | ''                  | v1       | -         | namespaces     | team-a| -
            /api/v1/namespaces                                           | ''                  | v1       | -         | namespaces     | -     | -
            /api/v1/nodes/n1/status                                      | ''                  | v1       | -         | nodes          | n1    | status
            /apis/coordination.k8s.io/v1/namespaces/ks/leases/berth      | coordination.k8s.io | v1       | ks        | leases         | berth | -
            /apis/berth.dev/v1alpha1/kafkaclusters                       | berth.dev           | v1alpha1 | -         | kafkaclusters  | -     | -
            /apis/berth.dev/v1alpha1/namespaces/k/kafkaclusters/d/status | berth.dev           | v1alpha1 | k         | kafkaclusters  | d     | status
            """)
    void parsesResourcePaths(String path, String group, String version, String ns, String plural, String name, String sub) {
        // Row /api/v1/namespaces/team-a: a Namespace object, not a namespaced collection (boundary: 2 segments).
        // Row /api/v1/namespaces: the Namespace collection itself.
        assertThat(ResourcePaths.parse(path)).contains(new ResourcePaths.Target(group, version, ns, plural, name, sub));
    }

    @ParameterizedTest(name = "group \"{0}\"")
    @CsvSource({
            "'',false",
            "apps,false",
            "batch,false",
            "policy,false",
            "storage.k8s.io,false",        // every *.k8s.io group is the apiserver's own
            "coordination.k8s.io,false",
            "berth.dev,true",              // served only once its CRD is applied
            "example.com,true",
            "k8s.io.example.com,true",     // k8s.io inside the name, not as its end
    })
    void customGroupsAreThoseNoApiserverServesWithoutACrd(String group, boolean custom) {
        assertThat(new ResourcePaths.Target(group, "v1", null, "things", null, null).custom()).isEqualTo(custom);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "/",               // root: discovery, not a resource
            "/version",        // not under /api or /apis
            "/api/v1",         // group-version discovery: no resource segment
            "/apis/berth.dev", // group discovery: no version and resource
    })
    void nonResourcePathsAreNotParsed(String path) {
        assertThat(ResourcePaths.parse(path)).isEmpty();
    }

    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource(nullValues = "-", value = {
            "'',Pod,pods,false",
            "'',Node,nodes,true",
            "'',Namespace,namespaces,true",
            "'',Event,events,false",
            "events.k8s.io,Event,events,false",                   // same kind, other group: same plural
            "coordination.k8s.io,Lease,leases,false",
            "apiextensions.k8s.io,CustomResourceDefinition,customresourcedefinitions,true",
            "'',Lease,-,false",                                     // Lease is not in the core group
            "berth.dev,KafkaCluster,-,false",                       // custom: resolved from the CRD, not the table
    })
    void knowsBuiltinPluralsAndScopes(String group, String kind, String plural, boolean clusterScoped) {
        assertThat(ResourcePaths.builtinPlural(group, kind)).isEqualTo(Optional.ofNullable(plural));
        assertThat(ResourcePaths.builtinClusterScoped(group, kind)).isEqualTo(clusterScoped);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "v1,-,pods,/api/v1/pods",
            "v1,kafka,pods,/api/v1/namespaces/kafka/pods",
            "berth.dev/v1alpha1,kafka,kafkaclusters,/apis/berth.dev/v1alpha1/namespaces/kafka/kafkaclusters",
            "v1,-,nodes,/api/v1/nodes",
    })
    void buildsCollectionPaths(String apiVersion, String namespace, String plural, String expected) {
        assertThat(ResourcePaths.collectionPath(apiVersion, "-".equals(namespace) ? null : namespace, plural))
                .isEqualTo(expected);
    }
}
