package dev.berth.extender.placement;

import java.util.List;

/** Small named builders for placement tests. Sizes in GiB to keep rows readable. */
final class Fixtures {
    private Fixtures() {}

    static final long GI = 1L << 30;

    static BrokerPod broker(String cluster, String pinnedRack, String avoidNode, Long storageGi) {
        return new BrokerPod("kafka", cluster + "-broker-9", "uid-9", cluster, 9, pinnedRack, avoidNode,
                storageGi == null ? null : storageGi * GI);
    }

    static BrokerPod plainPod() {
        return new BrokerPod("default", "web-0", "uid-w", null, null, null, null, null);
    }

    static NodeFacts node(String name, String rack, Long capacityGi, PlacedBroker... brokers) {
        return new NodeFacts(name, rack, capacityGi == null ? null : capacityGi < 0 ? capacityGi : capacityGi * GI, List.of(brokers));
    }

    static PlacedBroker placed(String key, String cluster, long storageGi, long leaders, long bytesIn) {
        return new PlacedBroker(key, cluster, 1, storageGi * GI, leaders, bytesIn, false);
    }
}
