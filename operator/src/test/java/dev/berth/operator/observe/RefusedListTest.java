package dev.berth.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeList;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watchable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An optional cache (cordoned nodes, budgets) is waited for unless the API refuses to list it: the
 * flag {@link KubeInformers#remembering} keeps. The lister here stands in for the API's answers, which
 * are not what is tested.
 */
class RefusedListTest {
    @Test
    void forbiddenOrUnknownListsAreRememberedOtherFailuresAreNot() throws Exception {
        AtomicInteger answer = new AtomicInteger();
        ListerWatcher<V1Node, V1NodeList> api = new ListerWatcher<>() {
            @Override
            public V1NodeList list(CallGeneratorParams p) throws ApiException {
                if (answer.get() != 200) {
                    throw new ApiException(answer.get(), "refused");
                }
                return new V1NodeList();
            }

            @Override
            public Watchable<V1Node> watch(CallGeneratorParams p) {
                throw new UnsupportedOperationException();
            }
        };
        AtomicBoolean refused = new AtomicBoolean();
        ListerWatcher<V1Node, V1NodeList> lw = KubeInformers.remembering(api, refused);
        CallGeneratorParams p = new CallGeneratorParams(false, null, null);
        record Step(int code, boolean refusedAfter) {}
        Step[] steps = {
            new Step(500, false), // a failing server: the informer retries, and readiness waits
            new Step(403, true), // RBAC withholds nodes: the feature is off, readiness does not wait
            new Step(500, true), // still refused as far as anyone knows
            new Step(200, false), // granted since: waited for again
            new Step(404, true), // no such API
        };
        for (Step s : steps) {
            answer.set(s.code());
            if (s.code() == 200) {
                assertThat(lw.list(p)).isNotNull();
            } else {
                assertThatThrownBy(() -> lw.list(p)).isInstanceOf(ApiException.class);
            }
            assertThat(refused.get()).as("after %d", s.code()).isEqualTo(s.refusedAfter());
        }
    }
}
