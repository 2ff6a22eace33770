package dev.berth.testbed.k8s;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Calls the bed answers 403 Forbidden, as a real apiserver does when RBAC withholds a verb: the mock
 * has no authorization at all, and an operator's handling of a refused write is otherwise untestable.
 *
 * <p>A rule names a Kubernetes verb, a resource ({@code pods}, or a subresource such as
 * {@code pods/binding} or {@code kafkaclusters/status}) and a namespace ({@code null}: any). The HTTP
 * method and path give the verb as the apiserver derives it: POST {@code create}, PUT {@code update},
 * PATCH {@code patch}, DELETE {@code delete} (on a collection {@code deletecollection}), GET {@code get}
 * (on a collection {@code list}, with {@code ?watch=true} {@code watch}). The answer is a Status with
 * reason {@code Forbidden} and the apiserver's wording, e.g. {@code pods "demo-broker-0" is forbidden:
 * User "system:serviceaccount:test:bed" cannot create resource "pods" in API group "" in the namespace
 * "kafka"} (a call on a collection names no object: {@code pods is forbidden: ...}).
 */
final class RbacRefusals {
    /** The user every refusal names: the bed has one identity. */
    static final String USER = "system:serviceaccount:test:bed";

    private record Rule(String verb, String resource, String namespace) {}

    private final List<Rule> rules = new CopyOnWriteArrayList<>();

    /** Refuses {@code verb} on {@code resource} in {@code namespace} (null: every namespace) until the handle is closed. */
    AutoCloseable add(String verb, String resource, String namespace) {
        Rule r = new Rule(verb, resource, namespace);
        rules.add(r);
        return () -> rules.remove(r);
    }

    /** The 403 body for this call, or empty when no rule refuses it. */
    Optional<byte[]> refusal(String method, String path, boolean watch) {
        if (rules.isEmpty()) {
            return Optional.empty();
        }
        Optional<ResourcePaths.Target> parsed = ResourcePaths.parse(path);
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        ResourcePaths.Target t = parsed.get();
        String verb = verb(method, t.name() != null, watch);
        String resource = t.subresource() == null ? t.plural() : t.plural() + "/" + t.subresource();
        for (Rule r : rules) {
            if (r.verb().equals(verb) && r.resource().equals(resource)
                    && (r.namespace() == null || r.namespace().equals(t.namespace()))) {
                String subject = t.name() == null ? t.plural() : t.plural() + " \"" + t.name() + "\"";
                String message = subject + " is forbidden: User \"" + USER + "\" cannot " + verb + " resource \""
                        + resource + "\" in API group \"" + t.group() + "\""
                        + (t.namespace() == null ? " at the cluster scope" : " in the namespace \"" + t.namespace() + "\"");
                return Optional.of(ApiStatus.failure(403, "Forbidden", message, t.plural(), t.name()));
            }
        }
        return Optional.empty();
    }

    static String verb(String method, boolean named, boolean watch) {
        return switch (method.toUpperCase(Locale.ROOT)) {
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> watch ? "watch" : named ? "get" : "list";
        };
    }
}
