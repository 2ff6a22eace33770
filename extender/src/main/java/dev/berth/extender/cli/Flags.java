package dev.berth.extender.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name value} and {@code --name=value} flags, checked against the names a command knows.
 * {@code --help} (or {@code -h}) is a flag without value; anywhere, it wins over every other flag and
 * mistake, as in the operator's {@code run}: a person asking for help is shown it. A flag given twice
 * is a mistake, not "the last one wins": {@code --weight-rack 3 ... --weight-rack 0} would silently
 * turn rack spread off.
 */
final class Flags {
    private final Map<String, String> values = new LinkedHashMap<>();
    private final boolean help;

    private Flags(boolean help) {
        this.help = help;
    }

    static Flags parse(String[] args, int from, Set<String> known) {
        for (int i = from; i < args.length; i++) {
            if (args[i].equals("--help") || args[i].equals("-h")) {
                return new Flags(true); // anywhere, and before any mistake is looked for, as in the operator's run
            }
        }
        Flags f = new Flags(false);
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument: " + a);
            }
            String name;
            String value;
            int eq = a.indexOf('=');
            if (eq > 0) {
                name = a.substring(2, eq);
                value = a.substring(eq + 1);
            } else {
                name = a.substring(2);
                value = null;
            }
            if (!known.contains(name)) { // the name first: a misspelt last flag is unknown, not valueless
                throw new IllegalArgumentException("unknown flag: --" + name);
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("--" + name + " needs a value");
                }
                value = args[++i];
            }
            if (f.values.put(name, value) != null) { // assembled args (kustomize, Helm) can repeat one; last-wins hid it
                throw new IllegalArgumentException("--" + name + " given twice");
            }
        }
        return f;
    }

    boolean help() {
        return help;
    }

    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    String get(String name) {
        return values.get(name);
    }

    int integer(String name, int fallback, int min) {
        return integer(name, fallback, min, Integer.MAX_VALUE);
    }

    int integer(String name, int fallback, int min, int max) {
        return (int) number(name, fallback, min, max);
    }

    long longValue(String name, long fallback, long min) {
        return longValue(name, fallback, min, Long.MAX_VALUE);
    }

    long longValue(String name, long fallback, long min, long max) {
        return number(name, fallback, min, max);
    }

    private long number(String name, long fallback, long min, long max) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        long n;
        try {
            n = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be an integer, got " + v);
        }
        if (n < min) {
            throw new IllegalArgumentException("--" + name + " must be >= " + min + ", got " + v);
        }
        if (n > max) {
            throw new IllegalArgumentException("--" + name + " must be <= " + max + ", got " + v);
        }
        return n;
    }
}
