package dev.berth.operator.act.desired;

import dev.berth.operator.api.KafkaCluster;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the two Services of a cluster.
 *
 * <ul>
 *   <li>{@code <c>-nodes}: headless, selects every node of the cluster and publishes not-ready
 *       addresses, so that controllers find each other and brokers find the quorum before any of
 *       them is ready. It gives each pod the DNS name its listeners advertise.
 *   <li>{@code <c>-bootstrap}: ClusterIP on port 9092, selects brokers only: what clients (and the
 *       operator's Admin) bootstrap from.
 * </ul>
 */
public final class DesiredServices {
    private DesiredServices() {}

    public static V1Service headless(KafkaCluster c) {
        return new V1Service()
                .apiVersion("v1")
                .kind("Service")
                .metadata(Owned.meta(c, Names.headlessService(c.name()), Owned.clusterLabels(c)))
                .spec(new V1ServiceSpec()
                        .clusterIP("None")
                        .publishNotReadyAddresses(true)
                        .selector(Map.of(Names.LABEL_CLUSTER, c.name()))
                        .ports(List.of(
                                port("client", Names.CLIENT_PORT),
                                port("controller", Names.CONTROLLER_PORT))));
    }

    public static V1Service bootstrap(KafkaCluster c) {
        Map<String, String> selector = new TreeMap<>();
        selector.put(Names.LABEL_CLUSTER, c.name());
        selector.put(Names.LABEL_ROLE, Names.ROLE_BROKER);
        return new V1Service()
                .apiVersion("v1")
                .kind("Service")
                .metadata(Owned.meta(c, Names.bootstrapService(c.name()), Owned.clusterLabels(c)))
                .spec(new V1ServiceSpec()
                        .type("ClusterIP")
                        .selector(selector)
                        .ports(List.of(port("client", Names.CLIENT_PORT))));
    }

    private static V1ServicePort port(String name, int port) {
        return new V1ServicePort().name(name).port(port).targetPort(new IntOrString(port)).protocol("TCP");
    }
}
