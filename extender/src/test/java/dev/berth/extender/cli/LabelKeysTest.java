package dev.berth.extender.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LabelKeysTest {

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
            topology.kubernetes.io/zone   | NULL
            rack                          | NULL
            Rack_1.a-b                    | NULL
            example.com/rack              | NULL
            a                             | NULL
            x--y.z/a                      | NULL
            az09.09az/azAZ09              | NULL
            z/Z                           | NULL
            9/0                           | NULL
            a.io//x                       | a label key has at most one '/'
            ''                            | a label key cannot be empty
            zone/                         | the name part of a label key must be 1 to 63 characters
            /zone                         | the prefix of a label key must be 1 to 253 characters
            a/b/c                         | a label key has at most one '/'
            Topology.io/zone              | the prefix of a label key must be a DNS subdomain (lower-case parts joined by '.')
            example..com/zone             | the prefix of a label key must be a DNS subdomain (lower-case parts joined by '.')
            -example.com/zone             | the prefix of a label key must be a DNS subdomain (lower-case parts joined by '.')
            ex_ample.com/zone             | the prefix of a label key must be a DNS subdomain (lower-case parts joined by '.')
            -zone                         | the name part of a label key must start and end with a letter or digit
            zone.                         | the name part of a label key must start and end with a letter or digit
            'my zone'                     | the name part of a label key may hold only letters, digits, '-', '_' and '.'
            zone:a                        | the name part of a label key may hold only letters, digits, '-', '_' and '.'
            """)
    void keysAreCheckedByKubernetesRules(String key, String problem) {
        assertThat(LabelKeys.problem(key)).isEqualTo(problem);
    }

    @ParameterizedTest(name = "length {0}")
    @CsvSource({"63, true", "64, false"})
    void theNameIsAtMost63Characters(int length, boolean ok) {
        assertThat(LabelKeys.problem("a".repeat(length)) == null).isEqualTo(ok);
    }

    @ParameterizedTest(name = "length {0}")
    @CsvSource({"253, true", "254, false"})
    void thePrefixIsAtMost253Characters(int length, boolean ok) {
        String prefix = ("a".repeat(61) + ".").repeat(5).substring(0, length - 1) + "b"; // parts of 61, joined by dots
        assertThat(LabelKeys.problem(prefix + "/zone") == null).as(prefix).isEqualTo(ok);
    }
}
