package dev.berth.extender.cli;

/**
 * Checks a Kubernetes label key, as {@code --rack-label} takes one.
 *
 * <p><b>Goal.</b> A key that no node can carry ({@code ""}, a space, two slashes) would make every
 * node "node has no rack label" and every broker unschedulable, with nothing saying that the flag
 * is the cause. Such a key is refused at start instead, with the rule it breaks.
 *
 * <p><b>The rules</b> (Kubernetes' own, from {@code IsQualifiedName}): {@code [prefix/]name}. The
 * name is 1 to 63 characters of {@code [A-Za-z0-9._-]}, starting and ending with a letter or digit.
 * The optional prefix is a DNS subdomain: at most 253 characters, dot-separated parts of
 * {@code [a-z0-9-]}, each starting and ending with a lower-case letter or digit.
 *
 * <p><b>Example.</b> {@code topology.kubernetes.io/zone} and {@code rack} pass;
 * {@code Topology.io/zone} is refused (upper case in the prefix), {@code zone/} (empty name) and
 * {@code a/b/c} (two slashes) too.
 */
final class LabelKeys {
    private LabelKeys() {}

    /** Why {@code key} is not a label key, or null when it is one. */
    static String problem(String key) {
        if (key == null || key.isEmpty()) {
            return "a label key cannot be empty";
        }
        int slash = key.indexOf('/');
        String name = slash < 0 ? key : key.substring(slash + 1);
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            if (name.indexOf('/') >= 0) {
                return "a label key has at most one '/'";
            }
            String bad = prefixProblem(prefix);
            if (bad != null) {
                return bad;
            }
        }
        if (name.isEmpty() || name.length() > 63) {
            return "the name part of a label key must be 1 to 63 characters";
        }
        if (!alnum(name.charAt(0)) || !alnum(name.charAt(name.length() - 1))) {
            return "the name part of a label key must start and end with a letter or digit";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!alnum(c) && c != '-' && c != '_' && c != '.') {
                return "the name part of a label key may hold only letters, digits, '-', '_' and '.'";
            }
        }
        return null;
    }

    private static String prefixProblem(String prefix) {
        if (prefix.isEmpty() || prefix.length() > 253) {
            return "the prefix of a label key must be 1 to 253 characters";
        }
        for (String part : prefix.split("\\.", -1)) {
            if (part.isEmpty() || !lowerAlnum(part.charAt(0)) || !lowerAlnum(part.charAt(part.length() - 1))) {
                return "the prefix of a label key must be a DNS subdomain (lower-case parts joined by '.')";
            }
            for (int i = 0; i < part.length(); i++) {
                char c = part.charAt(i);
                if (!lowerAlnum(c) && c != '-') {
                    return "the prefix of a label key must be a DNS subdomain (lower-case parts joined by '.')";
                }
            }
        }
        return null;
    }

    private static boolean alnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static boolean lowerAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }
}
