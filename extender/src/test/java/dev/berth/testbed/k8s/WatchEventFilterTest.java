package dev.berth.testbed.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which of the mock's watch messages reach the client: replayed ADDED events the client already
 * listed are dropped, nothing else is.
 */
class WatchEventFilterTest {

    @ParameterizedTest(name = "{0} rv={1} since={2}")
    @CsvSource({
            "ADDED,5,0,true",      // no resourceVersion asked: replay everything, as a real server does
            "ADDED,5,4,true",      // created after the list
            "ADDED,5,5,false",     // exactly the listed version: the client has it
            "ADDED,3,5,false",     // older than the list
            "MODIFIED,3,5,true",   // only ADDED is a replay; other types always pass
            "DELETED,3,5,true",
    })
    void dropsOnlyReplayedAddsTheClientAlreadyListed(String type, String rv, long since, boolean kept) {
        String message = "{\"type\":\"" + type + "\",\"object\":{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\","
                + "\"resourceVersion\":\"" + rv + "\"}}}";
        String line = WatchRelay.keep(message, since);
        if (kept) {
            assertThat(line).isEqualTo(message).doesNotContain("\n");
        } else {
            assertThat(line).isNull();
        }
    }

    @Test
    void aMultiLineMessageBecomesOneLine() {
        String message = "{\"type\":\"ADDED\",\n \"object\":{\"metadata\":{\"name\":\"p\",\"resourceVersion\":\"9\"}}}";
        assertThat(WatchRelay.keep(message, 0))
                .isEqualTo("{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"p\",\"resourceVersion\":\"9\"}}}");
    }
}
