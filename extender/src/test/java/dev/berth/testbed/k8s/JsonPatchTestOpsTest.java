package dev.berth.testbed.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Leading JSON-patch {@code test} ops, checked by the bridge because the mock never answers a failing one. */
class JsonPatchTestOpsTest {

    private static final JsonObject POD = KubeApiTestBed.json("""
            {"metadata":{"resourceVersion":"7","labels":{"a/b":"x","m~n":"y"}},
             "spec":{"replicas":3,"list":[{"n":1},{"n":2}]}}""");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            [{"op":"test","path":"/metadata/resourceVersion","value":"7"}]                    | -
            [{"op":"test","path":"/metadata/resourceVersion","value":"6"}]                    | testing value /metadata/resourceVersion failed
            [{"op":"test","path":"/spec/replicas","value":3}]                                 | -
            [{"op":"test","path":"/spec/replicas","value":"3"}]                               | testing value /spec/replicas failed
            [{"op":"test","path":"/spec/list/1/n","value":2}]                                 | -
            [{"op":"test","path":"/spec/list/2/n","value":2}]                                 | testing value /spec/list/2/n failed
            [{"op":"test","path":"/metadata/labels/a~1b","value":"x"}]                        | -
            [{"op":"test","path":"/metadata/labels/m~0n","value":"y"}]                        | -
            [{"op":"test","path":"/spec/absent","value":null}]                                | testing value /spec/absent failed
            [{"op":"replace","path":"/spec/replicas","value":4},{"op":"test","path":"/spec/replicas","value":9}] | -
            [{"op":"test","path":"/spec/replicas","value":3},{"op":"test","path":"/spec/replicas","value":4}]  | testing value /spec/replicas failed
            """)
    void checksOnlyTheLeadingTestOps(String patch, String expectedFailure) {
        // Row "value":"3": a string is not the number 3 (RFC 6902 compares JSON types).
        // Row /spec/list/2/n: index past the end of the array.
        // Rows ~1 and ~0: RFC 6901 escapes for "/" and "~" in keys.
        // Row /spec/absent with null: a missing member is not a JSON null.
        // Row replace-then-test: a test after a mutating op is not checked here (left to the mock).
        // Row test,test: the second of two leading tests fails.
        assertThat(JsonPatchTestOps.firstFailure(JsonParser.parseString(patch).getAsJsonArray(), POD))
                .isEqualTo(Optional.ofNullable(expectedFailure));
    }
}
