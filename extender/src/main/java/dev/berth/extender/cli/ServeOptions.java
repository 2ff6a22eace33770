package dev.berth.extender.cli;

import dev.berth.extender.http.ExtenderServer;
import dev.berth.extender.placement.Keys;
import dev.berth.extender.placement.LeaderMetric;
import dev.berth.extender.placement.RackSkewRule;
import dev.berth.extender.placement.Weights;
import java.nio.file.Path;

/**
 * The parsed flags of {@code serve}, grouped by concern. Defaults and their reasons are in
 * {@link ServeCommand#HELP}.
 */
public record ServeOptions(Listen listen, Tls tls, Scoring scoring, Sources sources, Logging logging) {

    /** Where and how the HTTP service listens; {@code bodyReadTimeoutSeconds}: how long a request may send nothing. */
    public record Listen(String address, int port, String prefix, long maxBodyBytes, int bodyReadTimeoutSeconds) {
        public static final Listen DEFAULT = new Listen("0.0.0.0", 8888, "/scheduler", 64L << 20,
                (int) ExtenderServer.DEFAULT_BODY_READ_TIMEOUT.toSeconds());
    }

    /**
     * TLS from a PKCS12 key store; {@code clientCa} (a PKCS12 trust store) turns on required
     * client-certificate authentication. {@code keystore == null} means plain HTTP.
     */
    public record Tls(Path keystore, char[] password, Path clientCa, char[] clientCaPassword) {
        public static final Tls NONE = new Tls(null, null, null, null);

        public boolean enabled() {
            return keystore != null;
        }
    }

    /** Placement scoring, the rack skew rule's maxSkew (0 = off) and the node label that names the rack. */
    public record Scoring(String rackLabel, Weights weights, LeaderMetric leaderMetric, int maxRackSkew) {
        public static final Scoring DEFAULT = new Scoring(Keys.DEFAULT_RACK_LABEL, Weights.DEFAULT, LeaderMetric.LEADERS,
                RackSkewRule.DEFAULT_MAX_SKEW);
    }

    /** Where cluster facts come from: a cluster file, or else Kubernetes (kubeconfig or in-cluster). */
    public record Sources(Path clusterFile, Path kubeconfig) {}

    /** Decision log destination ({@code null} = stdout) and how many decisions {@code /decisions} keeps. */
    public record Logging(Path decisionLog, int decisionsKept) {
        public static final Logging DEFAULT = new Logging(null, 200);
    }

    public static ServeOptions defaults() {
        return new ServeOptions(Listen.DEFAULT, Tls.NONE, Scoring.DEFAULT, new Sources(null, null), Logging.DEFAULT);
    }
}
