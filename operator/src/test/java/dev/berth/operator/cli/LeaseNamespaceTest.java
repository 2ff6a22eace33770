package dev.berth.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LeaseNamespaceTest {
    /** --lease-namespace, POD_NAMESPACE, --namespace, expected Lease namespace. */
    private static final String[][] ROWS = {
        {"leases", "berth-system", "kafka", "leases"},        // an explicit flag beats everything
        {"leases", null, null, "leases"},                     // ... also outside a pod
        {null, "berth-system", "kafka", "berth-system"},      // the probe's bug: watching one namespace keeps the Lease home
        {null, "ops", null, "ops"},                           // installed elsewhere: the pod's own namespace
        {null, null, "kafka", "kafka"},                       // a local run: the namespace the user named
        {null, "", "kafka", "kafka"},                         // an empty POD_NAMESPACE is unset, not a namespace
        {null, "  ", null, "berth-system"},                   // ... so is a blank one
        {null, null, null, "berth-system"},                   // nothing set: the shipped install's namespace
    };

    @Test
    void theLeaseLivesInTheOperatorsOwnNamespaceBeforeTheWatchedOne() {
        for (String[] row : ROWS) {
            assertThat(LeaseNamespace.resolve(row[0], row[1], row[2]))
                    .as("flag=%s POD_NAMESPACE=%s --namespace=%s", row[0], row[1], row[2]).isEqualTo(row[3]);
        }
    }
}
