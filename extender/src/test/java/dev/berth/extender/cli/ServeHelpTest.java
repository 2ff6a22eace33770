package dev.berth.extender.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code serve --help} names each flag's default and why; the help is where an operator reads the
 * defaults, so each one it names must be the value {@code serve} takes when the flag is left out.
 */
class ServeHelpTest {
    /** What serve runs with, by flag, as the help would write it ("none" for nothing, "stdout" for no file). */
    static final Map<String, Function<ServeOptions, Object>> TAKEN = Map.ofEntries(
            Map.entry("address", o -> o.listen().address()),
            Map.entry("port", o -> o.listen().port()),
            Map.entry("prefix", o -> o.listen().prefix()),
            Map.entry("max-body-bytes", o -> o.listen().maxBodyBytes()),
            Map.entry("body-read-timeout", o -> o.listen().bodyReadTimeoutSeconds()),
            Map.entry("tls-keystore", o -> o.tls().enabled() ? o.tls().keystore() : "none"),
            Map.entry("tls-password-file", o -> o.tls().enabled() ? "set" : "none"),
            Map.entry("tls-client-ca", o -> o.tls().clientCa() == null ? "none" : o.tls().clientCa()),
            Map.entry("tls-client-ca-password-file", o -> o.tls().clientCa() == null ? "none" : "set"),
            Map.entry("rack-label", o -> o.scoring().rackLabel()),
            Map.entry("weight-rack", o -> o.scoring().weights().rack()),
            Map.entry("weight-leaders", o -> o.scoring().weights().leaders()),
            Map.entry("weight-disk", o -> o.scoring().weights().disk()),
            Map.entry("score-leaders-by", o -> o.scoring().leaderMetric().flag()),
            Map.entry("max-rack-skew", o -> o.scoring().maxRackSkew()),
            Map.entry("decision-log", o -> o.logging().decisionLog() == null ? "stdout" : o.logging().decisionLog()),
            Map.entry("decisions-kept", o -> o.logging().decisionsKept()),
            Map.entry("cluster-file", o -> o.sources().clusterFile() == null ? "none" : o.sources().clusterFile()),
            Map.entry("kubeconfig", o -> o.sources().kubeconfig() == null ? "none" : o.sources().kubeconfig()));

    @Test
    void everyDefaultTheHelpNamesIsTheOneServeTakes() {
        Map<String, String> named = new TreeMap<>();
        Matcher m = Pattern.compile("(?m)^\\s+--([a-z-]+)(?: [A-Z]+)?\\s+(\\S+?):? ").matcher(ServeCommand.HELP);
        while (m.find()) {
            named.put(m.group(1), m.group(2).replaceAll(":$", ""));
        }
        assertThat(named.keySet()).as("every flag serve knows has a line").isEqualTo(new java.util.TreeSet<>(ServeCommand.FLAGS));
        ServeOptions taken = ServeCommand.options(Flags.parse(new String[] {"serve"}, 1, ServeCommand.FLAGS));
        Map<String, String> wrong = new TreeMap<>();
        named.forEach((flag, said) -> {
            String is = String.valueOf(TAKEN.get(flag).apply(taken));
            if (!is.equals(said)) {
                wrong.put(flag, "help says " + said + ", serve takes " + is);
            }
        });
        assertThat(wrong).isEmpty();
    }
}
